package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, &out, &out); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"-> POST /v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse",
		`"out_trade_no": "1217752501201407033233368018"`,
		"-> POST /v3/ecommerce/combine-papay/transactions/P20150806125346/reverse",
		"<- 204, signature verified",
		"-> GET /v3/pay/transactions/out-trade-no/1217752501201407033233368019?mchid=1230000109",
		`"trade_state": "NOTPAY"`,
		"<- refused: POST v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse: response verification failed: signature does not match",
		"-> POST /secapi/pay/facepayreverse",
		"<sign_type>HMAC-SHA256</sign_type>",
		"<- 200, sign verified (HMAC-SHA256)",
		"   recall: N",
		"<- POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y): calling again",
		"<- SUCCESS, recall N: the order is reversed",
		"<- refused: POST v2/pay/orderquery: response verification failed: xmlsign: signature does not match",
		"<- 204: callback verified (serial, timestamp, RSA signature); TRANSACTION.SUCCESS EV-",
		`"transaction_id": "4200000985202103031441826015"`,
		`<- 401 {"code":"FAIL","message":"signature test probe rejected"} (notify: verify: WECHATPAY/SIGNTEST/ probe signature)`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if n := strings.Count(text, "signature verified"); n != 6 {
		t.Errorf("%d verified replies, want 6\n%s", n, text)
	}
}

// writeConfig writes the files of srv's merchant and a config file naming
// them, as wxpay serve does.
func writeConfig(t *testing.T, srv *wxpaytest.Server) string {
	t.Helper()
	path, err := srv.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRequestMode(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	ctx := context.Background()

	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-c", config, "-d", `{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`,
		"-p", "out_trade_no=1217752501201407033233368018", "-H", "X-Trace: demo",
		"v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"out_trade_no": "1217752501201407033233368018"`) || !strings.Contains(stderr.String(), "signature verified") {
		t.Fatalf("stdout %s\nstderr %s", stdout.String(), stderr.String())
	}
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != "POST" || last.Header.Get("X-Trace") != "demo" || string(last.Body) != `{"appid":"wxd678efh567hg6787","mchid":"1230000109"}` {
		t.Fatalf("server saw %s %s %q", last.Method, last.Target, last.Body)
	}

	stdout.Reset()
	stderr.Reset()
	code = run(ctx, []string{"-c", config, "-q", "mchid=1230000109", "-p", "out_trade_no=nope",
		"v3/pay/transactions/out-trade-no/{out_trade_no}"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "404 ORDER_NOT_EXIST") || !strings.Contains(stdout.String(), `"code": "ORDER_NOT_EXIST"`) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout.String(), stderr.String())
	}
}

// An APIv2 request from the command line: fields with -f, the merchant
// certificate with -security, the request logged with -v.
func TestRequestModeV2(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	ctx := context.Background()

	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-c", config, "-v", "-f", "appid=" + srv.AppID, "-f", "mch_id=" + srv.MchID,
		"-f", "out_trade_no=1217752501201407033233368018", "v2/pay/orderquery"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "<trade_state><![CDATA[SUCCESS]]></trade_state>") || !strings.HasSuffix(stdout.String(), "</xml>\n") ||
		!strings.Contains(stderr.String(), "(signature verified)") ||
		!strings.Contains(stderr.String(), `level=DEBUG msg="wechatpay: request" method=POST path=v2/pay/orderquery`) {
		t.Fatalf("stdout %s\nstderr %s", stdout.String(), stderr.String())
	}

	// The face-pay reverse needs the merchant certificate: refused
	// without -security, sent with it.
	reverse := []string{"-c", config, "-f", "appid=" + srv.AppID, "-f", "mch_id=" + srv.MchID,
		"-f", "out_trade_no=1217752501201407033233368018", "-f", "sign_type=HMAC-SHA256"}
	stderr.Reset()
	if code := run(ctx, append(reverse, "v2/secapi/pay/facepayreverse"), &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), `"security"`) {
		t.Errorf("without -security: exit %d, %s", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, append(reverse, "-security", "v2/secapi/pay/facepayreverse"), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "<recall><![CDATA[N]]></recall>") {
		t.Errorf("with -security: exit %d\nstdout %s\nstderr %s", code, stdout.String(), stderr.String())
	}

	// A bill: an endpoint whose replies are not signed, said so.
	stdout.Reset()
	stderr.Reset()
	code = run(ctx, []string{"-c", config, "-f", "appid=" + srv.AppID, "-f", "mch_id=" + srv.MchID,
		"-f", "bill_date=20240501", "-f", "bill_type=ALL", "v2/pay/downloadbill"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stderr.String(), "(an endpoint whose replies WeChat Pay does not sign)") {
		t.Errorf("bill: exit %d, %s", code, stderr.String())
	}
}

func TestRequestModeErrors(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"mchid":"1","privatekey_typo":"x"}`), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"v3/x"}, 2, "usage"},
		{[]string{"-c", config, "-m", "TRACE", "v3/x"}, 1, `method "TRACE"`},
		{[]string{"-c", config, "-p", "novalue", "v3/x"}, 1, "want name=value"},
		{[]string{"-c", config, "-f", "novalue", "v2/pay/orderquery"}, 1, "-f \"novalue\": want name=value"},
		{[]string{"-c", config, "-f", "a=b", "-d", "{}", "v3/x"}, 1, `option "xml" is for APIv2`},
		{[]string{"-c", config, "v3/pay/transactions/out-trade-no/{out_trade_no}"}, 1, `variable "out_trade_no" has no value`},
		{[]string{"-c", bad, "v3/x"}, 1, "privatekey_typo"},
		{[]string{"-c", "/nonexistent/config.json", "v3/x"}, 1, "no such file"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("bad invocations sent %d requests", len(srv.Requests()))
	}
}

// "wxpay COMMAND -h" prints that command's usage and flags, and runs
// nothing.
func TestCommandHelp(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"demo", []string{"wxpay demo\n", "run the order-reverse calls"}},
		{"serve", []string{"wxpay serve [-dir DIR]", "-keys string", "-addr string", "-dir string"}},
		{"crt", []string{"wxpay crt -c config.json", "-root string", "-path string"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{tc.cmd, "-h"}, &stdout, &stderr)
		help := stderr.String()
		if code != 2 || stdout.Len() != 0 {
			t.Errorf("%s -h: exit %d, stdout %q", tc.cmd, code, stdout.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(help, w) {
				t.Errorf("%s -h lacks %q:\n%s", tc.cmd, w, help)
			}
		}
		for _, other := range []string{"demo", "serve", "crt", "port"} {
			if other != tc.cmd && strings.Contains(help, "wxpay "+other) {
				t.Errorf("%s -h also shows wxpay %s:\n%s", tc.cmd, other, help)
			}
		}
	}
}
