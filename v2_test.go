package wechatpay

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

const testSecret = "192006250b4c09247ec02edce69f6a2d"

// v2recorder records requests and answers as an APIv2 server would: the
// reply fields given, signed with testSecret unless raw is set.
type v2recorder struct {
	mu       sync.Mutex
	sent     []*transport.Request
	status   int
	fields   map[string]string // reply fields; sign added with the request's sign_type
	raw      string            // a raw reply body instead
	fail     func(*transport.Request) error
	spoil    bool // flip the reply's sign
	noSign   bool
	signType string
}

func (r *v2recorder) Do(_ context.Context, req *transport.Request) (*transport.Response, error) {
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
	h := http.Header{"Content-Type": {"text/xml"}}
	if r.raw != "" {
		return &transport.Response{StatusCode: status, Header: h, Body: []byte(r.raw)}, nil
	}
	fields := map[string]string{"return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS", "nonce_str": signer.Nonce()}
	for k, v := range r.fields {
		fields[k] = v
	}
	if !r.noSign {
		sig, err := xmlsign.Sign(fields, testSecret, r.signType)
		if err != nil {
			return nil, err
		}
		if r.spoil { // change the first hex digit, whatever it is
			if sig[0] == '0' {
				sig = "1" + sig[1:]
			} else {
				sig = "0" + sig[1:]
			}
		}
		fields["sign"] = sig
	}
	body, err := transformer.ToXML(fields)
	if err != nil {
		return nil, err
	}
	return &transport.Response{StatusCode: status, Header: h, Body: body}, nil
}

func (r *v2recorder) last(t *testing.T) *transport.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sent) == 0 {
		t.Fatal("nothing was sent")
	}
	return r.sent[len(r.sent)-1]
}

func (r *v2recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// testMerchant is a certificate for the client's "security" requests; the
// recorder never does TLS, so any certificate shape will do.
var testMerchant = &tls.Certificate{Certificate: [][]byte{{0x30}}, PrivateKey: struct{}{}}

func v2Config(rec transport.Doer) Config {
	cfg := testConfig(rec)
	cfg.MchID = "1900000109"
	cfg.Secret = testSecret
	cfg.Merchant = testMerchant
	return cfg
}

func newV2Client(t *testing.T, rec transport.Doer, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := v2Config(rec)
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func seedV2Options() M {
	return M{
		"security": true,
		"xml": M{
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

func sentFields(t *testing.T, req *transport.Request) map[string]string {
	t.Helper()
	if len(req.Body) > 0 {
		f, err := transformer.ToMap(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	_, q, _ := strings.Cut(req.URI, "?")
	values, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	f := map[string]string{}
	for k, v := range values {
		f[k] = v[0]
	}
	return f
}

func TestV2SeedRequestOnTheWire(t *testing.T) {
	rec := &v2recorder{fields: map[string]string{"recall": "N"}, signType: xmlsign.HMACSHA256}
	client := newV2Client(t, rec)
	resp, err := client.Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), seedV2Options())
	if err != nil {
		t.Fatal(err)
	}
	req := rec.last(t)
	if req.Method != "POST" || req.URL() != "https://api.mch.weixin.qq.com/secapi/pay/facepayreverse" || !req.Security {
		t.Fatalf("request %s %s security=%v", req.Method, req.URL(), req.Security)
	}
	for k, want := range map[string]string{
		"Accept":        "text/xml, text/plain, application/x-gzip",
		"Content-Type":  "text/xml; charset=utf-8",
		"Authorization": "",
	} {
		if got := req.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(req.Header.Get("User-Agent"), "wechatpay-go/") {
		t.Errorf("User-Agent %q", req.Header.Get("User-Agent"))
	}
	fields := sentFields(t, req)
	if len(fields["nonce_str"]) != 32 || len(fields["sign"]) != 64 {
		t.Fatalf("nonce_str %q sign %q", fields["nonce_str"], fields["sign"])
	}
	if err := xmlsign.Verify(fields, testSecret); err != nil {
		t.Fatalf("request sign: %v", err)
	}
	want := map[string]string{}
	for k, v := range seedV2Options()["xml"].(M) {
		want[k] = v.(string)
	}
	want["nonce_str"], want["sign"] = fields["nonce_str"], fields["sign"]
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Fatalf("fields (-want +got)\n%s", diff)
	}
	reply, _ := transformer.ToMap(resp.Body)
	if reply["recall"] != "N" || resp.StatusCode != 200 {
		t.Fatalf("reply %s", resp.Body)
	}
}

// The property chain of the PHP SDK, the string chain and a mix are one
// request.
func TestV2ChainForms(t *testing.T) {
	rec := &v2recorder{}
	client := newV2Client(t, rec)
	for _, node := range []*Chain{
		client.Chain("v2/secapi/pay/facepayreverse"),
		client.Chain("v2").Chain("secapi").Chain("pay").Chain("facepayreverse"),
		client.Chain("/v2/secapi").Chain("pay/facepayreverse"),
	} {
		if _, err := node.Post(context.Background(), seedV2Options()); err != nil {
			t.Fatal(err)
		}
		if got := rec.last(t).Target(); got != "/secapi/pay/facepayreverse" {
			t.Errorf("%s: target %s", node, got)
		}
	}
}

func TestV2SignTypes(t *testing.T) {
	rec := &v2recorder{}
	client := newV2Client(t, rec)
	opts := func(xml M) M { return M{"xml": xml} }
	ctx := context.Background()

	// MD5 by default, and over what is sent: numbers as text.
	if _, err := client.Chain("v2/pay/orderquery").Post(ctx, opts(M{"appid": "wx1", "mch_id": "1900000109", "out_trade_no": "1", "total_fee": 101})); err != nil {
		t.Fatal(err)
	}
	f := sentFields(t, rec.last(t))
	if len(f["sign"]) != 32 || f["total_fee"] != "101" || xmlsign.Verify(f, testSecret) != nil {
		t.Fatalf("MD5: %v", f)
	}
	// The caller's nonce is kept.
	if _, err := client.Chain("v2/pay/orderquery").Post(ctx, opts(M{"mch_id": "1900000109", "nonce_str": "ibuaiVcKdpRxkhJA"})); err != nil {
		t.Fatal(err)
	}
	if f := sentFields(t, rec.last(t)); f["nonce_str"] != "ibuaiVcKdpRxkhJA" {
		t.Fatalf("nonce_str %q", f["nonce_str"])
	}
	// nonceless: none added.
	if _, err := client.Chain("v2/pay/orderquery").Post(ctx, M{"nonceless": true, "xml": map[string]string{"mch_id": "1900000109"}}); err != nil {
		t.Fatal(err)
	}
	if f := sentFields(t, rec.last(t)); f["nonce_str"] != "" || xmlsign.Verify(f, testSecret) != nil {
		t.Fatalf("nonceless: %v", f)
	}
	// The official example, through the client: same sign.
	if _, err := client.Chain("v2/pay/unifiedorder").Post(ctx, M{"xml": map[string]string{
		"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test", "nonce_str": "ibuaiVcKdpRxkhJA",
	}}); err == nil {
		t.Fatal("mch_id 10000100 is not the client's merchant; want a refusal")
	}
	official := newV2Client(t, rec, func(c *Config) { c.MchID = "10000100" })
	if _, err := official.Chain("v2/pay/unifiedorder").Post(ctx, M{"xml": map[string]string{
		"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test", "nonce_str": "ibuaiVcKdpRxkhJA",
	}}); err != nil {
		t.Fatal(err)
	}
	if f := sentFields(t, rec.last(t)); f["sign"] != "9A0A8659F005D6984697E2CA0A9CF3B7" {
		t.Fatalf("official example signed %s", f["sign"])
	}
}

type reverseRequest struct {
	AppID      string `xml:"appid"`
	MchID      string `xml:"mch_id"`
	OutTradeNo string `xml:"out_trade_no"`
	Attach     string `xml:"attach,omitempty"`
	SignType   string `xml:"sign_type"`
}

func TestV2StructPayload(t *testing.T) {
	rec := &v2recorder{}
	client := newV2Client(t, rec)
	_, err := client.Chain("v2/secapi/pay/reverse").Post(context.Background(), M{
		"security": true,
		"xml":      reverseRequest{AppID: "wx8888888888888888", MchID: "1900000109", OutTradeNo: "1", SignType: "HMAC-SHA256"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := sentFields(t, rec.last(t))
	if f["out_trade_no"] != "1" || len(f["sign"]) != 64 || xmlsign.Verify(f, testSecret) != nil {
		t.Fatalf("%v", f)
	}
	_, err = client.Chain("v2/secapi/pay/reverse").Post(context.Background(), M{
		"security": true,
		"xml":      &reverseRequest{MchID: "1230000109"},
	})
	if !isRequestError(err) || !strings.Contains(err.Error(), `"1230000109"`) {
		t.Fatalf("struct with another merchant: %v", err)
	}
}

func TestV2GetCarriesTheSignedQuery(t *testing.T) {
	rec := &v2recorder{raw: "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><redirect_url><![CDATA[https://example.com/r?a=1&b=2]]></redirect_url></xml>"}
	client := newV2Client(t, rec)
	params := M{
		"appid": "wx8888888888888888", "mch_id": "1900000109", "plan_id": "12535", "contract_code": "100000",
		"request_serial": 1000, "contract_display_account": "微信代扣", "notify_url": "https://weixin.qq.com/n?x=1",
		"version": "1.0", "sign_type": "HMAC-SHA256", "timestamp": "1414488825", "clientip": "119.145.83.6",
	}
	for _, opt := range []string{"query", "xml"} {
		resp, err := client.Chain("v2/papay/h5entrustweb").Get(context.Background(), M{"nonceless": true, opt: params})
		if err != nil {
			t.Fatalf("%s: %v", opt, err)
		}
		req := rec.last(t)
		if len(req.Body) != 0 || req.Header.Get("Content-Type") != "" || !req.Unsigned || req.Security {
			t.Fatalf("%s: body %q, Content-Type %q, unsigned %v", opt, req.Body, req.Header.Get("Content-Type"), req.Unsigned)
		}
		path, _, _ := strings.Cut(req.URI, "?")
		f := sentFields(t, req)
		if path != "papay/h5entrustweb" || f["notify_url"] != "https://weixin.qq.com/n?x=1" || f["request_serial"] != "1000" ||
			f["contract_display_account"] != "微信代扣" || f["nonce_str"] != "" || len(f["sign"]) != 64 || xmlsign.Verify(f, testSecret) != nil {
			t.Fatalf("%s: %s -> %v", opt, req.URI, f)
		}
		reply, _ := transformer.ToMap(resp.Body)
		if reply["redirect_url"] != "https://example.com/r?a=1&b=2" {
			t.Fatalf("reply %s", resp.Body)
		}
	}
}

func TestV2BadInputIsRefusedBeforeSending(t *testing.T) {
	mch := func(k, v string) M { return M{"xml": M{k: v}} }
	cases := []struct {
		name     string
		method   string
		template string
		opts     M
		want     string // in the error
	}{
		{"mch_id mismatch", "POST", "v2/pay/orderquery", mch("mch_id", "1230000109"), `mch_id "1230000109" in the payload is not Config.MchID "1900000109"`},
		{"mchid mismatch", "POST", "v2/mmpaymkttransfers/promotion/transfers", M{"security": true, "xml": M{"mchid": "1"}}, `mchid "1"`},
		{"combine_mch_id mismatch", "POST", "v2/pay/combinedorder", mch("combine_mch_id", "2"), `combine_mch_id "2"`},
		{"numeric mch_id mismatch", "POST", "v2/pay/orderquery", M{"xml": M{"mch_id": 1900000108}}, `"1900000108"`},
		{"mch_id in a GET query", "GET", "v2/papay/h5entrustweb", M{"query": map[string]string{"mch_id": "3"}}, `mch_id "3"`},
		{"security without a certificate", "POST", "v2/secapi/pay/reverse", M{"security": true, "xml": M{}}, "Config.Merchant"},
		{"mTLS endpoint without security", "POST", "v2/secapi/pay/reverse", M{"xml": M{}}, `POST v2/secapi/pay/reverse: needs the merchant API certificate (mutual TLS); add "security": true`},
		{"mTLS endpoint, security false", "POST", "v2/pay/downloadfundflow", M{"security": false, "xml": M{}}, `add "security": true`},
		{"security not a bool", "POST", "v2/pay/orderquery", M{"security": "true", "xml": M{}}, `option security: want a bool, not string`},
		{"nonceless not a bool", "POST", "v2/pay/orderquery", M{"nonceless": 1, "xml": M{}}, `option nonceless: want a bool, not int`},
		{"json option", "POST", "v2/pay/orderquery", M{"json": M{}}, `option "json" is for APIv3`},
		{"body option", "POST", "v2/pay/orderquery", M{"body": "<xml/>"}, `option "body" is for APIv3`},
		{"sign in payload", "POST", "v2/pay/orderquery", mch("sign", "X"), `"sign"`},
		{"bad sign_type", "POST", "v2/pay/orderquery", mch("sign_type", "SHA256"), `sign_type "SHA256"`},
		{"field name with a space", "POST", "v2/pay/orderquery", mch("out trade no", "1"), `field "out trade no" is not a valid XML element name; it would be sent as <item>`},
		{"numeric field name", "POST", "v2/pay/orderquery", M{"xml": map[string]string{"1": "x"}}, `field "1" is not a valid XML element name`},
		{"illegal character", "POST", "v2/pay/orderquery", mch("body", "a\x01b"), "U+0001"},
		{"invalid UTF-8", "POST", "v2/pay/orderquery", mch("body", "\xff"), "UTF-8"},
		{"unsupported value", "POST", "v2/pay/orderquery", M{"xml": M{"c": make(chan int)}}, "no XML form"},
		{"xml and query on a GET", "GET", "v2/papay/h5entrustweb", M{"xml": M{}, "query": M{}}, `not both`},
		{"nested GET value", "GET", "v2/papay/h5entrustweb", M{"xml": M{"a": M{"b": "c"}}}, "plain values"},
		{"repeated GET value", "GET", "v2/papay/h5entrustweb", M{"query": url.Values{"a": {"1", "2"}}}, "2 values"},
		{"upload without an image", "POST", "v2/secapi/mch/uploadmedia", M{"security": true}, `needs the image in "body": media.FromFile`},
		{"upload without security", "POST", "v2/secapi/mch/uploadmedia", M{"body": uploadImage()}, `POST v2/secapi/mch/uploadmedia: needs the merchant API certificate (mutual TLS); add "security": true`},
		{"security without a certificate, upload", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage()}, "Config.Merchant"},
		{"no secret, upload", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage()}, "APIv2 is not configured"},
		{"upload of bytes", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": []byte("\xff\xd8")}, `option "body" of the image upload must be a *media.File (media.FromFile, FromBytes or FromReader), not []uint8`},
		{"upload of a v3 Body", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": struct{ Body }{}}, "must be a *media.File"},
		{"upload of a nil file", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": (*media.File)(nil)}, "nil *media.File"},
		{"upload of a missing file", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": media.FromFile("testdata/no-such-image.jpg")}, "option body: media: no-such-image.jpg: open testdata/no-such-image.jpg"},
		{"upload of a GIF", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": media.FromBytes("a.gif", []byte("GIF89a"))}, "a.gif is image/gif; the image upload takes JPEG, PNG or BMP"},
		{"upload of a PDF", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": media.FromBytes("a.pdf", []byte("%PDF"))}, "application/pdf"},
		{"upload over 2 MiB", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": media.FromBytes("big.jpg", make([]byte, 2<<20+1))}, "big.jpg is 2097153 bytes, over the 2 MiB (2097152 bytes)"},
		{"upload with another field", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"appid": "wx8888888888888888"}}, `field "appid": the image upload takes only mch_id, media_hash and sign_type`},
		{"upload with a nonce", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"nonce_str": "n"}}, `field "nonce_str"`},
		{"upload with a wrong media_hash", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"media_hash": "d41d8cd98f00b204e9800998ecf8427e"}}, `media_hash "d41d8cd98f00b204e9800998ecf8427e" in the payload is not the MD5 of idcard.jpg`},
		{"upload with a sign", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"sign": "X"}}, `the payload has a "sign"`},
		{"upload with a bad sign_type", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"sign_type": "SHA256"}}, `sign_type "SHA256"`},
		{"upload for another merchant", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "xml": M{"mch_id": "1230000109"}}, `mch_id "1230000109" in the payload is not Config.MchID "1900000109"`},
		{"upload with json", "POST", "v2/secapi/mch/uploadmedia", M{"security": true, "body": uploadImage(), "json": M{}}, `option "json" is for APIv3`},
		{"no endpoint", "POST", "v2", M{}, "names no APIv2 endpoint"},
		{"misspelled option", "POST", "v2/pay/orderquery", M{"xlm": M{}}, `"xlm" is neither an option nor a variable`},
		{"bad base_uri", "POST", "v2/pay/orderquery", M{"base_uri": "fraud.mch.weixin.qq.com"}, "base_uri"},
		{"header injection", "POST", "v2/pay/orderquery", M{"headers": M{"X": "a\nb"}}, "line break"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &v2recorder{}
			client := newV2Client(t, rec, func(c *Config) {
				if strings.HasPrefix(tc.name, "security without") {
					c.Merchant = nil
				}
				if strings.HasPrefix(tc.name, "no secret") {
					c.Secret = ""
				}
			})
			send := client.Chain(tc.template).Post
			if tc.method == "GET" {
				send = client.Chain(tc.template).Get
			}
			resp, err := send(context.Background(), tc.opts)
			var re *RequestError
			if resp != nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("resp %v, err %v; want a *RequestError saying %q", resp, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.method+" "+tc.template+": ") {
				t.Errorf("error %q does not start with the method and template", err)
			}
			if rec.count() != 0 {
				t.Fatalf("sent %d requests", rec.count())
			}
		})
	}
}

// A payload without any merchant id field is sent as is: some endpoints
// take none, and WeChat Pay will say so if one is missing.
func TestV2PayloadWithoutMerchantID(t *testing.T) {
	rec := &v2recorder{}
	client := newV2Client(t, rec)
	if _, err := client.Chain("v2/pay/orderquery").Post(context.Background(), M{"xml": M{"appid": "wx1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Chain("v2/pay/orderquery").Post(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.last(t).Body); !strings.HasPrefix(got, "<xml><nonce_str>") {
		t.Fatalf("empty payload sent as %s", got)
	}
}

func TestV2ReplyErrors(t *testing.T) {
	cases := []struct {
		name  string
		rec   *v2recorder
		path  string
		check func(t *testing.T, resp *Response, err error)
	}{
		{"return_code FAIL", &v2recorder{raw: "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[签名错误]]></return_msg></xml>"}, "v2/pay/orderquery",
			func(t *testing.T, _ *Response, err error) {
				var e *V2Error
				if !errors.As(err, &e) || e.ReturnCode != "FAIL" || e.ReturnMsg != "签名错误" || e.ResultCode != "" {
					t.Fatalf("%#v", err)
				}
				if err.Error() != "POST v2/pay/orderquery: return_code FAIL: 签名错误" {
					t.Fatalf("message %q", err)
				}
			}},
		{"result_code FAIL with recall", &v2recorder{fields: map[string]string{"result_code": "FAIL", "err_code": "SYSTEMERROR", "err_code_des": "系统超时", "recall": "Y"}}, "v2/secapi/pay/reverse",
			func(t *testing.T, _ *Response, err error) {
				var e *V2Error
				if !errors.As(err, &e) || e.ErrCode != "SYSTEMERROR" || e.ErrCodeDes != "系统超时" || e.Fields["recall"] != "Y" || len(e.Body) == 0 {
					t.Fatalf("%#v", err)
				}
				if err.Error() != "POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y)" {
					t.Fatalf("message %q", err)
				}
			}},
		{"no return_code", &v2recorder{raw: "<xml><a>1</a></xml>"}, "v2/pay/downloadbill",
			func(t *testing.T, _ *Response, err error) {
				if err == nil || err.Error() != "POST v2/pay/downloadbill: the reply has no return_code" {
					t.Fatalf("%v", err)
				}
			}},
		{"bad sign", &v2recorder{spoil: true}, "v2/pay/orderquery",
			func(t *testing.T, resp *Response, err error) {
				var ve *VerifyError
				if resp != nil || !errors.As(err, &ve) || !errors.Is(err, xmlsign.ErrSignatureMismatch) {
					t.Fatalf("%v", err)
				}
				// The chain path, as V2Error and the APIv3 errors give it.
				if ve.Target != "/v2/pay/orderquery" || !strings.HasPrefix(err.Error(), "POST v2/pay/orderquery: response verification failed: ") {
					t.Fatalf("Target %q, message %q", ve.Target, err)
				}
			}},
		{"bad sign on a FAIL result", &v2recorder{spoil: true, fields: map[string]string{"result_code": "FAIL", "err_code": "ORDERNOTEXIST"}}, "v2/pay/orderquery",
			func(t *testing.T, _ *Response, err error) {
				if !errors.Is(err, xmlsign.ErrSignatureMismatch) {
					t.Fatalf("an unverified FAIL must not be trusted: %v", err)
				}
			}},
		{"missing sign", &v2recorder{noSign: true}, "v2/pay/orderquery",
			func(t *testing.T, _ *Response, err error) {
				if !errors.Is(err, xmlsign.ErrMissingSign) {
					t.Fatalf("%v", err)
				}
			}},
		{"signed endpoint answering text", &v2recorder{raw: "hello"}, "v2/pay/orderquery",
			func(t *testing.T, _ *Response, err error) {
				if !errors.Is(err, xmlsign.ErrMissingSign) || !strings.Contains(err.Error(), "not an XML document") {
					t.Fatalf("%v", err)
				}
			}},
		{"HTTP error page", &v2recorder{status: 400, raw: "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head><body></body></html>"}, "v2/pay/orderquery",
			func(t *testing.T, _ *Response, err error) {
				var ae *APIError
				if !errors.As(err, &ae) || ae.StatusCode != 400 || err.Error() != "POST v2/pay/orderquery: 400 Bad Request: 400 No required SSL certificate was sent" {
					t.Fatalf("%v", err)
				}
			}},
		{"unsigned bill", &v2recorder{raw: "交易时间,公众账号ID\n`2014-11-10 16:33:45,`wx2421b1c4370ec43b\n"}, "v2/pay/downloadbill",
			func(t *testing.T, resp *Response, err error) {
				if err != nil || !strings.HasPrefix(string(resp.Body), "交易时间") {
					t.Fatalf("%v", err)
				}
			}},
		{"unsigned bill error", &v2recorder{raw: "<xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg><error_code>20002</error_code></xml>"}, "v2/pay/downloadbill",
			func(t *testing.T, _ *Response, err error) {
				var e *V2Error
				if !errors.As(err, &e) || e.ReturnMsg != "No Bill Exist" {
					t.Fatalf("%v", err)
				}
			}},
		{"unsigned XML success", &v2recorder{noSign: true}, "v2/mmpaymkttransfers/sendredpack",
			func(t *testing.T, _ *Response, err error) {
				if err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := newV2Client(t, tc.rec)
			opts := M{"xml": M{"mch_id": "1900000109"}}
			if strings.Contains(tc.path, "secapi") || strings.Contains(tc.path, "mmpaymkttransfers") {
				opts["security"] = true
			}
			resp, err := client.Chain(tc.path).Post(context.Background(), opts)
			tc.check(t, resp, err)
		})
	}

	// A JSON reply of an unsigned GET endpoint is handed over.
	rec := &v2recorder{raw: `{"retcode":0,"access_token":"x"}`}
	client := newV2Client(t, rec)
	resp, err := client.Chain("v2/appauth/getaccesstoken").Get(context.Background(), M{"query": M{"code": "c", "appid": "wx1"}})
	if err != nil || resp.Get("access_token").String() != "x" {
		t.Fatalf("getaccesstoken: %v", err)
	}
}

func TestV2HostsAndBackupDomain(t *testing.T) {
	retryable := func(req *transport.Request) error {
		return &transport.Error{Method: req.Method, URL: req.URL(), Err: errors.New("connection refused"), Retryable: true}
	}
	rec := &v2recorder{fail: retryable}
	client := newV2Client(t, rec, func(c *Config) { c.BackupURL = "" })
	ctx := context.Background()

	// The catalog's host for v2/risk/getpublickey, and no backup retry
	// there: api2 does not serve it.
	_, err := client.Chain("v2/risk/getpublickey").Post(ctx, M{"security": true, "xml": M{"mch_id": "1900000109"}})
	if err == nil || rec.count() != 1 || rec.last(t).URL() != "https://fraud.mch.weixin.qq.com/risk/getpublickey" {
		t.Fatalf("err %v, sent %d, last %s", err, rec.count(), rec.last(t).URL())
	}

	// The primary host is retried on api2, signed afresh.
	_, err = client.Chain("v2/pay/orderquery").Post(ctx, M{"xml": M{"mch_id": "1900000109"}})
	if err == nil || rec.count() != 3 {
		t.Fatalf("err %v, sent %d", err, rec.count())
	}
	rec.mu.Lock()
	first, second := rec.sent[1], rec.sent[2]
	rec.mu.Unlock()
	if first.URL() != "https://api.mch.weixin.qq.com/pay/orderquery" || second.URL() != "https://api2.mch.weixin.qq.com/pay/orderquery" {
		t.Fatalf("%s then %s", first.URL(), second.URL())
	}
	if sentFields(t, first)["nonce_str"] == sentFields(t, second)["nonce_str"] {
		t.Fatal("the retry reused the nonce")
	}

	// base_uri wins over the catalog.
	rec.fail = nil
	if _, err := client.Chain("v2/risk/getpublickey").Post(ctx, M{"security": true, "base_uri": "https://proxy.example/wx/", "xml": M{}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://proxy.example/wx/risk/getpublickey" {
		t.Fatalf("base_uri: %s", got)
	}
	// A client pointed at another BaseURL (a test server, a proxy) keeps it.
	custom := newV2Client(t, rec, func(c *Config) { c.BaseURL = "https://127.0.0.1:8443/" })
	if _, err := custom.Chain("v2/face/get_wxpayface_authinfo").Post(ctx, M{"xml": M{}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://127.0.0.1:8443/face/get_wxpayface_authinfo" {
		t.Fatalf("custom BaseURL: %s", got)
	}
	if _, err := client.Chain("v2/face/get_wxpayface_authinfo").Post(ctx, M{"xml": M{}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).URL(); got != "https://payapp.weixin.qq.com/face/get_wxpayface_authinfo" {
		t.Fatalf("payapp host: %s", got)
	}
}

func TestV2OptionsOnV3AreRefused(t *testing.T) {
	rec := &recorder{}
	client := newTestClient(t, rec)
	for _, k := range []string{"xml", "security", "nonceless"} {
		_, err := client.Chain(seedTemplate).Post(context.Background(), M{"out_trade_no": "1", k: true})
		if !isRequestError(err) || !strings.Contains(err.Error(), `option "`+k+`" is for APIv2`) {
			t.Errorf("%s: %v", k, err)
		}
	}
	if len(rec.sent) != 0 {
		t.Fatalf("sent %d", len(rec.sent))
	}
	// And v2 without a Secret.
	_, err := client.Chain("v2/pay/orderquery").Post(context.Background(), M{"xml": M{}})
	if !isRequestError(err) || !strings.Contains(err.Error(), "Config.Secret") {
		t.Fatalf("v2 without Secret: %v", err)
	}
}

func TestV2OnlyClient(t *testing.T) {
	rec := &v2recorder{}
	client, err := New(Config{MchID: "1900000109", Secret: testSecret, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Chain("v2/pay/orderquery").Post(context.Background(), M{"xml": M{"mch_id": "1900000109"}}); err != nil {
		t.Fatal(err)
	}
	_, err = client.Chain(seedTemplate).Post(context.Background(), seedOptions)
	if !isRequestError(err) || !strings.Contains(err.Error(), "APIv3 is not configured") {
		t.Fatalf("v3 on a v2-only client: %v", err)
	}
	if _, err := New(Config{MchID: "1"}); err == nil {
		t.Fatal("a config with neither APIv3 keys nor Secret is refused")
	}
	_, err = New(Config{MchID: "1", Secret: testSecret, Merchant: &tls.Certificate{}})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "Merchant" {
		t.Fatalf("empty Merchant: %v", err)
	}
}

// The APIv2 middlewares can be replaced, as the APIv3 ones can.
func TestV2MiddlewaresAreReplaceable(t *testing.T) {
	rec := &v2recorder{raw: "<xml><return_code>SUCCESS</return_code></xml>"}
	var seen []string
	client := newV2Client(t, rec, func(c *Config) {
		c.V2Signer = func(next transport.Doer) transport.Doer {
			return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
				seen = append(seen, "signer")
				signed := *req
				signed.Body = []byte(strings.Replace(string(req.Body), "</xml>", "<sign>REMOTE</sign></xml>", 1))
				return next.Do(ctx, &signed)
			})
		}
		c.V2Verifier = func(next transport.Doer) transport.Doer {
			return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
				seen = append(seen, "verifier")
				return next.Do(ctx, req)
			})
		}
	})
	if _, err := client.Chain("v2/pay/orderquery").Post(context.Background(), M{"xml": M{"mch_id": "1900000109"}}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, ",") != "signer,verifier" || !strings.Contains(string(rec.last(t).Body), "<sign>REMOTE</sign>") {
		t.Fatalf("seen %v, body %s", seen, rec.last(t).Body)
	}
}

func TestV2ErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		err  *V2Error
		want string
	}{
		{&V2Error{Method: "POST", Path: "v2/secapi/pay/reverse", ReturnCode: "SUCCESS", ResultCode: "FAIL", ErrCode: "SYSTEMERROR", ErrCodeDes: "系统超时", Fields: map[string]string{"recall": "Y"}},
			"POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y)"},
		{&V2Error{Method: "POST", Path: "v2/pay/orderquery", ReturnCode: "FAIL", ReturnMsg: "签名错误"}, "POST v2/pay/orderquery: return_code FAIL: 签名错误"},
		{&V2Error{Method: "POST", Path: "v2/pay/micropay", ReturnCode: "SUCCESS", ResultCode: "FAIL", ErrCode: "USERPAYING"}, "POST v2/pay/micropay: FAIL USERPAYING"},
		{&V2Error{Method: "GET", Path: "v2/x"}, "GET v2/x: the reply has no return_code"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// uploadImage is a JPEG for v2/secapi/mch/uploadmedia.
func uploadImage() *media.File {
	return media.FromBytes("idcard.jpg", []byte("\xff\xd8\xff\xe0 an ID card"))
}

// readForm reads an upload back as WeChat Pay would: the text fields in
// order, and the media part.
func readForm(t *testing.T, req *transport.Request) (names []string, fields map[string]string, file *multipart.Part, data []byte) {
	t.Helper()
	if req.BodyStream == nil || len(req.Body) != 0 {
		t.Fatalf("the upload is not a stream: Body %q", req.Body)
	}
	raw, err := io.ReadAll(req.BodyStream)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(raw)) != req.BodyLength {
		t.Fatalf("body is %d bytes, BodyLength %d", len(raw), req.BodyLength)
	}
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q", req.Header.Get("Content-Type"))
	}
	fields = map[string]string{}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return names, fields, file, data
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		names = append(names, p.FormName())
		if p.FormName() == "media" {
			file, data = p, b
		} else {
			fields[p.FormName()] = string(b)
		}
	}
}

// The image upload goes as a multipart form: mch_id, media_hash,
// sign_type and a sign over those three, then the image, with no
// nonce_str; HMAC-SHA256 unless the payload says MD5.
func TestV2UploadOnTheWire(t *testing.T) {
	img := uploadImage()
	content := []byte("\xff\xd8\xff\xe0 an ID card")
	sum := md5.Sum(content)
	for _, tc := range []struct {
		opts     M
		signType string
	}{
		{M{"security": true, "body": img}, xmlsign.HMACSHA256},
		{M{"security": true, "body": img, "xml": M{"sign_type": "MD5"}}, xmlsign.MD5},
		{M{"security": true, "body": img, "xml": map[string]string{"sign_type": "HMAC-SHA256", "mch_id": "1900000109", "media_hash": hex.EncodeToString(sum[:])}}, xmlsign.HMACSHA256},
	} {
		rec := &v2recorder{fields: map[string]string{"media_id": "MEDIA"}}
		client := newV2Client(t, rec)
		resp, err := client.Chain("v2/secapi/mch/uploadmedia").Post(context.Background(), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if reply, _ := transformer.ToMap(resp.Body); reply["media_id"] != "MEDIA" {
			t.Fatalf("reply %s", resp.Body)
		}
		req := rec.last(t)
		if req.Method != "POST" || req.URI != "secapi/mch/uploadmedia" || !req.Security || req.Unsigned {
			t.Fatalf("%s %s security %v unsigned %v", req.Method, req.URI, req.Security, req.Unsigned)
		}
		names, fields, part, data := readForm(t, req)
		if diff := cmp.Diff([]string{"mch_id", "media_hash", "sign_type", "sign", "media"}, names); diff != "" {
			t.Fatalf("parts (-want +got):\n%s", diff)
		}
		want := map[string]string{"mch_id": "1900000109", "media_hash": hex.EncodeToString(sum[:]), "sign_type": tc.signType}
		sign, _ := xmlsign.Sign(want, testSecret, tc.signType)
		want["sign"] = sign
		if diff := cmp.Diff(want, fields); diff != "" {
			t.Fatalf("fields (-want +got):\n%s", diff)
		}
		if part.FileName() != "idcard.jpg" || part.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(data, content) {
			t.Fatalf("media part %v %q", part.Header, data)
		}
	}
}

// Uploads are signed by the client with Config.Secret and skip a
// replaced V2Signer, which handles XML; the V2Verifier still checks the
// reply, and a reply that fails it names the chain path.
func TestV2UploadSkipsTheXMLSigner(t *testing.T) {
	rec := &v2recorder{spoil: true}
	var seen []string
	client := newV2Client(t, rec, func(c *Config) {
		c.V2Signer = func(next transport.Doer) transport.Doer {
			return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
				seen = append(seen, "signer")
				return next.Do(ctx, req)
			})
		}
		c.V2Verifier = func(next transport.Doer) transport.Doer {
			v := &xmlsign.Verifier{Secret: testSecret, Next: next}
			return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
				seen = append(seen, "verifier")
				return v.Do(ctx, req)
			})
		}
	})
	_, err := client.Chain("v2/secapi/mch/uploadmedia").Post(context.Background(), M{"security": true, "body": uploadImage()})
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Target != "/v2/secapi/mch/uploadmedia" || !strings.HasPrefix(err.Error(), "POST v2/secapi/mch/uploadmedia: response verification failed: ") {
		t.Fatalf("%v", err)
	}
	if strings.Join(seen, ",") != "verifier" {
		t.Fatalf("seen %v", seen)
	}
}
