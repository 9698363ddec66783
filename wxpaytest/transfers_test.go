package wxpaytest_test

import (
	"context"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func transferBillBody(srv *wxpaytest.Server, outBillNo string, amount int, notifyURL string) wechatpay.M {
	b := wechatpay.M{
		"appid": srv.AppID, "out_bill_no": outBillNo, "openid": "o-MYE42l80oelYMDE34nYD456Xoy",
		"transfer_amount": amount, "transfer_remark": "新会员开户有礼", "transfer_scene_id": "1000",
		"transfer_scene_report_infos": []any{
			wechatpay.M{"info_type": "活动名称", "info_content": "新会员有礼"},
			wechatpay.M{"info_type": "奖励说明", "info_content": "注册会员抽奖一等奖"},
		},
	}
	if notifyURL != "" {
		b["notify_url"] = notifyURL
	}
	return b
}

// A transfer bill waits for its payee, then succeeds with its callback;
// a cancelled one ends CANCELLED; a large one names its payee, encrypted
// both ways.
func TestTransferBills(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)

	resp, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": transferBillBody(srv, "TB-1", 30, m.URL)})
	if err != nil {
		t.Fatal(err)
	}
	billNo := resp.Get("transfer_bill_no").String()
	if resp.Get("state").String() != "WAIT_USER_CONFIRM" || resp.Get("package_info").String() == "" || len(billNo) != 40 {
		t.Fatalf("transfer reply %s", resp.Body)
	}
	if _, err := srv.CompleteTransfer(ctx, "TB-1", "SUCCESS"); err != nil {
		t.Fatal(err)
	}
	q, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}").Get(ctx, wechatpay.M{"transfer_bill_no": billNo})
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("state").String() != "SUCCESS" || q.Get("out_bill_no").String() != "TB-1" || q.Get("transfer_amount").Int() != 30 || q.Get("mch_id").String() != srv.MchID {
		t.Errorf("transfer query %s", q.Body)
	}

	if _, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": transferBillBody(srv, "TB-2", 50, m.URL)}); err != nil {
		t.Fatal(err)
	}
	cancel, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel").Post(ctx, wechatpay.M{"out_bill_no": "TB-2"})
	if err != nil {
		t.Fatal(err)
	}
	if cancel.Get("state").String() != "CANCELING" {
		t.Errorf("cancel reply %s", cancel.Body)
	}
	if _, err := srv.CompleteTransfer(ctx, "TB-2", "SUCCESS"); err == nil {
		t.Error("a CANCELING bill succeeded")
	}
	if _, err := srv.CompleteTransfer(ctx, "TB-2", "CANCELLED"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel").Post(ctx, wechatpay.M{"out_bill_no": "TB-1"})
	if e := apiError(t, err); e.Code != "INVALID_REQUEST" {
		t.Errorf("cancelling a bill paid already: %v", err)
	}

	v3, _ := m.got(t)
	if len(v3) != 2 {
		t.Fatalf("%d callbacks, want 2", len(v3))
	}
	for i, want := range []string{"SUCCESS", "CANCELLED"} {
		n := v3[i]
		if n.EventType != "MCHTRANSFER.BILL.FINISHED" || n.Get("state").String() != want {
			t.Errorf("callback %d: %s state %s, want %s", i, n.EventType, n.Get("state").String(), want)
		}
	}
	if got := v3[0].Get("transfer_bill_no").String(); got != billNo {
		t.Errorf("callback transfer_bill_no %q, want %q", got, billNo)
	}

	// From 2,000 yuan the payee is named.
	_, err = c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": transferBillBody(srv, "TB-3", 200000, "")})
	if e := apiError(t, err); e.Code != "PARAM_ERROR" {
		t.Errorf("2,000 yuan without user_name: %v", err)
	}
	enc, header, err := sensitive.EncryptFields(srv.PlatformPublicKey(), srv.PlatformKeyID, "张三")
	if err != nil {
		t.Fatal(err)
	}
	body := transferBillBody(srv, "TB-3", 200000, "")
	body["user_name"] = enc[0]
	if _, err := c.Chain("v3/fund-app/mch-transfer/transfer-bills").Post(ctx, wechatpay.M{"json": body, "headers": header}); err != nil {
		t.Fatal(err)
	}
	q, err = c.Chain("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}").Get(ctx, wechatpay.M{"out_bill_no": "TB-3"})
	if err != nil {
		t.Fatal(err)
	}
	if name, err := sensitive.Decrypt(srv.MerchantKey, q.Get("user_name").String()); err != nil || name != "张三" {
		t.Errorf("user_name in the query opens to %q, %v; want 张三", name, err)
	}
}

func batchBody(srv *wxpaytest.Server, outBatchNo, notifyURL string, amounts ...int) wechatpay.M {
	var list []any
	total := 0
	for i, a := range amounts {
		list = append(list, wechatpay.M{
			"out_detail_no": outBatchNo + "D" + string(rune('0'+i)), "transfer_amount": a,
			"transfer_remark": "2020年4月报销", "openid": "o-MYE42l80oelYMDE34nYD456Xoy",
		})
		total += a
	}
	return wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "out_batch_no": outBatchNo, "batch_name": "2019年1月深圳分部报销单",
		"batch_remark": "2019年1月深圳分部报销单", "total_amount": total, "total_num": len(amounts),
		"transfer_detail_list": list, "transfer_scene_id": "1000", "notify_url": notifyURL,
	}}
}

// A batch is ACCEPTED until it completes; its totals and details follow;
// its callback verifies.
func TestTransferBatch(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)

	resp, err := c.Chain("v3/transfer/batches").Post(ctx, batchBody(srv, "BATCH1", m.URL, 100, 200, 300))
	if err != nil {
		t.Fatal(err)
	}
	batchID := resp.Get("batch_id").String()
	if resp.Get("batch_status").String() != "ACCEPTED" || batchID == "" {
		t.Fatalf("batch reply %s", resp.Body)
	}
	bad := batchBody(srv, "BATCH2", "", 100, 200)
	bad["json"].(wechatpay.M)["total_amount"] = 299
	_, err = c.Chain("v3/transfer/batches").Post(ctx, bad)
	if e := apiError(t, err); e.Code != "PARAM_ERROR" {
		t.Errorf("total_amount that is not the sum: %v", err)
	}

	if _, err := srv.CompleteTransferBatch(ctx, "BATCH1", "FINISHED", "BATCH1D1"); err != nil {
		t.Fatal(err)
	}
	q, err := c.Chain("v3/transfer/batches/batch-id/{batch_id}").Get(ctx, wechatpay.M{
		"batch_id": batchID, "query": wechatpay.M{"need_query_detail": true, "detail_status": "FAIL"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"transfer_batch.batch_status": "FINISHED", "transfer_batch.success_amount": "400", "transfer_batch.success_num": "2",
		"transfer_batch.fail_amount": "200", "transfer_batch.fail_num": "1", "transfer_detail_list.#": "1",
		"transfer_detail_list.0.out_detail_no": "BATCH1D1", "transfer_detail_list.0.detail_status": "FAIL",
	} {
		if got := q.Get(path).String(); got != want {
			t.Errorf("batch query %s = %q, want %q", path, got, want)
		}
	}
	d, err := c.Chain("v3/transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}").Get(ctx, wechatpay.M{
		"out_batch_no": "BATCH1", "out_detail_no": "BATCH1D2",
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.Get("detail_status").String() != "SUCCESS" || d.Get("transfer_amount").Int() != 300 || d.Get("batch_id").String() != batchID {
		t.Errorf("detail query %s", d.Body)
	}
	v3, _ := m.got(t)
	if len(v3) != 1 || v3[0].EventType != "MCHTRANSFER.BATCH.FINISHED" || v3[0].Get("success_num").Int() != 2 || v3[0].Get("batch_id").String() != batchID {
		t.Errorf("callbacks %v", v3)
	}
	if _, err := srv.CompleteTransferBatch(ctx, "BATCH1", "CLOSED"); err == nil {
		t.Error("a FINISHED batch closed")
	}
	if got := srv.TransferState("BATCH1"); got != "FINISHED" {
		t.Errorf("TransferState %q", got)
	}
}
