package wechatpay

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
)

var loadTestKey = sync.OnceValue(func() *rsa.PrivateKey {
	data, err := os.ReadFile("signer/testdata/merchant_key.pem")
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return key.(*rsa.PrivateKey)
})

const testKeyID = "PUB_KEY_ID_0114232134912410000000000000"

// recorder is a transport that records requests and answers each with a
// response signed by the test key, as WeChat Pay would.
type recorder struct {
	mu     sync.Mutex
	sent   []*transport.Request
	status int
	body   string
	fail   func(*transport.Request) error // a transport failure for this request, if any
}

func (r *recorder) Do(_ context.Context, req *transport.Request) (*transport.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *req
	cp.Header = req.Header.Clone()
	r.sent = append(r.sent, &cp)
	if r.fail != nil {
		if err := r.fail(req); err != nil {
			return nil, err
		}
	}
	status := r.status
	if status == 0 {
		status = 200
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := signer.Nonce()
	sig, err := signer.Sign(loadTestKey(), signer.ResponseMessage(ts, nonce, []byte(r.body)))
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(signer.HeaderTimestamp, ts)
	h.Set(signer.HeaderNonce, nonce)
	h.Set(signer.HeaderSignature, sig)
	h.Set(signer.HeaderSerial, testKeyID)
	h.Set("Request-Id", "08F78BB5AF0610D302A9A3B30F1BA4C")
	return &transport.Response{StatusCode: status, Header: h, Body: []byte(r.body)}, nil
}

func (r *recorder) last(t *testing.T) *transport.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sent) == 0 {
		t.Fatal("nothing was sent")
	}
	return r.sent[len(r.sent)-1]
}

func testConfig(rec transport.Doer) Config {
	key := loadTestKey()
	return Config{
		MchID:      "1230000109",
		Serial:     "3775B6A45ACD588826D15E583A95F5DD2C39D42B",
		PrivateKey: key,
		Certs:      map[string]*rsa.PublicKey{testKeyID: &key.PublicKey},
		Transport:  rec,
	}
}

func newTestClient(t *testing.T, rec *recorder) *Client {
	t.Helper()
	c, err := New(testConfig(rec))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var seedOptions = M{
	"out_trade_no": "1217752501201407033233368018",
	"json":         M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
}

const seedTemplate = "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"

func TestSeedReverseRequestOnTheWire(t *testing.T) {
	rec := &recorder{body: `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018"}`}
	client := newTestClient(t, rec)
	resp, err := client.Chain(seedTemplate).Post(context.Background(), seedOptions)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Get("out_trade_no").String(); got != "1217752501201407033233368018" {
		t.Fatalf("out_trade_no %q", got)
	}
	req := rec.last(t)
	if req.Method != "POST" || req.URL() != "https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse" {
		t.Fatalf("request %s %s", req.Method, req.URL())
	}
	if got, want := string(req.Body), `{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`; got != want {
		t.Fatalf("body %s, want %s", got, want)
	}
	for k, want := range map[string]string{
		"Accept":           "application/json",
		"Content-Type":     "application/json; charset=utf-8",
		"Wechatpay-Serial": testKeyID,
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if ua := req.Header.Get("User-Agent"); !strings.HasPrefix(ua, "wechatpay-go/"+Version+" ") || !strings.Contains(ua, "go1.") {
		t.Errorf("User-Agent %q", ua)
	}
	c, err := signer.ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := strconv.ParseInt(c.Timestamp, 10, 64)
	msg := signer.RequestMessage("POST", req.Target(), ts, c.Nonce, req.Body)
	if err := signer.Verify(&loadTestKey().PublicKey, msg, c.Signature); err != nil {
		t.Fatalf("request signature: %v", err)
	}
	if c.MchID != "1230000109" || c.Serial != "3775B6A45ACD588826D15E583A95F5DD2C39D42B" {
		t.Fatalf("credentials %+v", c)
	}
}

// The PHP property chain, the string chain and a mix of both are one
// request.
func TestChainFormsAgree(t *testing.T) {
	rec := &recorder{body: `{}`}
	client := newTestClient(t, rec)
	chains := []*Chain{
		client.Chain(seedTemplate),
		client.Chain("/" + seedTemplate),
		client.Chain("v3").Chain("pay").Chain("transactions").Chain("outTradeNo").Chain("_out_trade_no_").Chain("reverse"),
		client.Chain("v3/pay").Chain("transactions/OutTradeNo/{out_trade_no}").Chain("reverse"),
	}
	var targets []string
	for _, ch := range chains {
		if ch.String() != seedTemplate {
			t.Errorf("template %q", ch.String())
		}
		if _, err := ch.Post(context.Background(), seedOptions); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, rec.last(t).Target())
	}
	for _, got := range targets[1:] {
		if got != targets[0] {
			t.Errorf("target %s, want %s", got, targets[0])
		}
	}
}

func TestChainNodesAreImmutable(t *testing.T) {
	client := newTestClient(t, &recorder{})
	base := client.Chain("v3/pay")
	a := base.Chain("transactions")
	b := base.Chain("refunds")
	if base.String() != "v3/pay" || a.String() != "v3/pay/transactions" || b.String() != "v3/pay/refunds" {
		t.Fatalf("%s %s %s", base, a, b)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := base.Chain("x" + strconv.Itoa(i)).String(); got != "v3/pay/x"+strconv.Itoa(i) {
				t.Errorf("got %s", got)
			}
		}()
	}
	wg.Wait()
}

// says checks that an error is a *RequestError that says want.
func says(want string) func(error) bool {
	return func(err error) bool {
		var re *RequestError
		return errors.As(err, &re) && strings.Contains(err.Error(), want)
	}
}

func TestBadInputIsRefusedBeforeSending(t *testing.T) {
	cases := []struct {
		name     string
		template string
		opts     M
		check    func(error) bool
	}{
		{"missing variable", seedTemplate, M{"json": M{}}, func(err error) bool {
			var te *TemplateError
			return errors.As(err, &te) && te.Var == "out_trade_no" && strings.Contains(err.Error(), `"out_trade_no"`)
		}},
		{"path traversal", seedTemplate, M{"out_trade_no": "..", "json": M{}}, isTemplateError},
		{"empty segment", seedTemplate, M{"out_trade_no": "", "json": M{}}, isTemplateError},
		{"misspelled variable", seedTemplate, M{"out_trade_no": "1", "out_trade_number": "1"}, func(err error) bool {
			var re *RequestError
			return errors.As(err, &re) && strings.Contains(err.Error(), `"out_trade_number" is neither an option nor a variable`)
		}},
		{"misspelled option", seedTemplate, M{"out_trade_no": "1", "jsno": M{}}, isRequestError},
		{"invalid raw json", seedTemplate, M{"out_trade_no": "1", "json": `{"appid":`}, isRequestError},
		{"json and body", seedTemplate, M{"out_trade_no": "1", "json": M{}, "body": "x"}, isRequestError},
		{"header injection", seedTemplate, M{"out_trade_no": "1", "headers": M{"X-A": "1\r\nX-B: 2"}}, isRequestError},
		{"bad header type", seedTemplate, M{"out_trade_no": "1", "headers": 42}, isRequestError},
		{"Content-Length header", seedTemplate, M{"out_trade_no": "1", "headers": M{"content-length": "5"}}, says("header content-length is not an option: the transport sets it from the body")},
		{"Host header", seedTemplate, M{"out_trade_no": "1", "headers": map[string]string{"Host": "evil.example"}}, says("header Host is not an option")},
		{"Authorization header", seedTemplate, M{"out_trade_no": "1", "headers": http.Header{"Authorization": {"x"}}}, says("the client signs the request itself")},
		{"Transfer-Encoding header", seedTemplate, M{"out_trade_no": "1", "headers": M{"Transfer-Encoding": "chunked"}}, isRequestError},
		{"bad query", "v3/x", M{"query": M{"a": M{}}}, isRequestError},
		{"bad base_uri", "v3/x", M{"base_uri": "ftp://x"}, isRequestError},
		{"unclosed brace", "v3/{x", M{"x": "1"}, isTemplateError},
		{"whole URL", "https://api.mch.weixin.qq.com/v3/certificates", nil, isTemplateError},
		{"empty literal segment", "v3//certificates", nil, isTemplateError},
		{"literal dot-dot", "v3/pay/../refund/domestic/refunds", nil, isTemplateError},
		{"fragment", "v3/certificates#x", nil, isTemplateError},
		{"empty chain", "", nil, isTemplateError},
		{"unsupported variable type", "v3/{x}", M{"x": struct{}{}}, isTemplateError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			client := newTestClient(t, rec)
			resp, err := client.Chain(tc.template).Post(context.Background(), tc.opts)
			if resp != nil || err == nil || !tc.check(err) {
				t.Fatalf("resp %v, err %v (%T)", resp, err, err)
			}
			if len(rec.sent) != 0 {
				t.Fatalf("sent %d requests", len(rec.sent))
			}
		})
	}
}

func isTemplateError(err error) bool {
	var te *TemplateError
	return errors.As(err, &te)
}

func isRequestError(err error) bool {
	var re *RequestError
	return errors.As(err, &re)
}

func TestValuesCannotChangeTheEndpoint(t *testing.T) {
	rec := &recorder{body: `{}`}
	client := newTestClient(t, rec)
	for value, want := range map[string]string{
		"../../v3/refund": "/v3/pay/transactions/out-trade-no/..%2F..%2Fv3%2Frefund/reverse",
		"a/b":             "/v3/pay/transactions/out-trade-no/a%2Fb/reverse",
		"x?y=1#z":         "/v3/pay/transactions/out-trade-no/x%3Fy%3D1%23z/reverse",
		"商户订单":            "/v3/pay/transactions/out-trade-no/%E5%95%86%E6%88%B7%E8%AE%A2%E5%8D%95/reverse",
	} {
		if _, err := client.Chain(seedTemplate).Post(context.Background(), M{"out_trade_no": value, "json": M{}}); err != nil {
			t.Fatal(err)
		}
		if got := rec.last(t).Target(); got != want {
			t.Errorf("%q: target %s, want %s", value, got, want)
		}
	}
}

func TestOptions(t *testing.T) {
	rec := &recorder{body: `{"ok":1}`}
	client := newTestClient(t, rec)
	ctx := context.Background()

	type order struct {
		AppID string `json:"appid"`
		Note  string `json:"note"`
	}
	if _, err := client.Chain("v3/x").Post(ctx, M{"json": order{AppID: "wx1", Note: "<&>"}}); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.last(t).Body); got != `{"appid":"wx1","note":"<&>"}` {
		t.Errorf("struct body %s", got)
	}

	raw := "{ \"b\":1,\n \"a\":2 }"
	if _, err := client.Chain("v3/x").Post(ctx, M{"json": raw}); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.last(t).Body); got != raw {
		t.Errorf("raw body %q, want it byte-exact", got)
	}

	if _, err := client.Chain("v3/pay/transactions/id/{transaction_id}").Get(ctx,
		M{"transaction_id": "4200000001", "query": M{"mchid": "1230000109"}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Target(); got != "/v3/pay/transactions/id/4200000001?mchid=1230000109" {
		t.Errorf("query target %s", got)
	}
	if _, err := client.Chain("v3/bill/tradebill{?bill_date,bill_type}").Get(ctx,
		M{"bill_date": "2026-11-01", "query": url.Values{"tar_type": {"GZIP"}}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Target(); got != "/v3/bill/tradebill?bill_date=2026-11-01&tar_type=GZIP" {
		t.Errorf("template query target %s", got)
	}

	if _, err := client.Chain("v3/x").Post(ctx, M{"json": M{}, "headers": M{"Wechatpay-Serial": "PUB_KEY_ID_OTHER", "x-trace": "1"}}); err != nil {
		t.Fatal(err)
	}
	h := rec.last(t).Header
	if h.Get("Wechatpay-Serial") != "PUB_KEY_ID_OTHER" || h.Get("X-Trace") != "1" {
		t.Errorf("headers %v", h)
	}

	if _, err := client.Chain("v3/transactions").Get(ctx, M{"base_uri": "https://api.mch.weixin.qq.com/hk"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://api.mch.weixin.qq.com/hk/v3/transactions" {
		t.Errorf("base_uri URL %s", got)
	}
	if got := rec.last(t).Target(); got != "/hk/v3/transactions" {
		t.Errorf("base_uri target %s (the signature covers the path below the host)", got)
	}

	if _, err := client.Chain("v3/x").Put(ctx, M{"body": strings.NewReader("raw")}, M{"headers": map[string]string{"Content-Type": "text/plain"}}); err != nil {
		t.Fatal(err)
	}
	if req := rec.last(t); string(req.Body) != "raw" || req.Method != "PUT" || req.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("body option: %s %q %v", req.Method, req.Body, req.Header)
	}
	for _, verb := range []func(context.Context, ...M) (*Response, error){client.Chain("v3/x").Patch, client.Chain("v3/x").Delete} {
		if _, err := verb(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := []string{rec.sent[len(rec.sent)-2].Method, rec.last(t).Method}; !cmp.Equal(got, []string{"PATCH", "DELETE"}) {
		t.Errorf("methods %v", got)
	}
}

func TestUnsignedEndpointsFromTheCatalog(t *testing.T) {
	rec := &recorder{}
	client := newTestClient(t, rec)
	ctx := context.Background()
	for _, tc := range []struct {
		template string
		vars     M
		unsigned bool
	}{
		{"v3/billdownload/file", M{"query": M{"token": "t"}}, true},
		{"v3/merchant-service/images/{media_id}", M{"media_id": "abc"}, true},
		{"v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "2"}, false},
		{"hk/v3/statements", nil, false},
	} {
		_, _ = client.Chain(tc.template).Get(ctx, tc.vars)
		if got := rec.last(t).Unsigned; got != tc.unsigned {
			t.Errorf("%s: unsigned %v, want %v", tc.template, got, tc.unsigned)
		}
	}
}

func TestAPIError(t *testing.T) {
	rec := &recorder{status: 401, body: `{"code":"SIGN_ERROR","message":"签名错误","detail":{"field":"signature"}}`}
	client := newTestClient(t, rec)
	_, err := client.Chain(seedTemplate).Post(context.Background(), seedOptions)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %v (%T)", err, err)
	}
	want := "POST v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse: 401 SIGN_ERROR: 签名错误 (Request-ID 08F78BB5AF0610D302A9A3B30F1BA4C)"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if apiErr.StatusCode != 401 || apiErr.Code != "SIGN_ERROR" || apiErr.Detail != `{"field":"signature"}` || len(apiErr.Body) == 0 {
		t.Errorf("fields %+v", apiErr)
	}

	rec.status, rec.body = 502, "<html>bad gateway</html>"
	_, err = client.Chain("v3/x").Get(context.Background())
	if !errors.As(err, &apiErr) || err.Error() != "GET v3/x: 502 Bad Gateway (Request-ID 08F78BB5AF0610D302A9A3B30F1BA4C)" {
		t.Errorf("non-JSON error: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	key := loadTestKey()
	good := testConfig(&recorder{})
	cases := map[string]func(*Config){
		"MchID":      func(c *Config) { c.MchID = "" },
		"PrivateKey": func(c *Config) { c.PrivateKey = nil },
		"Serial":     func(c *Config) { c.Serial = "" },
		"Certs":      func(c *Config) { c.Certs = nil },
		"BaseURL":    func(c *Config) { c.BaseURL = "api.mch.weixin.qq.com" },
		"BackupURL":  func(c *Config) { c.BackupURL = "nope" },
	}
	for field, mutate := range cases {
		cfg := good
		mutate(&cfg)
		_, err := New(cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != field {
			t.Errorf("%s: err %v", field, err)
		}
	}
	cfg := good
	cfg.Certs = map[string]*rsa.PublicKey{cfg.Serial: &key.PublicKey}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "mixed up") {
		t.Errorf("merchant serial among platform keys: %v", err)
	}
	// openssl prints a leading zero byte and either case; WeChat Pay prints %X.
	cfg.Certs = map[string]*rsa.PublicKey{"0" + strings.ToLower(cfg.Serial): &key.PublicKey}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "mixed up") {
		t.Errorf("merchant serial among platform keys, spelled otherwise: %v", err)
	}
}

func TestDefaultPlatformSerial(t *testing.T) {
	pub := &loadTestKey().PublicKey
	for _, tc := range []struct {
		certs map[string]*rsa.PublicKey
		want  string
	}{
		{map[string]*rsa.PublicKey{"PUB_KEY_ID_1": pub}, "PUB_KEY_ID_1"},
		{map[string]*rsa.PublicKey{"PUB_KEY_ID_1": pub, "5157F09EFDC096DE15EBE81A47057A72": pub}, "PUB_KEY_ID_1"},
		{map[string]*rsa.PublicKey{"5157F09EFDC096DE15EBE81A47057A72": pub}, "5157F09EFDC096DE15EBE81A47057A72"},
		{map[string]*rsa.PublicKey{"A": pub, "B": pub}, ""},
	} {
		if got := defaultPlatformSerial(tc.certs); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.certs, got, tc.want)
		}
	}
}

func TestBackupDomainRetry(t *testing.T) {
	primaryDown := func(retryable bool) func(*transport.Request) error {
		return func(req *transport.Request) error {
			if strings.HasPrefix(req.BaseURL, "https://primary.test/") {
				return &transport.Error{Method: req.Method, URL: req.URL(), Err: errors.New("connection refused"), Retryable: retryable}
			}
			return nil
		}
	}
	newClient := func(rec *recorder) *Client {
		cfg := testConfig(rec)
		cfg.BaseURL = "https://primary.test"
		cfg.BackupURL = "https://backup.test/"
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	rec := &recorder{body: `{}`, fail: primaryDown(true)}
	if _, err := newClient(rec).Chain(seedTemplate).Post(context.Background(), seedOptions); err != nil {
		t.Fatal(err)
	}
	if len(rec.sent) != 2 || rec.sent[1].URL() != "https://backup.test/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse" {
		t.Fatalf("sent %d, last %s", len(rec.sent), rec.last(t).URL())
	}
	first, _ := signer.ParseAuthorization(rec.sent[0].Header.Get("Authorization"))
	second, _ := signer.ParseAuthorization(rec.sent[1].Header.Get("Authorization"))
	if first.Nonce == second.Nonce {
		t.Error("the retry reused the first signature")
	}

	rec = &recorder{body: `{}`, fail: primaryDown(false)}
	_, err := newClient(rec).Chain(seedTemplate).Post(context.Background(), seedOptions)
	var terr *TransportError
	if !errors.As(err, &terr) || len(rec.sent) != 1 {
		t.Fatalf("non-retryable failure: %v, sent %d", err, len(rec.sent))
	}

	rec = &recorder{status: 500, body: `{"code":"SYSTEM_ERROR","message":"busy"}`}
	_, err = newClient(rec).Chain(seedTemplate).Post(context.Background(), seedOptions)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(rec.sent) != 1 {
		t.Fatalf("a response arrived, so no retry: %v, sent %d", err, len(rec.sent))
	}

	rec = &recorder{body: `{}`, fail: primaryDown(true)}
	cfg := testConfig(rec)
	cfg.BaseURL, cfg.BackupURL = "https://primary.test/", "-"
	c, _ := New(cfg)
	if _, err := c.Chain(seedTemplate).Post(context.Background(), seedOptions); err == nil || len(rec.sent) != 1 {
		t.Fatalf("retry turned off: %v, sent %d", err, len(rec.sent))
	}
}

// The catalog's host column sends the few endpoints served elsewhere
// there, unless the caller or the configuration chose a base URL.
func TestCatalogHost(t *testing.T) {
	rec := &recorder{body: `{}`}
	cfg := testConfig(rec)
	client, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Chain("global/v3/customs/orders").Get(ctx, M{"query": M{"appid": "wx1"}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://apihk.mch.weixin.qq.com/global/v3/customs/orders?appid=wx1" {
		t.Errorf("catalog host: %s", got)
	}
	if _, err := client.Chain("global/v3/customs/orders").Get(ctx, M{"base_uri": "https://api.mch.weixin.qq.com/"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://api.mch.weixin.qq.com/global/v3/customs/orders" {
		t.Errorf("base_uri wins: %s", got)
	}
	cfg.BaseURL = "https://proxy.test/"
	proxied, _ := New(cfg)
	if _, err := proxied.Chain("global/v3/customs/orders").Get(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://proxy.test/global/v3/customs/orders" {
		t.Errorf("configured BaseURL wins: %s", got)
	}
}

// Base URLs are absolute https URLs; plain http only reaches this machine,
// so a signed request never crosses a network in clear.
func TestBaseURLRules(t *testing.T) {
	for _, tc := range []struct {
		url, want string // want: part of the error, "" for accepted
	}{
		{"https://api.mch.weixin.qq.com", ""},
		{"https://127.0.0.1:8443/prefix/", ""},
		{"http://127.0.0.1:8080/", ""},
		{"http://localhost:8080", ""},
		{"http://[::1]:8080/", ""},
		{"http://api.mch.weixin.qq.com/", "plain http to another machine"},
		{"http://10.0.0.8:8080/", "plain http to another machine"},
		{"https://user:secret@api.mch.weixin.qq.com/", "user information"},
		{"https://api.mch.weixin.qq.com/?x=1", "query or fragment"},
		{"ftp://api.mch.weixin.qq.com/", "not an absolute http(s) URL"},
		{"https:///v3/", "not an absolute http(s) URL"},
		{"HTTPS://api.mch.weixin.qq.com/", "not an absolute http(s) URL"},
	} {
		cfg := testConfig(&recorder{})
		cfg.BaseURL = tc.url
		_, err := New(cfg)
		var ce *ConfigError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("BaseURL %q: %v", tc.url, err)
		case tc.want != "" && (!errors.As(err, &ce) || ce.Field != "BaseURL" || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("BaseURL %q: %v, want a BaseURL error saying %q", tc.url, err, tc.want)
		}
	}

	client, err := New(testConfig(&recorder{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Chain("v3/certificates").Get(context.Background(), M{"base_uri": "http://api2.mch.weixin.qq.com/"})
	if err == nil || !strings.Contains(err.Error(), "plain http to another machine") {
		t.Errorf("base_uri over plain http: %v", err)
	}
}

// A variable with no value names the key given in its place.
func TestMissingVariableSuggestsTheUnusedKey(t *testing.T) {
	client := newTestClient(t, &recorder{})
	for _, tc := range []struct {
		opts M
		want string
	}{
		{M{"outTradeNo": "1"}, `variable "out_trade_no" has no value (did you mean "outTradeNo"?)`},
		{M{"out_trade_n": "1", "appid": "x"}, `(did you mean "out_trade_n"?)`},
		{M{"OUT-TRADE-NO": "1", "out_trade": "2"}, `(did you mean "OUT-TRADE-NO"?)`},
		{M{"whatever": "1"}, `(did you mean "whatever"?)`},
		{M{"a": "1", "b": "2"}, `variable "out_trade_no" has no value`},
		{M{"json": M{}}, `variable "out_trade_no" has no value`},
	} {
		_, err := client.Chain(seedTemplate).Post(context.Background(), tc.opts)
		var te *TemplateError
		if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "POST "+seedTemplate+": ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want a TemplateError with %q", tc.opts, err, tc.want)
		}
		if !strings.Contains(tc.want, "did you mean") && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%v: %v suggests a key far from the variable", tc.opts, err)
		}
	}
}
