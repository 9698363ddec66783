package wxpaytest_test

import (
	"context"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// addReceiver adds a MERCHANT_ID receiver with its encrypted name.
func addReceiver(t *testing.T, srv *wxpaytest.Server, c *wechatpay.Client, account, name string) {
	t.Helper()
	enc, header, err := sensitive.EncryptFields(srv.PlatformPublicKey(), srv.PlatformKeyID, name)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Chain("v3/profitsharing/receivers/add").Post(context.Background(), wechatpay.M{
		"json": wechatpay.M{
			"appid": srv.AppID, "type": "MERCHANT_ID", "account": account, "name": enc[0], "relation_type": "STORE",
		},
		"headers": header,
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("account").String() != account || resp.Get("relation_type").String() != "STORE" {
		t.Fatalf("receivers/add reply %s", resp.Body)
	}
}

func shareBody(txID, outOrderNo string, unfreeze bool, receivers ...wechatpay.M) wechatpay.M {
	list := make([]any, len(receivers))
	for i, r := range receivers {
		list[i] = r
	}
	return wechatpay.M{"json": wechatpay.M{
		"appid": "wxd678efh567hg6787", "transaction_id": txID, "out_order_no": outOrderNo,
		"receivers": list, "unfreeze_unsplit": unfreeze,
	}}
}

func merchantShare(account string, amount int) wechatpay.M {
	return wechatpay.M{"type": "MERCHANT_ID", "account": account, "amount": amount, "description": "分给商户" + account}
}

// paidShareOrder places and pays an order whose funds stay frozen for
// profit sharing, and returns its transaction_id.
func paidShareOrder(t *testing.T, srv *wxpaytest.Server, c *wechatpay.Client, outTradeNo string, total int) string {
	t.Helper()
	placeAndPay(t, srv, c, outTradeNo, total, wechatpay.M{"settle_info": wechatpay.M{"profit_sharing": true}})
	q, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{"out_trade_no": outTradeNo, "query": wechatpay.M{"mchid": srv.MchID}})
	if err != nil {
		t.Fatal(err)
	}
	return q.Get("transaction_id").String()
}

func unsplit(t *testing.T, c *wechatpay.Client, txID string) int64 {
	t.Helper()
	resp, err := c.Chain("v3/profitsharing/transactions/{transaction_id}/amounts").Get(context.Background(), wechatpay.M{"transaction_id": txID})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("transaction_id").String() != txID {
		t.Errorf("amounts reply %s", resp.Body)
	}
	return resp.Get("unsplit_amount").Int()
}

// A sharing order is PROCESSING until it completes; its callback verifies;
// a return makes the money refundable again; unfreezing ends sharing.
func TestProfitSharingFlow(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	srv.SetProfitSharingNotifyURL(m.URL)
	txID := paidShareOrder(t, srv, c, "PS-ORDER-1", 1000)
	addReceiver(t, srv, c, "86693852", "深圳腾大餐饮有限公司")
	if got := unsplit(t, c, txID); got != 1000 {
		t.Fatalf("unsplit %d before sharing, want 1000", got)
	}

	resp, err := c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-1", false, merchantShare("86693852", 200)))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("state").String() != "PROCESSING" || resp.Get("receivers.0.result").String() != "PENDING" ||
		resp.Get("receivers.0.amount").Int() != 200 || len(resp.Get("order_id").String()) != 28 {
		t.Fatalf("sharing reply %s", resp.Body)
	}
	orderID := resp.Get("order_id").String()
	if got := unsplit(t, c, txID); got != 800 {
		t.Errorf("unsplit %d after sharing 200, want 800", got)
	}

	// Over the 30% a direct merchant may share.
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-2", false, merchantShare("86693852", 101)))
	if e := apiError(t, err); e.StatusCode != 400 || e.Code != "INVALID_REQUEST" {
		t.Errorf("sharing over 30%%: %v", err)
	}

	if err := srv.CompleteProfitSharing(ctx, "PS-1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	q, err := c.Chain("v3/profitsharing/orders/{out_order_no}").Get(ctx, wechatpay.M{"out_order_no": "PS-1", "query": wechatpay.M{"transaction_id": txID}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("state").String() != "FINISHED" || q.Get("receivers.0.result").String() != "SUCCESS" || q.Get("order_id").String() != orderID {
		t.Errorf("sharing query %s", q.Body)
	}
	v3, _ := m.got(t)
	if len(v3) != 1 {
		t.Fatalf("%d callbacks, want 1", len(v3))
	}
	n := v3[0]
	if n.EventType != "PROFITSHARING.SUCCESS" || n.Resource.OriginalType != "profitsharing" {
		t.Errorf("callback %s %s", n.EventType, n.Resource.OriginalType)
	}
	for path, want := range map[string]string{
		"out_order_no": "PS-1", "order_id": orderID, "transaction_id": txID, "mchid": srv.MchID,
		"receiver.account": "86693852", "receiver.amount": "200", "receiver.type": "MERCHANT_ID",
	} {
		if got := n.Get(path).String(); got != want {
			t.Errorf("callback %s = %q, want %q", path, got, want)
		}
	}

	// Shared money cannot be refunded until it is returned.
	_, err = c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("PS-ORDER-1", "PS-R-1", 900, 1000, ""))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("refunding shared money: %v", err)
	}
	ret, err := c.Chain("v3/profitsharing/return-orders").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"out_order_no": "PS-1", "out_return_no": "PS-RET-1", "return_mchid": "86693852", "amount": 100, "description": "用户退款",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if ret.Get("result").String() != "SUCCESS" || ret.Get("order_id").String() != orderID || ret.Get("amount").Int() != 100 {
		t.Errorf("return reply %s", ret.Body)
	}
	rq, err := c.Chain("v3/profitsharing/return-orders/{out_return_no}").Get(ctx, wechatpay.M{"out_return_no": "PS-RET-1", "query": wechatpay.M{"out_order_no": "PS-1"}})
	if err != nil || rq.Get("return_id").String() != ret.Get("return_id").String() {
		t.Errorf("return query: %v %v", err, rq)
	}
	_, err = c.Chain("v3/profitsharing/return-orders").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"out_order_no": "PS-1", "out_return_no": "PS-RET-2", "return_mchid": "86693852", "amount": 101, "description": "用户退款",
	}})
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("returning more than was shared: %v", err)
	}
	if got := unsplit(t, c, txID); got != 900 {
		t.Errorf("unsplit %d after returning 100, want 900", got)
	}
	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("PS-ORDER-1", "PS-R-1", 900, 1000, "")); err != nil {
		t.Errorf("refunding what is not shared: %v", err)
	}
	if got := unsplit(t, c, txID); got != 0 {
		t.Errorf("unsplit %d after refunding the rest, want 0", got)
	}
}

// Unfreezing gives the rest to the merchant and ends sharing; a CLOSED
// receiver's amount is unsplit again.
func TestProfitSharingUnfreezeAndClosed(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	srv.SetProfitSharingNotifyURL(m.URL)
	txID := paidShareOrder(t, srv, c, "PS-ORDER-2", 500)
	addReceiver(t, srv, c, "1900000110", "腾讯充值中心")

	if _, err := c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-C", true, merchantShare("1900000110", 150))); err != nil {
		t.Fatal(err)
	}
	if err := srv.CompleteProfitSharing(ctx, "PS-C", "CLOSED"); err != nil {
		t.Fatal(err)
	}
	state, results := srv.ProfitSharingState("PS-C")
	if state != "FINISHED" || len(results) != 2 || results[0] != "CLOSED" || results[1] != "SUCCESS" {
		t.Errorf("state %s %v, want FINISHED [CLOSED SUCCESS] (the receiver closed, the rest unfrozen)", state, results)
	}
	if got := unsplit(t, c, txID); got != 0 {
		t.Errorf("unsplit %d after unfreeze_unsplit, want 0", got)
	}
	v3, _ := m.got(t)
	if len(v3) != 1 || v3[0].EventType != "PROFITSHARING.CLOSED" {
		t.Errorf("callbacks %v, want one PROFITSHARING.CLOSED", v3)
	}
	_, err := c.Chain("v3/profitsharing/orders/unfreeze").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"transaction_id": txID, "out_order_no": "PS-U", "description": "解冻全部剩余资金",
	}})
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("unfreezing twice: %v", err)
	}

	txID3 := paidShareOrder(t, srv, c, "PS-ORDER-3", 300)
	resp, err := c.Chain("v3/profitsharing/orders/unfreeze").Post(ctx, wechatpay.M{"json": wechatpay.M{
		"transaction_id": txID3, "out_order_no": "PS-U3", "description": "解冻全部剩余资金",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Get("state").String() != "FINISHED" || resp.Get("receivers.0.amount").Int() != 300 || resp.Get("receivers.0.account").String() != srv.MchID {
		t.Errorf("unfreeze reply %s", resp.Body)
	}
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID3, "PS-3", false, merchantShare("1900000110", 1)))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("sharing after unfreeze: %v", err)
	}
}

// What WeChat Pay refuses: an order placed without profit sharing, a
// receiver never added, a name that is not the receiver's, more than is
// left.
func TestProfitSharingRefusals(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	addReceiver(t, srv, c, "86693852", "深圳腾大餐饮有限公司")

	placeAndPay(t, srv, c, "PS-PLAIN", 100, nil)
	q, _ := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "PS-PLAIN", "query": wechatpay.M{"mchid": srv.MchID}})
	_, err := c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(q.Get("transaction_id").String(), "PS-X", false, merchantShare("86693852", 1)))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("sharing an order placed without profit_sharing: %v", err)
	}

	txID := paidShareOrder(t, srv, c, "PS-ORDER-4", 100)
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-Y", false, merchantShare("1900000999", 1)))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("sharing to a receiver never added: %v", err)
	}

	enc, header, _ := sensitive.EncryptFields(srv.PlatformPublicKey(), srv.PlatformKeyID, "别家公司")
	r := merchantShare("86693852", 1)
	r["name"] = enc[0]
	body := shareBody(txID, "PS-Z", false, r)
	body["headers"] = header
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, body)
	if e := apiError(t, err); e.Code != "PARAM_ERROR" {
		t.Errorf("a name that is not the receiver's: %v", err)
	}

	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("PS-ORDER-4", "PS-R-4", 90, 100, "")); err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-W", false, merchantShare("86693852", 20)))
	if e := apiError(t, err); e.StatusCode != 403 || e.Code != "NOT_ENOUGH" {
		t.Errorf("sharing more than is left after a refund: %v", err)
	}

	_, err = c.Chain("v3/profitsharing/receivers/delete").Post(ctx, wechatpay.M{"json": wechatpay.M{"appid": srv.AppID, "type": "MERCHANT_ID", "account": "86693852"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "PS-V", false, merchantShare("86693852", 1)))
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("sharing to a deleted receiver: %v", err)
	}
}
