package wechatpay_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// logBuffer is a slog text sink safe for the concurrent writes of a
// client.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

func loggedClient(t *testing.T, srv *wxpaytest.Server, edit func(*wechatpay.Config)) (*wechatpay.Client, *logBuffer) {
	t.Helper()
	out := &logBuffer{}
	cfg := srv.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if edit != nil {
		edit(&cfg)
	}
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client, out
}

// Each call is one line: Debug for a 2xx, Info for another status, Warn
// for a failure, with the chain path, status and Request-ID, and never a
// header, query string or body.
func TestLogger(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client, out := loggedClient(t, srv, nil)
	ctx := context.Background()

	if _, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv)); err != nil {
		t.Fatal(err)
	}
	client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "NO-SUCH-ORDER", "query": wechatpay.M{"mchid": srv.MchID}})
	srv.Inject(wxpaytest.BadSignature)
	client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
	if _, err := client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{
		"xml": wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID, "out_trade_no": "1217752501201407033233368018"},
	}); err != nil {
		t.Fatal(err)
	}

	lines := out.lines()
	want := []string{
		`level=DEBUG msg="wechatpay: request" method=POST path=v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse`,
		`level=INFO msg="wechatpay: request" method=GET path=v3/pay/transactions/out-trade-no/NO-SUCH-ORDER`,
		`level=WARN msg="wechatpay: request failed" method=POST path=v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse`,
		`level=DEBUG msg="wechatpay: request" method=POST path=v2/pay/orderquery`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines logged, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d:\n%s\nwant it to contain\n%s", i, lines[i], w)
		}
	}
	for i, attr := range []string{"status=200 request_id=", "status=404 request_id=", "error=", "status=200"} {
		if !strings.Contains(lines[i], attr) {
			t.Errorf("line %d: %s\nwant %s", i, lines[i], attr)
		}
	}
	for _, secret := range []string{"WECHATPAY2-SHA256", `signature="`, "nonce_str", "mchid=" + srv.MchID, srv.AppID, "<xml>", srv.Secret} {
		for i, l := range lines {
			if strings.Contains(l, secret) {
				t.Errorf("line %d logs %q: %s", i, secret, l)
			}
		}
	}
}

// A retry on the backup domain is a warning of its own.
func TestLoggerBackupRetry(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client, out := loggedClient(t, srv, func(cfg *wechatpay.Config) {
		cfg.BaseURL = deadAddress(t)
		cfg.BackupURL = srv.URL
	})
	if _, err := client.Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv)); err != nil {
		t.Fatal(err)
	}
	lines := out.lines()
	if len(lines) != 2 ||
		!strings.Contains(lines[0], `level=WARN msg="wechatpay: primary domain failed, retrying on the backup domain" method=POST backup=`+srv.URL) ||
		!strings.Contains(lines[1], `level=DEBUG msg="wechatpay: request"`) {
		t.Errorf("logged:\n%s", strings.Join(lines, "\n"))
	}
}

// Without a Logger nothing is logged and nothing is spent on it.
func TestNoLogger(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	var before bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&before, nil)))
	if _, err := srv.Client().Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv)); err != nil {
		t.Fatal(err)
	}
	if before.Len() != 0 {
		t.Errorf("logged to slog's default: %s", before.String())
	}
}
