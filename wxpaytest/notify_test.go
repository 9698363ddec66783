package wxpaytest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// capture is a callback endpoint that keeps the last request.
type capture struct {
	header http.Header
	body   []byte
}

func listen(t *testing.T, status int, reply string) (*httptest.Server, *capture) {
	t.Helper()
	c := &capture{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.header = r.Header.Clone()
		c.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
		io.WriteString(w, reply)
	}))
	t.Cleanup(hs.Close)
	return hs, c
}

// The callback is what WeChat Pay sends: field order, headers, signature
// and encryption.
func TestNotifyShape(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	hs, c := listen(t, 204, "")
	resp, err := srv.Notify(context.Background(), hs.URL+"/pay/notify", "TRANSACTION.SUCCESS", map[string]any{"out_trade_no": "1217752501201407033233368018", "attach": "<&>"})
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("%v %v", resp, err)
	}
	re := regexp.MustCompile(`^\{"id":"EV-\d{19}","create_time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"支付成功",` +
		`"resource":\{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"[A-Za-z0-9+/=]+","associated_data":"transaction","nonce":"[0-9A-Za-z]{12}"\}\}$`)
	if !re.Match(c.body) {
		t.Fatalf("body %s", c.body)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Wechatpay-Serial": srv.PlatformKeyID, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"} {
		if got := c.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	ts, _ := strconv.ParseInt(c.header.Get("Wechatpay-Timestamp"), 10, 64)
	if d := time.Since(time.Unix(ts, 0)); d < 0 || d > time.Minute {
		t.Errorf("timestamp %d", ts)
	}
	v := signer.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}}
	if err := v.Check(c.header.Get, c.body); err != nil {
		t.Fatal(err)
	}
	var env struct {
		Resource struct {
			Ciphertext     string `json:"ciphertext"`
			Nonce          string `json:"nonce"`
			AssociatedData string `json:"associated_data"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(c.body, &env); err != nil {
		t.Fatal(err)
	}
	r := env.Resource
	plain, err := aescipher.DecryptGCM(srv.APIv3Key, r.Nonce, r.AssociatedData, r.Ciphertext)
	if err != nil || string(plain) != `{"attach":"<&>","out_trade_no":"1217752501201407033233368018"}` {
		t.Fatalf("resource %s, %v", plain, err)
	}
}

func TestNotifyReply(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	hs, _ := listen(t, 500, `{"code":"FAIL","message":"busy"}`)
	resp, err := srv.Notify(context.Background(), hs.URL, "REFUND.CLOSED", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	// The body was read before Notify returned; the connection is free.
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || string(body) != `{"code":"FAIL","message":"busy"}` {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if _, err := srv.Notify(context.Background(), "ftp://127.0.0.1/", "X.Y", `{}`); err == nil {
		t.Error("ftp URL accepted")
	}
	if _, err := srv.Notify(context.Background(), "http://10.0.0.1/", "X.Y", `{}`); err == nil {
		t.Error("a non-loopback address was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.Notify(ctx, hs.URL, "X.Y", `{}`); err == nil {
		t.Error("a cancelled context was ignored")
	}
}

func TestNotifyV2Shape(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	hs, c := listen(t, 200, "<xml><return_code>SUCCESS</return_code></xml>")
	if _, err := srv.NotifyV2(context.Background(), hs.URL, map[string]string{"out_trade_no": "1409811653", "sign_type": xmlsign.HMACSHA256}); err != nil {
		t.Fatal(err)
	}
	fields, err := transformer.ToMap(c.body)
	if err != nil {
		t.Fatal(err)
	}
	if err := xmlsign.Verify(fields, srv.Secret); err != nil || len(fields["sign"]) != 64 || fields["mch_id"] != srv.MchID ||
		fields["return_code"] != "SUCCESS" || fields["out_trade_no"] != "1409811653" || c.header.Get("Content-Type") != "text/xml" {
		t.Errorf("fields %v: %v", fields, err)
	}

	if _, err := srv.NotifyV2Refund(context.Background(), hs.URL, map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS"}); err != nil {
		t.Fatal(err)
	}
	fields, _ = transformer.ToMap(c.body)
	if _, signed := fields["sign"]; signed {
		t.Error("a refund callback carries a sign; WeChat Pay's do not")
	}
	plain, err := aescipher.DecryptECB(srv.Secret, fields["req_info"])
	if err != nil || !strings.HasPrefix(string(plain), "<root>") {
		t.Fatalf("req_info %s: %v", plain, err)
	}
	info, _ := transformer.ToMap(plain)
	if diff := cmp.Diff(map[string]string{"out_refund_no": "R1", "refund_status": "SUCCESS"}, info); diff != "" {
		t.Errorf("req_info (-want +got):\n%s", diff)
	}
	if _, err := srv.NotifyV2Refund(context.Background(), hs.URL, nil, wxpaytest.MissingSign); err == nil {
		t.Error("MissingSign accepted for a refund callback")
	}
}

func TestPayEdges(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	if _, err := srv.Pay(ctx, "no-such-order"); err == nil || !strings.Contains(err.Error(), `no order "no-such-order"`) {
		t.Errorf("unknown order: %v", err)
	}
	// A fixture order has no notify_url: paid, and no callback.
	if resp, err := srv.Pay(ctx, fixtureOrder); resp != nil || err != nil || srv.TradeState(fixtureOrder) != "SUCCESS" {
		t.Errorf("fixture: %v, %v, state %s", resp, err, srv.TradeState(fixtureOrder))
	}
	// A notify_url off this machine: paid, and the callback refused.
	const no = "1217752501201407033233368021"
	_, err := srv.Client().Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "d", "out_trade_no": no,
		"notify_url": "https://www.weixin.qq.com/wxpay/pay.php", "amount": wechatpay.M{"total": 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Pay(ctx, no); err == nil || !strings.Contains(err.Error(), "loopback") || srv.TradeState(no) != "SUCCESS" {
		t.Errorf("remote notify_url: %v, state %s", err, srv.TradeState(no))
	}
}
