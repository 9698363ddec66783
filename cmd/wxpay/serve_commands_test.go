package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// run types a line at the server and returns what it printed.
func typeLine(ctx context.Context, srv *wxpaytest.Server, line string) string {
	var b strings.Builder
	command(ctx, srv, line, &b)
	return b.String()
}

// The commands move each flow on, as a tester drives them.
func TestServeCommands(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	var mu sync.Mutex
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		events = append(events, r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	place := func(no string) {
		t.Helper()
		_, err := c.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
			"appid": srv.AppID, "mchid": srv.MchID, "description": "QQ公仔", "out_trade_no": no,
			"notify_url": hook.URL + "/pay", "amount": wechatpay.M{"total": 100},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	place("C-1")
	place("C-2")
	place("C-3")

	help := typeLine(ctx, srv, "help")
	for _, c := range serveCommands {
		if !strings.Contains(help, "  "+c.name) {
			t.Errorf("help lacks %s:\n%s", c.name, help)
		}
	}
	for line, want := range map[string]string{
		"pay C-1":          "pay: C-1 is paid; TRANSACTION.SUCCESS callback -> 204 No Content\n",
		"fail C-2":         "fail: C-2 is PAYERROR\n",
		"close C-3":        "close: C-3 is CLOSED\n",
		"pay":              "usage: pay OUT_TRADE_NO\n",
		"refund R-1 maybe": "refund: \"maybe\" is not one of abnormal, closed, ok\n",
		"fault Nope":       "fault: no fault \"Nope\"; the faults are BadSignature,",
		"frobnicate":       "unknown command \"frobnicate\"; type help for the commands\n",
		"bills":            "bills: today's trade and fund flow bills are out\n",
	} {
		if got := typeLine(ctx, srv, line); !strings.HasPrefix(got, want) {
			t.Errorf("%q printed %q, want %q", line, got, want)
		}
	}
	if got := srv.TradeState("C-2") + " " + srv.TradeState("C-3"); got != "PAYERROR CLOSED" {
		t.Errorf("states %s", got)
	}

	_, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"out_trade_no": "C-1", "out_refund_no": "R-1", "notify_url": hook.URL + "/refund",
		"amount": wechatpay.M{"refund": 40, "total": 100, "currency": "CNY"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := typeLine(ctx, srv, "refund R-1 abnormal"); got != "refund: R-1 is ABNORMAL; REFUND.ABNORMAL callback -> 204 No Content\n" {
		t.Errorf("refund printed %q", got)
	}
	if got := typeLine(ctx, srv, "resend C-1"); !strings.HasPrefix(got, "resend: TRANSACTION.SUCCESS C-1 (EV-") || !strings.HasSuffix(got, ") -> 204 No Content\n") {
		t.Errorf("resend printed %q", got)
	}
	if got := typeLine(ctx, srv, "callbacks"); strings.Count(got, "\n") != 3 || !strings.Contains(got, "REFUND.ABNORMAL R-1 -> "+hook.URL+"/refund: 204") {
		t.Errorf("callbacks printed %q", got)
	}
	mu.Lock()
	if strings.Join(events, " ") != "/pay /refund /pay" {
		t.Errorf("callbacks received %v", events)
	}
	mu.Unlock()

	if got := typeLine(ctx, srv, "fault ServerError 2"); got != "fault: the next 2 replies get ServerError\n" {
		t.Errorf("fault printed %q", got)
	}
	query := func() error {
		_, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "C-1", "query": wechatpay.M{"mchid": srv.MchID}})
		return err
	}
	for i := range 3 {
		err := query()
		var e *wechatpay.APIError
		if failed := errors.As(err, &e) && e.StatusCode == 500; failed != (i < 2) {
			t.Errorf("query %d after fault ServerError 2: %v", i+1, err)
		}
	}

	_, err = c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "out_bill_no": "T-1", "openid": "o-MYE42l80oelYMDE34nYD456Xoy", "transfer_amount": 30,
		"transfer_remark": "新会员有礼", "transfer_scene_id": "1000", "notify_url": hook.URL + "/transfer",
		"transfer_scene_report_infos": []any{wechatpay.M{"info_type": "活动名称", "info_content": "新会员有礼"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := typeLine(ctx, srv, "transfer T-1 fail"); got != "transfer: T-1 is FAIL; MCHTRANSFER.BILL.FINISHED callback -> 204 No Content\n" {
		t.Errorf("transfer printed %q", got)
	}
	if got := typeLine(ctx, srv, "share NOPE"); got != "share: wxpaytest: CompleteProfitSharing: no sharing order \"NOPE\"\n" {
		t.Errorf("share printed %q", got)
	}
}

// A fixtures file places orders in their states and scripts replies,
// which are signed as every reply is.
func TestLoadFixtures(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "fixtures.json")
	os.WriteFile(file, []byte(`{
		"orders": [
			{"out_trade_no": "F-PAID", "total": 500, "state": "SUCCESS", "profit_sharing": true},
			{"out_trade_no": "F-OPEN", "total": 100}
		],
		"replies": [
			{"method": "GET", "path": "v3/marketing/favor/stocks/{stock_id}", "status": 200, "body": {"stock_id": "9856000", "status": "running"}},
			{"method": "POST", "path": "v2/pay/closeorder", "fields": {"result_code": "SUCCESS"}}
		]
	}`), 0o600)
	orders, replies, err := loadFixtures(ctx, srv, file)
	if err != nil || orders != 2 || replies != 2 {
		t.Fatalf("loadFixtures: %d %d %v", orders, replies, err)
	}
	if got := srv.TradeState("F-PAID") + " " + srv.TradeState("F-OPEN"); got != "SUCCESS NOTPAY" {
		t.Errorf("states %s", got)
	}
	resp, err := srv.Client().Chain("v3/marketing/favor/stocks/{stock_id}").Get(ctx, wechatpay.M{"stock_id": "9856000", "query": wechatpay.M{"stock_creator_mchid": srv.MchID}})
	if err != nil || resp.Get("status").String() != "running" {
		t.Errorf("scripted reply: %v %v", resp, err)
	}

	for body, want := range map[string]string{
		`{"orders": [{"out_trade_no": "X"}]}`:                           "needs an out_trade_no and a total",
		`{"orders": [{"out_trade_no": "X", "total": 1, "state": "?"}]}`: `state "?" is not`,
		`{"replies": [{"method": "GET", "path": "v3/nowhere"}]}`:        "is not an endpoint of the catalog",
		`{"order": []}`: "unknown field",
	} {
		os.WriteFile(file, []byte(body), 0o600)
		if _, _, err := loadFixtures(ctx, srv, file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", body, err, want)
		}
	}
}

// wxpay serve -fixtures starts with the file's orders, which a program
// then finds; a fixtures file that does not load stops it.
func TestServeFixturesFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fixtures.json")
	os.WriteFile(file, []byte(`{"orders": [{"out_trade_no": "F-1", "total": 300, "state": "SUCCESS"}]}`), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	stdin, typed := io.Pipe()
	defer typed.Close()
	configs := make(chan string, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- serve(ctx, []string{"-dir", filepath.Join(dir, "server"), "-fixtures", file}, stdin, &out, &errOut, func(config string) { configs <- config })
	}()
	var config string
	select {
	case config = <-configs:
	case code := <-exit:
		t.Fatalf("serve exited %d before it was ready: %s", code, errOut.String())
	}
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"-c", config, "-q", "mchid=1230000109", "-p", "out_trade_no=F-1", "v3/pay/transactions/out-trade-no/{out_trade_no}"}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), `"trade_state": "SUCCESS"`) {
		t.Errorf("query of the fixture order: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{"POST /v3/pay/transactions/native -> ok\n", "fixtures: 1 order(s) placed, 0 repl(ies) scripted from " + file + "\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("serve output lacks %q:\n%s", want, text)
		}
	}

	os.WriteFile(file, []byte(`{"orders": [{"out_trade_no": "F-1"}]}`), 0o600)
	errOut.Reset()
	if code := serve(context.Background(), []string{"-dir", filepath.Join(dir, "server2"), "-fixtures", file}, strings.NewReader(""), io.Discard, &errOut, nil); code != 1 ||
		!strings.Contains(errOut.String(), "needs an out_trade_no and a total") {
		t.Errorf("a bad fixtures file: exit %d, %s", code, errOut.String())
	}
}
