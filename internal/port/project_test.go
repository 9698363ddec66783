package port_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/port"
	"github.com/wxpay-go/wechatpay/internal/tempmodule"
)

// The report of the fixture project is the golden one: the files outside
// vendor/, node_modules/ and hidden directories, each call site with its
// endpoint, Go function and what was lost, and the endpoints.
func TestProjectReport(t *testing.T) {
	rep, err := port.Project(os.DirFS("testdata/project"), port.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := rep.Text()
	golden := filepath.Join("testdata", "project.golden")
	if *update {
		os.WriteFile(golden, []byte(text), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Errorf("report (go test -update rewrites %s):\n%s", golden, text)
	}
	// The porting guide shows this report.
	guide, err := os.ReadFile("../../docs/porting.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(guide), "## A whole project\n")
	start := strings.Index(section, "```text\n")
	end := strings.Index(section[start+1:], "```\n")
	if start < 0 || end < 0 {
		t.Fatal("porting.md: no report in the section A whole project")
	}
	if shown := section[start+len("```text\n") : start+1+end]; shown != text {
		if *update {
			os.WriteFile("../../docs/porting.md", []byte(strings.Replace(string(guide), shown, text, 1)), 0o644)
		} else {
			t.Errorf("porting.md shows another report (go test -update rewrites it):\n%s", shown)
		}
	}
	for _, f := range rep.Files {
		if strings.Contains(f.Path, "vendor/") || strings.Contains(f.Path, "node_modules/") || strings.HasSuffix(f.Path, ".d.ts") {
			t.Errorf("%s is not the application's code", f.Path)
		}
	}
	if rep.CallSites != rep.Ported+rep.Lost || rep.Lost == 0 || rep.Ported == 0 {
		t.Errorf("%d call sites, %d ported, %d lost", rep.CallSites, rep.Ported, rep.Lost)
	}

	// The JSON inventory says the same.
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Files []struct {
			Path      string
			CallSites []struct {
				Line     int
				Method   string
				Endpoint string
				Func     string
				Lost     []struct {
					Line    int
					Message string
				}
			} `json:"call_sites"`
		}
		Endpoints []struct{ Method, Endpoint string }
		CallSites int `json:"call_sites"`
		Lost      int
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	sites, lost := 0, 0
	for _, f := range back.Files {
		for _, s := range f.CallSites {
			sites++
			if len(s.Lost) > 0 {
				lost++
				if s.Lost[0].Message == "" || s.Lost[0].Line == 0 {
					t.Errorf("%s:%d: a loss without its reason: %+v", f.Path, s.Line, s.Lost)
				}
			}
		}
	}
	if sites != back.CallSites || lost != back.Lost || len(back.Endpoints) != len(rep.Endpoints) {
		t.Errorf("JSON: %d sites (says %d), %d lost (says %d):\n%s", sites, back.CallSites, lost, back.Lost, data)
	}
}

// The Go files of the fixture project compile together as one package,
// and every call site ported with nothing lost runs against the test
// server, which accepts each request.
func TestProjectRunsAgainstTheTestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	rep, err := port.Project(os.DirFS("testdata/project"), port.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := tempmodule.New(t)
	var calls strings.Builder
	ran := 0
	for _, f := range rep.Files {
		if f.Code == nil {
			continue
		}
		m.Write(t, "ported/"+f.GoFile, f.Code)
		for _, s := range f.CallSites {
			if s.Func == "" || len(s.Lost) > 0 {
				continue
			}
			client := "srv.Client()"
			if strings.HasPrefix(s.Endpoint, "v2/") {
				client = "srv.V2Client()"
			}
			params, names, args := []string{"ctx context.Context", "c *wechatpay.Client"}, []string{"ctx", "c"}, []string{"ctx", client}
			for _, in := range s.Inputs {
				v, ok := projectInputs[in.Name]
				if !ok || in.Type != "string" {
					t.Fatalf("%s:%d: no test value for the input %s %s", f.Path, s.Line, in.Name, in.Type)
				}
				params, names, args = append(params, in.Name+" "+in.Type), append(names, in.Name), append(args, fmt.Sprintf("%q", v))
			}
			exported := strings.ToUpper(s.Func[:1]) + s.Func[1:]
			m.Write(t, "ported/export_"+s.Func+".go", []byte(fmt.Sprintf(
				"package ported\n\nimport (\n\t\"context\"\n\n\t\"github.com/wxpay-go/wechatpay\"\n)\n\nfunc %s(%s) { %s(%s) }\n",
				exported, strings.Join(params, ", "), s.Func, strings.Join(names, ", "))))
			fmt.Fprintf(&calls, "\tported.%s(%s)\n", exported, strings.Join(args, ", "))
			ran++
		}
	}
	m.Write(t, "main.go", []byte(`package main

import (
	"context"
	"fmt"
	"os"

	"example.test/tempmodule/ported"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func main() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	if err := srv.SetPaid("1217752501201407033233368018"); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	ctx := context.Background()
`+calls.String()+`	for _, r := range srv.Requests() {
		if r.Err != nil {
			fmt.Println("REFUSED", r.Method, r.Target, r.Err)
			os.Exit(1)
		}
	}
	fmt.Println("requests:", len(srv.Requests()))
}
`))
	if out, err := m.Go("vet", "./..."); err != nil {
		t.Fatalf("the ported package does not compile: %v\n%s", err, out)
	}
	out, err := m.Go("run", ".")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := fmt.Sprintf("requests: %d\n", ran); !strings.Contains(string(out), want) || ran != rep.Ported {
		t.Errorf("ran %d of %d ported call sites; output:\n%s", ran, rep.Ported, out)
	}
}

// projectInputs are what the fixture application would pass as the
// inputs of its call sites: the test server's orders.
var projectInputs = map[string]string{
	"requestOutTradeNo": "P20261206120001",
	"transactionId":     "4200000985202103031441826014",
}
