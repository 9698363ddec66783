package notify

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

const testSecret = "192006250b4c09247ec02edce69f6a2d"

// payment returns a signed APIv2 payment callback body.
func payment(t testing.TB, signType string, change func(map[string]string)) []byte {
	t.Helper()
	f := map[string]string{
		"return_code": "SUCCESS", "appid": "wx2421b1c4370ec43b", "mch_id": "10000100", "nonce_str": "5d2b6c2a8db53831f7eda20af46e531c",
		"result_code": "SUCCESS", "openid": "oUpF8uMEb4qRXf22hE3X68TekukE", "trade_type": "JSAPI", "bank_type": "CFT",
		"total_fee": "1", "fee_type": "CNY", "transaction_id": "1004400740201409030005092168",
		"out_trade_no": "1409811653", "attach": "支付测试", "time_end": "20140903131540",
		"coupon_id_0": "10000", "coupon_fee_0": "100",
	}
	if signType != "" {
		f["sign_type"] = signType
	}
	sign, err := xmlsign.Sign(f, testSecret, signType)
	if err != nil {
		t.Fatal(err)
	}
	f["sign"] = sign
	if change != nil {
		change(f)
	}
	b, err := transformer.ToXML(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func refund(t testing.TB, key string) []byte {
	t.Helper()
	plain, err := os.ReadFile("../aescipher/testdata/ecb_plaintext.xml")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := aescipher.EncryptECB(key, plain)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := transformer.ToXML(map[string]string{
		"return_code": "SUCCESS", "appid": "wx2421b1c4370ec43b", "mch_id": "10000100",
		"nonce_str": "TeqClE3i0mvn3DrK", "req_info": enc,
	})
	return b
}

func TestVerifyV2Payment(t *testing.T) {
	for _, signType := range []string{"", "MD5", "HMAC-SHA256"} {
		body := payment(t, signType, nil)
		n, err := VerifyV2(body, testSecret)
		if err != nil {
			t.Fatalf("%q: %v", signType, err)
		}
		if n.Fields["out_trade_no"] != "1409811653" || n.Fields["attach"] != "支付测试" || n.Refund || !bytes.Equal(n.Body, body) {
			t.Errorf("%q: %+v", signType, n)
		}
	}
}

// The refund callback's req_info is the OpenSSL-made vector of aescipher.
func TestVerifyV2Refund(t *testing.T) {
	ct, err := os.ReadFile("../aescipher/testdata/ecb_ciphertext.txt")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("<xml><return_code>SUCCESS</return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id>" +
		"<nonce_str><![CDATA[TeqClE3i0mvn3DrK]]></nonce_str><req_info><![CDATA[" + strings.TrimSpace(string(ct)) + "]]></req_info></xml>")
	n, err := VerifyV2(body, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"out_refund_no": "131811191610442717309", "out_trade_no": "71106718111915575302817",
		"refund_account": "REFUND_SOURCE_RECHARGE_FUNDS", "refund_fee": "3960",
		"refund_id": "50000408942018111907145868882", "refund_recv_accout": "支付用户零钱",
		"refund_request_source": "API", "refund_status": "SUCCESS", "settlement_refund_fee": "3960",
		"settlement_total_fee": "3960", "success_time": "2018-11-19 16:24:13", "total_fee": "3960",
		"transaction_id": "4200000215201811190261405420", "return_code": "SUCCESS",
	}
	if diff := cmp.Diff(want, n.Fields); diff != "" || !n.Refund {
		t.Errorf("refund %v, fields (-want +got):\n%s", n.Refund, diff)
	}
}

func TestVerifyV2Failures(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want error
		step string
		msg  string
	}{
		{"wrong sign", payment(t, "", func(f map[string]string) { f["total_fee"] = "100" }), xmlsign.ErrSignatureMismatch, StepVerify, "signature verification failed"},
		{"HMAC sign altered", payment(t, "HMAC-SHA256", func(f map[string]string) { f["sign"] = strings.Repeat("A", 64) }), xmlsign.ErrSignatureMismatch, StepVerify, ""},
		{"no sign", payment(t, "", func(f map[string]string) { delete(f, "sign") }), xmlsign.ErrMissingSign, StepVerify, ""},
		{"return_code FAIL", []byte("<xml><return_code>FAIL</return_code><return_msg>签名失败</return_msg></xml>"), ErrV2Failure, StepVerify, "return_code is not SUCCESS"},
		{"not XML", []byte(`{"id":"EV-1"}`), ErrMalformed, StepDecode, "malformed notification"},
		{"DOCTYPE", []byte(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><return_code>&e;</return_code></xml>`), ErrMalformed, StepDecode, ""},
		{"refund under another key", refund(t, "another key"), aescipher.ErrPadding, StepDecrypt, "cannot decrypt"},
		{"refund req_info not base64", []byte("<xml><return_code>SUCCESS</return_code><req_info>***</req_info></xml>"), aescipher.ErrBase64, StepDecrypt, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := VerifyV2(tc.body, testSecret)
			var e *Error
			if n != nil || !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Step != tc.step {
				t.Fatalf("n = %v, err = %v; want %v at %s", n, err, tc.want, tc.step)
			}
			reply := string(AnswerV2(err))
			if !strings.HasPrefix(reply, "<xml><return_code>FAIL</return_code><return_msg>") || !strings.Contains(reply, tc.msg) {
				t.Errorf("reply %s", reply)
			}
		})
	}
	// The refund secret must be the APIv2 key, not empty.
	if _, err := VerifyV2(refund(t, testSecret), ""); !errors.Is(err, aescipher.ErrKeyLength) {
		t.Errorf("empty secret: %v", err)
	}
}

func TestParseV2(t *testing.T) {
	body := payment(t, "MD5", nil)
	n, err := ParseV2(httptest.NewRequest("POST", "/notify/v2", bytes.NewReader(body)), testSecret)
	if err != nil || n.Fields["transaction_id"] != "1004400740201409030005092168" {
		t.Fatalf("n = %v, err = %v", n, err)
	}
	rec := httptest.NewRecorder()
	ReplyV2(rec, nil)
	if rec.Code != 200 || rec.Body.String() != "<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>" ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/xml") {
		t.Errorf("reply %d %q", rec.Code, rec.Body.String())
	}
	if _, err := ParseV2(httptest.NewRequest("GET", "/notify/v2", nil), testSecret); !errors.Is(err, ErrMethod) {
		t.Errorf("GET: %v", err)
	}
	big := httptest.NewRequest("POST", "/notify/v2", bytes.NewReader(make([]byte, DefaultMaxBody+1)))
	if _, err := ParseV2(big, testSecret); !errors.Is(err, ErrTooLarge) {
		t.Errorf("large: %v", err)
	}
	rec = httptest.NewRecorder()
	ReplyV2(rec, errors.New("db down"))
	if rec.Code != 200 || rec.Body.String() != "<xml><return_code>FAIL</return_code><return_msg>processing failed</return_msg></xml>" {
		t.Errorf("failure reply %d %q", rec.Code, rec.Body.String())
	}
}

func TestParseV2FastHTTP(t *testing.T) {
	body := refund(t, testSecret)
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("POST")
	ctx.Request.SetBody(body)
	n, err := ParseV2FastHTTP(&ctx, testSecret)
	if err != nil || !n.Refund || n.Fields["refund_status"] != "SUCCESS" {
		t.Fatalf("n = %v, err = %v", n, err)
	}
	ReplyV2FastHTTP(&ctx, nil)
	if ctx.Response.StatusCode() != 200 || !strings.Contains(string(ctx.Response.Body()), "<return_code>SUCCESS</return_code>") {
		t.Errorf("reply %d %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	var get fasthttp.RequestCtx
	get.Request.Header.SetMethod("GET")
	if _, err := ParseV2FastHTTP(&get, testSecret); !errors.Is(err, ErrMethod) {
		t.Errorf("GET: %v", err)
	}
	var big fasthttp.RequestCtx
	big.Request.Header.SetMethod("POST")
	big.Request.SetBody(make([]byte, DefaultMaxBody+1))
	if _, err := ParseV2FastHTTP(&big, testSecret); !errors.Is(err, ErrTooLarge) {
		t.Errorf("large: %v", err)
	}
}

// A captured req_info with plaintext fields written beside it, and no
// sign: the refund it holds is genuine, but nothing else is, and none of
// the forged fields may come back.
func TestVerifyV2ForgedFieldsBesideReqInfo(t *testing.T) {
	fields, err := transformer.ToMap(refund(t, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	forged := map[string]string{"out_trade_no": "ORDER-VICTIM", "total_fee": "100000", "transaction_id": "4200FORGED", "result_code": "SUCCESS", "mch_id": "10000100"}
	for k, v := range forged {
		fields[k] = v
	}
	body, _ := transformer.ToXML(fields)
	n, err := VerifyV2(body, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if !n.Refund || n.Fields["out_trade_no"] != "71106718111915575302817" || n.Fields["transaction_id"] != "4200000215201811190261405420" ||
		n.Fields["total_fee"] != "3960" {
		t.Errorf("refund %v, fields %v", n.Refund, n.Fields)
	}
	for k := range forged {
		if k != "out_trade_no" && k != "total_fee" && k != "transaction_id" {
			if _, ok := n.Fields[k]; ok {
				t.Errorf("unauthenticated field %s=%q came back", k, n.Fields[k])
			}
		}
	}
	// With a sign beside req_info, the sign must verify.
	fields["sign"] = strings.Repeat("A", 32)
	body, _ = transformer.ToXML(fields)
	if _, err := VerifyV2(body, testSecret); !errors.Is(err, xmlsign.ErrSignatureMismatch) {
		t.Errorf("bad sign beside req_info: %v", err)
	}
}

// FuzzVerifyV2 holds VerifyV2 to its promise: whatever it accepts, every
// field it returns is authenticated, by a sign over all of them or by
// decrypting from req_info under the key.
func FuzzVerifyV2(f *testing.F) {
	f.Add(payment(f, "", nil))
	f.Add(payment(f, "HMAC-SHA256", nil))
	f.Add(refund(f, testSecret))
	fields, _ := transformer.ToMap(refund(f, testSecret))
	fields["out_trade_no"], fields["total_fee"] = "ORDER-VICTIM", "100000"
	forged, _ := transformer.ToXML(fields)
	f.Add(forged)
	f.Add([]byte("<xml><return_code>SUCCESS</return_code><req_info>AAAA</req_info><out_trade_no>X</out_trade_no></xml>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := VerifyV2(body, testSecret)
		if err != nil {
			var e *Error
			if n != nil || !errors.As(err, &e) {
				t.Fatalf("%T %v with notification %v", err, err, n)
			}
			return
		}
		outer, err := transformer.ToMap(body)
		if err != nil {
			t.Fatalf("accepted a body that does not parse: %v", err)
		}
		if !n.Refund {
			if err := xmlsign.Verify(outer, testSecret); err != nil {
				t.Fatalf("accepted without a valid sign: %v", err)
			}
			if diff := cmp.Diff(outer, n.Fields); diff != "" {
				t.Fatalf("fields are not the signed ones (-signed +got):\n%s", diff)
			}
			return
		}
		plain, err := aescipher.DecryptECB(testSecret, outer["req_info"])
		if err != nil {
			t.Fatalf("accepted a refund whose req_info does not decrypt: %v", err)
		}
		inner, err := transformer.ToMap(plain)
		if err != nil {
			t.Fatal(err)
		}
		inner["return_code"] = "SUCCESS"
		if diff := cmp.Diff(inner, n.Fields); diff != "" {
			t.Fatalf("refund fields are not what decrypted (-decrypted +got):\n%s", diff)
		}
	})
}
