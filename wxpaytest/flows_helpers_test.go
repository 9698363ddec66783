package wxpaytest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Helpers of the business-flow tests: a client built as a user builds
// one, and a merchant's callback endpoint that checks what it gets with
// the notify package.

// newClient builds a client from the server's keys with wechatpay.New.
func newClient(t *testing.T, srv *wxpaytest.Server) *wechatpay.Client {
	t.Helper()
	c, err := wechatpay.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// merchantEndpoint is a merchant's notify_url: it verifies every APIv3
// callback with notify.Verifier and every APIv2 one with notify.ParseV2,
// keeps what verified, and answers as the notify package says.
type merchantEndpoint struct {
	URL string

	mu  sync.Mutex
	v3  []*notify.Notification
	v2  []*notify.NotificationV2
	bad []error
}

func newMerchantEndpoint(t *testing.T, srv *wxpaytest.Server) *merchantEndpoint {
	t.Helper()
	m := &merchantEndpoint{}
	v := &notify.Verifier{Keys: signer.StaticKeys(srv.Config().Certs), APIv3Key: srv.APIv3Key, Replay: &notify.NonceCache{}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") == "text/xml" {
			n, err := notify.ParseV2(r, srv.Secret)
			m.mu.Lock()
			if err != nil {
				m.bad = append(m.bad, err)
			} else {
				m.v2 = append(m.v2, n)
			}
			m.mu.Unlock()
			notify.ReplyV2(w, err)
			return
		}
		n, err := v.Parse(r)
		m.mu.Lock()
		if err != nil {
			m.bad = append(m.bad, err)
		} else {
			m.v3 = append(m.v3, n)
		}
		m.mu.Unlock()
		notify.Reply(w, err)
	}))
	t.Cleanup(hs.Close)
	m.URL = hs.URL + "/notify"
	return m
}

// got returns the verified callbacks so far and fails the test for any
// that did not verify.
func (m *merchantEndpoint) got(t *testing.T) ([]*notify.Notification, []*notify.NotificationV2) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, err := range m.bad {
		t.Errorf("a callback did not verify: %v", err)
	}
	return append([]*notify.Notification(nil), m.v3...), append([]*notify.NotificationV2(nil), m.v2...)
}

// apiError returns the *wechatpay.APIError of err, failing the test if it
// is not one.
func apiError(t *testing.T, err error) *wechatpay.APIError {
	t.Helper()
	var e *wechatpay.APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want an *wechatpay.APIError", err)
	}
	return e
}

// placeOrder places an APIv3 Native order of total fen and pays it.
func placeAndPay(t *testing.T, srv *wxpaytest.Server, c *wechatpay.Client, outTradeNo string, total int, extra wechatpay.M) {
	t.Helper()
	body := wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
		"out_trade_no": outTradeNo, "notify_url": "http://127.0.0.1:1/unused", "amount": wechatpay.M{"total": total},
	}
	for k, v := range extra {
		body[k] = v
	}
	if _, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), wechatpay.M{"json": body}); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetPaid(outTradeNo); err != nil {
		t.Fatal(err)
	}
}
