package notify

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/signer"
)

const (
	testKeyID    = "PUB_KEY_ID_0114232134912410000000000000"
	testAPIv3Key = "0d6a21a3ec3b1d5fe5c7a5c4a3e1f2b9"
	testNonce    = "iKtWOA7GL44Z"
)

var testNow = time.Unix(1700000000, 0)

// transaction is the plaintext of the payment callback example of the
// WeChat Pay documentation.
const transaction = `{"mchid":"1230000109","appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","transaction_id":"4200000985202103031441826014","trade_type":"NATIVE","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"OTHERS","success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}`

// platformKey stands in for the WeChat Pay platform key: a fixed test key,
// so tests and fuzzing start fast.
func platformKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	key, err := keys.PrivateKey("../signer/testdata/merchant_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newVerifier(t testing.TB) *Verifier {
	return &Verifier{
		Keys:     signer.StaticKeys{testKeyID: &platformKey(t).PublicKey},
		APIv3Key: testAPIv3Key,
		Now:      func() time.Time { return testNow },
	}
}

// envelope encrypts plaintext into a callback body.
func envelope(t testing.TB, plaintext, ad string) []byte {
	t.Helper()
	ct, err := aescipher.EncryptGCM(testAPIv3Key, testNonce, ad, []byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"id":"EV-2018022511223320873","create_time":"2015-05-20T13:29:35+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"` +
		ct + `","associated_data":"` + ad + `","nonce":"` + testNonce + `"}}`)
}

// signed returns the headers WeChat Pay would send with body.
func signed(t testing.TB, body []byte) http.Header {
	t.Helper()
	ts := strconv.FormatInt(testNow.Unix(), 10)
	nonce := signer.Nonce()
	sig, err := signer.Sign(platformKey(t), signer.ResponseMessage(ts, nonce, body))
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{
		"Wechatpay-Timestamp":      {ts},
		"Wechatpay-Nonce":          {nonce},
		"Wechatpay-Signature":      {sig},
		"Wechatpay-Serial":         {testKeyID},
		"Wechatpay-Signature-Type": {signer.Scheme},
		"Content-Type":             {"application/json"},
	}
}

func request(body []byte, h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	return r
}

func TestParse(t *testing.T) {
	body := envelope(t, transaction, "transaction")
	n, err := newVerifier(t).Parse(request(body, signed(t, body)))
	if err != nil {
		t.Fatal(err)
	}
	if string(n.Plaintext) != transaction || !bytes.Equal(n.Body, body) {
		t.Fatalf("plaintext %s\nbody %s", n.Plaintext, n.Body)
	}
	want := Resource{OriginalType: "transaction", Algorithm: AlgorithmGCM, AssociatedData: "transaction", Nonce: testNonce, Ciphertext: n.Resource.Ciphertext}
	if diff := cmp.Diff(want, n.Resource); diff != "" {
		t.Errorf("resource (-want +got):\n%s", diff)
	}
	if n.ID != "EV-2018022511223320873" || n.EventType != "TRANSACTION.SUCCESS" || n.ResourceType != "encrypt-resource" ||
		n.Summary != "支付成功" || n.CreateTime != "2015-05-20T13:29:35+08:00" {
		t.Errorf("envelope %+v", n)
	}
	if got := n.Get("amount.total").Int(); got != 100 {
		t.Errorf("amount.total = %d", got)
	}
	if got := n.Get("trade_state").String(); got != "SUCCESS" {
		t.Errorf("trade_state = %q", got)
	}
	var tx struct {
		OutTradeNo string `json:"out_trade_no"`
		Amount     struct {
			Total int `json:"total"`
		} `json:"amount"`
	}
	if err := n.Decode(&tx); err != nil || tx.OutTradeNo != "1217752501201407033233368018" || tx.Amount.Total != 100 {
		t.Errorf("Decode = %+v, %v", tx, err)
	}
	var wrong struct{ Amount string }
	if err := n.Decode(&wrong); err == nil || !strings.Contains(err.Error(), "notify: decoding transaction resource") {
		t.Errorf("Decode into a mismatched struct: %v", err)
	}
}

// The resource's associated data may be empty, as several WeChat Pay
// examples show.
func TestParseEmptyAssociatedData(t *testing.T) {
	body := envelope(t, `{"refund_status":"SUCCESS"}`, "")
	n, err := newVerifier(t).Parse(request(body, signed(t, body)))
	if err != nil || n.Get("refund_status").String() != "SUCCESS" {
		t.Fatalf("n = %+v, err = %v", n, err)
	}
}

func TestParseFastHTTP(t *testing.T) {
	body := envelope(t, transaction, "transaction")
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetRequestURI("/notify")
	for k, v := range signed(t, body) {
		ctx.Request.Header.Set(k, v[0])
	}
	ctx.Request.SetBody(body)
	n, err := newVerifier(t).ParseFastHTTP(&ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The notification must not share fasthttp's buffers.
	copy(ctx.Request.Body(), bytes.Repeat([]byte{'x'}, len(body)))
	if n.Get("out_trade_no").String() != "1217752501201407033233368018" || !bytes.Equal(n.Body, body) {
		t.Fatalf("n = %s / %s", n.Plaintext, n.Body)
	}
	ReplyFastHTTP(&ctx, nil)
	if ctx.Response.StatusCode() != 204 || len(ctx.Response.Body()) != 0 {
		t.Errorf("reply %d %q", ctx.Response.StatusCode(), ctx.Response.Body())
	}

	var get fasthttp.RequestCtx
	get.Request.Header.SetMethod("GET")
	if _, err := newVerifier(t).ParseFastHTTP(&get); !errors.Is(err, ErrMethod) {
		t.Errorf("GET: %v", err)
	}
	var big fasthttp.RequestCtx
	big.Request.Header.SetMethod("POST")
	big.Request.SetBody(make([]byte, 101))
	v := newVerifier(t)
	v.MaxBody = 100
	_, err = v.ParseFastHTTP(&big)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("large body: %v", err)
	}
	ReplyFastHTTP(&big, err)
	if big.Response.StatusCode() != 413 || string(big.Response.Header.ContentType()) != "application/json" ||
		!strings.Contains(string(big.Response.Body()), `"code":"FAIL"`) {
		t.Errorf("reply %d %q", big.Response.StatusCode(), big.Response.Body())
	}
}

func TestFailures(t *testing.T) {
	key := platformKey(t)
	body := envelope(t, transaction, "transaction")
	resign := func(b []byte, h http.Header) http.Header {
		sig, err := signer.Sign(key, signer.ResponseMessage(h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), b))
		if err != nil {
			t.Fatal(err)
		}
		h.Set("Wechatpay-Signature", sig)
		return h
	}
	// withBody signs another body, to test what happens past verification.
	withBody := func(b string) func(*http.Request) {
		return func(r *http.Request) {
			r.Body = http.NoBody
			*r = *request([]byte(b), resign([]byte(b), signed(t, []byte(b))))
		}
	}
	setHeader := func(k, v string) func(*http.Request) {
		return func(r *http.Request) {
			if v == "" {
				r.Header.Del(k)
			} else {
				r.Header.Set(k, v)
			}
		}
	}
	ct, _ := aescipher.EncryptGCM(testAPIv3Key, testNonce, "transaction", []byte(transaction))
	raw, _ := base64.StdEncoding.DecodeString(ct)
	raw[0] ^= 1
	tampered := strings.Replace(string(body), ct, base64.StdEncoding.EncodeToString(raw), 1)

	for _, tc := range []struct {
		name   string
		change func(*http.Request)
		v      func(*Verifier)
		want   error
		step   string
		status int
		reply  string
	}{
		{"GET", func(r *http.Request) { r.Method = "GET" }, nil, ErrMethod, StepRead, 405, "method is not POST"},
		{"body over the limit", func(r *http.Request) { r.ContentLength = -1 }, func(v *Verifier) { v.MaxBody = 100 }, ErrTooLarge, StepRead, 413, "body exceeds 100 bytes"},
		{"Content-Length over the limit", func(r *http.Request) { r.ContentLength = 1 << 30 }, nil, ErrTooLarge, StepRead, 413, "Content-Length"},
		{"no timestamp", setHeader("Wechatpay-Timestamp", ""), nil, signer.ErrMissingHeader, StepVerify, 401, "signature verification failed"},
		{"no nonce", setHeader("Wechatpay-Nonce", ""), nil, signer.ErrMissingHeader, StepVerify, 401, ""},
		{"no signature", setHeader("Wechatpay-Signature", ""), nil, signer.ErrMissingHeader, StepVerify, 401, ""},
		{"no serial", setHeader("Wechatpay-Serial", ""), nil, signer.ErrMissingHeader, StepVerify, 401, ""},
		{"stale", nil, func(v *Verifier) { v.Now = func() time.Time { return testNow.Add(301 * time.Second) } }, signer.ErrStale, StepVerify, 401, ""},
		{"from the future", nil, func(v *Verifier) { v.Now = func() time.Time { return testNow.Add(-301 * time.Second) } }, signer.ErrStale, StepVerify, 401, ""},
		{"unknown serial", setHeader("Wechatpay-Serial", "PUB_KEY_ID_OTHER"), nil, signer.ErrUnknownSerial, StepVerify, 401, ""},
		{"no keys", nil, func(v *Verifier) { v.Keys = nil }, signer.ErrUnknownSerial, StepVerify, 401, ""},
		{"bad signature", setHeader("Wechatpay-Signature", base64.StdEncoding.EncodeToString(make([]byte, 256))), nil, signer.ErrSignatureMismatch, StepVerify, 401, ""},
		{"body altered", func(r *http.Request) {
			r.Body = http.NoBody
			*r = *request(bytes.Replace(body, []byte("TRANSACTION.SUCCESS"), []byte("TRANSACTION.FAILED!"), 1), r.Header)
		}, nil, signer.ErrSignatureMismatch, StepVerify, 401, ""},
		{"SM2 signature type", setHeader("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3"), nil, ErrSignatureType, StepVerify, 401, "signature verification failed"},
		{"SIGNTEST probe", setHeader("Wechatpay-Signature", "WECHATPAY/SIGNTEST/"+base64.StdEncoding.EncodeToString(make([]byte, 256))), nil, signer.ErrSignTest, StepVerify, 401, "signature test probe rejected"},
		{"not JSON", withBody("<xml/>"), nil, ErrMalformed, StepDecode, 400, "malformed notification"},
		{"no id", withBody(`{"resource":{"algorithm":"AEAD_AES_256_GCM"}}`), nil, ErrMalformed, StepDecode, 400, ""},
		{"other algorithm", withBody(strings.Replace(string(body), AlgorithmGCM, "AEAD_SM4_GCM", 1)), nil, ErrAlgorithm, StepDecode, 400, ""},
		{"no resource", withBody(`{"id":"EV-1","resource_type":"encrypt-resource"}`), nil, ErrAlgorithm, StepDecode, 400, ""},
		{"no ciphertext", withBody(`{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"iKtWOA7GL44Z"}}`), nil, ErrMalformed, StepDecode, 400, ""},
		{"tampered ciphertext", withBody(tampered), nil, aescipher.ErrAuthentication, StepDecrypt, 500, "cannot decrypt the resource"},
		{"wrong associated data", withBody(strings.Replace(string(body), `"associated_data":"transaction"`, `"associated_data":"refund"`, 1)), nil, aescipher.ErrAuthentication, StepDecrypt, 500, ""},
		{"wrong APIv3 key", nil, func(v *Verifier) { v.APIv3Key = strings.ToUpper(testAPIv3Key) }, aescipher.ErrAuthentication, StepDecrypt, 500, ""},
		{"no APIv3 key", nil, func(v *Verifier) { v.APIv3Key = "" }, aescipher.ErrKeyLength, StepDecrypt, 500, "merchant key is not configured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVerifier(t)
			if tc.v != nil {
				tc.v(v)
			}
			r := request(body, signed(t, body))
			if tc.change != nil {
				tc.change(r)
			}
			n, err := v.Parse(r)
			if n != nil {
				t.Errorf("notification %+v returned with an error", n)
			}
			var e *Error
			if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Step != tc.step {
				t.Fatalf("err = %v; want %v at step %s", err, tc.want, tc.step)
			}
			if !strings.HasPrefix(err.Error(), "notify: "+tc.step) {
				t.Errorf("message %q", err)
			}
			rec := httptest.NewRecorder()
			Reply(rec, err)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/json" ||
				!strings.HasPrefix(rec.Body.String(), `{"code":"FAIL","message":"`) || !strings.Contains(rec.Body.String(), tc.reply) {
				t.Errorf("reply %d %s %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
		})
	}
}

// A probe is told apart from a forged signature, so merchants can log it
// as the check it is.
func TestSignTestIsDistinct(t *testing.T) {
	body := envelope(t, transaction, "transaction")
	h := signed(t, body)
	h.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/"+h.Get("Wechatpay-Signature"))
	_, err := newVerifier(t).Parse(request(body, h))
	if !errors.Is(err, signer.ErrSignTest) || errors.Is(err, signer.ErrSignatureMismatch) {
		t.Fatalf("err = %v", err)
	}
}

func TestReplay(t *testing.T) {
	v := newVerifier(t)
	v.Replay = &NonceCache{}
	body := envelope(t, transaction, "transaction")
	h := signed(t, body)
	if _, err := v.Parse(request(body, h)); err != nil {
		t.Fatal(err)
	}
	_, err := v.Parse(request(body, h))
	if !errors.Is(err, ErrReplay) {
		t.Fatalf("replayed: %v", err)
	}
	rec := httptest.NewRecorder()
	Reply(rec, err)
	if rec.Code != http.StatusConflict {
		t.Errorf("reply %d", rec.Code)
	}
	// A retry is signed again with a new nonce and passes.
	if _, err := v.Parse(request(body, signed(t, body))); err != nil {
		t.Fatalf("retry: %v", err)
	}
	// A forged request is not remembered: the real one with its nonce
	// still goes through.
	real := signed(t, body)
	forged := real.Clone()
	forged.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(make([]byte, 256)))
	if _, err := v.Parse(request(body, forged)); !errors.Is(err, signer.ErrSignatureMismatch) {
		t.Fatalf("forged: %v", err)
	}
	if _, err := v.Parse(request(body, real)); err != nil {
		t.Fatalf("real after forged: %v", err)
	}
}

func TestNonceCache(t *testing.T) {
	var c NonceCache
	t0 := time.Unix(1700000000, 0)
	if c.Seen("a", t0) {
		t.Fatal("a is new")
	}
	if !c.Seen("a", t0.Add(599*time.Second)) {
		t.Fatal("a at +599s: a callback stamped 300 s ahead still verifies, so it must be remembered")
	}
	if c.Seen("a", t0.Add(600*time.Second)) {
		t.Fatal("a at +600s is forgotten")
	}
	for i := range 100 {
		c.Seen(strconv.Itoa(i), t0.Add(700*time.Second))
	}
	if c.Len() != 101 {
		t.Fatalf("Len = %d", c.Len())
	}
	c.Seen("b", t0.Add(1400*time.Second)) // sweeps everything older than 600 s
	if c.Len() != 1 {
		t.Fatalf("after sweep Len = %d", c.Len())
	}
	short := NonceCache{Window: time.Second}
	short.Seen("x", t0)
	if short.Seen("x", t0.Add(2*time.Second)) {
		t.Error("Window is not honoured")
	}
}

func TestAnswer(t *testing.T) {
	if status, body := Answer(nil); status != 204 || body != nil {
		t.Errorf("success: %d %q", status, body)
	}
	status, body := Answer(errors.New("database is down: dsn=secret"))
	if status != 500 || string(body) != `{"code":"FAIL","message":"processing failed"}` {
		t.Errorf("merchant error: %d %s", status, body)
	}
	rec := httptest.NewRecorder()
	Reply(rec, nil)
	if rec.Code != 204 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("Reply(nil): %d %q", rec.Code, rec.Body.String())
	}
}

func BenchmarkVerify(b *testing.B) {
	v := newVerifier(b)
	body := envelope(b, transaction, "transaction")
	h := signed(b, body)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h.Get, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	v := newVerifier(b)
	body := envelope(b, transaction, "transaction")
	h := signed(b, body)
	r := request(body, h)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = readCloser{bytes.NewReader(body)}
		if _, err := v.Parse(r); err != nil {
			b.Fatal(err)
		}
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// failingStore is a ReplayStore that cannot reach its store, or one that
// has seen every nonce.
type failingStore struct {
	err  error
	seen bool
}

func (s failingStore) Seen(string, time.Time) bool { return true }

func (s failingStore) Check(string, time.Time) (bool, error) { return s.seen, s.err }

// A ReplayStore that cannot answer refuses the callback with its own
// error and a 503, so WeChat Pay sends it again; a seen nonce is still a
// 409.
func TestReplayStore(t *testing.T) {
	down := errors.New("store unreachable")
	v := newVerifier(t)
	body := envelope(t, transaction, "transaction")

	v.Replay = failingStore{err: down}
	_, err := v.Parse(request(body, signed(t, body)))
	var e *Error
	if !errors.As(err, &e) || e.Step != StepReplay || !errors.Is(err, down) || errors.Is(err, ErrReplay) {
		t.Fatalf("unreachable store: %v", err)
	}
	rec := httptest.NewRecorder()
	Reply(rec, err)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "cannot check the notification nonce now") {
		t.Errorf("reply %d %s", rec.Code, rec.Body)
	}

	v.Replay = failingStore{seen: true}
	_, err = v.Parse(request(body, signed(t, body)))
	if !errors.Is(err, ErrReplay) {
		t.Fatalf("seen: %v", err)
	}
	if status, _ := Answer(err); status != http.StatusConflict {
		t.Errorf("seen: reply %d", status)
	}

	v.Replay = failingStore{}
	if _, err := v.Parse(request(body, signed(t, body))); err != nil {
		t.Fatalf("new nonce: %v", err)
	}
}
