package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// mustHandle sets a handler and fails the test if Handle refuses it.
func mustHandle(t *testing.T, srv *wxpaytest.Server, method, template string, h wxpaytest.Handler) {
	t.Helper()
	if err := srv.Handle(method, template, h); err != nil {
		t.Fatal(err)
	}
}

// seen keeps the requests a handler got, for the test goroutine to read.
type seen struct {
	mu   sync.Mutex
	reqs []*wxpaytest.Request
}

func (s *seen) add(r *wxpaytest.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
}

func (s *seen) all() []*wxpaytest.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*wxpaytest.Request(nil), s.reqs...)
}

func TestHandleV3Refund(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	var got seen
	mustHandle(t, srv, "POST", "v3/refund/domestic/refunds", func(r *wxpaytest.Request) wxpaytest.Reply {
		got.add(r)
		return wxpaytest.JSON(200, wechatpay.M{
			"refund_id":     "50000000382019052709732678859",
			"out_refund_no": gjson.GetBytes(r.Body, "out_refund_no").String(),
			"status":        "PROCESSING",
			"amount":        wechatpay.M{"refund": gjson.GetBytes(r.Body, "amount.refund").Int(), "currency": "CNY"},
		})
	})
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		got.add(r)
		return wxpaytest.JSON(200, wechatpay.M{"out_refund_no": r.Params["out_refund_no"], "status": "SUCCESS"})
	})

	client := srv.Client()
	resp, err := client.Chain("v3/refund/domestic/refunds").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"out_trade_no":  fixtureOrder,
		"out_refund_no": "1217752501201407033233368018",
		"reason":        "商品已售完",
		"amount":        wechatpay.M{"refund": 88, "total": 100, "currency": "CNY"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("status").String() != "PROCESSING" || resp.Get("amount.refund").Int() != 88 {
		t.Fatalf("create: %s", resp.Body)
	}

	const refundNo = "R 2024/01+中"
	resp, err = client.Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{
		"out_refund_no": refundNo,
		"query":         wechatpay.M{"sub_mchid": "1900000109"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("out_refund_no").String() != refundNo || resp.Get("status").String() != "SUCCESS" {
		t.Fatalf("query: %s", resp.Body)
	}

	reqs := got.all()
	if len(reqs) != 2 {
		t.Fatalf("the handlers saw %d requests", len(reqs))
	}
	create, query := reqs[0], reqs[1]
	if create.Method != "POST" || create.Path != "/v3/refund/domestic/refunds" || create.MchID != srv.MchID ||
		gjson.GetBytes(create.Body, "reason").String() != "商品已售完" || create.Fields != nil || len(create.Params) != 0 {
		t.Errorf("create saw %+v %s", create, create.Body)
	}
	if create.Header.Get("Authorization") == "" {
		t.Errorf("create saw no Authorization header")
	}
	if query.Method != "GET" || query.Params["out_refund_no"] != refundNo || query.Query.Get("sub_mchid") != "1900000109" ||
		!strings.HasPrefix(query.Path, "/v3/refund/domestic/refunds/R") || strings.Contains(query.Path, "?") || len(query.Body) != 0 {
		t.Errorf("query saw %+v", query)
	}
	for _, r := range srv.Requests() {
		if r.Err != nil {
			t.Errorf("%s %s: %v", r.Method, r.Target, r.Err)
		}
	}

	// The reply is signed: a client written from the documentation checks it.
	target := "/v3/refund/domestic/refunds/R-1"
	_, body := call(t, srv, "GET", target, "")
	if gjson.GetBytes(body, "out_refund_no").String() != "R-1" {
		t.Errorf("raw query: %s", body)
	}
}

func TestHandleV3ErrorAnd204(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
	})
	_, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{"out_refund_no": "R1"})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "RESOURCE_NOT_EXISTS" || apiErr.Message != "退款单不存在" {
		t.Fatalf("want a 404 RESOURCE_NOT_EXISTS, got %v", err)
	}
	var recorded *wxpaytest.Error
	if reqs := srv.Requests(); len(reqs) != 1 || !errors.As(reqs[0].Err, &recorded) || recorded.Code != "RESOURCE_NOT_EXISTS" || recorded.StatusCode != 404 {
		t.Fatalf("recorded %+v", srv.Requests())
	}
	resp, body := call(t, srv, "GET", "/v3/refund/domestic/refunds/R1", "") // the error is signed
	if resp.StatusCode != 404 || gjson.GetBytes(body, "code").String() != "RESOURCE_NOT_EXISTS" {
		t.Errorf("raw: %d %s", resp.StatusCode, body)
	}

	const closeTemplate = "v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close"
	mustHandle(t, srv, "POST", closeTemplate, func(r *wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Reply{Status: http.StatusNoContent}
	})
	closeBody := wechatpay.M{"sp_mchid": srv.MchID, "sub_mchid": "1900000109"}
	r, err := srv.Client().Chain(closeTemplate).Post(ctx, wechatpay.M{"out_trade_no": "1217752501201407033233368018", "json": closeBody})
	if err != nil || r.StatusCode != 204 || len(r.Body) != 0 {
		t.Fatalf("close: %v %+v", err, r)
	}
	resp, body = call(t, srv, "POST", "/v3/pay/partner/transactions/out-trade-no/1/close", `{"sp_mchid":"`+srv.MchID+`","sub_mchid":"1900000109"}`)
	if resp.StatusCode != 204 || len(body) != 0 {
		t.Errorf("raw close: %d %s", resp.StatusCode, body)
	}
}

func TestHandleV2(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	client := srv.V2Client()
	var got seen
	mustHandle(t, srv, "POST", "v2/pay/refundquery", func(r *wxpaytest.Request) wxpaytest.Reply {
		got.add(r)
		return wxpaytest.Fields(map[string]string{
			"out_trade_no": r.Fields["out_trade_no"], "refund_count": "1",
			"out_refund_no_0": "1217752501201407033233368018", "refund_fee_0": "100", "refund_status_0": "SUCCESS",
		})
	})
	resp, err := client.Chain("v2/pay/refundquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": fixtureOrder, "sign_type": "HMAC-SHA256",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("refund_status_0").String() != "SUCCESS" || resp.Fields["result_code"] != "SUCCESS" || resp.Fields["return_code"] != "SUCCESS" ||
		resp.Fields["appid"] != srv.V2AppID || resp.Fields["mch_id"] != srv.V2MchID || resp.Fields["sign"] == "" || resp.Fields["nonce_str"] == "" {
		t.Fatalf("refundquery: %v", resp.Fields)
	}
	r := got.all()[0]
	if r.MchID != srv.V2MchID || r.Fields["out_trade_no"] != fixtureOrder || r.Fields["sign_type"] != "HMAC-SHA256" ||
		r.Path != "/pay/refundquery" || !strings.Contains(string(r.Body), "<out_trade_no>") {
		t.Errorf("refundquery saw %+v", r)
	}

	// A business failure, and a bad reply signature.
	mustHandle(t, srv, "POST", "v2/pay/refundquery", func(r *wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Fail(200, "REFUNDNOTEXIST", "退款订单查询失败")
	})
	query := wechatpay.M{"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "X1"}}
	_, err = client.Chain("v2/pay/refundquery").Post(ctx, query)
	var v2Err *wechatpay.V2Error
	if !errors.As(err, &v2Err) || v2Err.ResultCode != "FAIL" || v2Err.ErrCode != "REFUNDNOTEXIST" || v2Err.ErrCodeDes != "退款订单查询失败" {
		t.Fatalf("want REFUNDNOTEXIST, got %v", err)
	}
	srv.Inject(wxpaytest.BadSignature)
	if _, err = client.Chain("v2/pay/refundquery").Post(ctx, query); !errors.Is(err, xmlsign.ErrSignatureMismatch) {
		t.Fatalf("BadSignature: want a signature mismatch, got %v", err)
	}

	// An mTLS endpoint: the certificate is required before the handler runs.
	var refunds atomic.Int32
	mustHandle(t, srv, "POST", "v2/secapi/pay/refund", func(r *wxpaytest.Request) wxpaytest.Reply {
		refunds.Add(1)
		return wxpaytest.Fields(map[string]string{"out_refund_no": r.Fields["out_refund_no"], "refund_id": "50000000382019052709732678859", "refund_fee": r.Fields["refund_fee"]})
	})
	refund := wechatpay.M{"security": true, "xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": fixtureOrder, "out_refund_no": "R100",
		"total_fee": 1, "refund_fee": 1,
	}}
	resp, err = client.Chain("v2/secapi/pay/refund").Post(ctx, refund)
	if err != nil || resp.Get("refund_id").String() != "50000000382019052709732678859" || resp.Get("out_refund_no").String() != "R100" {
		t.Fatalf("refund: %v %v", err, resp)
	}
	srv.Inject(wxpaytest.NoClientCert)
	var apiErr *wechatpay.APIError
	if _, err = client.Chain("v2/secapi/pay/refund").Post(ctx, refund); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("without the certificate: want a 400, got %v", err)
	}
	if n := refunds.Load(); n != 1 {
		t.Errorf("the refund handler ran %d times, want 1", n)
	}

	// An endpoint the catalog marks unsigned.
	mustHandle(t, srv, "POST", "v2/payitil/report", func(r *wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Fields(nil)
	})
	resp, err = client.Chain("v2/payitil/report").Post(ctx, wechatpay.M{"xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "interface_url": "https://api.mch.weixin.qq.com/pay/unifiedorder",
		"execute_time": 1000, "return_code": "SUCCESS", "result_code": "SUCCESS", "user_ip": "8.8.8.8",
	}})
	if err != nil || resp.Fields["return_code"] != "SUCCESS" || resp.Fields["result_code"] != "SUCCESS" {
		t.Fatalf("report: %v %v", err, resp)
	}
	if _, signed := resp.Fields["sign"]; signed {
		t.Errorf("an unsigned endpoint's reply has a sign: %s", resp.Body)
	}

	// A GET endpoint takes its signed fields from the query.
	var entrust seen
	mustHandle(t, srv, "GET", "v2/papay/entrustweb", func(r *wxpaytest.Request) wxpaytest.Reply {
		entrust.add(r)
		return wxpaytest.Fields(map[string]string{"redirect_url": "https://wxpaytest.invalid/?plan_id=" + r.Fields["plan_id"]})
	})
	resp, err = client.Chain("v2/papay/entrustweb").Get(ctx, wechatpay.M{"nonceless": true, "query": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "plan_id": "12535", "contract_code": "100000",
		"timestamp": time.Now().Unix(), "version": "1.0",
	}})
	if err != nil || !strings.HasSuffix(resp.Get("redirect_url").String(), "plan_id=12535") {
		t.Fatalf("entrustweb: %v %v", err, resp)
	}
	if e := entrust.all()[0]; e.Method != "GET" || e.Query.Get("plan_id") != "12535" || e.Fields["sign"] == "" || len(e.Body) != 0 {
		t.Errorf("entrustweb saw %+v", e)
	}
}

func TestHandleTemplates(t *testing.T) {
	srv := start(t)
	h := func(r *wxpaytest.Request) wxpaytest.Reply { return wxpaytest.JSON(200, nil) }
	for _, tc := range []struct{ method, template, want string }{
		{"POST", "v3/refund/domestic/refundz", "POST v3/refund/domestic/refundz is not an endpoint of the catalog"},
		{"GET", "v3/refund/domestic/refunds/{id}", "did you mean GET v3/refund/domestic/refunds/{out_refund_no}?"},
		{"GET", "v3/refund/domestic/refunds/R1", "did you mean GET v3/refund/domestic/refunds/{out_refund_no}?"},
		{"DELETE", "v3/refund/domestic/refunds", "the catalog has POST v3/refund/domestic/refunds"},
		{"POST", "pay/refundquery", "POST pay/refundquery is not an endpoint"},
	} {
		err := srv.Handle(tc.method, tc.template, h)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Handle(%s, %s): %v, want %q", tc.method, tc.template, err, tc.want)
		}
	}
	if err := srv.Handle("post", "/v3/refund/domestic/refunds", h); err != nil {
		t.Errorf("lower-case method and leading slash: %v", err)
	}
}

func TestHandleReplacesBuiltIn(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	const reverse = "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"
	mustHandle(t, srv, "POST", reverse, func(r *wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.Fail(400, "ORDER_NOT_REVERSIBLE", "not today: "+r.Params["out_trade_no"])
	})
	args := wechatpay.M{"out_trade_no": fixtureOrder, "json": wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID}}
	_, err := srv.Client().Chain(reverse).Post(ctx, args)
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ORDER_NOT_REVERSIBLE" || apiErr.Message != "not today: "+fixtureOrder {
		t.Fatalf("scripted reverse: %v", err)
	}
	if st := srv.TradeState(fixtureOrder); st != "USERPAYING" {
		t.Fatalf("the built-in reverse ran: %s", st)
	}

	srv.Reset() // handlers stay
	if _, err = srv.Client().Chain(reverse).Post(ctx, args); !errors.As(err, &apiErr) {
		t.Fatalf("after Reset: %v", err)
	}

	mustHandle(t, srv, "POST", reverse, nil) // back to the built-in endpoint
	if _, err = srv.Client().Chain(reverse).Post(ctx, args); err != nil {
		t.Fatal(err)
	}
	if st := srv.TradeState(fixtureOrder); st != "REVOKED" {
		t.Fatalf("the built-in reverse did not run: %s", st)
	}
}

func TestHandleStillVerifies(t *testing.T) {
	srv := start(t)
	var calls atomic.Int32
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		calls.Add(1)
		return wxpaytest.JSON(200, wechatpay.M{"out_refund_no": r.Params["out_refund_no"]})
	})
	const target = "/v3/refund/domestic/refunds/R1"
	nonce := signer.Nonce()
	for _, tc := range []struct {
		name string
		a    auth
	}{
		{"signed with another key", auth{key: srv.PlatformKey}},
		{"stale timestamp", auth{ts: time.Now().Unix() - 1000}},
		{"another merchant", auth{mchID: "1900000109"}},
		{"first use of a nonce", auth{nonce: nonce}},
		{"replayed nonce", auth{nonce: nonce}},
	} {
		srv.Reset()
		before := calls.Load()
		resp, body := send(t, srv, newRequest(t, srv, "GET", target, "", tc.a))
		checkSigned(t, srv, resp, body)
		ran := calls.Load() != before
		if tc.name == "first use of a nonce" {
			if resp.StatusCode != 200 || !ran {
				t.Errorf("%s: %d %s, handler ran %v", tc.name, resp.StatusCode, body, ran)
			}
			continue
		}
		var e *wxpaytest.Error
		reqs := srv.Requests()
		if resp.StatusCode != 401 || gjson.GetBytes(body, "code").String() != "SIGN_ERROR" || ran ||
			len(reqs) != 1 || !errors.As(reqs[0].Err, &e) || e.Code != "SIGN_ERROR" {
			t.Errorf("%s: %d %s, handler ran %v, recorded %+v", tc.name, resp.StatusCode, body, ran, reqs)
		}
	}

	// The headers and the body are checked too.
	mustHandle(t, srv, "POST", "v3/refund/domestic/refunds", func(r *wxpaytest.Request) wxpaytest.Reply {
		calls.Add(1)
		return wxpaytest.JSON(200, nil)
	})
	before := calls.Load()
	req := newRequest(t, srv, "POST", "/v3/refund/domestic/refunds", "{not json", auth{})
	resp, body := send(t, srv, req)
	if resp.StatusCode != 400 || gjson.GetBytes(body, "code").String() != "PARAM_ERROR" || calls.Load() != before {
		t.Errorf("malformed JSON: %d %s", resp.StatusCode, body)
	}

	// Faults apply: ServerError before the handler, BadSignature after it.
	ctx := context.Background()
	query := func() error {
		_, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{"out_refund_no": "R2"})
		return err
	}
	before = calls.Load()
	srv.Inject(wxpaytest.ServerError)
	var apiErr *wechatpay.APIError
	if err := query(); !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || calls.Load() != before {
		t.Errorf("ServerError: %v, handler ran %d times", err, calls.Load()-before)
	}
	srv.Inject(wxpaytest.BadSignature)
	if err := query(); !errors.Is(err, signer.ErrSignatureMismatch) || calls.Load() != before+1 {
		t.Errorf("BadSignature: %v, handler ran %d times", err, calls.Load()-before)
	}
	srv.Inject(wxpaytest.MissingHeaders)
	var verr *wechatpay.VerifyError
	if err := query(); !errors.As(err, &verr) {
		t.Errorf("MissingHeaders: %v", err)
	}
	if err := query(); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

func TestHandleUnsignedDownload(t *testing.T) {
	srv := start(t)
	const file = "%PDF-1.4 receipt"
	mustHandle(t, srv, "GET", "v3/transferdownload/signfile", func(r *wxpaytest.Request) wxpaytest.Reply {
		if r.Query.Get("token") != "T1" {
			return wxpaytest.Fail(400, "INVALID_REQUEST", "unknown token")
		}
		return wxpaytest.JSON(200, file)
	})
	resp, body := send(t, srv, newRequest(t, srv, "GET", "/v3/transferdownload/signfile?token=T1", "", auth{}))
	if resp.StatusCode != 200 || string(body) != file || resp.Header.Get(signer.HeaderSignature) != "" || resp.Header.Get("Request-ID") == "" {
		t.Errorf("download: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, body = call(t, srv, "GET", "/v3/transferdownload/signfile?token=T2", "") // errors are signed
	if resp.StatusCode != 400 {
		t.Errorf("bad token: %d %s", resp.StatusCode, body)
	}
	r, err := srv.Client().Chain("v3/transferdownload/signfile").Get(context.Background(), wechatpay.M{"query": wechatpay.M{"token": "T1"}})
	if err != nil || string(r.Body) != file {
		t.Fatalf("client download: %v %v", err, r)
	}
}

func TestHandlePanics(t *testing.T) {
	srv := start(t)
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		panic("boom")
	})
	_, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(context.Background(), wechatpay.M{"out_refund_no": "R1"})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !strings.Contains(apiErr.Message, "panicked: boom") {
		t.Fatalf("want a 500 naming the panic, got %v", err)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Err == nil || !strings.Contains(reqs[0].Err.Error(), "GET v3/refund/domestic/refunds/{out_refund_no} panicked") {
		t.Fatalf("recorded %+v", reqs)
	}
}

func TestHandleConcurrent(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	var calls atomic.Int32
	handler := func(r *wxpaytest.Request) wxpaytest.Reply {
		calls.Add(1)
		return wxpaytest.JSON(200, wechatpay.M{"out_refund_no": r.Params["out_refund_no"], "status": "SUCCESS"})
	}
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", handler)

	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				no := fmt.Sprintf("R%d-%d", w, i)
				resp, err := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{"out_refund_no": no})
				if err == nil && resp.Get("out_refund_no").String() != no {
					err = fmt.Errorf("%s answered %s", no, resp.Body)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	// Handle while the server serves: the same handler, set again.
	wg.Go(func() {
		for range each {
			if err := srv.Handle("GET", "v3/refund/domestic/refunds/{out_refund_no}", handler); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := calls.Load(); n != workers*each {
		t.Errorf("the handler ran %d times, want %d", n, workers*each)
	}
	if n := len(srv.Requests()); n != workers*each {
		t.Errorf("%d requests recorded, want %d", n, workers*each)
	}
}

func TestHandleWrongMethod(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	h := func(r *wxpaytest.Request) wxpaytest.Reply { return wxpaytest.JSON(200, nil) }
	mustHandle(t, srv, "POST", "v3/refund/domestic/refunds", h)
	mustHandle(t, srv, "POST", "v2/pay/refundquery", func(r *wxpaytest.Request) wxpaytest.Reply { return wxpaytest.Fields(nil) })

	_, err := srv.Client().Chain("v3/refund/domestic/refunds").Get(ctx)
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusMethodNotAllowed || apiErr.Code != "METHOD_NOT_ALLOWED" {
		t.Errorf("GET on a scripted POST endpoint: %v, want 405 METHOD_NOT_ALLOWED", err)
	}
	_, err = srv.V2Client().Chain("v2/pay/refundquery").Get(ctx, wechatpay.M{"xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_refund_no": "R1",
	}})
	if err == nil || !strings.Contains(err.Error(), "405") {
		t.Errorf("APIv2 GET on a scripted POST endpoint: %v, want a 405", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("recorded %d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		var recorded *wxpaytest.Error
		if !errors.As(r.Err, &recorded) || recorded.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s recorded %v, want a 405", r.Method, r.Target, r.Err)
		}
	}
}

// An error reply a handler writes itself with JSON is recorded as one made
// with Fail.
func TestHandleOwnErrorRecorded(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	mustHandle(t, srv, "GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		if r.Params["out_refund_no"] == "R1" {
			return wxpaytest.JSON(400, wechatpay.M{"code": "PARAM_ERROR", "message": "out_refund_no 无效", "detail": wechatpay.M{"field": "out_refund_no"}})
		}
		return wxpaytest.JSON(503, "down for maintenance")
	})
	client := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}")
	_, err := client.Get(ctx, wechatpay.M{"out_refund_no": "R1"})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "PARAM_ERROR" || !strings.Contains(string(apiErr.Body), `"field":"out_refund_no"`) {
		t.Fatalf("want the handler's 400 PARAM_ERROR with its detail, got %v", err)
	}
	if _, err := client.Get(ctx, wechatpay.M{"out_refund_no": "R2"}); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("want the handler's 503, got %v", err)
	}
	want := []wxpaytest.Error{
		{StatusCode: 400, Code: "PARAM_ERROR", Message: "out_refund_no 无效"},
		{StatusCode: 503, Message: "down for maintenance"},
	}
	reqs := srv.Requests()
	if len(reqs) != len(want) {
		t.Fatalf("recorded %d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		var recorded *wxpaytest.Error
		if !errors.As(r.Err, &recorded) || *recorded != want[i] {
			t.Errorf("request %d recorded %#v, want %#v", i, r.Err, want[i])
		}
	}
}
