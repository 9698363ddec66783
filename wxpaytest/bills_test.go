package wxpaytest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// readBill downloads a bill with the bills package (which checks its
// digest) and returns its records by a column and its summary.
func readBill(t *testing.T, c *wechatpay.Client, api string, query wechatpay.M) ([]bills.Record, bills.Record) {
	t.Helper()
	var buf bytes.Buffer
	if _, _, err := bills.Download(context.Background(), c, &buf, api, wechatpay.M{"query": query}); err != nil {
		t.Fatalf("%s: %v", api, err)
	}
	r := bills.NewReader(&buf)
	var recs []bills.Record
	for rec, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	sum, err := r.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return recs, sum
}

// The day's bills list what the server carried out: payments and
// refunds in the trade bill; payments, fees, refunds and profit sharing
// in the fund flow bill; transfers in the operation account's.
func TestBillsOfWhatTheServerSaw(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")

	_, err := c.Chain("v3/bill/tradebill").Get(ctx, wechatpay.M{"query": wechatpay.M{"bill_date": today}})
	if e := apiError(t, err); e.Code != "NO_STATEMENT_EXIST" {
		t.Fatalf("today's bill before CloseBillDay: %v", err)
	}

	placeAndPay(t, srv, c, "BILL-1", 1000, nil)
	txID := paidShareOrder(t, srv, c, "BILL-2", 500)
	if _, err := c.Chain("v3/refund/domestic/refunds").Post(ctx, refundBody("BILL-1", "BILL-R1", 300, 1000, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CompleteRefund(ctx, "BILL-R1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	addReceiver(t, srv, c, "86693852", "深圳腾大餐饮有限公司")
	if _, err := c.Chain("v3/profitsharing/orders").Post(ctx, shareBody(txID, "BILL-PS", false, merchantShare("86693852", 100))); err != nil {
		t.Fatal(err)
	}
	if err := srv.CompleteProfitSharing(ctx, "BILL-PS", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": transferBillBody(srv, "BILL-T", 66, "")}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CompleteTransfer(ctx, "BILL-T", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	srv.CloseBillDay()

	recs, sum := readBill(t, c, "v3/bill/tradebill", wechatpay.M{"bill_date": today, "bill_type": "ALL"})
	if len(recs) != 3 {
		t.Fatalf("%d trade bill records, want 3 (two payments, one refund)", len(recs))
	}
	got := map[string]bool{}
	for _, r := range recs {
		got[r.Get("商户订单号")+" "+r.Get("交易状态")+" "+r.Get("应结订单金额")+" "+r.Get("退款金额")] = true
	}
	for _, want := range []string{"BILL-1 SUCCESS 10.00 0.00", "BILL-2 SUCCESS 5.00 0.00", "BILL-1 REFUND 0.00 3.00"} {
		if !got[want] {
			t.Errorf("trade bill has no record %q: %v", want, got)
		}
	}
	for col, want := range map[string]string{"总交易单数": "3", "应结订单总金额": "15.00", "退款总金额": "3.00", "手续费总金额": "0.07200"} {
		if g := sum.Get(col); g != want {
			t.Errorf("trade bill summary %s = %q, want %q", col, g, want)
		}
	}
	if recs, _ := readBill(t, c, "v3/bill/tradebill", wechatpay.M{"bill_date": today, "bill_type": "REFUND"}); len(recs) != 1 || recs[0].Get("商户退款单号") != "BILL-R1" {
		t.Errorf("REFUND bill: %v", recs)
	}

	recs, sum = readBill(t, c, "v3/bill/fundflowbill", wechatpay.M{"bill_date": today})
	names := map[string]string{}
	for _, r := range recs {
		names[r.Get("业务名称")+" "+r.Get("业务凭证号")] = r.Get("收支类型") + " " + r.Get("收支金额（元）")
	}
	for key, want := range map[string]string{
		"交易 BILL-1": "收入 10.00", "扣除交易手续费 BILL-1": "支出 0.06", "交易 BILL-2": "收入 5.00",
		"退款 BILL-R1": "支出 3.00", "分账 BILL-PS": "支出 1.00",
	} {
		if names[key] != want {
			t.Errorf("fund flow %s = %q, want %q (%v)", key, names[key], want, names)
		}
	}
	if last := recs[len(recs)-1].Get("账户结余（元）"); last != "10.93" {
		t.Errorf("balance after the day %q, want 10.93 (15.00 - 0.09 fees + 0.02 fee returned - 3.00 - 1.00)", last)
	}
	if g := sum.Get("资金流水总笔数"); g != "7" {
		t.Errorf("fund flow count %q, want 7", g)
	}

	recs, _ = readBill(t, c, "v3/bill/fundflowbill", wechatpay.M{"bill_date": today, "account_type": "OPERATION"})
	if len(recs) != 1 || recs[0].Get("业务凭证号") != "BILL-T" || recs[0].Get("收支金额（元）") != "0.66" {
		t.Errorf("operation account bill: %v", recs)
	}
}

// Invented rows still follow the server's own, for bills of any size.
func TestBillRowsFollowRecords(t *testing.T) {
	srv := start(t, wxpaytest.WithMchID("1230000109"))
	c := newClient(t, srv)
	placeAndPay(t, srv, c, "BILL-3", 100, nil)
	srv.CloseBillDay()
	srv.SetBillRows(5)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	recs, sum := readBill(t, c, "v3/bill/tradebill", wechatpay.M{"bill_date": today})
	if len(recs) != 6 || recs[0].Get("商户订单号") != "BILL-3" || sum.Get("总交易单数") != "6" {
		t.Errorf("%d records, first %q, summary %v", len(recs), recs[0].Get("商户订单号"), sum.Values())
	}
}
