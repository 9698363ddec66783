package signer

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

func testKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	data, err := os.ReadFile("testdata/merchant_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key.(*rsa.PrivateKey)
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const (
	seedTarget = "/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse"
	seedBody   = `{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`
	seedNonce  = "593BEC0C930BF1AFEB40B4A08C8FB242"
	seedTime   = 1554208460
)

func TestRequestMessageMatchesTheDocumentedLayout(t *testing.T) {
	got := RequestMessage("POST", seedTarget, seedTime, seedNonce, []byte(seedBody))
	if want := readFile(t, "request_message.txt"); string(got) != want {
		t.Fatalf("message\n%q\nwant\n%q", got, want)
	}
	if got := string(RequestMessage("GET", "/v3/certificates", 1, "n", nil)); got != "GET\n/v3/certificates\n1\nn\n\n" {
		t.Fatalf("empty body message %q", got)
	}
}

// The expected signatures were made by OpenSSL (testdata/README.md).
func TestSignKnownAnswer(t *testing.T) {
	key := testKey(t)
	sig, err := Sign(key, []byte(readFile(t, "request_message.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if want := readFile(t, "request_signature.txt"); sig != want {
		t.Fatalf("signature %s\nwant %s", sig, want)
	}
	auth, err := Authorization("1230000109", "3775B6A45ACD588826D15E583A95F5DD2C39D42B", key, "POST", seedTarget, []byte(seedBody), seedTime, seedNonce)
	if err != nil {
		t.Fatal(err)
	}
	want := `WECHATPAY2-SHA256-RSA2048 mchid="1230000109",serial_no="3775B6A45ACD588826D15E583A95F5DD2C39D42B",timestamp="1554208460",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="` + readFile(t, "request_signature.txt") + `"`
	if auth != want {
		t.Fatalf("authorization\n%s\nwant\n%s", auth, want)
	}
	c, err := ParseAuthorization(auth)
	if err != nil {
		t.Fatal(err)
	}
	if c.MchID != "1230000109" || c.Timestamp != "1554208460" || c.Nonce != seedNonce || c.Signature != readFile(t, "request_signature.txt") {
		t.Fatalf("parsed %+v", c)
	}
}

func TestVerifyKnownAnswer(t *testing.T) {
	pub := &testKey(t).PublicKey
	msg := []byte(readFile(t, "response_message.txt"))
	sig := readFile(t, "response_signature.txt")
	if err := Verify(pub, msg, sig); err != nil {
		t.Fatal(err)
	}
	msg[len(msg)-3] ^= 1
	if err := Verify(pub, msg, sig); !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("tampered message: %v", err)
	}
	for _, bad := range []string{"", "!!!", strings.Repeat("A", 1000), sig[:len(sig)-4]} {
		if err := Verify(pub, []byte("x"), bad); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("signature %.20q: %v", bad, err)
		}
	}
}

func TestNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := Nonce()
		if len(n) != NonceLength {
			t.Fatalf("nonce %q has length %d", n, len(n))
		}
		for _, r := range n {
			if !strings.ContainsRune(nonceAlphabet, r) {
				t.Fatalf("nonce %q has %q", n, r)
			}
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
	}
}

func TestParseAuthorizationRefusesMalformedValues(t *testing.T) {
	ok := `WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="2",timestamp="3",nonce_str="4",signature="5"`
	if _, err := ParseAuthorization(ok); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"",
		`Bearer x`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="2",timestamp="3",nonce_str="4"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1",serial_no="2",timestamp="3",nonce_str="4",signature="5"`,
		`WECHATPAY2-SHA256-RSA2048 mchid=1,serial_no="2",timestamp="3",nonce_str="4",signature="5"`,
		`WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="2",timestamp="3",nonce_str="4",signature="5",extra="6"`,
	} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// signedResponse builds a response signed with key at time ts.
func signedResponse(t testing.TB, key *rsa.PrivateKey, serial string, ts int64, body string) *transport.Response {
	t.Helper()
	nonce := Nonce()
	tsText := strconv.FormatInt(ts, 10)
	sig, err := Sign(key, ResponseMessage(tsText, nonce, []byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(HeaderTimestamp, tsText)
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderSignature, sig)
	h.Set(HeaderSerial, serial)
	return &transport.Response{StatusCode: 200, Header: h, Body: []byte(body)}
}

func TestSignerAndVerifierMiddleware(t *testing.T) {
	key := testKey(t)
	now := time.Unix(seedTime, 0)
	var sent *transport.Request
	var reply *transport.Response
	wire := transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		sent = req
		return reply, nil
	})
	verifier := &Verifier{Keys: StaticKeys{"PUB_KEY_ID_1": &key.PublicKey}, Next: wire, Now: func() time.Time { return now }}
	s := &Signer{MchID: "1230000109", Serial: "SERIAL", Key: key, Next: verifier, Now: func() time.Time { return now }}
	req := func() *transport.Request {
		return &transport.Request{Method: "POST", BaseURL: "https://api.mch.weixin.qq.com/", URI: seedTarget[1:], Body: []byte(seedBody)}
	}

	reply = signedResponse(t, key, "PUB_KEY_ID_1", seedTime, `{"ok":true}`)
	resp, err := s.Do(context.Background(), req())
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"ok":true}` {
		t.Fatalf("body %s", resp.Body)
	}
	c, err := ParseAuthorization(sent.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timestamp != strconv.Itoa(seedTime) || len(c.Nonce) != NonceLength || c.Serial != "SERIAL" {
		t.Fatalf("credentials %+v", c)
	}
	if err := Verify(&key.PublicKey, RequestMessage("POST", seedTarget, seedTime, c.Nonce, []byte(seedBody)), c.Signature); err != nil {
		t.Fatalf("request signature: %v", err)
	}

	cases := []struct {
		name   string
		mutate func(*transport.Response)
		want   error
	}{
		{"missing timestamp", func(r *transport.Response) { r.Header.Del(HeaderTimestamp) }, ErrMissingHeader},
		{"missing nonce", func(r *transport.Response) { r.Header.Del(HeaderNonce) }, ErrMissingHeader},
		{"missing signature", func(r *transport.Response) { r.Header.Del(HeaderSignature) }, ErrMissingHeader},
		{"missing serial", func(r *transport.Response) { r.Header.Del(HeaderSerial) }, ErrMissingHeader},
		{"unknown serial", func(r *transport.Response) { r.Header.Set(HeaderSerial, "PUB_KEY_ID_2") }, ErrUnknownSerial},
		{"tampered body", func(r *transport.Response) { r.Body = []byte(`{"ok":false}`) }, ErrSignatureMismatch},
		{"probe", func(r *transport.Response) { r.Header.Set(HeaderSignature, "WECHATPAY/SIGNTEST/abc") }, ErrSignTest},
		{"bad timestamp", func(r *transport.Response) { r.Header.Set(HeaderTimestamp, "soon") }, ErrStale},
	}
	for _, tc := range cases {
		reply = signedResponse(t, key, "PUB_KEY_ID_1", seedTime, `{"ok":true}`)
		tc.mutate(reply)
		resp, err := s.Do(context.Background(), req())
		var verr *VerifyError
		if !errors.As(err, &verr) || !errors.Is(err, tc.want) || resp != nil {
			t.Errorf("%s: resp %v, err %v; want a VerifyError wrapping %v", tc.name, resp, err, tc.want)
		}
	}

	for _, skew := range []int64{-301, 301} {
		reply = signedResponse(t, key, "PUB_KEY_ID_1", seedTime+skew, `{}`)
		if _, err := s.Do(context.Background(), req()); !errors.Is(err, ErrStale) {
			t.Errorf("skew %d: %v", skew, err)
		}
	}
	for _, skew := range []int64{-300, 300} {
		reply = signedResponse(t, key, "PUB_KEY_ID_1", seedTime+skew, `{}`)
		if _, err := s.Do(context.Background(), req()); err != nil {
			t.Errorf("skew %d: %v", skew, err)
		}
	}

	// Error responses and unsigned endpoints pass through unchecked.
	reply = &transport.Response{StatusCode: 401, Header: http.Header{}, Body: []byte(`{"code":"SIGN_ERROR"}`)}
	if resp, err := s.Do(context.Background(), req()); err != nil || resp.StatusCode != 401 {
		t.Errorf("error response: %v %v", resp, err)
	}
	reply = &transport.Response{StatusCode: 200, Header: http.Header{}, Body: []byte("bill")}
	unsigned := req()
	unsigned.Unsigned = true
	if resp, err := s.Do(context.Background(), unsigned); err != nil || string(resp.Body) != "bill" {
		t.Errorf("unsigned endpoint: %v %v", resp, err)
	}
}

// failingSigner stands for an HSM that is down.
type failingSigner struct{ crypto.Signer }

func (f failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("hsm offline")
}

func TestSignerReportsKeyFailures(t *testing.T) {
	s := &Signer{MchID: "1", Serial: "2", Key: failingSigner{testKey(t)}, Next: transport.DoerFunc(func(context.Context, *transport.Request) (*transport.Response, error) {
		t.Fatal("request sent without a signature")
		return nil, nil
	})}
	_, err := s.Do(context.Background(), &transport.Request{Method: "GET", BaseURL: "https://x/", URI: "v3/a"})
	if err == nil || !strings.Contains(err.Error(), "hsm offline") {
		t.Fatalf("err %v", err)
	}
}

func BenchmarkSign(b *testing.B) {
	key := testKey(b)
	body := []byte(seedBody)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Authorization("1230000109", "SERIAL", key, "POST", seedTarget, body, seedTime, seedNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	key := testKey(b)
	v := &Verifier{Keys: StaticKeys{"K": &key.PublicKey}}
	resp := signedResponse(b, key, "K", time.Now().Unix(), `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018"}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Check(resp.Header.Get, resp.Body); err != nil {
			b.Fatal(err)
		}
	}
}

// The Signer keeps the Doer contract: Next sees the Authorization header
// on a copy, and the caller's request, its header map included, is as it
// was; signing it again gives a fresh signature.
func TestSignerLeavesTheRequestAsItWas(t *testing.T) {
	var seen []string
	next := transport.DoerFunc(func(_ context.Context, req *transport.Request) (*transport.Response, error) {
		seen = append(seen, req.Header.Get("Authorization"))
		if req.Header.Get("Accept") != "application/json" {
			t.Errorf("Next lost the caller's headers: %v", req.Header)
		}
		return &transport.Response{StatusCode: 204}, nil
	})
	s := &Signer{MchID: "1230000109", Serial: "SERIAL", Key: testKey(t), Next: next}
	req := &transport.Request{Method: "GET", BaseURL: "https://api.mch.weixin.qq.com/", URI: "v3/certificates",
		Header: http.Header{"Accept": {"application/json"}}}
	for range 2 {
		if _, err := s.Do(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if len(req.Header) != 1 || req.Header.Get("Authorization") != "" {
		t.Errorf("the caller's header map changed: %v", req.Header)
	}
	if len(seen) != 2 || seen[0] == "" || seen[0] == seen[1] {
		t.Errorf("Authorization headers sent: %q", seen)
	}
}
