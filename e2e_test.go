package wechatpay_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

const reverseTemplate = "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"

func reverseOptions(srv *wxpaytest.Server) wechatpay.M {
	return wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
	}
}

func TestEndToEndSeeds(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	for _, node := range []*wechatpay.Chain{
		client.Chain(reverseTemplate),
		client.Chain("v3").Chain("pay").Chain("transactions").Chain("outTradeNo").Chain("_out_trade_no_").Chain("reverse"),
	} {
		resp, err := node.Post(ctx, reverseOptions(srv))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Get("out_trade_no").String() != "1217752501201407033233368018" || resp.Get("mchid").String() != srv.MchID {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	}

	resp, err := client.Chain("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse").Post(ctx, wechatpay.M{
		"combine_out_trade_no": "P20150806125346",
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
	if resp.StatusCode != 204 || len(resp.Body) != 0 {
		t.Fatalf("combine reverse: %d %q", resp.StatusCode, resp.Body)
	}
	for _, r := range srv.Requests() {
		if r.Err != nil {
			t.Errorf("server refused %s %s: %v", r.Method, r.Target, r.Err)
		}
	}
}

func TestEndToEndOrderLifecycle(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	prepay, err := client.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "test", "out_trade_no": "ORDER-1",
		"notify_url": "https://example.com/notify", "amount": wechatpay.M{"total": 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(prepay.Get("code_url").String(), "weixin://") {
		t.Fatalf("prepay %s", prepay.Body)
	}
	byOut, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "ORDER-1", "query": wechatpay.M{"mchid": srv.MchID}})
	if err != nil {
		t.Fatal(err)
	}
	id := byOut.Get("transaction_id").String()
	byID, err := client.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx, wechatpay.M{"transaction_id": id, "query": wechatpay.M{"mchid": srv.MchID}})
	if err != nil {
		t.Fatal(err)
	}
	if byID.Get("out_trade_no").String() != "ORDER-1" || byID.Get("trade_state").String() != "NOTPAY" {
		t.Fatalf("by id %s", byID.Body)
	}
	closed, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/close").Post(ctx, wechatpay.M{"out_trade_no": "ORDER-1", "json": wechatpay.M{"mchid": srv.MchID}})
	if err != nil || closed.StatusCode != 204 {
		t.Fatalf("close: %v", err)
	}
	if state := srv.TradeState("ORDER-1"); state != "CLOSED" {
		t.Fatalf("state %s", state)
	}

	_, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "NOPE", "query": wechatpay.M{"mchid": srv.MchID}})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "ORDER_NOT_EXIST" || apiErr.RequestID == "" {
		t.Fatalf("unknown order: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "GET v3/pay/transactions/out-trade-no/NOPE?mchid="+srv.MchID+": 404 ORDER_NOT_EXIST: ") {
		t.Errorf("message %q", err)
	}
}

func TestEndToEndFaults(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	for fault, want := range map[wxpaytest.Fault]error{
		wxpaytest.BadSignature:   signer.ErrSignatureMismatch,
		wxpaytest.StaleTimestamp: signer.ErrStale,
		wxpaytest.MissingHeaders: signer.ErrMissingHeader,
		wxpaytest.UnknownSerial:  signer.ErrUnknownSerial,
		wxpaytest.SignTestProbe:  signer.ErrSignTest,
	} {
		srv.Inject(fault)
		resp, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
		var verr *wechatpay.VerifyError
		if resp != nil || !errors.As(err, &verr) || !errors.Is(err, want) {
			t.Errorf("%v: resp %v, err %v; want a VerifyError wrapping %v", fault, resp, err, want)
		}
	}

	srv.Inject(wxpaytest.ServerError)
	_, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "SYSTEM_ERROR" {
		t.Errorf("ServerError: %v", err)
	}

	srv.Inject(wxpaytest.ResetConnection)
	_, err = client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
	var terr *wechatpay.TransportError
	if !errors.As(err, &terr) || !terr.Retryable {
		t.Errorf("ResetConnection: %v", err)
	}

	// The client recovers: the next request goes through.
	if _, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv)); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}

func TestEndToEndTimeoutsAndCancellation(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SlowDelay = 5 * time.Second
	client := srv.Client()

	srv.Inject(wxpaytest.Slow)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
	var terr *wechatpay.TransportError
	if !errors.As(err, &terr) || !errors.Is(err, context.DeadlineExceeded) || terr.Retryable {
		t.Errorf("context deadline: %v", err)
	}

	srv.Inject(wxpaytest.Slow)
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancellation: %v", err)
	}

	cfg := srv.Config()
	cfg.Timeout = 50 * time.Millisecond
	short, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(wxpaytest.Slow)
	_, err = short.Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv))
	if !errors.As(err, &terr) || !terr.Retryable {
		t.Errorf("Config.Timeout: %v", err)
	}

	_, err = client.Chain(reverseTemplate).Post(canceled(), reverseOptions(srv))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: %v", err)
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// deadAddress returns a base URL where nothing listens.
func deadAddress(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "https://" + addr + "/"
}

func TestEndToEndBackupDomain(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.BaseURL = deadAddress(t)
	cfg.BackupURL = srv.URL
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("out_trade_no").String() != "1217752501201407033233368018" {
		t.Fatalf("body %s", resp.Body)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Err != nil {
		t.Fatalf("backup saw %d requests (%v)", len(reqs), reqs)
	}
}

func TestEndToEndNetHTTPTransport(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	cfg := srv.Config()
	cfg.Transport = &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	resp, err := client.Chain(reverseTemplate).Post(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("out_trade_no").String() != "1217752501201407033233368018" {
		t.Fatalf("body %s", resp.Body)
	}
	// A percent-encoded value reaches the server byte for byte.
	_, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "商户/1", "query": wechatpay.M{"mchid": srv.MchID}})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("unknown order over net/http: %v", err)
	}
	reqs := srv.Requests()
	if got := reqs[len(reqs)-1]; got.Target != "/v3/pay/transactions/out-trade-no/%E5%95%86%E6%88%B7%2F1?mchid="+srv.MchID {
		t.Fatalf("server saw %s (%v)", got.Target, got.Err)
	}

	srv.Inject(wxpaytest.BadSignature)
	if _, err := client.Chain(reverseTemplate).Post(ctx, reverseOptions(srv)); !errors.Is(err, signer.ErrSignatureMismatch) {
		t.Fatalf("net/http transport, bad signature: %v", err)
	}
}

func TestEndToEndResponseSizeLimit(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.MaxResponseBytes = 16
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv))
	if !errors.Is(err, transport.ErrBodyTooLarge) {
		t.Fatalf("err %v", err)
	}
}

func TestEndToEndConcurrentUse(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	node := srv.Client().Chain(reverseTemplate)
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := node.Post(context.Background(), reverseOptions(srv))
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
