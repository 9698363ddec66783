package paysign

import (
	"net/url"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/xmlsign"
)

// secret is the APIv2 key of the WeChat Pay signature documentation.
const secret = "192006250b4c09247ec02edce69f6a2d"

// The expected signs were computed with Python's hashlib and hmac over
// the strings in the comments, independently of xmlsign. The same script
// gives the documentation's own example, 9A0A8659F005D6984697E2CA0A9CF3B7,
// for appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA.

func TestJSAPIV2Vectors(t *testing.T) {
	for _, tc := range []struct{ signType, wantType, want string }{
		// appId=wxd930ea5d5a258f4f&nonceStr=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&package=prepay_id=wx201410272009395522657a690389285100&signType=MD5&timeStamp=1414561699&key=...
		{"", "MD5", "FD19D752A746E5F238A6E53BD99EEBD0"},
		{"MD5", "MD5", "FD19D752A746E5F238A6E53BD99EEBD0"},
		// ...&signType=HMAC-SHA256&timeStamp=1414561699&key=...
		{"HMAC-SHA256", "HMAC-SHA256", "FC7A79E4918B4FFA96E836F5AD4A510F31241FB46C14C971D6D7B4F8E15AF262"},
	} {
		p := JSAPI{
			AppID: "wxd930ea5d5a258f4f", TimeStamp: "1414561699",
			NonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", Package: "prepay_id=wx201410272009395522657a690389285100",
		}
		if err := p.SignV2(secret, tc.signType); err != nil {
			t.Fatal(err)
		}
		if p.SignType != tc.wantType || p.PaySign != tc.want {
			t.Errorf("signType %q: got %s %s, want %s %s", tc.signType, p.SignType, p.PaySign, tc.wantType, tc.want)
		}
	}
}

func TestAPPV2Vectors(t *testing.T) {
	for _, tc := range []struct{ signType, want string }{
		// appid=wxd930ea5d5a258f4f&noncestr=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&package=Sign=WXPay&partnerid=10000100&prepayid=wx201410272009395522657a690389285100&timestamp=1414561699&key=...
		{"MD5", "1F88CC0F1B0560FF6D5EED1FBB7AE9C0"},
		{"HMAC-SHA256", "62E940627B1AE23A7FA957793AD576177906BAFF190D103D0CC6F55B75F8DD2F"},
	} {
		p := APP{
			AppID: "wxd930ea5d5a258f4f", PartnerID: "10000100", PrepayID: "wx201410272009395522657a690389285100",
			Package: PackageApp, NonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", TimeStamp: "1414561699",
		}
		if err := p.SignV2(secret, tc.signType); err != nil {
			t.Fatal(err)
		}
		if p.Sign != tc.want {
			t.Errorf("%s: got %s, want %s", tc.signType, p.Sign, tc.want)
		}
	}
}

func TestV2Fresh(t *testing.T) {
	p, err := JSAPIV2(secret, xmlsign.HMACSHA256, "wxd930ea5d5a258f4f", "wx201410272009395522657a690389285100")
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"appId": p.AppID, "timeStamp": p.TimeStamp, "nonceStr": p.NonceStr, "package": p.Package, "signType": p.SignType, "sign": p.PaySign}
	if err := xmlsign.Verify(params, secret); err != nil || len(p.PaySign) != 64 {
		t.Errorf("JSAPI %+v: %v", p, err)
	}
	a, err := APPV2(secret, "", "wxd930ea5d5a258f4f", "10000100", "wx201410272009395522657a690389285100")
	if err != nil {
		t.Fatal(err)
	}
	params = map[string]string{"appid": a.AppID, "partnerid": a.PartnerID, "prepayid": a.PrepayID, "package": a.Package, "noncestr": a.NonceStr, "timestamp": a.TimeStamp, "sign": a.Sign}
	if err := xmlsign.Verify(params, secret); err != nil || len(a.Sign) != 32 || a.Package != "Sign=WXPay" {
		t.Errorf("APP %+v: %v", a, err)
	}
}

func TestV2Failures(t *testing.T) {
	if _, err := JSAPIV2("", "MD5", "wx", "p"); err == nil || err.Error() != "paysign: JSAPI: no APIv2 key" {
		t.Errorf("no key: %v", err)
	}
	if _, err := JSAPIV2(secret, "SHA1", "wx", "p"); err == nil || !strings.HasPrefix(err.Error(), "paysign: JSAPI: ") {
		t.Errorf("unknown sign type: %v", err)
	}
	if _, err := APPV2(secret, "RSA", "wx", "1", "p"); err == nil || !strings.HasPrefix(err.Error(), "paysign: APP: ") {
		t.Errorf("APP with RSA: %v", err)
	}
}

func TestCouponSignVectors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		coupons []map[string]string
		want    string
	}{
		// out_request_no0=abc123&send_coupon_merchant=10016226&stock_id0=1234567&key=...
		{"one coupon, the documentation's example", []map[string]string{{"stock_id": "1234567", "out_request_no": "abc123"}},
			"AD7CD2967446E742075BF7A52CEBC5FE1A17A4042ED451A44DAABF9F04FFDD99"},
		// coupon_code0=asdsada&coupon_code1=asdsada&out_request_no0=abc123&out_request_no1=123abc&send_coupon_merchant=10016226&stock_id0=1234567&stock_id1=2345678&key=...
		{"two coupons with codes", []map[string]string{
			{"stock_id": "1234567", "out_request_no": "abc123", "coupon_code": "asdsada"},
			{"stock_id": "2345678", "out_request_no": "123abc", "coupon_code": "asdsada"},
		}, "6DBE9285C56381C9AF61B277E1E2622D291120EB1EA57DE4ACEEE5BD68A8E6BC"},
	} {
		got, err := CouponSign(secret, "10016226", tc.coupons)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestCouponURL(t *testing.T) {
	params := map[string]string{"stock_id": "1234567890000000", "out_request_no": "201911280000", "send_coupon_merchant": "123456789", "open_id": "oiSFDIOoijdsf"}
	got, err := CouponURL(secret, params)
	if err != nil {
		t.Fatal(err)
	}
	base, frag, ok := strings.Cut(got, "#")
	if !ok || frag != "wechat_redirect" || !strings.HasPrefix(base, CouponH5Base+"?") {
		t.Fatalf("URL %s", got)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	// open_id=oiSFDIOoijdsf&out_request_no=201911280000&send_coupon_merchant=123456789&stock_id=1234567890000000&key=...
	if q.Get("sign") != "18FFEB85E742D42C9713507B47C4C25301E2E86C96D8EDEFBA935DA8E70C493C" || len(q) != 5 || q.Get("open_id") != "oiSFDIOoijdsf" {
		t.Errorf("query %v", q)
	}
	if len(params) != 4 {
		t.Error("CouponURL changed its argument")
	}
}

func TestCouponFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no coupons", second(CouponSign(secret, "1", nil)), "paysign: coupon: no coupons"},
		{"no stock_id", second(CouponSign(secret, "1", []map[string]string{{"out_request_no": "x"}})), "paysign: coupon 0 has no stock_id"},
		{"no out_request_no", second(CouponSign(secret, "1", []map[string]string{{"stock_id": "1", "out_request_no": "x"}, {"stock_id": "2"}})), "paysign: coupon 1 has no out_request_no"},
		{"no key", second(CouponSign("", "1", []map[string]string{{"stock_id": "1", "out_request_no": "x"}})), "paysign: coupon: no APIv2 key"},
		{"URL without open_id", second(CouponURL(secret, map[string]string{"stock_id": "1", "out_request_no": "x", "send_coupon_merchant": "1"})), "paysign: coupon URL: no open_id"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}

func second(_ string, err error) error { return err }
