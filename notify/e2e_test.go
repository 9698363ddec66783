package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// merchant is a callback handler as a merchant writes one; it records what
// it got.
type merchant struct {
	v *notify.Verifier

	mu     sync.Mutex
	events []*notify.Notification
	errs   []error
}

func (m *merchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := m.v.Parse(r)
	m.mu.Lock()
	m.events = append(m.events, n)
	m.errs = append(m.errs, err)
	m.mu.Unlock()
	notify.Reply(w, err)
}

func (m *merchant) last() (*notify.Notification, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.events[len(m.events)-1], m.errs[len(m.errs)-1]
}

func verifierFor(srv *wxpaytest.Server) *notify.Verifier {
	return &notify.Verifier{
		Keys:     signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()},
		APIv3Key: srv.APIv3Key,
		Replay:   &notify.NonceCache{},
	}
}

func TestEndToEnd(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	m := &merchant{v: verifierFor(srv)}
	hs := httptest.NewServer(m)
	defer hs.Close()
	ctx := context.Background()

	resp, err := srv.Notify(ctx, hs.URL+"/notify", "TRANSACTION.SUCCESS", map[string]any{
		"mchid": srv.MchID, "appid": srv.AppID, "out_trade_no": "1217752501201407033233368018",
		"trade_state": "SUCCESS", "amount": map[string]any{"total": 100, "currency": "CNY"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reply %d", resp.StatusCode)
	}
	n, err := m.last()
	if err != nil {
		t.Fatal(err)
	}
	if n.EventType != "TRANSACTION.SUCCESS" || n.Summary != "支付成功" || n.ResourceType != "encrypt-resource" ||
		n.Resource.OriginalType != "transaction" || n.Resource.AssociatedData != "transaction" || !strings.HasPrefix(n.ID, "EV-") {
		t.Errorf("envelope %+v", n)
	}
	if n.Get("out_trade_no").String() != "1217752501201407033233368018" || n.Get("amount.total").Int() != 100 {
		t.Errorf("resource %s", n.Plaintext)
	}

	// Raw JSON goes through as is.
	resp, err = srv.Notify(ctx, hs.URL, "REFUND.SUCCESS", `{"refund_status":"SUCCESS","out_refund_no":"1217752501201407033233368018"}`)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("refund: %v %v", resp, err)
	}
	if n, _ := m.last(); n.Summary != "退款成功" || n.Resource.OriginalType != "refund" || n.Get("refund_status").String() != "SUCCESS" {
		t.Errorf("refund %+v %s", n, n.Plaintext)
	}

	for _, tc := range []struct {
		fault  wxpaytest.Fault
		want   error
		status int
	}{
		{wxpaytest.BadSignature, signer.ErrSignatureMismatch, 401},
		{wxpaytest.StaleTimestamp, signer.ErrStale, 401},
		{wxpaytest.MissingHeaders, signer.ErrMissingHeader, 401},
		{wxpaytest.UnknownSerial, signer.ErrUnknownSerial, 401},
		{wxpaytest.SignTestProbe, signer.ErrSignTest, 401},
	} {
		resp, err := srv.Notify(ctx, hs.URL, "TRANSACTION.SUCCESS", `{}`, tc.fault)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_, got := m.last()
		if resp.StatusCode != tc.status || !errors.Is(got, tc.want) || !strings.Contains(string(body), `"code":"FAIL"`) {
			t.Errorf("%v: reply %d %s, handler saw %v", tc.fault, resp.StatusCode, body, got)
		}
	}

	if _, err := srv.Notify(ctx, "http://example.com/notify", "TRANSACTION.SUCCESS", `{}`); err == nil || !strings.Contains(err.Error(), "not on the loopback interface") {
		t.Errorf("non-loopback URL: %v", err)
	}
	if _, err := srv.Notify(ctx, hs.URL, "TRANSACTION.SUCCESS", `{}`, wxpaytest.Slow); err == nil || !strings.Contains(err.Error(), "does not apply to callbacks") {
		t.Errorf("Slow fault: %v", err)
	}
	if _, err := srv.Notify(ctx, hs.URL, "TRANSACTION.SUCCESS", make(chan int)); err == nil {
		t.Error("unencodable resource accepted")
	}
}

// A wrong APIv3 key on the merchant's side is a 500: the callback was
// genuine, so WeChat Pay should send it again once the key is fixed.
func TestEndToEndWrongAPIv3Key(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	v := verifierFor(srv)
	v.APIv3Key = strings.Repeat("k", 32)
	m := &merchant{v: v}
	hs := httptest.NewServer(m)
	defer hs.Close()
	resp, err := srv.Notify(context.Background(), hs.URL, "TRANSACTION.SUCCESS", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	var e *notify.Error
	if _, got := m.last(); resp.StatusCode != 500 || !errors.As(got, &e) || e.Step != notify.StepDecrypt {
		t.Errorf("reply %d, handler saw %v", resp.StatusCode, got)
	}
}

func TestEndToEndFastHTTP(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	v := verifierFor(srv)
	got := make(chan string, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		n, err := v.ParseFastHTTP(ctx)
		if err == nil {
			got <- n.Get("out_trade_no").String()
		}
		notify.ReplyFastHTTP(ctx, err)
	}}
	go fs.Serve(ln)
	defer fs.Shutdown()

	resp, err := srv.Notify(context.Background(), "http://"+ln.Addr().String()+"/notify", "TRANSACTION.SUCCESS", map[string]string{"out_trade_no": "T1"})
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("%v %v", resp, err)
	}
	if s := <-got; s != "T1" {
		t.Errorf("out_trade_no %q", s)
	}
}

func TestEndToEndV2(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	type seen struct {
		n   *notify.NotificationV2
		err error
	}
	ch := make(chan seen, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := notify.ParseV2(r, srv.Secret)
		ch <- seen{n, err}
		notify.ReplyV2(w, err)
	}))
	defer hs.Close()
	ctx := context.Background()

	for _, signType := range []string{"", xmlsign.MD5, xmlsign.HMACSHA256} {
		resp, err := srv.NotifyV2(ctx, hs.URL, map[string]string{
			"result_code": "SUCCESS", "out_trade_no": "1409811653", "total_fee": "1", "sign_type": signType,
		})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		s := <-ch
		if s.err != nil || s.n.Fields["out_trade_no"] != "1409811653" || s.n.Fields["mch_id"] != srv.MchID ||
			string(body) != "<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>" {
			t.Errorf("%q: %v %v %s", signType, s.n, s.err, body)
		}
	}

	resp, err := srv.NotifyV2Refund(ctx, hs.URL, map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS", "refund_recv_accout": "支付用户零钱"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s := <-ch; s.err != nil || !s.n.Refund || s.n.Fields["out_refund_no"] != "R1" || s.n.Fields["refund_recv_accout"] != "支付用户零钱" || s.n.Fields["mch_id"] != "" {
		t.Errorf("refund: %v %v", s.n, s.err)
	}

	for _, tc := range []struct {
		name string
		send func() (*http.Response, error)
		step string
		want error // nil: any cause
	}{
		{"bad sign", func() (*http.Response, error) { return srv.NotifyV2(ctx, hs.URL, nil, wxpaytest.BadSignature) }, notify.StepVerify, xmlsign.ErrSignatureMismatch},
		{"no sign", func() (*http.Response, error) { return srv.NotifyV2(ctx, hs.URL, nil, wxpaytest.MissingSign) }, notify.StepVerify, xmlsign.ErrMissingSign},
		// Almost always bad padding; garbage that happens to end in valid
		// padding fails as XML instead.
		{"refund under another key", func() (*http.Response, error) {
			return srv.NotifyV2Refund(ctx, hs.URL, map[string]string{"out_refund_no": "R1"}, wxpaytest.BadSignature)
		}, notify.StepDecrypt, nil},
	} {
		resp, err := tc.send()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		s := <-ch
		var e *notify.Error
		if !errors.As(s.err, &e) || e.Step != tc.step || (tc.want != nil && !errors.Is(s.err, tc.want)) ||
			!strings.Contains(string(body), "<return_code>FAIL</return_code>") {
			t.Errorf("%s: %v %s; want %v at %s", tc.name, s.err, body, tc.want, tc.step)
		}
	}
	if _, err := srv.NotifyV2(ctx, hs.URL, nil, wxpaytest.SignTestProbe); err == nil {
		t.Error("an APIv3 fault was accepted for an APIv2 callback")
	}
}
