package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
