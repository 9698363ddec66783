package port_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/port"
	"github.com/wxpay-go/wechatpay/internal/tempmodule"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/realcode")

// realcode lists the application sources of testdata/realcode: services,
// controllers and bundles in the styles merchants write them.
func realcode(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*.php", "*.js", "*.ts"} {
		files, err := filepath.Glob(filepath.Join("testdata", "realcode", pattern))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, files...)
	}
	if len(out) == 0 {
		t.Fatal("no sources in testdata/realcode")
	}
	return out
}

// golden is what the porter makes of an application source: the code,
// then what it reports, one line each.
func golden(res port.Result) []byte {
	var b strings.Builder
	b.Write(res.Code)
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&b, "// diagnostic: %s\n", d)
	}
	return []byte(b.String())
}

// Each application source ports to the Go of its golden file, and every
// port compiles as a program.
func TestRealCode(t *testing.T) {
	m := tempmodule.New(t)
	sites, clean := 0, 0
	for i, file := range realcode(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := port.Convert(src, port.Options{})
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		sites += len(res.Snippets)
		if len(res.Diagnostics) == 0 {
			clean += len(res.Snippets)
		}
		got := golden(res)
		want := strings.TrimSuffix(file, filepath.Ext(file)) + ".golden"
		if *update {
			if err := os.WriteFile(want, got, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if data, err := os.ReadFile(want); err != nil {
			t.Errorf("%s: %v (go test -run TestRealCode -update writes it)", file, err)
		} else if string(data) != string(got) {
			t.Errorf("%s: the port is not %s; it is now:\n%s", file, want, got)
		}
		prog, err := port.Convert(src, port.Options{Main: true})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		m.Write(t, fmt.Sprintf("case%d/main.go", i), prog.Code)
	}
	t.Logf("%d call sites, %d in files ported without a diagnostic", sites, clean)
	if testing.Short() {
		return
	}
	if out, err := m.Go("vet", "./..."); err != nil {
		t.Errorf("the ported programs do not compile: %v\n%s", err, out)
	}
}
