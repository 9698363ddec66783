package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/port"
)

func TestPortCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	seed := filepath.Join("..", "..", "internal", "port", "testdata", "001_926dae0b5d399a65.txt")
	if code := run(context.Background(), []string{"port", seed}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), `// imports: "fmt" "github.com/wxpay-go/wechatpay" "log"`+"\n") ||
		!strings.Contains(stdout.String(), "resp6, err6 := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(ctx, wechatpay.M{") {
		t.Errorf("output:\n%s", stdout.String())
	}

	stdout.Reset()
	stderr.Reset()
	in := strings.NewReader("wxpay.v3.ecommerce.combinePapay.transactions._combine_out_trade_no_.reverse.post({ combine_appid, sub_orders }, { combine_out_trade_no })")
	code := portCmd([]string{"-main", "-var", "combine_appid=wxd678efh567hg6787", "-var", `sub_orders=[{"mchid":"1230000109"}]`, "-var", "combine_out_trade_no=123", "-"}, in, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"package main", `combineAppid := "wxd678efh567hg6787"`, `combineOutTradeNo := "123"`, `"mchid": "1230000109",`, "configfile.Load(*config)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestPortCommandReportsWhatItCannotPort(t *testing.T) {
	file := filepath.Join(t.TempDir(), "snippet.php")
	os.WriteFile(file, []byte("<?php\n$instance->v3->pay->transactions->native->post([\n  'timeout' => 3,\n]);\n"), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		out  string
		err  string
	}{
		{[]string{file}, 1, "client.V3().Pay().Transactions().Native().Post(ctx)", file + `:3: option "timeout"`},
		{[]string{"/nonexistent.php"}, 1, "", "no such file"},
		{[]string{"-var", "novalue", file}, 2, "", "want name=value"},
		{[]string{"a", "b"}, 2, "", "usage: wxpay port"},
	} {
		var stdout, stderr bytes.Buffer
		code := portCmd(tc.args, strings.NewReader(""), &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.out) || !strings.Contains(stderr.String(), tc.err) {
			t.Errorf("%v: exit %d\nstdout %s\nstderr %s", tc.args, code, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := portCmd([]string{"-"}, strings.NewReader("no code here"), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "<stdin>: no PHP or Node chain call found") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

// Given a directory, wxpay port ports the project: the report on standard
// output (or JSON), a Go file per source file with -o, and exit status 1
// while something is lost, 0 once nothing is.
func TestPortCommandProject(t *testing.T) {
	fixture := filepath.Join("..", "..", "internal", "port", "testdata", "project")
	golden, err := os.ReadFile(filepath.Join("..", "..", "internal", "port", "testdata", "project.golden"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := port.Project(os.DirFS(fixture), port.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := portCmd([]string{"-o", out, fixture}, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1 (a call site lost something): %s", code, stderr.String())
	}
	if stdout.String() != string(golden) || !strings.Contains(stderr.String(), fmt.Sprintf("%d of %d call sites lost something", want.Lost, want.CallSites)) {
		t.Errorf("stdout:\n%s\nstderr: %s", stdout.String(), stderr.String())
	}
	code, err := os.ReadFile(filepath.Join(out, "app_services_refundservice_php.go"))
	if err != nil || !strings.Contains(string(code), "package ported") || !strings.Contains(string(code), "func refundLine19(ctx context.Context, client *wechatpay.Client) {") {
		t.Errorf("%v:\n%s", err, code)
	}

	stdout.Reset()
	portCmd([]string{"-json", fixture}, strings.NewReader(""), &stdout, &stderr)
	var rep struct {
		CallSites int `json:"call_sites"`
		Lost      int
		Endpoints []struct{ Method, Endpoint string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.CallSites != want.CallSites || rep.Lost != want.Lost || rep.Lost == 0 || len(rep.Endpoints) != len(want.Endpoints) {
		t.Errorf("%v: %+v\n%s", err, rep, stdout.String())
	}

	// A project with nothing lost exits 0; one without a call site, 1.
	clean := t.TempDir()
	os.MkdirAll(filepath.Join(clean, "src"), 0o755)
	os.WriteFile(filepath.Join(clean, "src", "certs.js"), []byte("const res = await wxpay.v3.certificates.get()\nconsole.log(res.status)\n"), 0o600)
	stdout.Reset()
	if code := portCmd([]string{clean}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Errorf("exit %d: %s\n%s", code, stdout.String(), stderr.String())
	}
	stderr.Reset()
	if code := portCmd([]string{t.TempDir()}, strings.NewReader(""), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "no PHP or Node chain call found") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
