package wxpaytest_test

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// These tests speak to the server with plain net/http and the signer
// functions, as a client written from the WeChat Pay documentation would.

const (
	fixtureOrder   = "1217752501201407033233368018"
	fixtureCombine = "P20150806125346"
)

func start(t *testing.T, opts ...wxpaytest.Option) *wxpaytest.Server {
	t.Helper()
	srv := wxpaytest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// auth is the Authorization a request gets; zero fields take the
// server's correct values.
type auth struct {
	mchID, serial string
	ts            int64
	nonce         string
	key           *rsa.PrivateKey
}

func (a auth) value(t *testing.T, srv *wxpaytest.Server, method, target string, body []byte) string {
	t.Helper()
	if a.mchID == "" {
		a.mchID = srv.MchID
	}
	if a.serial == "" {
		a.serial = srv.MerchantSerial
	}
	if a.ts == 0 {
		a.ts = time.Now().Unix()
	}
	if a.nonce == "" {
		a.nonce = signer.Nonce()
	}
	if a.key == nil {
		a.key = srv.MerchantKey
	}
	v, err := signer.Authorization(a.mchID, a.serial, a.key, method, target, body, a.ts, a.nonce)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// newRequest builds a request as WeChat Pay wants it, sending target
// byte for byte.
func newRequest(t *testing.T, srv *wxpaytest.Server, method, target, body string, a auth) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL, r)
	if err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(target, "?")
	req.URL.Opaque = path // an Opaque of "//host/path" would send the absolute form
	req.URL.RawQuery = query
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wxpaytest-test/1.0")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", a.value(t, srv, method, target, []byte(body)))
	return req
}

func httpClient(t *testing.T, srv *wxpaytest.Server) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func send(t *testing.T, srv *wxpaytest.Server, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := httpClient(t, srv).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Opaque, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// call sends a correctly signed request and checks that the reply is
// signed.
func call(t *testing.T, srv *wxpaytest.Server, method, target, body string) (*http.Response, []byte) {
	t.Helper()
	resp, data := send(t, srv, newRequest(t, srv, method, target, body, auth{}))
	checkSigned(t, srv, resp, data)
	return resp, data
}

func verifier(srv *wxpaytest.Server) *signer.Verifier {
	return &signer.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}}
}

func checkSigned(t *testing.T, srv *wxpaytest.Server, resp *http.Response, body []byte) {
	t.Helper()
	if err := verifier(srv).Check(resp.Header.Get, body); err != nil {
		t.Errorf("reply %d %s does not verify: %v", resp.StatusCode, body, err)
	}
	if resp.Header.Get("Request-ID") == "" {
		t.Errorf("reply %d %s has no Request-ID", resp.StatusCode, body)
	}
}

func wantStatus(t *testing.T, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d %s, want %d %s", resp.StatusCode, body, status, code)
	}
	if code == "" {
		return
	}
	if got := gjson.GetBytes(body, "code").String(); got != code {
		t.Errorf("code %q in %s, want %q", got, body, code)
	}
	if gjson.GetBytes(body, "message").String() == "" {
		t.Errorf("no message in %s", body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

// lastErr returns the Err recorded for the latest request as an *Error.
func lastErr(t *testing.T, srv *wxpaytest.Server) *wxpaytest.Error {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request recorded")
	}
	err := reqs[len(reqs)-1].Err
	if err == nil {
		return nil
	}
	var e *wxpaytest.Error
	if !errors.As(err, &e) {
		t.Fatalf("recorded Err %T %v is not a *wxpaytest.Error", err, err)
	}
	return e
}

func reverseBody(srv *wxpaytest.Server) string {
	return `{"appid":"` + srv.AppID + `","mchid":"` + srv.MchID + `"}`
}

func queryTarget(srv *wxpaytest.Server, outTradeNo string) string {
	return "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "?mchid=" + srv.MchID
}

func TestReverseFixture(t *testing.T) {
	srv := start(t)
	target := "/v3/pay/transactions/out-trade-no/" + fixtureOrder + "/reverse"
	for range 2 { // WeChat Pay answers a repeated reverse with success too
		resp, body := call(t, srv, http.MethodPost, target, reverseBody(srv))
		wantStatus(t, resp, body, http.StatusOK, "")
		want := `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"` + fixtureOrder + `"}`
		if string(body) != want {
			t.Errorf("body %s, want %s", body, want)
		}
		if e := lastErr(t, srv); e != nil {
			t.Errorf("accepted request recorded with Err %v", e)
		}
	}
	if got := srv.TradeState(fixtureOrder); got != "REVOKED" {
		t.Errorf("trade state %q after reverse, want REVOKED", got)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodPost || reqs[0].Target != target || string(reqs[0].Body) != reverseBody(srv) {
		t.Errorf("recorded %+v", reqs)
	}

	resp, body := call(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/nosuchorder/reverse", reverseBody(srv))
	wantStatus(t, resp, body, http.StatusNotFound, "ORDER_NOT_EXIST")
	resp, body = call(t, srv, http.MethodPost, target, `{"appid":"`+srv.AppID+`","mchid":"1900000001"}`)
	wantStatus(t, resp, body, http.StatusBadRequest, "PARAM_ERROR")
	resp, body = call(t, srv, http.MethodPost, target, `{"appid":"wx0000000000000000","mchid":"`+srv.MchID+`"}`)
	wantStatus(t, resp, body, http.StatusBadRequest, "APPID_MCHID_NOT_MATCH")
	resp, body = call(t, srv, http.MethodPost, target, `{"mchid":"`+srv.MchID+`"}`)
	wantStatus(t, resp, body, http.StatusBadRequest, "PARAM_ERROR")
	if msg := gjson.GetBytes(body, "message").String(); !strings.Contains(msg, "appid") {
		t.Errorf("message %q does not name appid", msg)
	}
}

func TestCombineReverse(t *testing.T) {
	srv := start(t)
	target := "/v3/ecommerce/combine-papay/transactions/" + fixtureCombine + "/reverse"
	body := `{"combine_appid":"` + srv.AppID + `","sub_orders":[{"mchid":"` + srv.MchID +
		`","out_trade_no":"20150806125346","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6999"}]}`
	resp, data := call(t, srv, http.MethodPost, target, body)
	wantStatus(t, resp, data, http.StatusNoContent, "")
	if len(data) != 0 || resp.Header.Get("Content-Type") != "" {
		t.Errorf("204 with body %q, Content-Type %q", data, resp.Header.Get("Content-Type"))
	}
	h := resp.Header
	msg := h.Get(signer.HeaderTimestamp) + "\n" + h.Get(signer.HeaderNonce) + "\n\n"
	if err := signer.Verify(srv.PlatformPublicKey(), []byte(msg), h.Get(signer.HeaderSignature)); err != nil {
		t.Errorf("204 signature over %q: %v", msg, err)
	}
	if got := srv.TradeState(fixtureCombine); got != "REVOKED" {
		t.Errorf("combine order state %q, want REVOKED", got)
	}

	for _, tc := range []struct {
		name, body string
		status     int
		code, msg  string
	}{
		{"missing sub_mchid", `{"combine_appid":"` + srv.AppID + `","sub_orders":[{"mchid":"` + srv.MchID + `","out_trade_no":"20150806125346","sub_appid":"x"}]}`,
			400, "PARAM_ERROR", "sub_orders[0].sub_mchid"},
		{"missing sub_orders", `{"combine_appid":"` + srv.AppID + `"}`, 400, "PARAM_ERROR", "sub_orders"},
		{"missing combine_appid", `{"sub_orders":[]}`, 400, "PARAM_ERROR", "combine_appid"},
		{"other merchant", strings.Replace(body, `"mchid":"`+srv.MchID, `"mchid":"1900000001`, 1), 400, "PARAM_ERROR", "sub_orders[0].mchid"},
		{"unknown sub order", strings.Replace(body, `"20150806125346"`, `"20150806125347"`, 1), 404, "ORDER_NOT_EXIST", "20150806125347"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := call(t, srv, http.MethodPost, target, tc.body)
			wantStatus(t, resp, data, tc.status, tc.code)
			if m := gjson.GetBytes(data, "message").String(); !strings.Contains(m, tc.msg) {
				t.Errorf("message %q does not name %s", m, tc.msg)
			}
			if e := lastErr(t, srv); e == nil || e.Code != tc.code {
				t.Errorf("recorded Err %v, want %s", e, tc.code)
			}
		})
	}
	resp, data = call(t, srv, http.MethodPost, "/v3/ecommerce/combine-papay/transactions/P1/reverse", body)
	wantStatus(t, resp, data, http.StatusNotFound, "ORDER_NOT_EXIST")
}

func TestNativeQueryClose(t *testing.T) {
	srv := start(t)
	prepay := func(outTradeNo string) (*http.Response, []byte) {
		return call(t, srv, http.MethodPost, "/v3/pay/transactions/native", `{"appid":"`+srv.AppID+`","mchid":"`+srv.MchID+
			`","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"`+outTradeNo+
			`","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":1,"currency":"CNY"}}`)
	}
	resp, body := prepay("1217752501201407033233368019")
	wantStatus(t, resp, body, http.StatusOK, "")
	if u := gjson.GetBytes(body, "code_url").String(); !strings.HasPrefix(u, "weixin://wxpay/bizpayurl?pr=") {
		t.Errorf("code_url %q", u)
	}
	resp, body = prepay("1217752501201407033233368019")
	wantStatus(t, resp, body, http.StatusForbidden, "OUT_TRADE_NO_USED")

	resp, body = call(t, srv, http.MethodGet, queryTarget(srv, "1217752501201407033233368019"), "")
	wantStatus(t, resp, body, http.StatusOK, "")
	order := gjson.ParseBytes(body)
	for path, want := range map[string]string{
		"appid": srv.AppID, "mchid": srv.MchID, "out_trade_no": "1217752501201407033233368019",
		"trade_type": "NATIVE", "trade_state": "NOTPAY", "trade_state_desc": "未支付",
		"amount.total": "1", "amount.currency": "CNY", "amount.payer_currency": "CNY",
	} {
		if got := order.Get(path).String(); got != want {
			t.Errorf("%s = %q, want %q in %s", path, got, want, body)
		}
	}
	if order.Get("amount.payer_total").Exists() {
		t.Errorf("unpaid order has payer_total: %s", body)
	}
	txID := order.Get("transaction_id").String()
	if len(txID) != 28 || strings.Trim(txID, "0123456789") != "" {
		t.Errorf("transaction_id %q is not 28 digits", txID)
	}
	resp, byID := call(t, srv, http.MethodGet, "/v3/pay/transactions/id/"+txID+"?mchid="+srv.MchID, "")
	wantStatus(t, resp, byID, http.StatusOK, "")
	if string(byID) != string(body) {
		t.Errorf("by id %s, by out-trade-no %s", byID, body)
	}

	resp, data := call(t, srv, http.MethodGet, "/v3/pay/transactions/id/"+txID, "")
	wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
	resp, data = call(t, srv, http.MethodGet, "/v3/pay/transactions/id/"+txID+"?mchid=1900000001", "")
	wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
	resp, data = call(t, srv, http.MethodGet, "/v3/pay/transactions/id/4200000000000000000000000000?mchid="+srv.MchID, "")
	wantStatus(t, resp, data, http.StatusNotFound, "ORDER_NOT_EXIST")

	closeTarget := "/v3/pay/transactions/out-trade-no/1217752501201407033233368019/close"
	resp, data = call(t, srv, http.MethodPost, closeTarget, `{"mchid":"`+srv.MchID+`"}`)
	wantStatus(t, resp, data, http.StatusNoContent, "")
	_, data = call(t, srv, http.MethodGet, queryTarget(srv, "1217752501201407033233368019"), "")
	if got := gjson.GetBytes(data, "trade_state").String(); got != "CLOSED" {
		t.Errorf("trade_state %q after close, want CLOSED", got)
	}

	prepay("1217752501201407033233368020")
	if err := srv.SetPaid("1217752501201407033233368020"); err != nil {
		t.Fatal(err)
	}
	_, data = call(t, srv, http.MethodGet, queryTarget(srv, "1217752501201407033233368020"), "")
	paid := gjson.ParseBytes(data)
	if paid.Get("trade_state").String() != "SUCCESS" || paid.Get("amount.payer_total").Int() != 1 ||
		paid.Get("success_time").String() == "" || paid.Get("payer.openid").String() == "" {
		t.Errorf("paid order %s", data)
	}
	resp, data = call(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/1217752501201407033233368020/close", `{"mchid":"`+srv.MchID+`"}`)
	wantStatus(t, resp, data, http.StatusBadRequest, "ORDER_PAID")
	resp, data = call(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/nosuchorder/close", `{"mchid":"`+srv.MchID+`"}`)
	wantStatus(t, resp, data, http.StatusNotFound, "ORDER_NOT_EXIST")
	if err := srv.SetPaid("nosuchorder"); err == nil {
		t.Error("SetPaid of an unknown order succeeded")
	}
}

func TestNativeValidation(t *testing.T) {
	srv := start(t)
	valid := `{"appid":"` + srv.AppID + `","mchid":"` + srv.MchID +
		`","description":"d","out_trade_no":"N1","notify_url":"https://example.com/n","amount":{"total":1}}`
	for _, tc := range []struct {
		name, from, to string
		code, field    string
	}{
		{"missing notify_url", `,"notify_url":"https://example.com/n"`, ``, "PARAM_ERROR", "notify_url"},
		{"missing amount", `,"amount":{"total":1}`, ``, "PARAM_ERROR", "amount"},
		{"fractional total", `"total":1`, `"total":1.5`, "PARAM_ERROR", "amount.total"},
		{"zero total", `"total":1`, `"total":0`, "PARAM_ERROR", "amount.total"},
		{"numeric mchid", `"mchid":"` + srv.MchID + `"`, `"mchid":` + srv.MchID, "PARAM_ERROR", "mchid"},
		{"other merchant", `"mchid":"` + srv.MchID + `"`, `"mchid":"1900000001"`, "PARAM_ERROR", "mchid"},
		{"foreign currency", `"total":1`, `"total":1,"currency":"USD"`, "PARAM_ERROR", "amount.currency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(valid, tc.from, tc.to, 1)
			if body == valid {
				t.Fatalf("%q not in the body", tc.from)
			}
			resp, data := call(t, srv, http.MethodPost, "/v3/pay/transactions/native", body)
			wantStatus(t, resp, data, http.StatusBadRequest, tc.code)
			if m := gjson.GetBytes(data, "message").String(); !strings.Contains(m, tc.field) {
				t.Errorf("message %q does not name %s", m, tc.field)
			}
		})
	}
	resp, data := call(t, srv, http.MethodPost, "/v3/pay/transactions/native", `[1,2]`)
	wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
	resp, data = call(t, srv, http.MethodPost, "/v3/pay/transactions/native", "")
	wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
}

// A path parameter is split from the raw target before it is decoded, so
// order numbers with non-ASCII characters or an encoded "/" work.
func TestPercentEncodedPath(t *testing.T) {
	srv := start(t)
	const no = "订单/2026 #1"
	resp, data := call(t, srv, http.MethodPost, "/v3/pay/transactions/native", `{"appid":"`+srv.AppID+`","mchid":"`+srv.MchID+
		`","description":"d","out_trade_no":"`+no+`","notify_url":"https://example.com/n","amount":{"total":5}}`)
	wantStatus(t, resp, data, http.StatusOK, "")
	target := queryTarget(srv, no)
	if !strings.Contains(target, "%E8%AE%A2%E5%8D%95%2F2026%20%231") {
		t.Fatalf("target %q is not encoded as expected", target)
	}
	resp, data = call(t, srv, http.MethodGet, target, "")
	wantStatus(t, resp, data, http.StatusOK, "")
	if got := gjson.GetBytes(data, "out_trade_no").String(); got != no {
		t.Errorf("out_trade_no %q, want %q", got, no)
	}
	reqs := srv.Requests()
	if got := reqs[len(reqs)-1].Target; got != target {
		t.Errorf("recorded target %q, want %q", got, target)
	}
}

func TestSignatureChecks(t *testing.T) {
	srv := start(t)
	target := "/v3/pay/transactions/out-trade-no/" + fixtureOrder + "?mchid=" + srv.MchID
	replayed := newRequest(t, srv, http.MethodGet, target, "", auth{nonce: "ReplayedNonce0123456789abcdefghi"})
	resp, body := send(t, srv, replayed)
	wantStatus(t, resp, body, http.StatusOK, "")

	for _, tc := range []struct {
		name string
		req  func() *http.Request
		msg  string
	}{
		{"bad signature", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{key: srv.PlatformKey})
		}, "signature verification failed"},
		{"wrong mchid", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{mchID: "1900000001"})
		}, "mchid"},
		{"wrong serial", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{serial: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"})
		}, "serial_no"},
		{"stale timestamp", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{ts: time.Now().Unix() - 301})
		}, "timestamp"},
		{"future timestamp", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{ts: time.Now().Unix() + 400})
		}, "timestamp"},
		{"replayed nonce", func() *http.Request {
			return newRequest(t, srv, http.MethodGet, target, "", auth{nonce: "ReplayedNonce0123456789abcdefghi"})
		}, "replay"},
		{"missing Authorization", func() *http.Request {
			r := newRequest(t, srv, http.MethodGet, target, "", auth{})
			r.Header.Del("Authorization")
			return r
		}, "missing"},
		{"malformed Authorization", func() *http.Request {
			r := newRequest(t, srv, http.MethodGet, target, "", auth{})
			r.Header.Set("Authorization", `WECHATPAY2-SHA256-RSA2048 mchid="`+srv.MchID+`"`)
			return r
		}, "serial_no"},
		{"other scheme", func() *http.Request {
			r := newRequest(t, srv, http.MethodGet, target, "", auth{})
			r.Header.Set("Authorization", "Bearer x")
			return r
		}, "WECHATPAY2-SHA256-RSA2048"},
		{"query not signed", func() *http.Request {
			r := newRequest(t, srv, http.MethodGet, target, "", auth{})
			r.URL.RawQuery = "mchid=" + srv.MchID + "&x=1"
			return r
		}, "signature verification failed"},
		{"body not signed", func() *http.Request {
			r := newRequest(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/"+fixtureOrder+"/reverse", reverseBody(srv), auth{})
			tampered := strings.Replace(reverseBody(srv), srv.AppID, "wxd678efh567hg6788", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(tampered)), int64(len(tampered))
			return r
		}, "signature verification failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, srv, tc.req())
			wantStatus(t, resp, body, http.StatusUnauthorized, "SIGN_ERROR")
			checkSigned(t, srv, resp, body)
			if m := gjson.GetBytes(body, "message").String(); !strings.Contains(m, tc.msg) {
				t.Errorf("message %q does not mention %q", m, tc.msg)
			}
			if e := lastErr(t, srv); e == nil || e.Code != "SIGN_ERROR" || e.StatusCode != 401 {
				t.Errorf("recorded Err %v, want 401 SIGN_ERROR", e)
			}
		})
	}
	if got := srv.TradeState(fixtureOrder); got != "USERPAYING" {
		t.Errorf("a refused reverse changed the order to %s", got)
	}
}

func TestRequestChecks(t *testing.T) {
	srv := start(t)
	reverse := "/v3/pay/transactions/out-trade-no/" + fixtureOrder + "/reverse"
	for _, tc := range []struct {
		name, method, target, body string
		edit                       func(*http.Request)
		status                     int
		code                       string
	}{
		{"no Accept", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Del("Accept") }, 400, "PARAM_ERROR"},
		{"Accept html", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Accept", "text/html") }, 400, "PARAM_ERROR"},
		{"Accept list", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Accept", "text/html, application/json;q=0.9") }, 200, ""},
		{"no User-Agent", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("User-Agent", "") }, 400, "PARAM_ERROR"},
		{"text body", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 400, "PARAM_ERROR"},
		{"no Content-Type", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Del("Content-Type") }, 400, "PARAM_ERROR"},
		{"charset", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=UTF-8") }, 200, ""},
		{"latin1", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=iso-8859-1") }, 400, "PARAM_ERROR"},
		{"invalid JSON", "POST", reverse, `{"appid":`, nil, 400, "PARAM_ERROR"},
		{"unknown Wechatpay-Serial", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Wechatpay-Serial", "PUB_KEY_ID_0000") }, 400, "PARAM_ERROR"},
		{"known Wechatpay-Serial", "POST", reverse, reverseBody(srv), func(r *http.Request) { r.Header.Set("Wechatpay-Serial", srv.PlatformKeyID) }, 200, ""},
		{"unknown path", "GET", "/v3/pay/transactions/nowhere", "", nil, 404, "NOT_FOUND"},
		{"trailing slash", "POST", reverse + "/", reverseBody(srv), nil, 404, "NOT_FOUND"},
		{"empty parameter", "POST", "/v3/pay/transactions/out-trade-no//reverse", reverseBody(srv), nil, 404, "NOT_FOUND"},
		{"wrong method", "GET", reverse, "", nil, 405, "METHOD_NOT_ALLOWED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, srv, tc.method, tc.target, tc.body, auth{})
			if tc.edit != nil {
				tc.edit(req)
			}
			resp, body := send(t, srv, req)
			wantStatus(t, resp, body, tc.status, tc.code)
			checkSigned(t, srv, resp, body)
			e := lastErr(t, srv)
			switch {
			case tc.code == "" && e != nil:
				t.Errorf("accepted request recorded with Err %v", e)
			case tc.code != "" && (e == nil || e.Code != tc.code):
				t.Errorf("recorded Err %v, want %s", e, tc.code)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	srv := start(t)
	srv.SlowDelay = 200 * time.Millisecond
	target := "/v3/pay/transactions/out-trade-no/" + fixtureOrder + "?mchid=" + srv.MchID
	get := func() (*http.Response, []byte) {
		return send(t, srv, newRequest(t, srv, http.MethodGet, target, "", auth{}))
	}
	pub := srv.PlatformPublicKey()
	signedBy := func(h http.Header, body []byte) error {
		msg := signer.ResponseMessage(h.Get(signer.HeaderTimestamp), h.Get(signer.HeaderNonce), body)
		return signer.Verify(pub, msg, h.Get(signer.HeaderSignature))
	}

	for _, tc := range []struct {
		fault wxpaytest.Fault
		want  error // from signer.Verifier.Check
		check func(t *testing.T, resp *http.Response, body []byte)
	}{
		{wxpaytest.BadSignature, signer.ErrSignatureMismatch, nil},
		{wxpaytest.StaleTimestamp, signer.ErrStale, func(t *testing.T, resp *http.Response, body []byte) {
			ts, _ := strconv.ParseInt(resp.Header.Get(signer.HeaderTimestamp), 10, 64)
			if age := time.Now().Unix() - ts; age < 590 || age > 610 {
				t.Errorf("timestamp is %ds old, want 600", age)
			}
			if err := signedBy(resp.Header, body); err != nil {
				t.Errorf("stale reply is not signed correctly: %v", err)
			}
		}},
		{wxpaytest.MissingHeaders, signer.ErrMissingHeader, func(t *testing.T, resp *http.Response, body []byte) {
			for k := range resp.Header {
				if strings.HasPrefix(k, "Wechatpay-") {
					t.Errorf("header %s present", k)
				}
			}
		}},
		{wxpaytest.UnknownSerial, signer.ErrUnknownSerial, func(t *testing.T, resp *http.Response, body []byte) {
			if resp.Header.Get(signer.HeaderSerial) == srv.PlatformKeyID {
				t.Error("serial is the known one")
			}
			if err := signedBy(resp.Header, body); err != nil {
				t.Errorf("reply is not signed by the platform key: %v", err)
			}
		}},
		{wxpaytest.SignTestProbe, signer.ErrSignTest, nil},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv.Inject(tc.fault)
			resp, body := get()
			wantStatus(t, resp, body, http.StatusOK, "")
			if gjson.GetBytes(body, "out_trade_no").String() != fixtureOrder {
				t.Errorf("body %s is not the order", body)
			}
			if err := verifier(srv).Check(resp.Header.Get, body); !errors.Is(err, tc.want) {
				t.Errorf("verification error %v, want %v", err, tc.want)
			}
			if resp.Header.Get("Request-ID") == "" {
				t.Error("no Request-ID")
			}
			if tc.check != nil {
				tc.check(t, resp, body)
			}
			reqs := srv.Requests()
			if last := reqs[len(reqs)-1]; last.Fault != tc.fault || last.Err != nil {
				t.Errorf("recorded fault %v, Err %v", last.Fault, last.Err)
			}
			resp, body = get()
			checkSigned(t, srv, resp, body) // the fault is used up
		})
	}

	t.Run("ServerError", func(t *testing.T) {
		srv.Inject(wxpaytest.ServerError)
		resp, body := call(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/"+fixtureOrder+"/reverse", reverseBody(srv))
		wantStatus(t, resp, body, http.StatusInternalServerError, "SYSTEM_ERROR")
		if got := srv.TradeState(fixtureOrder); got != "USERPAYING" {
			t.Errorf("the failed reverse changed the order to %s", got)
		}
	})

	t.Run("Slow", func(t *testing.T) {
		srv.Inject(wxpaytest.Slow)
		began := time.Now()
		resp, body := call(t, srv, http.MethodGet, target, "")
		wantStatus(t, resp, body, http.StatusOK, "")
		if took := time.Since(began); took < srv.SlowDelay {
			t.Errorf("reply took %v, want at least %v", took, srv.SlowDelay)
		}
	})

	t.Run("ResetConnection", func(t *testing.T) {
		srv.Inject(wxpaytest.ResetConnection)
		// POST, which net/http never retries on its own.
		req := newRequest(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/"+fixtureOrder+"/reverse", reverseBody(srv), auth{})
		resp, err := httpClient(t, srv).Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got a reply %d, want a reset connection", resp.StatusCode)
		}
		reqs := srv.Requests()
		if last := reqs[len(reqs)-1]; last.Fault != wxpaytest.ResetConnection || last.Err != nil || last.Method != http.MethodPost {
			t.Errorf("recorded %+v", last)
		}
		if got := srv.TradeState(fixtureOrder); got != "USERPAYING" {
			t.Errorf("the reset reverse changed the order to %s", got)
		}
	})

	t.Run("FIFO", func(t *testing.T) {
		srv.Inject(wxpaytest.BadSignature, wxpaytest.MissingHeaders)
		for _, want := range []error{signer.ErrSignatureMismatch, signer.ErrMissingHeader, nil} {
			resp, body := get()
			if err := verifier(srv).Check(resp.Header.Get, body); !errors.Is(err, want) {
				t.Errorf("verification error %v, want %v", err, want)
			}
		}
	})

	t.Run("on a refused request", func(t *testing.T) {
		srv.Inject(wxpaytest.ServerError)
		resp, body := send(t, srv, newRequest(t, srv, http.MethodGet, target, "", auth{mchID: "1900000001"}))
		wantStatus(t, resp, body, http.StatusInternalServerError, "SYSTEM_ERROR")
		if e := lastErr(t, srv); e == nil || e.Code != "SIGN_ERROR" {
			t.Errorf("recorded Err %v, want SIGN_ERROR", e)
		}
	})
}

// Close must not wait out a Slow reply nobody is waiting for.
func TestCloseCutsSlowShort(t *testing.T) {
	srv := wxpaytest.NewServer()
	// Held for an hour: if Close waited for it, the test binary's own
	// timeout would end the run, so no clock is read here.
	srv.SlowDelay = time.Hour
	srv.Inject(wxpaytest.Slow)
	hc := httpClient(t, srv)
	hc.Timeout = 100 * time.Millisecond
	if resp, err := hc.Do(newRequest(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "", auth{})); err == nil {
		resp.Body.Close()
		t.Fatalf("a reply %d came before the client timeout", resp.StatusCode)
	}
	srv.Close()
}

func TestRequestsAndReset(t *testing.T) {
	srv := start(t)
	call(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "")
	call(t, srv, http.MethodGet, queryTarget(srv, "nosuchorder"), "")
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Target != queryTarget(srv, fixtureOrder) || reqs[1].Target != queryTarget(srv, "nosuchorder") {
		t.Fatalf("recorded %+v", reqs)
	}
	if reqs[0].Err != nil || reqs[1].Err == nil {
		t.Errorf("Errs %v, %v; want nil, ORDER_NOT_EXIST", reqs[0].Err, reqs[1].Err)
	}
	if reqs[0].Header.Get("Authorization") == "" || reqs[0].Header.Get("User-Agent") != "wxpaytest-test/1.0" {
		t.Errorf("recorded headers %v", reqs[0].Header)
	}
	reqs[0].Header.Set("Authorization", "changed")
	reqs[0].Target = "changed"
	if again := srv.Requests(); again[0].Target == "changed" || again[0].Header.Get("Authorization") == "changed" {
		t.Error("Requests does not return a copy")
	}
	srv.Reset()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests after Reset", n)
	}
	call(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "")
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	a, b := start(t), start(t)
	seen := map[string]bool{}
	for _, srv := range []*wxpaytest.Server{a, b, a, b} {
		resp, _ := call(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "")
		id := resp.Header.Get("Request-ID")
		if seen[id] {
			t.Errorf("Request-ID %s repeated", id)
		}
		seen[id] = true
	}
}

func TestSetClock(t *testing.T) {
	srv := start(t)
	later := time.Now().Add(time.Hour)
	srv.SetClock(func() time.Time { return later })
	resp, body := send(t, srv, newRequest(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "", auth{}))
	wantStatus(t, resp, body, http.StatusUnauthorized, "SIGN_ERROR")
	if got := resp.Header.Get(signer.HeaderTimestamp); got != strconv.FormatInt(later.Unix(), 10) {
		t.Errorf("reply timestamp %s, want the server clock %d", got, later.Unix())
	}
	resp, body = send(t, srv, newRequest(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "", auth{ts: later.Unix()}))
	wantStatus(t, resp, body, http.StatusOK, "")
	srv.SetClock(nil)
	call(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "")
}

func TestWithMchID(t *testing.T) {
	srv := start(t, wxpaytest.WithMchID("1900000109"))
	if srv.MchID != "1900000109" || srv.Config().MchID != "1900000109" {
		t.Fatalf("MchID %s, Config().MchID %s", srv.MchID, srv.Config().MchID)
	}
	resp, body := call(t, srv, http.MethodPost, "/v3/pay/transactions/out-trade-no/"+fixtureOrder+"/reverse", reverseBody(srv))
	wantStatus(t, resp, body, http.StatusOK, "")
	if got := gjson.GetBytes(body, "mchid").String(); got != "1900000109" {
		t.Errorf("mchid %s", got)
	}
	resp, body = send(t, srv, newRequest(t, srv, http.MethodGet, queryTarget(srv, fixtureOrder), "", auth{mchID: wxpaytest.DefaultMchID}))
	wantStatus(t, resp, body, http.StatusUnauthorized, "SIGN_ERROR")
}

func TestKeysAndConfig(t *testing.T) {
	a, b := start(t), start(t)
	if a.MerchantKey != b.MerchantKey || a.PlatformKey != b.PlatformKey {
		t.Error("servers do not share their RSA keys")
	}
	if a.MerchantKey.Equal(a.PlatformKey) {
		t.Error("merchant and platform keys are the same")
	}
	if a.URL == b.URL || !strings.HasPrefix(a.URL, "https://127.0.0.1:") || !strings.HasSuffix(a.URL, "/") {
		t.Errorf("URLs %s, %s", a.URL, b.URL)
	}
	if !strings.HasPrefix(a.PlatformKeyID, "PUB_KEY_ID_0114") || len(a.MerchantSerial) != 40 {
		t.Errorf("PlatformKeyID %s, MerchantSerial %s", a.PlatformKeyID, a.MerchantSerial)
	}
	cfg := a.Config()
	if cfg.MchID != a.MchID || cfg.Serial != a.MerchantSerial || cfg.PrivateKey != a.MerchantKey ||
		cfg.BaseURL != a.URL || cfg.BackupURL != "-" || !cfg.Certs[a.PlatformKeyID].Equal(a.PlatformPublicKey()) || len(cfg.Certs) != 1 {
		t.Errorf("Config %+v", cfg)
	}
	if _, err := a.Certificate().Verify(x509.VerifyOptions{Roots: cfg.TLSConfig.RootCAs, DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("Config's RootCAs do not trust the server: %v", err)
	}
	cfg.Certs["x"] = nil
	if len(a.Config().Certs) != 1 {
		t.Error("Config shares its Certs map")
	}
}
