package wxpaytest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// v2Client builds the APIv2 merchant's client with wechatpay.New.
func v2Client(t *testing.T, srv *wxpaytest.Server) *wechatpay.Client {
	t.Helper()
	c, err := wechatpay.New(srv.V2Config())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func v2Fields(srv *wxpaytest.Server, extra wechatpay.M) wechatpay.M {
	x := wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID}
	for k, v := range extra {
		x[k] = v
	}
	return x
}

func v2ErrCode(err error) string {
	var e *wechatpay.V2Error
	if errors.As(err, &e) {
		return e.ErrCode
	}
	return ""
}

func micropay(ctx context.Context, c *wechatpay.Client, srv *wxpaytest.Server, no string, fee int) error {
	_, err := c.Chain("v2/pay/micropay").Post(ctx, wechatpay.M{"xml": v2Fields(srv, wechatpay.M{
		"body": "image形象店-深圳腾大- QQ公仔", "out_trade_no": no, "total_fee": fee,
		"spbill_create_ip": "14.17.22.52", "auth_code": "120061098828009406",
	})})
	return err
}

func orderQueryV2(t *testing.T, ctx context.Context, c *wechatpay.Client, srv *wxpaytest.Server, no string) map[string]string {
	t.Helper()
	resp, err := c.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": v2Fields(srv, wechatpay.M{"out_trade_no": no})})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := transformer.ToMap(resp.Body)
	return f
}

// A code payment over the password-free limit answers USERPAYING; the
// merchant polls the order query, which shows USERPAYING once and then
// SUCCESS, as the code-pay guide describes.
func TestMicropayUserPaying(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := v2Client(t, srv)
	if err := micropay(ctx, c, srv, "MP-SMALL", 100); err != nil {
		t.Fatalf("a payment under the limit: %v", err)
	}
	if err := micropay(ctx, c, srv, "MP-BIG", wxpaytest.DefaultPasswordFreeLimit+1); v2ErrCode(err) != "USERPAYING" {
		t.Fatalf("a payment over the limit: %v, want USERPAYING", err)
	}
	if f := orderQueryV2(t, ctx, c, srv, "MP-BIG"); f["trade_state"] != "USERPAYING" || f["time_end"] != "" {
		t.Errorf("first query %v", f)
	}
	if f := orderQueryV2(t, ctx, c, srv, "MP-BIG"); f["trade_state"] != "SUCCESS" || f["time_end"] == "" || f["transaction_id"] == "" {
		t.Errorf("second query %v", f)
	}
}

// A payer who never pays: FailPayment makes the waiting payment PAYERROR,
// which the query shows.
func TestMicropayFails(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := v2Client(t, srv)
	srv.SetPasswordFreeLimit(0)
	if err := micropay(ctx, c, srv, "MP-FAIL", 1); v2ErrCode(err) != "USERPAYING" {
		t.Fatalf("%v, want USERPAYING with no password-free limit", err)
	}
	if err := srv.FailPayment("MP-FAIL"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if f := orderQueryV2(t, ctx, c, srv, "MP-FAIL"); f["trade_state"] != "PAYERROR" || f["trade_state_desc"] != "支付失败" {
			t.Errorf("query %v", f)
		}
	}
	// Pay, for a payer who entered the password at once.
	if err := micropay(ctx, c, srv, "MP-PAY", 1); v2ErrCode(err) != "USERPAYING" {
		t.Fatal(err)
	}
	if resp, err := srv.Pay(ctx, "MP-PAY"); err != nil || resp != nil {
		t.Fatalf("Pay: %v %v", resp, err)
	}
	if got := srv.V2TradeState(srv.V2MchID, "MP-PAY"); got != "SUCCESS" {
		t.Errorf("state %q after Pay", got)
	}
}

// The APIv2 refund takes the merchant certificate; its callback carries
// req_info, encrypted with AES-256-ECB under the MD5 of the APIv2 key,
// which notify.ParseV2 decrypts; refundquery and orderquery follow.
func TestRefundV2(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := v2Client(t, srv)
	m := newMerchantEndpoint(t, srv)
	if err := micropay(ctx, c, srv, "MP-R", 300); err != nil {
		t.Fatal(err)
	}
	refund := func(no string, fee int) (map[string]string, error) {
		resp, err := c.Chain("v2/secapi/pay/refund").Post(ctx, wechatpay.M{"security": true, "xml": v2Fields(srv, wechatpay.M{
			"out_trade_no": "MP-R", "out_refund_no": no, "total_fee": 300, "refund_fee": fee, "notify_url": m.URL,
		})})
		if err != nil {
			return nil, err
		}
		f, _ := transformer.ToMap(resp.Body)
		return f, nil
	}
	r, err := refund("MP-R-1", 100)
	if err != nil {
		t.Fatal(err)
	}
	if r["refund_id"] == "" || r["refund_fee"] != "100" || r["out_refund_no"] != "MP-R-1" {
		t.Fatalf("refund reply %v", r)
	}
	if f := orderQueryV2(t, ctx, c, srv, "MP-R"); f["trade_state"] != "REFUND" {
		t.Errorf("order after a refund: %v", f)
	}
	if _, err := refund("MP-R-2", 201); v2ErrCode(err) != "ERROR" {
		t.Errorf("refunding more than is left: %v", err)
	}
	if _, err := srv.CompleteRefund(ctx, "MP-R-1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	_, v2 := m.got(t)
	if len(v2) != 1 {
		t.Fatalf("%d APIv2 callbacks, want 1", len(v2))
	}
	if !v2[0].Refund {
		t.Error("the refund callback is not read as a refund result")
	}
	info := v2[0].Fields
	for k, want := range map[string]string{
		"out_refund_no": "MP-R-1", "refund_id": r["refund_id"], "out_trade_no": "MP-R", "refund_status": "SUCCESS",
		"refund_fee": "100", "total_fee": "300",
	} {
		if info[k] != want {
			t.Errorf("req_info %s = %q, want %q", k, info[k], want)
		}
	}
	outer, _ := transformer.ToMap(v2[0].Body)
	if info["success_time"] == "" || outer["mch_id"] != srv.V2MchID || outer["appid"] != srv.V2AppID {
		t.Errorf("callback %v %v", outer, info)
	}

	resp, err := c.Chain("v2/pay/refundquery").Post(ctx, wechatpay.M{"xml": v2Fields(srv, wechatpay.M{"out_trade_no": "MP-R"})})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := transformer.ToMap(resp.Body)
	if q["refund_count"] != "1" || q["refund_status_0"] != "SUCCESS" || q["out_refund_no_0"] != "MP-R-1" || q["refund_success_time_0"] == "" {
		t.Errorf("refundquery %v", q)
	}

	// A refund that cannot be paid back is CHANGE in APIv2's words.
	if _, err := refund("MP-R-3", 200); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CompleteRefund(ctx, "MP-R-3", "ABNORMAL"); err != nil {
		t.Fatal(err)
	}
	if _, v2 = m.got(t); len(v2) != 2 || v2[1].Fields["refund_status"] != "CHANGE" {
		t.Errorf("abnormal refund callback %v", v2)
	}
	// Without the merchant certificate, nginx refuses.
	_, err = c.Chain("v2/secapi/pay/refund").Post(ctx, wechatpay.M{"xml": v2Fields(srv, wechatpay.M{
		"out_trade_no": "MP-R", "out_refund_no": "MP-R-4", "total_fee": 300, "refund_fee": 1,
	})})
	if err == nil {
		t.Error("a refund without the client certificate succeeded")
	}
	_, err = c.Chain("v2/pay/refundquery").Post(ctx, wechatpay.M{"xml": v2Fields(srv, wechatpay.M{"out_refund_no": "NONE"})})
	if v2ErrCode(err) != "REFUNDNOTEXIST" {
		t.Errorf("refundquery of no refund: %v", err)
	}
}
