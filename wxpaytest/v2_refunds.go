package wxpaytest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Refunds (申请退款), APIv2:
//
//	POST /secapi/pay/refund   mTLS; a refund of a paid order of the merchant, by
//	                          transaction_id or out_trade_no, with out_refund_no,
//	                          total_fee (the order's) and refund_fee; PROCESSING
//	POST /pay/refundquery     the order's refunds, by refund_id, out_refund_no,
//	                          transaction_id or out_trade_no: refund_count and
//	                          out_refund_no_$n, refund_id_$n, refund_fee_$n,
//	                          refund_status_$n (PROCESSING, SUCCESS, CHANGE, REFUNDCLOSE)
//
// CompleteRefund ends a refund and sends its req_info callback to the
// notify_url of the refund request.

// v2Refund is an APIv2 refund. Its status is in the APIv3 words
// (PROCESSING, SUCCESS, ABNORMAL, CLOSED); v2Status names it as APIv2 does.
type v2Refund struct {
	refundID, outRefundNo string
	order                 *v2Order
	merchant              *v2Merchant
	fee                   int
	notifyURL             string
	status                string
	successTime           time.Time
}

// v2Status is the refund_status APIv2 uses for an APIv3 refund status.
func v2Status(status string) string {
	switch status {
	case "ABNORMAL":
		return "CHANGE"
	case "CLOSED":
		return "REFUNDCLOSE"
	}
	return status
}

func (s *Server) v2Refund(c v2Call) v2Result {
	p := c.params
	for _, k := range [...]string{"out_refund_no", "total_fee", "refund_fee"} {
		if p[k] == "" {
			return v2Fail("PARAM_ERROR", "缺少参数"+k)
		}
	}
	total, err1 := strconv.Atoi(p["total_fee"])
	fee, err2 := strconv.Atoi(p["refund_fee"])
	if err1 != nil || err2 != nil || total <= 0 || fee <= 0 {
		return v2Fail("PARAM_ERROR", "total_fee and refund_fee must be positive numbers of fen, not "+p["total_fee"]+" and "+p["refund_fee"])
	}
	if len(p["out_refund_no"]) > 64 {
		return v2Fail("PARAM_ERROR", "out_refund_no "+p["out_refund_no"]+" is longer than 64 characters")
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail, ok := s.findV2(c)
	switch {
	case !ok:
		return fail
	case o.tradeState != "SUCCESS" && o.tradeState != "REFUND":
		return v2Fail("TRADE_STATE_ERROR", "订单状态错误: order "+o.outTradeNo+" is "+o.tradeState+"; only a paid order can be refunded")
	case total != o.totalFee:
		return v2Fail("PARAM_ERROR", fmt.Sprintf("订单金额或退款金额与之前请求不一致: total_fee %d is not the order's %d", total, o.totalFee))
	}
	for _, r := range s.book.refunds.v2 {
		if r.merchant == c.merchant && r.outRefundNo == p["out_refund_no"] {
			if r.order != o || r.fee != fee {
				return v2Fail("PARAM_ERROR", fmt.Sprintf("订单金额或退款金额与之前请求不一致: out_refund_no %s was used for %d fen of order %s", r.outRefundNo, r.fee, r.order.outTradeNo))
			}
			return v2Result{fields: r.fields()}
		}
	}
	if left := o.totalFee - o.refunded; fee > left {
		return v2Fail("ERROR", fmt.Sprintf("累计退款金额大于支付金额: %d fen asked, %d fen of order %s left to refund", fee, left, o.outTradeNo))
	}
	r := &v2Refund{
		refundID: s.nextRefundID(now), outRefundNo: p["out_refund_no"], order: o, merchant: c.merchant,
		fee: fee, notifyURL: p["notify_url"], status: "PROCESSING",
	}
	s.book.refunds.v2 = append(s.book.refunds.v2, r)
	o.refunded += fee
	o.tradeState = "REFUND"
	return v2Result{fields: r.fields()}
}

// fields are the reply of a refund request.
func (r *v2Refund) fields() map[string]string {
	f := map[string]string{
		"result_code": "SUCCESS", "transaction_id": r.order.transactionID, "out_trade_no": r.order.outTradeNo,
		"out_refund_no": r.outRefundNo, "refund_id": r.refundID, "refund_fee": strconv.Itoa(r.fee),
		"settlement_refund_fee": strconv.Itoa(r.fee), "total_fee": strconv.Itoa(r.order.totalFee),
		"cash_fee": strconv.Itoa(r.order.totalFee), "cash_refund_fee": strconv.Itoa(r.fee),
		"coupon_refund_fee": "0", "coupon_refund_count": "0", "refund_channel": "",
	}
	if r.order.subMchID != "" {
		f["sub_mch_id"], f["sub_appid"] = r.order.subMchID, r.order.subAppID
	}
	return f
}

func (s *Server) v2RefundQuery(c v2Call) v2Result {
	p := c.params
	var match func(*v2Refund) bool
	switch {
	case p["refund_id"] != "":
		match = func(r *v2Refund) bool { return r.refundID == p["refund_id"] }
	case p["out_refund_no"] != "":
		match = func(r *v2Refund) bool { return r.outRefundNo == p["out_refund_no"] }
	case p["transaction_id"] != "":
		match = func(r *v2Refund) bool { return r.order.transactionID == p["transaction_id"] }
	case p["out_trade_no"] != "":
		match = func(r *v2Refund) bool { return r.order.outTradeNo == p["out_trade_no"] }
	default:
		return v2Fail("PARAM_ERROR", "refund_id, out_refund_no, transaction_id and out_trade_no cannot all be empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*v2Refund
	for _, r := range s.book.refunds.v2 {
		if r.merchant == c.merchant && match(r) {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return v2Fail("REFUNDNOTEXIST", "退款订单查询失败: no refund of this merchant matches")
	}
	o := found[0].order
	if p["refund_id"] == "" && p["out_refund_no"] == "" {
		found = found[:0]
		for _, r := range s.book.refunds.v2 {
			if r.order == o {
				found = append(found, r)
			}
		}
	}
	f := map[string]string{
		"result_code": "SUCCESS", "transaction_id": o.transactionID, "out_trade_no": o.outTradeNo,
		"total_fee": strconv.Itoa(o.totalFee), "settlement_total_fee": strconv.Itoa(o.totalFee),
		"cash_fee": strconv.Itoa(o.totalFee), "fee_type": "CNY", "refund_count": strconv.Itoa(len(found)),
	}
	for i, r := range found {
		n := strconv.Itoa(i)
		f["out_refund_no_"+n] = r.outRefundNo
		f["refund_id_"+n] = r.refundID
		f["refund_channel_"+n] = "ORIGINAL"
		f["refund_fee_"+n] = strconv.Itoa(r.fee)
		f["settlement_refund_fee_"+n] = strconv.Itoa(r.fee)
		f["coupon_refund_fee_"+n] = "0"
		f["coupon_refund_count_"+n] = "0"
		f["refund_status_"+n] = v2Status(r.status)
		f["refund_account_"+n] = "REFUND_SOURCE_UNSETTLED_FUNDS"
		f["refund_recv_accout_"+n] = "支付用户的零钱"
		if !r.successTime.IsZero() {
			f["refund_success_time_"+n] = r.successTime.In(chinaTime).Format("2006-01-02 15:04:05")
		}
	}
	return v2Result{fields: f}
}

// completeRefundV2 is CompleteRefund for an APIv2 refund.
func (s *Server) completeRefundV2(ctx context.Context, outRefundNo, status string, now time.Time) (*http.Response, error) {
	s.mu.Lock()
	var r *v2Refund
	for _, have := range s.book.refunds.v2 {
		if have.outRefundNo == outRefundNo {
			r = have
		}
	}
	if r == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("wxpaytest: CompleteRefund: no refund %q", outRefundNo)
	}
	if r.status != "PROCESSING" {
		s.mu.Unlock()
		return nil, fmt.Errorf("wxpaytest: CompleteRefund: refund %q is %s, not PROCESSING", outRefundNo, r.status)
	}
	r.status = status
	switch status {
	case "SUCCESS":
		r.successTime = now
	case "CLOSED":
		r.order.refunded -= r.fee
		if r.order.refunded == 0 {
			r.order.tradeState = "SUCCESS"
		}
	}
	reqInfo := map[string]string{
		"transaction_id": r.order.transactionID, "out_trade_no": r.order.outTradeNo,
		"refund_id": r.refundID, "out_refund_no": r.outRefundNo,
		"total_fee": strconv.Itoa(r.order.totalFee), "settlement_total_fee": strconv.Itoa(r.order.totalFee),
		"refund_fee": strconv.Itoa(r.fee), "settlement_refund_fee": strconv.Itoa(r.fee),
		"refund_status": v2Status(status), "refund_recv_accout": "支付用户的零钱",
		"refund_account": "REFUND_SOURCE_UNSETTLED_FUNDS", "refund_request_source": "API",
	}
	if status == "SUCCESS" {
		reqInfo["success_time"] = now.In(chinaTime).Format("2006-01-02 15:04:05")
	}
	target, m := r.notifyURL, r.merchant
	s.mu.Unlock()
	if target == "" {
		return nil, nil
	}
	return s.sendRefundV2(ctx, m, outRefundNo, target, reqInfo)
}
