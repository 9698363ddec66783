package xmlsign

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
)

// capture records the request it gets and answers with a fixed reply.
type capture struct {
	got   *transport.Request
	reply *transport.Response
}

func (c *capture) Do(_ context.Context, req *transport.Request) (*transport.Response, error) {
	cp := *req
	c.got = &cp
	if c.reply != nil {
		return c.reply, nil
	}
	return &transport.Response{StatusCode: 200}, nil
}

func TestSignerBody(t *testing.T) {
	next := &capture{}
	s := &Signer{Secret: docKey, Next: next}
	body := []byte("<xml><appid>wx8888888888888888</appid><mch_id>1900000109</mch_id><sign_type>HMAC-SHA256</sign_type></xml>")
	req := &transport.Request{Method: "POST", BaseURL: "https://api.mch.weixin.qq.com/", URI: "secapi/pay/facepayreverse", Body: body}
	if _, err := s.Do(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != string(body) {
		t.Fatalf("the caller's request was changed: %s", req.Body)
	}
	sent := next.got.Body
	fields, err := transformer.ToMap(sent)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields["nonce_str"]) != signer.NonceLength || len(fields["sign"]) != 64 {
		t.Fatalf("nonce_str %q, sign %q", fields["nonce_str"], fields["sign"])
	}
	if err := Verify(fields, docKey); err != nil {
		t.Fatalf("the signed body does not verify: %v\n%s", err, sent)
	}
	if !strings.HasPrefix(string(sent), string(body[:len(body)-len("</xml>")])+"<nonce_str>") || !strings.HasSuffix(string(sent), "</sign></xml>") {
		t.Fatalf("nonce_str and sign not appended: %s", sent)
	}

	// A second attempt gets a fresh nonce.
	first := fields["nonce_str"]
	s.Do(context.Background(), req)
	again, _ := transformer.ToMap(next.got.Body)
	if again["nonce_str"] == first {
		t.Fatal("nonce reused across attempts")
	}
}

func TestSignerKeepsCallerNonceAndHonoursNonceless(t *testing.T) {
	next := &capture{}
	s := &Signer{Secret: docKey, Next: next}
	body := []byte("<xml><appid>wxd930ea5d5a258f4f</appid><body>test</body><device_info>1000</device_info><mch_id>10000100</mch_id><nonce_str>ibuaiVcKdpRxkhJA</nonce_str></xml>")
	if _, err := s.Do(context.Background(), &transport.Request{Method: "POST", Body: body}); err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(string(body), "</xml>") + "<sign>" + docMD5 + "</sign></xml>"; string(next.got.Body) != want {
		t.Fatalf("got  %s\nwant %s", next.got.Body, want)
	}

	body = []byte("<xml><a>1</a></xml>")
	if _, err := s.Do(context.Background(), &transport.Request{Method: "POST", Body: body, Nonceless: true}); err != nil {
		t.Fatal(err)
	}
	fields, _ := transformer.ToMap(next.got.Body)
	if _, ok := fields["nonce_str"]; ok || Verify(fields, docKey) != nil {
		t.Fatalf("nonceless: %s", next.got.Body)
	}
}

func TestSignerQuery(t *testing.T) {
	next := &capture{}
	s := &Signer{Secret: docKey, Next: next}
	req := &transport.Request{Method: "GET", URI: "papay/h5entrustweb?appid=wx1&mch_id=1900000109&notify_url=https%3A%2F%2Fexample.com%2Fn%3Fa%3D1&sign_type=HMAC-SHA256", Nonceless: true}
	if _, err := s.Do(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(next.got.URI, "?")
	if path != "papay/h5entrustweb" || !strings.HasPrefix(next.got.URI, req.URI+"&sign=") {
		t.Fatalf("URI %s", next.got.URI)
	}
	values, _ := url.ParseQuery(query)
	fields := map[string]string{}
	for k, v := range values {
		fields[k] = v[0]
	}
	if fields["notify_url"] != "https://example.com/n?a=1" || len(fields["sign"]) != 64 || Verify(fields, docKey) != nil {
		t.Fatalf("fields %v", fields)
	}

	if _, err := s.Do(context.Background(), &transport.Request{Method: "GET", URI: "x"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(next.got.URI, "x?nonce_str=") {
		t.Fatalf("URI %s", next.got.URI)
	}
}

func TestSignerRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		secret string
		req    transport.Request
		want   string
	}{
		"sign present":    {docKey, transport.Request{Body: []byte("<xml><sign>X</sign></xml>")}, `already has a "sign"`},
		"not XML":         {docKey, transport.Request{Body: []byte("a=1")}, "request body"},
		"unknown type":    {docKey, transport.Request{Body: []byte("<xml><sign_type>SHA1</sign_type></xml>")}, `"SHA1"`},
		"no key":          {"", transport.Request{Body: []byte("<xml></xml>")}, "key is empty"},
		"repeated param":  {docKey, transport.Request{URI: "x?a=1&a=2"}, `"a" 2 times`},
		"bad query":       {docKey, transport.Request{URI: "x?a=%zz"}, "query"},
		"sign in a query": {docKey, transport.Request{URI: "x?sign=1"}, "already"},
	} {
		t.Run(name, func(t *testing.T) {
			next := &capture{}
			_, err := (&Signer{Secret: tc.secret, Next: next}).Do(context.Background(), &tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if next.got != nil {
				t.Fatal("a refused request was sent")
			}
		})
	}
}

func signedReply(t *testing.T, fields map[string]string, signType string) []byte {
	t.Helper()
	sig, err := Sign(fields, docKey, signType)
	if err != nil {
		t.Fatal(err)
	}
	withSign := map[string]string{"sign": sig}
	for k, v := range fields {
		withSign[k] = v
	}
	body, err := transformer.ToXML(withSign)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestVerifier(t *testing.T) {
	ok := map[string]string{"return_code": "SUCCESS", "result_code": "SUCCESS", "recall": "N", "nonce_str": "x"}
	good := signedReply(t, ok, HMACSHA256)
	bad := []byte(strings.Replace(string(good), "<recall>N</recall>", "<recall>Y</recall>", 1))
	unsignedFail := []byte("<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[签名错误]]></return_msg></xml>")
	cases := []struct {
		name     string
		status   int
		body     []byte
		unsigned bool
		want     error // nil: the reply passes
	}{
		{"HMAC-SHA256", 200, good, false, nil},
		{"MD5", 200, signedReply(t, ok, MD5), false, nil},
		{"tampered", 200, bad, false, ErrSignatureMismatch},
		{"no sign", 200, []byte("<xml><return_code>SUCCESS</return_code></xml>"), false, ErrMissingSign},
		{"not XML", 200, []byte("<html>oops"), false, ErrMissingSign},
		{"return_code FAIL passes", 200, unsignedFail, false, nil},
		{"unsigned endpoint", 200, []byte("交易时间,公众账号ID\n"), true, nil},
		{"error status passes", 400, []byte("<html>No required SSL certificate was sent</html>"), false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Secret: docKey, Next: &capture{reply: &transport.Response{StatusCode: tc.status, Body: tc.body}}}
			resp, err := v.Do(context.Background(), &transport.Request{Method: "POST", BaseURL: "https://api.mch.weixin.qq.com/", URI: "pay/orderquery", Unsigned: tc.unsigned})
			if tc.want == nil {
				if err != nil || resp == nil {
					t.Fatalf("resp %v, err %v", resp, err)
				}
				return
			}
			var verr *signer.VerifyError
			if resp != nil || !errors.As(err, &verr) || !errors.Is(err, tc.want) {
				t.Fatalf("resp %v, err %v; want a VerifyError wrapping %v", resp, err, tc.want)
			}
			if verr.Target != "/pay/orderquery" || !strings.HasPrefix(err.Error(), "POST pay/orderquery: response verification failed: ") {
				t.Fatalf("error %q", err)
			}
		})
	}
}
