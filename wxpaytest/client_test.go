package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// These tests drive the server with the library's own client, as a user
// of the package would.

func TestClientReverse(t *testing.T) {
	srv := start(t)
	resp, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Get("out_trade_no").String(); got != fixtureOrder {
		t.Errorf("out_trade_no %q, want %q", got, fixtureOrder)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Err != nil || reqs[0].Target != "/v3/pay/transactions/out-trade-no/"+fixtureOrder+"/reverse" {
		t.Errorf("recorded %+v", reqs)
	}
	if first, again := srv.Client(), srv.Client(); first != again {
		t.Error("Client returns a new client on every call")
	}
}

func TestClientCombineReverse(t *testing.T) {
	srv := start(t)
	resp, err := srv.Client().Chain("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
		"combine_out_trade_no": fixtureCombine,
		"json": wechatpay.M{
			"combine_appid": srv.AppID,
			"sub_orders": []wechatpay.M{{
				"mchid": srv.MchID, "out_trade_no": "20150806125346", "sub_mchid": "1900000109", "sub_appid": "wxd678efh567hg6999",
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNoContent || len(resp.Body) != 0 {
		t.Errorf("reply %d %q, want an empty 204", resp.StatusCode, resp.Body)
	}
}

func TestClientNativeOrder(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := srv.Client()
	const no = "订单-20260101-1"
	_, err := c.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
		"out_trade_no": no, "notify_url": "https://www.weixin.qq.com/wxpay/pay.php", "amount": wechatpay.M{"total": 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": no, "query": wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Get("out_trade_no").String(); got != no {
		t.Errorf("out_trade_no %q, want %q", got, no)
	}
	resp, err = c.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx, wechatpay.M{
		"transaction_id": resp.Get("transaction_id").String(), "query": wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Get("trade_state").String(); got != "NOTPAY" {
		t.Errorf("trade_state %q, want NOTPAY", got)
	}
}

func TestClientErrors(t *testing.T) {
	srv := start(t)
	srv.SlowDelay = time.Second
	ctx := context.Background()
	query := func(ctx context.Context, no string) error {
		_, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
			"out_trade_no": no, "query": wechatpay.M{"mchid": srv.MchID},
		})
		return err
	}

	var apiErr *wechatpay.APIError
	if err := query(ctx, "nosuchorder"); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 ||
		apiErr.Code != "ORDER_NOT_EXIST" || apiErr.RequestID == "" {
		t.Errorf("unknown order: %v, want a 404 ORDER_NOT_EXIST APIError with a Request-ID", err)
	}

	for fault, want := range map[wxpaytest.Fault]error{
		wxpaytest.BadSignature:   signer.ErrSignatureMismatch,
		wxpaytest.StaleTimestamp: signer.ErrStale,
		wxpaytest.MissingHeaders: signer.ErrMissingHeader,
		wxpaytest.UnknownSerial:  signer.ErrUnknownSerial,
		wxpaytest.SignTestProbe:  signer.ErrSignTest,
	} {
		srv.Inject(fault)
		var verr *wechatpay.VerifyError
		if err := query(ctx, fixtureOrder); !errors.As(err, &verr) || !errors.Is(err, want) {
			t.Errorf("%v: %v, want a VerifyError for %v", fault, err, want)
		}
	}

	srv.Inject(wxpaytest.ServerError)
	if err := query(ctx, fixtureOrder); !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "SYSTEM_ERROR" {
		t.Errorf("ServerError: %v, want a 500 SYSTEM_ERROR APIError", err)
	}

	srv.Inject(wxpaytest.ResetConnection)
	var terr *wechatpay.TransportError
	if err := query(ctx, fixtureOrder); !errors.As(err, &terr) {
		t.Errorf("ResetConnection: %v, want a TransportError", err)
	}

	// The reply is held (SlowDelay, 2 s) well past the deadline: a call
	// that waited for it would succeed, so the deadline error shows it did not.
	srv.Inject(wxpaytest.Slow)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := query(short, fixtureOrder); !errors.As(err, &terr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Slow: %v, want a TransportError at the context deadline", err)
	}

	if err := query(ctx, fixtureOrder); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

func TestClientConcurrent(t *testing.T) {
	srv := start(t)
	c := srv.Client()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 8 {
		wg.Go(func() {
			for i := range 4 {
				_, err := c.Chain("v3/pay/transactions/native").Post(context.Background(), wechatpay.M{"json": wechatpay.M{
					"appid": srv.AppID, "mchid": srv.MchID, "description": "d",
					"out_trade_no": fmt.Sprintf("C%d-%d", g, i), "notify_url": "https://example.com/n", "amount": wechatpay.M{"total": 1},
				}})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.Requests()); n != 32 {
		t.Errorf("%d requests recorded, want 32", n)
	}
	for g := range 8 {
		if got := srv.TradeState(fmt.Sprintf("C%d-3", g)); got != "NOTPAY" {
			t.Errorf("order C%d-3 is %q", g, got)
		}
	}
}

func TestWithAddr(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port that was free a moment ago
	srv := wxpaytest.NewServer(wxpaytest.WithAddr(addr))
	defer srv.Close()
	if srv.URL != "https://"+addr+"/" {
		t.Fatalf("URL %s, want the address asked for, %s", srv.URL, addr)
	}
	if _, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018", "query": wechatpay.M{"mchid": srv.MchID},
	}); err != nil {
		t.Fatal(err)
	}

	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "cannot listen on "+addr) {
			t.Errorf("a second server on %s: panic %v, want one naming the address", addr, r)
		}
	}()
	wxpaytest.NewServer(wxpaytest.WithAddr(addr)).Close()
}
