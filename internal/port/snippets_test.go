package port_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/port"
	"github.com/wxpay-go/wechatpay/internal/tempmodule"
)

// snippetCase is a docs-style sample of testdata/snippets and what the
// test server must see when its port runs: APIv2 fields, or values of the
// APIv3 JSON body by top-level key, exactly.
type snippetCase struct {
	file   string
	v2     bool
	fields map[string]string // APIv2: the request's fields
	body   map[string]string // APIv3: top-level body values, as JSON
	query  map[string]string // the request's query
	setup  string            // Go statements run first, with srv in scope
	files  map[string]string // files the port writes, and their contents
}

var snippetCases = []snippetCase{
	{file: "micropay_json_encode.php", v2: true, fields: map[string]string{
		"detail":     `{"cost_price":608800,"goods_detail":[{"goods_id":"\u5546\u54c1\u7f16\u7801","wxpay_goods_id":"1001","goods_name":"iPhone6s 16G","quantity":1,"price":528800},{"goods_id":"iphone6s_32G","quantity":1,"price":608800}]}`,
		"scene_info": `{"store_info":{"id":"SZTX001","name":"腾大餐厅 / 南山店","area_code":"440305","address":"科技园中一路腾讯大厦"}}`,
		"attach":     "from%3Dshop%26note%3Dtwo+words%7E",
	}},
	{file: "micropay_json_stringify.js", v2: true, fields: map[string]string{
		"scene_info": `{"store_info":{"id":"SZTX001","name":"腾大餐厅 / 南山店","area_code":"440305"}}`,
		"attach":     "from%3Dshop%26note%3Dtwo%20words~*",
	}},
	{file: "h5entrustweb_sign.php", v2: true, query: map[string]string{
		"contract_display_account": "微信代扣",
		"return_web":               "https%3A%2F%2Fexample.com%2Freturn%3Ffrom%3Dh5",
		"outerid":                  "user123",
		"sign_type":                "HMAC-SHA256",
	}},
	{file: "native_built_body.php", body: map[string]string{
		"out_trade_no": `"N20261206001"`,
		"description":  `"Image形象店-深圳腾大-QQ公仔 x2"`,
		"amount":       `{"currency":"CNY","total":100}`,
	}},
	{file: "billdownload_sink.php",
		setup: `srv.Handle("GET", "v3/billdownload/file", func(*wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Reply{Body: []byte("交易时间,公众账号ID\n` + "`" + `2026-12-06 12:00:00,` + "`" + `wxd678efh567hg6787\n")}
	})`,
		query: map[string]string{"token": "6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"},
		files: map[string]string{"bill.csv": "交易时间,公众账号ID\n`2026-12-06 12:00:00,`wxd678efh567hg6787\n"},
	},
	{file: "upload_file_url.php",
		setup: `if err := os.WriteFile("/tmp/wxpay-port-snippet.jpg", append([]byte("\xff\xd8\xff\xe0"), make([]byte, 60)...), 0o600); err != nil {
		panic(err)
	}
	defer os.Remove("/tmp/wxpay-port-snippet.jpg")`,
	},
	{file: "upload_stream.php",
		setup: `if err := os.WriteFile("/tmp/wxpay-port-stream.bin", append([]byte("\xff\xd8\xff\xe0"), make([]byte, 60)...), 0o600); err != nil {
		panic(err)
	}
	defer os.Remove("/tmp/wxpay-port-stream.bin")`,
	},
}

// Each docs-style sample ports with nothing lost, and its Go, run against
// the test server, sends what the sample's SDK would.
func TestDocsSnippetsRunAgainstTheTestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	imports := map[string]bool{"context": true, "encoding/json": true, "fmt": true, "net/url": true, "os": true, "strings": true,
		tempmodule.ModulePath + "/transformer": true,
		tempmodule.ModulePath:                  true, tempmodule.ModulePath + "/wxpaytest": true}
	var funcs, calls strings.Builder
	for i, sc := range snippetCases {
		src, err := os.ReadFile(filepath.Join("testdata", "snippets", sc.file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := port.Convert(src, port.Options{})
		if err != nil {
			t.Fatalf("%s: %v", sc.file, err)
		}
		if len(res.Diagnostics) > 0 {
			t.Errorf("%s: not ported: %v", sc.file, res.Diagnostics)
		}
		for _, path := range res.Imports {
			imports[path] = true
		}
		_, body, _ := strings.Cut(string(res.Code), "\n")
		fmt.Fprintf(&funcs, "func case%d(ctx context.Context, client *wechatpay.Client) {\n%s}\n\n", i, body)
		client := "srv.Client()"
		if sc.v2 {
			client = "srv.V2Client()"
		}
		if sc.setup != "" {
			fmt.Fprintf(&calls, "\t%s\n", sc.setup)
		}
		fmt.Fprintf(&calls, "\tcase%d(ctx, %s)\n\tseen(%q)\n", i, client, sc.file)
		for name := range sc.files {
			fmt.Fprintf(&calls, "\tshow(%q)\n", name)
		}
	}
	var paths []string
	for path := range imports {
		paths = append(paths, fmt.Sprintf("%q", path))
	}
	sort.Strings(paths)
	program := "package main\n\nimport (\n" + strings.Join(paths, "\n") + "\n)\n\n" + funcs.String() + `func main() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	seen := func(name string) {
		reqs := srv.Requests()
		r := reqs[len(reqs)-1]
		if r.Err != nil {
			fmt.Println("REFUSED", name, r.Method, r.Target, r.Err)
			os.Exit(1)
		}
		u, _ := url.Parse(r.Target)
		var fields map[string]string
		if strings.HasPrefix(string(r.Body), "<xml>") {
			fields, _ = transformer.ToMap(r.Body)
		}
		line, _ := json.Marshal(map[string]any{"fields": fields, "body": json.RawMessage(orNull(r.Body)), "query": u.Query()})
		fmt.Printf("== %s %s\n", name, line)
	}
	show := func(name string) {
		data, err := os.ReadFile(name)
		line, _ := json.Marshal(map[string]any{"content": string(data), "err": fmt.Sprint(err)})
		fmt.Printf("== file:%s %s\n", name, line)
	}
` + calls.String() + "}\n\nfunc orNull(b []byte) []byte {\n\tif !json.Valid(b) {\n\t\treturn []byte(\"null\")\n\t}\n\treturn b\n}\n"

	m := tempmodule.New(t)
	m.Write(t, "main.go", []byte(program))
	out, err := m.Go("run", ".")
	if err != nil {
		t.Fatalf("%v\n%s\n--- program:\n%s", err, out, program)
	}
	seen := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "== "); ok {
			name, js, _ := strings.Cut(rest, " ")
			seen[name] = js
		}
	}
	for _, sc := range snippetCases {
		var got struct {
			Fields map[string]string
			Body   map[string]json.RawMessage
			Query  map[string][]string
		}
		if err := json.Unmarshal([]byte(seen[sc.file]), &got); err != nil {
			t.Errorf("%s: no request seen (%v):\n%s", sc.file, err, out)
			continue
		}
		for k, want := range sc.fields {
			if got.Fields[k] != want {
				t.Errorf("%s: field %s = %q, want %q", sc.file, k, got.Fields[k], want)
			}
		}
		for k, want := range sc.body {
			if string(got.Body[k]) != want {
				t.Errorf("%s: body %s = %s, want %s", sc.file, k, got.Body[k], want)
			}
		}
		for name, want := range sc.files {
			var file struct{ Content, Err string }
			json.Unmarshal([]byte(seen["file:"+name]), &file)
			if file.Content != want {
				t.Errorf("%s: file %s = %q (%s), want %q", sc.file, name, file.Content, file.Err, want)
			}
		}
		for k, want := range sc.query {
			if v := strings.Join(got.Query[k], ","); v != want {
				t.Errorf("%s: query %s = %q, want %q", sc.file, k, v, want)
			}
		}
	}
}
