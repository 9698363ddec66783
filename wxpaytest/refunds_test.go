package wxpaytest_test

import (
	"context"
	"testing"

	"github.com/wxpay-go/wechatpay"
)

func refundBody(outTradeNo, outRefundNo string, refund, total int, notifyURL string) wechatpay.M {
	b := wechatpay.M{
		"out_trade_no": outTradeNo, "out_refund_no": outRefundNo, "reason": "商品已售完",
		"amount": wechatpay.M{"refund": refund, "total": total, "currency": "CNY"},
	}
	if notifyURL != "" {
		b["notify_url"] = notifyURL
	}
	return wechatpay.M{"json": b}
}

// A refund is PROCESSING until it completes; the order shows REFUND; the
// REFUND.SUCCESS callback reaches the refund's notify_url and verifies.
func TestRefundSucceeds(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	placeAndPay(t, srv, c, "R-ORDER-1", 300, nil)

	resp, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-1", "R-1", 100, 300, m.URL))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("status").String() != "PROCESSING" || resp.Get("amount.refund").Int() != 100 || resp.Get("out_trade_no").String() != "R-ORDER-1" {
		t.Fatalf("refund reply %s", resp.Body)
	}
	refundID := resp.Get("refund_id").String()
	if len(refundID) != 29 {
		t.Errorf("refund_id %q is not 29 digits", refundID)
	}

	order, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "R-ORDER-1", "query": wechatpay.M{"mchid": srv.MchID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := order.Get("trade_state").String(); got != "REFUND" {
		t.Errorf("trade_state %q after a refund, want REFUND", got)
	}

	if _, err := srv.CompleteRefund(ctx, "R-1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	q, err := c.Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{"out_refund_no": "R-1"})
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("status").String() != "SUCCESS" || q.Get("success_time").String() == "" || q.Get("refund_id").String() != refundID {
		t.Errorf("refund query %s", q.Body)
	}

	v3, _ := m.got(t)
	if len(v3) != 1 {
		t.Fatalf("%d callbacks, want 1", len(v3))
	}
	n := v3[0]
	if n.EventType != "REFUND.SUCCESS" || n.Resource.OriginalType != "refund" || n.Summary != "退款成功" {
		t.Errorf("callback %s %s %s", n.EventType, n.Resource.OriginalType, n.Summary)
	}
	for path, want := range map[string]string{
		"out_refund_no": "R-1", "refund_id": refundID, "out_trade_no": "R-ORDER-1", "refund_status": "SUCCESS",
		"mchid": srv.MchID, "amount.refund": "100", "amount.total": "300", "amount.payer_refund": "100",
	} {
		if got := n.Get(path).String(); got != want {
			t.Errorf("callback %s = %q, want %q", path, got, want)
		}
	}

	// What is left of the order can be refunded, and no more.
	_, err = c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-1", "R-2", 201, 300, ""))
	if e := apiError(t, err); e.StatusCode != 400 || e.Code != "INVALID_REQUEST" {
		t.Errorf("refunding more than is left: %v", err)
	}
	if _, err = c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-1", "R-2", 200, 300, "")); err != nil {
		t.Errorf("refunding the rest: %v", err)
	}
}

// ABNORMAL sends REFUND.ABNORMAL; apply-abnormal-refund sends the refund
// again, and it can then succeed.
func TestRefundAbnormal(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	placeAndPay(t, srv, c, "R-ORDER-2", 100, nil)
	resp, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-2", "R-ABN", 100, 100, m.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CompleteRefund(ctx, "R-ABN", "ABNORMAL"); err != nil {
		t.Fatal(err)
	}
	if got := srv.RefundStatus("R-ABN"); got != "ABNORMAL" {
		t.Errorf("status %q", got)
	}
	_, err = c.Chain("v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund").Post(ctx, wechatpay.M{
		"refund_id": resp.Get("refund_id").String(),
		"json":      wechatpay.M{"out_refund_no": "R-ABN", "type": "USER_BANK_CARD"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.RefundStatus("R-ABN"); got != "PROCESSING" {
		t.Errorf("status %q after apply-abnormal-refund", got)
	}
	if _, err := srv.CompleteRefund(ctx, "R-ABN", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	v3, _ := m.got(t)
	if len(v3) != 2 || v3[0].EventType != "REFUND.ABNORMAL" || v3[0].Get("refund_status").String() != "ABNORMAL" || v3[1].EventType != "REFUND.SUCCESS" {
		t.Fatalf("callbacks %v", v3)
	}
}

// Closing a refund gives the amount back to the order, which is SUCCESS
// again.
func TestRefundClosed(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	placeAndPay(t, srv, c, "R-ORDER-3", 100, nil)
	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-3", "R-CL", 100, 100, "")); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.CompleteRefund(ctx, "R-CL", "CLOSED")
	if err != nil || resp != nil {
		t.Fatalf("%v %v: no notify_url, want no callback", resp, err)
	}
	if got := srv.TradeState("R-ORDER-3"); got != "SUCCESS" {
		t.Errorf("trade state %q after the only refund closed", got)
	}
	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-3", "R-CL2", 100, 100, "")); err != nil {
		t.Errorf("refunding again after a closed refund: %v", err)
	}
	if _, err := srv.CompleteRefund(ctx, "R-CL", "SUCCESS"); err == nil {
		t.Error("completing a closed refund again succeeded")
	}
}

func TestRefundRefusals(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	placeAndPay(t, srv, c, "R-ORDER-4", 100, nil)
	_, err := c.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "x", "out_trade_no": "R-UNPAID",
		"notify_url": "https://example.com/n", "amount": wechatpay.M{"total": 100},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		body   wechatpay.M
		status int
		code   string
	}{
		{"no such order", refundBody("NO-SUCH", "R-X", 1, 1, ""), 404, "RESOURCE_NOT_EXISTS"},
		{"unpaid order", refundBody("R-UNPAID", "R-X", 1, 100, ""), 400, "INVALID_REQUEST"},
		{"wrong total", refundBody("R-ORDER-4", "R-X", 1, 99, ""), 400, "PARAM_ERROR"},
		{"zero refund", refundBody("R-ORDER-4", "R-X", 0, 100, ""), 400, "PARAM_ERROR"},
		{"no order number", wechatpay.M{"json": wechatpay.M{"out_refund_no": "R-X", "amount": wechatpay.M{"refund": 1, "total": 100, "currency": "CNY"}}}, 400, "PARAM_ERROR"},
		{"no currency", wechatpay.M{"json": wechatpay.M{"out_trade_no": "R-ORDER-4", "out_refund_no": "R-X", "amount": wechatpay.M{"refund": 1, "total": 100}}}, 400, "PARAM_ERROR"},
	} {
		_, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, tc.body)
		if e := apiError(t, err); e.StatusCode != tc.status || e.Code != tc.code {
			t.Errorf("%s: %v, want %d %s", tc.name, err, tc.status, tc.code)
		}
	}
	_, err = c.Chain("v3/refund/domestic/refunds/{out_refund_no}").Get(ctx, wechatpay.M{"out_refund_no": "R-NONE"})
	if e := apiError(t, err); e.StatusCode != 404 || e.Code != "RESOURCE_NOT_EXISTS" {
		t.Errorf("query of no refund: %v", err)
	}

	// The same out_refund_no and amount is the same refund; another amount is refused.
	first, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-4", "R-SAME", 50, 100, ""))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-4", "R-SAME", 50, 100, ""))
	if err != nil || again.Get("refund_id").String() != first.Get("refund_id").String() {
		t.Errorf("repeated refund: %v %s", err, again.Body)
	}
	_, err = c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-4", "R-SAME", 10, 100, ""))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("reused out_refund_no for another amount: %v", err)
	}
}

// Resend sends a refund's callback again with the same id; Callbacks
// lists both.
func TestResendCallback(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	placeAndPay(t, srv, c, "R-ORDER-5", 100, nil)
	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("R-ORDER-5", "R-RE", 100, 100, m.URL)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CompleteRefund(ctx, "R-RE", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	cb, resp, err := srv.Resend(ctx, "R-RE")
	if err != nil || resp.StatusCode != 204 || cb.EventType != "REFUND.SUCCESS" {
		t.Fatalf("%+v %v %v", cb, resp, err)
	}
	v3, _ := m.got(t)
	if len(v3) != 2 || v3[0].ID != v3[1].ID || v3[0].Get("refund_id").String() != v3[1].Get("refund_id").String() {
		t.Errorf("resent callback differs: %v", v3)
	}
	if all := srv.Callbacks(); len(all) != 2 || all[1].Subject != "R-RE" || all[1].Status != 204 || all[1].Target != m.URL {
		t.Errorf("Callbacks %+v", all)
	}
	if _, _, err := srv.Resend(ctx, "R-NEVER"); err == nil {
		t.Error("Resend of a subject without callbacks succeeded")
	}
}
