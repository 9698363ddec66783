package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// wxpay serve runs the test server for other programs: the config file it
// writes works for APIv3, APIv2 with the merchant certificate, and the
// certificate download, and it prints what each request came to.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "server")
	var out, errOut bytes.Buffer
	stdin, typed := io.Pipe()
	defer typed.Close()
	configs := make(chan string, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- serve(ctx, []string{"-dir", dir}, stdin, &out, &errOut, func(config string) { configs <- config })
	}()
	var config string
	select {
	case config = <-configs:
	case code := <-exit:
		t.Fatalf("serve exited %d before it was ready: %s", code, errOut.String())
	}
	for _, name := range []string{"config.json", "apiclient_key.pem", "apiclient_cert.pem", "pub_key.pem", "ca.pem"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("serve wrote no %s: %v", name, err)
		}
	}

	reverse := []string{"-c", config, "-security", "-f", "appid=wxd678efh567hg6787", "-f", "mch_id=1230000109",
		"-f", "out_trade_no=1217752501201407033233368018", "v2/secapi/pay/reverse"}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"-c", config, "-q", "mchid=1230000109", "v3/pay/transactions/out-trade-no/1217752501201407033233368018"}, 0},
		// The first reverse of an order times out (recall Y), as real
		// ones sometimes do; the second reverses it.
		{reverse, 1},
		{reverse, 0},
		{[]string{"-c", config, "v3/pay/transactions/out-trade-no/1217752501201407033233368018"}, 1},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(ctx, tc.args, &stdout, &stderr); code != tc.code {
			t.Errorf("wxpay %s: exit %d, want %d\n%s%s", strings.Join(tc.args, " "), code, tc.code, stdout.String(), stderr.String())
		}
	}

	// An order placed with a notify_url on this machine, paid from stdin:
	// its callback reaches the handler. Each write to the pipe returns once
	// the line is read, and a line is read only after the one before it
	// was carried out, so after the two empty lines the commands are done.
	paid := make(chan string, 1)
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		paid <- gjson.GetBytes(body, "event_type").String()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer handler.Close()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"-c", config, "-d", `{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"d",` +
		`"out_trade_no":"N1","notify_url":"` + handler.URL + `/notify","amount":{"total":1}}`, "v3/pay/transactions/native"}, &stdout, &stderr); code != 0 {
		t.Fatalf("native order: exit %d: %s", code, stderr.String())
	}
	for _, line := range []string{"pay N1\n", "pay nope\n", "refund N1\n", "\n", "\n"} {
		if _, err := io.WriteString(typed, line); err != nil {
			t.Fatal(err)
		}
	}
	if event := <-paid; event != "TRANSACTION.SUCCESS" {
		t.Errorf("callback event %q", event)
	}

	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{
		"test server https://127.0.0.1:",
		"wxpay -c " + config + " -q mchid=1230000109 v3/pay/transactions/out-trade-no/1217752501201407033233368018",
		"GET /v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109 -> ok\n" +
			"POST /secapi/pay/reverse -> 200 SYSTEMERROR: 系统超时\n" +
			"POST /secapi/pay/reverse -> ok\n" +
			"GET /v3/pay/transactions/out-trade-no/1217752501201407033233368018 -> 400 PARAM_ERROR: query parameter mchid is required\n" +
			"POST /v3/pay/transactions/native -> ok\n" +
			"pay: N1 is paid; TRANSACTION.SUCCESS callback -> 204 No Content\n" +
			"pay: wxpaytest: Pay: no order \"nope\"\n" +
			"unknown command \"refund N1\"; the one command is: pay OUT_TRADE_NO\n" +
			"stopped after 5 request(s)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("serve output lacks %q:\n%s", want, text)
		}
	}
}

func TestServeUsage(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "extra"}, &out, &out); code != 2 || !strings.Contains(out.String(), "wxpay serve [-dir DIR]") {
		t.Errorf("exit %d: %s", code, out.String())
	}
}

// -addr puts the server on a known port; a busy one is an error naming it.
func TestServeAddr(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-dir", t.TempDir(), "-addr", busy.Addr().String()}, &out, &out); code != 1 || !strings.Contains(out.String(), "cannot listen on "+busy.Addr().String()) {
		t.Errorf("busy address: exit %d: %s", code, out.String())
	}

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	ctx, cancel := context.WithCancel(context.Background())
	out.Reset()
	code := serve(ctx, []string{"-dir", t.TempDir(), "-addr", addr}, strings.NewReader(""), &out, &out, func(string) { cancel() })
	if code != 0 || !strings.Contains(out.String(), "test server https://"+addr+"/\n") {
		t.Errorf("exit %d: %s", code, out.String())
	}
}
