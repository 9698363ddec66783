package paysign

import (
	"crypto/rsa"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/signer"
)

func merchantKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	key, err := keys.PrivateKey("../signer/testdata/merchant_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func readVector(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// The documentation's example fields, signed as the documentation says,
// must give the bytes OpenSSL gave for the documented string to sign.
func TestJSAPIV3Vector(t *testing.T) {
	p := JSAPI{
		AppID:     "wx8888888888888888",
		TimeStamp: "1414561699",
		NonceStr:  "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
		Package:   "prepay_id=wx201410272009395522657a690389285100",
	}
	if err := p.SignV3(merchantKey(t)); err != nil {
		t.Fatal(err)
	}
	if p.SignType != "RSA" {
		t.Errorf("signType %q", p.SignType)
	}
	if want := readVector(t, "jsapi_signature.txt"); p.PaySign != want {
		t.Fatalf("paySign\n got %s\nwant %s", p.PaySign, want)
	}
	b, _ := os.ReadFile("testdata/jsapi_message.txt")
	if got := string(lines(p.AppID, p.TimeStamp, p.NonceStr, p.Package)); got != string(b) {
		t.Fatalf("message %q, want %q", got, b)
	}
}

func TestAPPV3Vector(t *testing.T) {
	p := APP{
		AppID:     "wx8888888888888888",
		PartnerID: "1900000109",
		PrepayID:  "WX1217752501201407033233368018",
		Package:   PackageApp,
		NonceStr:  "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
		TimeStamp: "1414561699",
	}
	if err := p.SignV3(merchantKey(t)); err != nil {
		t.Fatal(err)
	}
	if want := readVector(t, "app_signature.txt"); p.Sign != want {
		t.Fatalf("sign\n got %s\nwant %s", p.Sign, want)
	}
}

func TestJSAPIV3(t *testing.T) {
	key := merchantKey(t)
	before := time.Now().Unix()
	p, err := JSAPIV3(key, "wxd678efh567hg6787", "wx201410272009395522657a690389285100")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := strconv.ParseInt(p.TimeStamp, 10, 64)
	if err != nil || ts < before || ts > time.Now().Unix() {
		t.Errorf("timeStamp %q is not now", p.TimeStamp)
	}
	if len(p.NonceStr) != 32 || p.Package != "prepay_id=wx201410272009395522657a690389285100" || p.SignType != "RSA" {
		t.Errorf("params %+v", p)
	}
	msg := p.AppID + "\n" + p.TimeStamp + "\n" + p.NonceStr + "\n" + p.Package + "\n"
	if err := signer.Verify(&key.PublicKey, []byte(msg), p.PaySign); err != nil {
		t.Fatal(err)
	}
	// The JSON is what wx.requestPayment takes, key for key.
	var m map[string]string
	b, _ := json.Marshal(p)
	json.Unmarshal(b, &m)
	if diff := cmp.Diff(map[string]string{
		"appId": p.AppID, "timeStamp": p.TimeStamp, "nonceStr": p.NonceStr,
		"package": p.Package, "signType": "RSA", "paySign": p.PaySign,
	}, m); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	q, _ := JSAPIV3(key, "wxd678efh567hg6787", "wx201410272009395522657a690389285100")
	if q.NonceStr == p.NonceStr {
		t.Error("two calls share a nonce")
	}
}

func TestAPPV3(t *testing.T) {
	key := merchantKey(t)
	p, err := APPV3(key, "wxd678efh567hg6787", "1230000109", "WX1217752501201407033233368018")
	if err != nil {
		t.Fatal(err)
	}
	msg := p.AppID + "\n" + p.TimeStamp + "\n" + p.NonceStr + "\n" + p.PrepayID + "\n"
	if err := signer.Verify(&key.PublicKey, []byte(msg), p.Sign); err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	b, _ := json.Marshal(p)
	json.Unmarshal(b, &m)
	if diff := cmp.Diff(map[string]string{
		"appid": "wxd678efh567hg6787", "partnerid": "1230000109", "prepayid": "WX1217752501201407033233368018",
		"package": "Sign=WXPay", "noncestr": p.NonceStr, "timestamp": p.TimeStamp, "sign": p.Sign,
	}, m); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestV3NoKey(t *testing.T) {
	if _, err := JSAPIV3(nil, "wx", "p"); err == nil || !strings.Contains(err.Error(), "paysign: JSAPI: signer: no private key") {
		t.Errorf("JSAPI without a key: %v", err)
	}
	if _, err := APPV3(nil, "wx", "1", "p"); err == nil || !strings.Contains(err.Error(), "paysign: APP: ") {
		t.Errorf("APP without a key: %v", err)
	}
}
