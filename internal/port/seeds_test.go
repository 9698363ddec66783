package port_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/internal/port"
	"github.com/wxpay-go/wechatpay/internal/tempmodule"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// seedVars are the values of the JS seeds' free variables: the fixtures
// of the test server, which are the documentation's examples.
var seedVars = map[string]any{
	"appid":                wxpaytest.DefaultAppID,
	"mchid":                wxpaytest.DefaultMchID,
	"out_trade_no":         "1217752501201407033233368018",
	"combine_appid":        wxpaytest.DefaultAppID,
	"combine_out_trade_no": "P20150806125346",
	"sub_orders": []any{map[string]any{
		"mchid": wxpaytest.DefaultMchID, "out_trade_no": "20150806125346", "sub_mchid": "1900000109", "sub_appid": "wxd678efh567hg6999",
	}},
}

// seed is a seed page, what porting it must give, and what the ported
// code prints when it runs against the test server.
type seed struct {
	file     string
	v2       bool // runs with the server's APIv2 client
	snippets int
	language string
	template string
	prints   string // printed by each snippet
}

var seeds = []seed{
	{"000_cc2526aa067f2dd1.txt", false, 1, "Node", "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse",
		"map[appid:wxd678efh567hg6787 mchid:1230000109 out_trade_no:1217752501201407033233368018]"},
	{"001_926dae0b5d399a65.txt", false, 6, "PHP", "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse",
		`"out_trade_no":"1217752501201407033233368018"`},
	{"003_e769846fb10c4bdd.txt", false, 1, "Node", "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse",
		"true"},
	{"004_66f4e29356c2dc44.txt", true, 6, "PHP", "v2/secapi/pay/facepayreverse",
		"return_code:SUCCESS"},
}

func convertSeed(t *testing.T, s seed, opts port.Options) port.Result {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", s.file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := port.Convert(src, opts)
	if err != nil {
		t.Fatalf("%s: %v", s.file, err)
	}
	if len(res.Diagnostics) > 0 {
		t.Errorf("%s: not ported: %v", s.file, res.Diagnostics)
	}
	if len(res.Snippets) != s.snippets {
		t.Fatalf("%s: %d snippets, want %d", s.file, len(res.Snippets), s.snippets)
	}
	for _, sn := range res.Snippets {
		if !sn.Typed || sn.Language != s.language || sn.Template != s.template || sn.Method != "POST" {
			t.Errorf("%s: snippet %+v", s.file, sn)
		}
	}
	return res
}

// The page with only the official Java and Go samples has nothing to
// port.
func TestSeedWithoutChainCode(t *testing.T) {
	src, err := os.ReadFile("testdata/002_4d572e902be79ac6.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := port.Convert(src, port.Options{}); !errors.Is(err, port.ErrNoSnippet) {
		t.Fatalf("error %v, want ErrNoSnippet", err)
	}
}

// Every PHP and JS snippet of the seeds is ported, and the Go compiles
// and runs against the built-in test server: the statements inside a
// function with ctx and client in scope, as the output contract says.
func TestSeedsRunAgainstTheTestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	imports := map[string]bool{"context": true, "fmt": true, "os": true, tempmodule.ModulePath: true, tempmodule.ModulePath + "/wxpaytest": true}
	var funcs, calls strings.Builder
	for i, s := range seeds {
		res := convertSeed(t, s, port.Options{Vars: seedVars})
		first, body, _ := strings.Cut(string(res.Code), "\n")
		var listed []string
		for _, path := range res.Imports {
			listed = append(listed, fmt.Sprintf("%q", path))
			imports[path] = true
		}
		if want := "// imports: " + strings.Join(listed, " "); first != want {
			t.Errorf("%s: first line %q, want %q", s.file, first, want)
		}
		fmt.Fprintf(&funcs, "func seed%d(ctx context.Context, client *wechatpay.Client) {\n%s}\n\n", i, body)
		client := "srv.Client()"
		if s.v2 {
			client = "srv.V2Client()"
		}
		fmt.Fprintf(&calls, "\tfmt.Println(%q)\n\tseed%d(ctx, %s)\n", "== "+s.file, i, client)
	}
	var paths []string
	for path := range imports {
		paths = append(paths, fmt.Sprintf("%q", path))
	}
	sort.Strings(paths)
	program := "package main\n\nimport (\n" + strings.Join(paths, "\n") + "\n)\n\n" + funcs.String() +
		"func main() {\n\tsrv := wxpaytest.NewServer()\n\tdefer srv.Close()\n\tctx := context.Background()\n" + calls.String() +
		"\tfor _, r := range srv.Requests() {\n\t\tif r.Err != nil {\n\t\t\tfmt.Println(\"REFUSED\", r.Method, r.Target, r.Err)\n\t\t\tos.Exit(1)\n\t\t}\n\t}\n" +
		"\tfmt.Println(\"requests:\", len(srv.Requests()))\n}\n"

	m := tempmodule.New(t)
	m.Write(t, "main.go", []byte(program))
	out, err := m.Go("run", ".")
	if err != nil {
		t.Fatalf("%v\n%s\n--- program:\n%s", err, out, program)
	}
	text := string(out)
	total := 0
	for _, s := range seeds {
		_, section, _ := strings.Cut(text, "== "+s.file+"\n")
		section, _, _ = strings.Cut(section, "\n== ")
		if n := strings.Count(section, s.prints); n != s.snippets {
			t.Errorf("%s: %q printed %d times, want %d:\n%s", s.file, s.prints, n, s.snippets, section)
		}
		total += s.snippets
	}
	if !strings.Contains(text, fmt.Sprintf("requests: %d\n", total)) {
		t.Errorf("the server did not see %d accepted requests:\n%s", total, text)
	}
}

// With Main, a seed ports to a whole program that reads its client from
// -c config.json and runs against a server it is pointed at.
func TestSeedAsProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	res := convertSeed(t, seeds[1], port.Options{Main: true})
	if !strings.HasPrefix(string(res.Code), "// Command main") || !strings.Contains(string(res.Code), "configfile.Load(*config)") {
		t.Fatalf("not a program:\n%s", res.Code)
	}
	m := tempmodule.New(t)
	m.Write(t, "main.go", res.Code)
	bin := filepath.Join(t.TempDir(), "ported")
	if out, err := m.Go("build", "-o", bin, "."); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, res.Code)
	}

	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	if _, err := configfile.Load(config); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(context.Background(), bin, "-c", config).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := strings.Count(string(out), `"out_trade_no":"1217752501201407033233368018"`); n != 6 {
		t.Errorf("output:\n%s", out)
	}
	if reqs := srv.Requests(); len(reqs) != 6 || reqs[0].Err != nil {
		t.Errorf("server saw %d requests: %+v", len(reqs), reqs)
	}
}

// writeConfig writes the files of srv's merchant and a config file naming
// them.
func writeConfig(t *testing.T, srv *wxpaytest.Server) string {
	t.Helper()
	path, err := srv.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}
