package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/configfile"
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
			"GET /v3/pay/transactions/out-trade-no/1217752501201407033233368018 -> 400 PARAM_ERROR: 输入源“/query/mchid”映射到字段“mchid”必填性规则校验失败，此字段为必填项: query field mchid: is required\n" +
			"POST /v3/pay/transactions/native -> ok\n" +
			"pay: N1 is paid; TRANSACTION.SUCCESS callback -> 204 No Content\n" +
			"pay: wxpaytest: Pay: no order \"nope\"\n" +
			"refund: wxpaytest: CompleteRefund: no refund \"N1\"\n" +
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

// startServe runs serve with args until the test ends and returns the
// config file's path and a function that stops the server and returns
// what it printed.
func startServe(t *testing.T, args ...string) (config string, stop func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	var errOut bytes.Buffer
	stdin, typed := io.Pipe()
	configs := make(chan string, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- serve(ctx, args, stdin, out, &errOut, func(config string) { configs <- config })
	}()
	select {
	case config = <-configs:
	case code := <-exit:
		cancel()
		t.Fatalf("serve exited %d before it was ready: %s", code, errOut.String())
	}
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			typed.Close()
			if code := <-exit; code != 0 {
				t.Errorf("serve exited %d: %s", code, errOut.String())
			}
		}
		return out.String()
	}
	t.Cleanup(func() { stop() })
	return config, stop
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Each request is printed once, with its verdict, by the time its reply
// reaches the client: a refused request never shows as ok.
func TestServePrintsOnce(t *testing.T) {
	config, stop := startServe(t, "-dir", t.TempDir())
	client, err := configfile.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Odd requests lack mchid and are refused.
			query := wechatpay.M{"mchid": "1230000109"}
			if i%2 == 1 {
				query = wechatpay.M{"n": strconv.Itoa(i)}
			}
			client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
				"out_trade_no": "1217752501201407033233368018", "query": query,
			})
		}()
	}
	wg.Wait()
	// One more, checked as soon as its reply is in.
	client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "LAST"})
	const refusal = " -> 400 PARAM_ERROR: 输入源“/query/mchid”映射到字段“mchid”必填性规则校验失败，此字段为必填项: query field mchid: is required"
	last := "GET /v3/pay/transactions/out-trade-no/LAST" + refusal + "\n"
	text := stop()
	if !strings.Contains(text, last) {
		t.Errorf("the last request is not printed with its verdict:\n%s", text)
	}
	var ok, refused int
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "GET /v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109 -> "):
			if !strings.HasSuffix(line, " -> ok") {
				t.Errorf("accepted request printed as %q", line)
			}
			ok++
		case strings.HasPrefix(line, "GET /v3/pay/transactions/out-trade-no/1217752501201407033233368018?n="):
			if !strings.HasSuffix(line, refusal) {
				t.Errorf("refused request printed as %q", line)
			}
			refused++
		}
	}
	if ok != n/2 || refused != n/2 || !strings.Contains(text, fmt.Sprintf("stopped after %d request(s)\n", n+1)) {
		t.Errorf("%d ok and %d refused lines, want %d of each:\n%s", ok, refused, n/2, text)
	}
}

// -keys plays each key state: the config trusts the merchant's keys, the
// banner says where each file is, and the certificate download works
// where there are platform certificates.
func TestServeKeys(t *testing.T) {
	for _, tc := range []struct {
		keys     string
		pubKey   bool // pub_key.pem is written and trusted
		certsErr string
	}{
		{"pubkey", true, "404 RESOURCE_NOT_EXISTS"},
		{"certificate", false, ""},
		{"both", true, ""},
	} {
		t.Run(tc.keys, func(t *testing.T) {
			dir := t.TempDir()
			config, stop := startServe(t, "-dir", dir, "-keys", tc.keys)
			fc, err := configfile.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.APIv3Key) != 32 {
				t.Errorf("config.json apiv3Key %q", fc.APIv3Key)
			}
			if _, err := os.Stat(filepath.Join(dir, "pub_key.pem")); (err == nil) != tc.pubKey {
				t.Errorf("pub_key.pem written: %v, want %v", err == nil, tc.pubKey)
			}
			ctx := context.Background()
			var stdout, stderr bytes.Buffer
			if code := run(ctx, []string{"-c", config, "-q", "mchid=1230000109", "v3/pay/transactions/out-trade-no/1217752501201407033233368018"}, &stdout, &stderr); code != 0 {
				t.Errorf("query: exit %d: %s", code, stderr.String())
			}
			stdout.Reset()
			stderr.Reset()
			code := run(ctx, []string{"crt", "-c", config, "-k", fc.APIv3Key, "-o", t.TempDir()}, &stdout, &stderr)
			if tc.certsErr == "" && code != 0 || tc.certsErr != "" && (code != 1 || !strings.Contains(stderr.String(), tc.certsErr)) {
				t.Errorf("crt: exit %d, want error %q: %s", code, tc.certsErr, stderr.String())
			}
			text := stop()
			for _, want := range []string{"  keys " + tc.keys + ": ", "APIv3 key " + fc.APIv3Key, "  config.json         " + config + "\n",
				"  merchant key        " + filepath.Join(dir, "apiclient_key.pem") + "\n", "  TLS CA              " + filepath.Join(dir, "ca.pem") + "\n"} {
				if !strings.Contains(text, want) {
					t.Errorf("banner lacks %q:\n%s", want, text)
				}
			}
			for serial, path := range fc.Certs {
				if !strings.Contains(text, path+" ("+serial+")\n") {
					t.Errorf("banner does not name %s (%s):\n%s", path, serial, text)
				}
				if _, err := os.Stat(path); err != nil {
					t.Error(err)
				}
			}
		})
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-keys", "default"}, &out, &out); code != 2 || !strings.Contains(out.String(), `-keys "default": want certificate, pubkey or both`) {
		t.Errorf("-keys default: exit %d: %s", code, out.String())
	}
}
