package wechatpay_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// seedV2 is the request of the face-pay reverse seed, verbatim.
func seedV2() wechatpay.M {
	return wechatpay.M{
		"security": true,
		"xml": wechatpay.M{
			"appid":          "wx8888888888888888",
			"sub_appid":      "wx8888888888888888",
			"mch_id":         "1900000109",
			"sub_mch_id":     "1900000100",
			"transaction_id": "1217752501201407033233368018",
			"out_trade_no":   "1217752501201407033233368018",
			"sign_type":      "HMAC-SHA256",
		},
	}
}

func TestEndToEndV2Seed(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()
	ctx := context.Background()

	for _, node := range []*wechatpay.Chain{
		client.Chain("v2/secapi/pay/facepayreverse"),
		client.Chain("v2").Chain("secapi").Chain("pay").Chain("facepayreverse"),
	} {
		resp, err := node.Post(ctx, seedV2())
		if err != nil {
			t.Fatal(err)
		}
		reply, err := transformer.ToMap(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{
			"return_code": "SUCCESS", "result_code": "SUCCESS", "recall": "N", "appid": "wx8888888888888888",
			"sub_appid": "wx8888888888888888", "mch_id": "1900000109", "sub_mch_id": "1900000100",
		} {
			if reply[k] != want {
				t.Errorf("%s = %q, want %q", k, reply[k], want)
			}
		}
		if len(reply["sign"]) != 64 {
			t.Errorf("the reply is not signed with HMAC-SHA256: %q", reply["sign"])
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.Err != nil || r.Method != "POST" || r.Target != "/secapi/pay/facepayreverse" || r.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Errorf("%s %s %v", r.Method, r.Target, r.Err)
		}
	}
	if got := srv.V2TradeState("1900000109", "1217752501201407033233368018"); got != "REVOKED" {
		t.Errorf("trade_state %s", got)
	}
}

// srv.Client() speaks APIv2 too, as merchant MchID.
func TestEndToEndV2WithTheMainClient(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	resp, err := srv.Client().Chain("v2/pay/orderquery").Post(context.Background(), wechatpay.M{
		"xml": wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID, "out_trade_no": "1217752501201407033233368018"},
	})
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := transformer.ToMap(resp.Body)
	if reply["trade_state"] != "SUCCESS" || reply["mch_id"] != srv.MchID || len(reply["sign"]) != 32 || reply["sub_mch_id"] != "" {
		t.Fatalf("%s", resp.Body)
	}
	// And APIv3 still works on the same client.
	if _, err := srv.Client().Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv)); err != nil {
		t.Fatal(err)
	}
	// V2Client is APIv2 only.
	_, err = srv.V2Client().Chain(reverseTemplate).Post(context.Background(), reverseOptions(srv))
	if err == nil || !strings.Contains(err.Error(), "APIv3 is not configured") {
		t.Fatalf("v3 on V2Client: %v", err)
	}
}

func TestEndToEndV2Lifecycle(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()
	ctx := context.Background()
	base := func(extra wechatpay.M) wechatpay.M {
		x := wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "sub_mch_id": wxpaytest.DefaultV2SubMchID}
		for k, v := range extra {
			x[k] = v
		}
		return x
	}

	// Code payment, then a query.
	pay := wechatpay.M{"xml": base(wechatpay.M{
		"body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": "1415757673", "total_fee": 1,
		"spbill_create_ip": "14.17.22.52", "auth_code": "120061098828009406", "sign_type": "HMAC-SHA256",
	})}
	resp, err := client.Chain("v2/pay/micropay").Post(ctx, pay)
	if err != nil {
		t.Fatal(err)
	}
	paid, _ := transformer.ToMap(resp.Body)
	if paid["transaction_id"] == "" || paid["total_fee"] != "1" || paid["trade_type"] != "MICROPAY" {
		t.Fatalf("%s", resp.Body)
	}
	resp, err = client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": base(wechatpay.M{"transaction_id": paid["transaction_id"]})})
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := transformer.ToMap(resp.Body); q["out_trade_no"] != "1415757673" || q["trade_state"] != "SUCCESS" {
		t.Fatalf("%s", resp.Body)
	}
	// Paying the same order again, and a bad auth code.
	_, err = client.Chain("v2/pay/micropay").Post(ctx, pay)
	var v2err *wechatpay.V2Error
	if !errors.As(err, &v2err) || v2err.ErrCode != "OUT_TRADE_NO_USED" {
		t.Fatalf("paid twice: %v", err)
	}
	pay["xml"].(wechatpay.M)["auth_code"] = "990061098828009406"
	pay["xml"].(wechatpay.M)["out_trade_no"] = "1415757674"
	if _, err = client.Chain("v2/pay/micropay").Post(ctx, pay); !errors.As(err, &v2err) || v2err.ErrCode != "AUTH_CODE_INVALID" {
		t.Fatalf("bad auth code: %v", err)
	}

	// Reverse: recall Y once, then N.
	reverse := wechatpay.M{"security": true, "xml": base(wechatpay.M{"out_trade_no": "1415757673"})}
	_, err = client.Chain("v2/secapi/pay/reverse").Post(ctx, reverse)
	if !errors.As(err, &v2err) || v2err.Fields["recall"] != "Y" || err.Error() != "POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y)" {
		t.Fatalf("first reverse: %v", err)
	}
	resp, err = client.Chain("v2/secapi/pay/reverse").Post(ctx, reverse)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := transformer.ToMap(resp.Body); r["recall"] != "N" {
		t.Fatalf("%s", resp.Body)
	}
	if got := srv.V2TradeState(srv.V2MchID, "1415757673"); got != "REVOKED" {
		t.Fatalf("trade_state %s", got)
	}
	// An unknown order.
	_, err = client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": base(wechatpay.M{"out_trade_no": "nope"})})
	if !errors.As(err, &v2err) || v2err.ErrCode != "ORDERNOTEXIST" || v2err.ErrCodeDes != "此交易订单号不存在" {
		t.Fatalf("unknown order: %v", err)
	}
}

func TestEndToEndV2QuerySignedGet(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	resp, err := srv.V2Client().Chain("v2/papay/h5entrustweb").Get(context.Background(), wechatpay.M{
		"nonceless": true,
		"query": wechatpay.M{
			"appid": srv.V2AppID, "mch_id": srv.V2MchID, "plan_id": "12535", "contract_code": "100000",
			"request_serial": 1000, "contract_display_account": "微信代扣", "notify_url": "https://weixin.qq.com",
			"version": "1.0", "sign_type": "HMAC-SHA256", "timestamp": time.Now().Unix(), "clientip": "119.145.83.6",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := transformer.ToMap(resp.Body)
	if reply["result_code"] != "SUCCESS" || !strings.Contains(reply["redirect_url"], "contract_code=100000") || reply["sign"] != "" {
		t.Fatalf("%s", resp.Body)
	}
	r := srv.Requests()[0]
	if r.Method != "GET" || !strings.HasPrefix(r.Target, "/papay/h5entrustweb?appid=") || !strings.Contains(r.Target, "&sign=") || len(r.Body) != 0 {
		t.Fatalf("%s %s %q", r.Method, r.Target, r.Body)
	}
}

func TestEndToEndV2Bills(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()
	ctx := context.Background()
	bill := func(extra wechatpay.M) (*wechatpay.Response, error) {
		x := wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "bill_date": "20141030"}
		for k, v := range extra {
			x[k] = v
		}
		return client.Chain("v2/pay/downloadbill").Post(ctx, wechatpay.M{"xml": x})
	}
	resp, err := bill(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(resp.Body), "交易时间,公众账号ID,商户号") || !strings.Contains(string(resp.Body), "`1217752501201407033233368018") {
		t.Fatalf("%s", resp.Body)
	}
	resp, err = bill(wechatpay.M{"tar_type": "GZIP"})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	if !strings.HasPrefix(string(text), "交易时间") || resp.Header.Get("Content-Type") != "application/x-gzip" {
		t.Fatalf("gzip bill %q", text)
	}
	_, err = bill(wechatpay.M{"bill_date": "2014-10-30"})
	var v2err *wechatpay.V2Error
	if !errors.As(err, &v2err) || v2err.ReturnMsg != "invalid bill_date" || v2err.Fields["error_code"] != "20001" {
		t.Fatalf("bad date: %v", err)
	}
}

func TestEndToEndV2Faults(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()
	ctx := context.Background()
	query := func() error {
		_, err := client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{
			"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "1217752501201407033233368018"},
		})
		return err
	}
	var verr *wechatpay.VerifyError
	var v2err *wechatpay.V2Error
	var apiErr *wechatpay.APIError
	var terr *wechatpay.TransportError

	srv.Inject(wxpaytest.BadSignature)
	if err := query(); !errors.As(err, &verr) || !errors.Is(err, xmlsign.ErrSignatureMismatch) {
		t.Errorf("BadSignature: %v", err)
	}
	srv.Inject(wxpaytest.MissingSign)
	if err := query(); !errors.As(err, &verr) || !errors.Is(err, xmlsign.ErrMissingSign) {
		t.Errorf("MissingSign: %v", err)
	}
	srv.Inject(wxpaytest.ReturnFail)
	if err := query(); !errors.As(err, &v2err) || v2err.ReturnCode != "FAIL" || v2err.ReturnMsg != "系统繁忙,请稍后再试" {
		t.Errorf("ReturnFail: %v", err)
	}
	srv.Inject(wxpaytest.ResultFail)
	if err := query(); !errors.As(err, &v2err) || v2err.ErrCode != "SYSTEMERROR" {
		t.Errorf("ResultFail: %v", err)
	}
	srv.Inject(wxpaytest.ServerError)
	if err := query(); !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Errorf("ServerError: %v", err)
	}
	srv.Inject(wxpaytest.ResetConnection)
	if err := query(); !errors.As(err, &terr) {
		t.Errorf("ResetConnection: %v", err)
	}
	// ResultFail on a reverse asks for a recall and changes nothing.
	srv.Inject(wxpaytest.ResultFail)
	_, err := client.Chain("v2/secapi/pay/facepayreverse").Post(ctx, seedV2())
	if !errors.As(err, &v2err) || v2err.Fields["recall"] != "Y" || srv.V2TradeState(srv.V2MchID, "1217752501201407033233368018") != "SUCCESS" {
		t.Errorf("ResultFail on a reverse: %v", err)
	}
	srv.Inject(wxpaytest.NoClientCert)
	_, err = client.Chain("v2/secapi/pay/facepayreverse").Post(ctx, seedV2())
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), "No required SSL certificate was sent") {
		t.Errorf("NoClientCert: %v", err)
	}
	if err := query(); err != nil {
		t.Errorf("after the faults: %v", err)
	}
	names := []string{}
	for _, r := range srv.Requests() {
		names = append(names, r.Fault.String())
	}
	if got := strings.Join(names, ","); got != "BadSignature,MissingSign,ReturnFail,ResultFail,ServerError,ResetConnection,ResultFail,NoClientCert,none" {
		t.Errorf("faults seen: %s", got)
	}
}

// The server checks what WeChat Pay checks; the client's own checks are
// bypassed here by configuring it wrongly on purpose.
func TestEndToEndV2ServerRefusals(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	var v2err *wechatpay.V2Error

	wrongKey := srv.V2Config()
	wrongKey.Secret = strings.Repeat("x", 32)
	c, _ := wechatpay.New(wrongKey)
	_, err := c.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "1"}})
	if !errors.As(err, &v2err) || !strings.HasPrefix(v2err.ReturnMsg, "签名错误") {
		t.Errorf("wrong key: %v", err)
	}

	// The certificate of the other merchant.
	otherCert := srv.V2Config()
	otherCert.Merchant = srv.Config().Merchant
	c, _ = wechatpay.New(otherCert)
	_, err = c.Chain("v2/secapi/pay/facepayreverse").Post(ctx, seedV2())
	if !errors.As(err, &v2err) || !strings.HasPrefix(v2err.ReturnMsg, "证书错误") {
		t.Errorf("other merchant's certificate: %v", err)
	}

	_, err = srv.V2Client().Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{"appid": srv.AppID, "mch_id": srv.V2MchID, "out_trade_no": "1"}})
	if !errors.As(err, &v2err) || !strings.HasPrefix(v2err.ReturnMsg, "appid和mch_id不匹配") {
		t.Errorf("appid of the other merchant: %v", err)
	}
	_, err = srv.V2Client().Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "nonce_str": "fixed", "out_trade_no": "1217752501201407033233368018"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.V2Client().Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "nonce_str": "fixed", "out_trade_no": "1217752501201407033233368018"}})
	if !errors.As(err, &v2err) || !strings.Contains(v2err.ReturnMsg, "replay") {
		t.Errorf("nonce replay: %v", err)
	}
}

// A certificate the server's CA did not issue is not offered by the TLS
// stack (the server names its CA), so the request arrives without one; a
// client that forces it on the server fails the handshake and nothing
// reaches the API.
func TestEndToEndV2ForeignCertificate(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: srv.V2MchID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	foreign := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	cfg := srv.V2Config()
	cfg.Merchant = foreign
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), seedV2())
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("foreign certificate: %v", err)
	}

	forced := srv.V2Config()
	tlsConfig := forced.TLSConfig.Clone()
	tlsConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return foreign, nil }
	forced.Transport = &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}}
	c, err = wechatpay.New(forced)
	if err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	_, err = c.Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), seedV2())
	var terr *wechatpay.TransportError
	if !errors.As(err, &terr) {
		t.Fatalf("forced foreign certificate: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("the server handled %d requests", n)
	}
}

// With a net/http transport of the user's, "security" requests are marked
// and the transport presents the certificate.
func TestEndToEndV2NetHTTPTransport(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.V2Config()
	tlsConfig := cfg.TLSConfig.Clone()
	tlsConfig.Certificates = []tls.Certificate{*cfg.Merchant}
	var sawSecurity bool
	netHTTP := &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}}
	cfg.Transport = transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		sawSecurity = sawSecurity || req.Security
		return netHTTP.Do(ctx, req)
	})
	c, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), seedV2()); err != nil || !sawSecurity {
		t.Fatalf("err %v, security seen %v", err, sawSecurity)
	}
}

// A verified APIv2 reply is read like an APIv3 one: Get by field name, or
// the whole of Fields.
func TestEndToEndV2ResponseGet(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	resp, err := srv.Client().Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{
		"xml": wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID, "out_trade_no": "1217752501201407033233368018"},
	})
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := transformer.ToMap(resp.Body)
	if diff := cmp.Diff(parsed, resp.Fields); diff != "" {
		t.Errorf("Fields differ from the body (-body +Fields):\n%s", diff)
	}
	if got := resp.Get("trade_state"); got.String() != "SUCCESS" || got.Raw != `"SUCCESS"` || !got.Exists() {
		t.Errorf("Get(trade_state) = %#v", got)
	}
	if resp.Get("no_such_field").Exists() {
		t.Error("a missing field exists")
	}

	// An unsigned text reply (a bill) has no Fields.
	resp, err = srv.Client().Chain("v2/pay/downloadbill").Post(ctx, wechatpay.M{
		"xml": wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID, "bill_date": "20240501", "bill_type": "ALL"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Fields != nil || resp.Get("return_code").Exists() {
		t.Errorf("a bill has Fields %v", resp.Fields)
	}
}
