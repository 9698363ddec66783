package wxpaytest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// rawV2 sends hand-made APIv2 requests, to reach the server's checks that
// the client would not let through.
type rawV2 struct {
	t    *testing.T
	srv  *Server
	http *http.Client
}

func newRawV2(t *testing.T, srv *Server, withCert bool) *rawV2 {
	cfg := srv.V2Config()
	tlsConfig := cfg.TLSConfig.Clone()
	if withCert {
		tlsConfig.Certificates = []tls.Certificate{*cfg.Merchant}
	}
	return &rawV2{t: t, srv: srv, http: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}}
}

// post signs fields (unless they carry a sign) and posts them.
func (r *rawV2) post(path string, fields map[string]string, contentType string) (int, map[string]string, string) {
	r.t.Helper()
	if _, ok := fields["sign"]; !ok {
		sig, err := xmlsign.Sign(fields, r.srv.Secret, fields["sign_type"])
		if err != nil {
			r.t.Fatal(err)
		}
		fields["sign"] = sig
	}
	body, err := transformer.ToXML(fields)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.send("POST", path, body, contentType)
}

func (r *rawV2) send(method, path string, body []byte, contentType string) (int, map[string]string, string) {
	r.t.Helper()
	req, _ := http.NewRequest(method, strings.TrimSuffix(r.srv.URL, "/")+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	fields, _ := transformer.ToMap(data)
	return resp.StatusCode, fields, string(data)
}

func (r *rawV2) query(extra map[string]string) map[string]string {
	f := map[string]string{"appid": r.srv.V2AppID, "mch_id": r.srv.V2MchID, "nonce_str": randomNonce(), "out_trade_no": v2SeedOrderNo}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

var nonceSeq int

func randomNonce() string {
	nonceSeq++
	return "n" + big.NewInt(int64(nonceSeq)).String()
}

func TestV2ServerChecks(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, true)
	const xmlCT = "text/xml; charset=utf-8"
	cases := []struct {
		name   string
		fields map[string]string
		ct     string
		msg    string // start of return_msg
	}{
		{"wrong Content-Type", raw.query(nil), "application/json", "Content-Type must be text/xml"},
		{"no mch_id", map[string]string{"appid": srv.V2AppID, "nonce_str": "a"}, xmlCT, "缺少参数mch_id"},
		{"unknown merchant", raw.query(map[string]string{"mch_id": "1900000199"}), xmlCT, "mch_id参数错误"},
		{"no appid", map[string]string{"mch_id": srv.V2MchID, "nonce_str": "b"}, xmlCT, "缺少参数appid"},
		{"appid of another merchant", raw.query(map[string]string{"appid": srv.AppID}), xmlCT, "appid和mch_id不匹配"},
		{"bad sign_type", raw.query(map[string]string{"sign_type": "SHA1", "sign": "X"}), xmlCT, "sign_type参数错误"},
		{"bad sign", raw.query(map[string]string{"sign": strings.Repeat("A", 32)}), xmlCT, "签名错误"},
		{"HMAC sign declared MD5", raw.query(map[string]string{"sign": mustSign(t, raw.query(map[string]string{"nonce_str": "c"}), srv.Secret, xmlsign.HMACSHA256), "nonce_str": "c"}), xmlCT, "签名错误"},
		{"no nonce", map[string]string{"appid": srv.V2AppID, "mch_id": srv.V2MchID}, xmlCT, "缺少参数nonce_str"},
		{"long nonce", raw.query(map[string]string{"nonce_str": strings.Repeat("n", 33)}), xmlCT, "nonce_str参数长度有误"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			status, reply, body := raw.post("/pay/orderquery", tc.fields, tc.ct)
			if status != 200 || reply["return_code"] != "FAIL" || !strings.HasPrefix(reply["return_msg"], tc.msg) {
				t.Fatalf("%d %s", status, body)
			}
			if reply["sign"] != "" || !strings.Contains(body, "<return_code><![CDATA[FAIL]]></return_code>") {
				t.Fatalf("a return_code FAIL reply is unsigned CDATA: %s", body)
			}
			reqs := srv.Requests()
			var e *Error
			if len(reqs) != 1 || !errors.As(reqs[0].Err, &e) || e.Code != "FAIL" || e.Message != reply["return_msg"] {
				t.Fatalf("recorded %+v", reqs)
			}
		})
	}

	status, reply, body := raw.send("POST", "/pay/orderquery", []byte("<xml><a>1</b></xml>"), xmlCT)
	if status != 200 || !strings.HasPrefix(reply["return_msg"], "XML格式错误") {
		t.Errorf("malformed XML: %d %s", status, body)
	}
	status, _, body = raw.send("POST", "/pay/nowhere", nil, xmlCT)
	if status != 404 {
		t.Errorf("unknown path: %d %s", status, body)
	}
	status, _, body = raw.send("GET", "/pay/orderquery", nil, "")
	if status != 405 {
		t.Errorf("wrong method: %d %s", status, body)
	}
}

func mustSign(t *testing.T, fields map[string]string, secret, signType string) string {
	t.Helper()
	s, err := xmlsign.Sign(fields, secret, signType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Replies are signed with the request's sign_type, every string in CDATA.
func TestV2ServerSignsReplies(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, false)
	for _, signType := range []string{"", xmlsign.MD5, xmlsign.HMACSHA256} {
		fields := raw.query(nil)
		if signType != "" {
			fields["sign_type"] = signType
		}
		status, reply, body := raw.post("/pay/orderquery", fields, "text/xml")
		if status != 200 || reply["result_code"] != "SUCCESS" || reply["trade_state"] != "SUCCESS" {
			t.Fatalf("%d %s", status, body)
		}
		want := 32
		if signType == xmlsign.HMACSHA256 {
			want = 64
		}
		if len(reply["sign"]) != want || xmlsign.Verify(reply, srv.Secret) != nil {
			t.Fatalf("%s: reply sign %q does not verify", signType, reply["sign"])
		}
		if !strings.Contains(body, "<return_code><![CDATA[SUCCESS]]></return_code>") || !strings.Contains(body, "<total_fee>1</total_fee>") {
			t.Fatalf("layout: %s", body)
		}
		if reply["nonce_str"] == fields["nonce_str"] {
			t.Fatal("the reply echoes the request nonce")
		}
	}
}

func TestV2ServerRequiresTheClientCertificate(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	fields := func(raw *rawV2) map[string]string {
		return raw.query(map[string]string{"sub_mch_id": DefaultV2SubMchID})
	}
	noCert := newRawV2(t, srv, false)
	status, _, body := noCert.post("/secapi/pay/facepayreverse", fields(noCert), "text/xml")
	if status != 400 || !strings.Contains(body, "<title>400 No required SSL certificate was sent</title>") {
		t.Fatalf("%d %s", status, body)
	}
	if e := srv.Requests()[0].Err; e == nil || e.(*Error).Code != "NO_CLIENT_CERT" {
		t.Fatalf("recorded %v", e)
	}
	withCert := newRawV2(t, srv, true)
	status, reply, body := withCert.post("/secapi/pay/facepayreverse", fields(withCert), "text/xml")
	if status != 200 || reply["result_code"] != "SUCCESS" || reply["recall"] != "N" {
		t.Fatalf("%d %s", status, body)
	}
	// Endpoints that need none take a certificate all the same.
	status, reply, _ = withCert.post("/pay/orderquery", withCert.query(nil), "text/xml")
	if status != 200 || reply["return_code"] != "SUCCESS" {
		t.Fatalf("%d %v", status, reply)
	}
}

func TestV2ServerSetup(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	cfg, v2cfg := srv.Config(), srv.V2Config()
	if cfg.Secret != srv.Secret || len(srv.Secret) != 32 || cfg.Merchant == nil || v2cfg.Secret != srv.Secret {
		t.Fatalf("Secret %q / %q, Merchant %v", cfg.Secret, v2cfg.Secret, cfg.Merchant)
	}
	if v2cfg.MchID != DefaultV2MchID || srv.V2MchID != DefaultV2MchID || srv.V2AppID != DefaultV2AppID || v2cfg.PrivateKey != nil {
		t.Fatalf("V2Config %+v", v2cfg)
	}
	for mch, c := range map[string]*tls.Certificate{srv.MchID: cfg.Merchant, srv.V2MchID: v2cfg.Merchant} {
		if c.Leaf.Subject.CommonName != mch || c.Leaf.CheckSignatureFrom(srv.MerchantCA()) != nil {
			t.Errorf("certificate of %s: %s", mch, c.Leaf.Subject)
		}
	}
	if got := strings.ToUpper(cfg.Merchant.Leaf.SerialNumber.Text(16)); strings.TrimLeft(srv.MerchantSerial, "0") != got {
		t.Errorf("serial %s, want MerchantSerial %s", got, srv.MerchantSerial)
	}
	if first, again := srv.V2Client(), srv.V2Client(); first != again {
		t.Error("V2Client is not cached")
	}
	if _, err := wechatpay.New(v2cfg); err != nil {
		t.Fatal(err)
	}
	// One merchant for both protocols.
	one := NewServer(WithMchID(DefaultV2MchID))
	defer one.Close()
	if _, err := one.Client().Chain("v2/pay/orderquery").Post(context.Background(), wechatpay.M{
		"xml": wechatpay.M{"appid": one.AppID, "mch_id": one.MchID, "out_trade_no": v2SeedOrderNo},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestV2Faults(t *testing.T) {
	for _, f := range []Fault{ReturnFail, ResultFail, MissingSign, NoClientCert} {
		if strings.HasPrefix(f.String(), "Fault(") {
			t.Errorf("%d has no name", int(f))
		}
	}
	srv := NewServer()
	defer srv.Close()
	srv.Inject(ReturnFail, ResultFail, MissingSign, NoClientCert)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Inject accepted Fault(100)")
			}
		}()
		srv.Inject(Fault(100))
	}()
}
