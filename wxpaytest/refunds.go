package wxpaytest

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/tidwall/gjson"
)

// Refunds (退款), APIv3:
//
//	POST /v3/refund/domestic/refunds                      200 the refund, PROCESSING
//	GET  /v3/refund/domestic/refunds/{out_refund_no}      200 the refund
//	POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund
//	                                                      200 the refund, PROCESSING again
//
// A refund is of a paid order (trade_state SUCCESS or REFUND), by
// transaction_id or out_trade_no, for at most what is left of it; the
// order shows trade_state REFUND from then on. A refund waits in
// PROCESSING until CompleteRefund (wxpay serve: "refund OUT_REFUND_NO")
// moves it to SUCCESS, ABNORMAL or CLOSED and sends the REFUND.SUCCESS,
// REFUND.ABNORMAL or REFUND.CLOSED callback to the refund's notify_url. A
// second request with the same out_refund_no and amount answers the same
// refund, as WeChat Pay refunds once per out_refund_no.

// refundBook holds the refunds of both APIs; Server.mu guards it.
type refundBook struct {
	byNo map[string]*refund // APIv3 refunds by out_refund_no
	v2   []*v2Refund        // APIv2 refunds: v2_orders.go
	seq  int64
}

// refund is an APIv3 refund.
type refund struct {
	refundID, outRefundNo   string
	order                   *order
	amount                  int64
	reason, notifyURL       string
	status                  string // PROCESSING, SUCCESS, ABNORMAL, CLOSED
	createTime, successTime time.Time
}

// nextRefundID numbers refunds of both APIs in the shape of WeChat Pay's
// 29-digit refund_id. The server's mutex must be held.
func (s *Server) nextRefundID(now time.Time) string {
	s.book.refunds.seq++
	return fmt.Sprintf("5030%s%017d", now.In(chinaTime).Format("20060102"), s.book.refunds.seq)
}

func (s *Server) createRefund(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	outRefundNo, err := stringField(c.body, "out_refund_no", "out_refund_no")
	if err != nil {
		return refuse(err)
	}
	if len(outRefundNo) > 64 {
		return refuse(paramError("out_refund_no %q is longer than 64 bytes", outRefundNo))
	}
	txID, outTradeNo := gjson.GetBytes(c.body, "transaction_id").String(), gjson.GetBytes(c.body, "out_trade_no").String()
	if txID == "" && outTradeNo == "" {
		return refuse(paramError("transaction_id or out_trade_no is required"))
	}
	amount, err := fenField(c.body, "amount.refund")
	if err != nil {
		return refuse(err)
	}
	total, err := fenField(c.body, "amount.total")
	if err != nil {
		return refuse(err)
	}
	if cur, err := stringField(c.body, "amount.currency", "amount.currency"); err != nil {
		return refuse(err)
	} else if cur != "CNY" {
		return refuse(paramError("amount.currency must be \"CNY\", not %q", cur))
	}
	notifyURL := gjson.GetBytes(c.body, "notify_url").String()

	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.orders[outTradeNo]
	if txID != "" {
		o = s.book.byTxID[txID]
		if o != nil && outTradeNo != "" && o.outTradeNo != outTradeNo {
			o = nil
		}
	}
	switch {
	case o == nil:
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "订单不存在: no order with "+orderKey(txID, outTradeNo))
	case o.state != "SUCCESS" && o.state != "REFUND":
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("订单状态不正确: order %q is %s; only a paid order can be refunded", o.outTradeNo, o.state))
	case total != o.total:
		return refuse(paramError("amount.total %d is not the order's total %d", total, o.total))
	}
	if r, found := s.book.refunds.byNo[outRefundNo]; found {
		if r.order != o || r.amount != amount {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("out_refund_no %q was used for a refund of %d fen of order %q", outRefundNo, r.amount, r.order.outTradeNo))
		}
		return ok(r.resource())
	}
	if left := o.total - o.refunded - o.shared; amount > left {
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("申请退款金额超过订单可退金额: %d fen asked, %d fen of order %q left to refund", amount, left, o.outTradeNo))
	}
	r := &refund{
		refundID: s.nextRefundID(now), outRefundNo: outRefundNo, order: o, amount: amount,
		reason: gjson.GetBytes(c.body, "reason").String(), notifyURL: notifyURL,
		status: "PROCESSING", createTime: now,
	}
	if s.book.refunds.byNo == nil {
		s.book.refunds.byNo = map[string]*refund{}
	}
	s.book.refunds.byNo[outRefundNo] = r
	o.refunded += amount
	o.state = "REFUND"
	return ok(r.resource())
}

func orderKey(txID, outTradeNo string) string {
	switch {
	case txID != "" && outTradeNo != "":
		return fmt.Sprintf("transaction_id %q and out_trade_no %q", txID, outTradeNo)
	case txID != "":
		return fmt.Sprintf("transaction_id %q", txID)
	}
	return fmt.Sprintf("out_trade_no %q", outTradeNo)
}

func (s *Server) queryRefund(c call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.book.refunds.byNo[c.params[0]]
	if !ok {
		return refundNotExist(c.params[0])
	}
	return reply{status: http.StatusOK, body: marshal(r.resource())}
}

func refundNotExist(no string) reply {
	return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("退款单不存在: no refund %q", no))
}

// applyAbnormalRefund sends an ABNORMAL refund again, to the bank card the
// merchant names; it is PROCESSING until completed.
func (s *Server) applyAbnormalRefund(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	outRefundNo, err := stringField(c.body, "out_refund_no", "out_refund_no")
	if err != nil {
		return refuse(err)
	}
	typ, err := stringField(c.body, "type", "type")
	if err != nil {
		return refuse(err)
	}
	if typ != "USER_BANK_CARD" && typ != "MERCHANT_BANK_CARD" {
		return refuse(paramError("type %q is not USER_BANK_CARD or MERCHANT_BANK_CARD", typ))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, found := s.book.refunds.byNo[outRefundNo]
	switch {
	case !found || r.refundID != c.params[0]:
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("退款单不存在: no refund %q with refund_id %q", outRefundNo, c.params[0]))
	case r.status != "ABNORMAL":
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("退款单状态不正确: refund %q is %s, not ABNORMAL", outRefundNo, r.status))
	}
	r.status = "PROCESSING"
	return ok(r.resource())
}

// resource is a refund as the refund APIs answer it.
func (r *refund) resource() any {
	type amount struct {
		Total            int64  `json:"total"`
		Refund           int64  `json:"refund"`
		From             []any  `json:"from"`
		PayerTotal       int64  `json:"payer_total"`
		PayerRefund      int64  `json:"payer_refund"`
		SettlementRefund int64  `json:"settlement_refund"`
		SettlementTotal  int64  `json:"settlement_total"`
		DiscountRefund   int64  `json:"discount_refund"`
		Currency         string `json:"currency"`
		RefundFee        int64  `json:"refund_fee"`
	}
	return struct {
		RefundID            string `json:"refund_id"`
		OutRefundNo         string `json:"out_refund_no"`
		TransactionID       string `json:"transaction_id"`
		OutTradeNo          string `json:"out_trade_no"`
		Channel             string `json:"channel"`
		UserReceivedAccount string `json:"user_received_account"`
		SuccessTime         string `json:"success_time,omitempty"`
		CreateTime          string `json:"create_time"`
		Status              string `json:"status"`
		FundsAccount        string `json:"funds_account"`
		Amount              amount `json:"amount"`
		PromotionDetail     []any  `json:"promotion_detail"`
	}{
		RefundID: r.refundID, OutRefundNo: r.outRefundNo, TransactionID: r.order.transactionID, OutTradeNo: r.order.outTradeNo,
		Channel: "ORIGINAL", UserReceivedAccount: "支付用户零钱", SuccessTime: rfc3339(r.successTime),
		CreateTime: rfc3339(r.createTime), Status: r.status, FundsAccount: "AVAILABLE",
		Amount: amount{
			Total: r.order.total, Refund: r.amount, From: []any{}, PayerTotal: r.order.total, PayerRefund: r.amount,
			SettlementRefund: r.amount, SettlementTotal: r.order.total, Currency: "CNY",
		},
		PromotionDetail: []any{},
	}
}

// notification is a refund as its result callback shows it.
func (r *refund) notification() any {
	type amount struct {
		Total       int64 `json:"total"`
		Refund      int64 `json:"refund"`
		PayerTotal  int64 `json:"payer_total"`
		PayerRefund int64 `json:"payer_refund"`
	}
	return struct {
		MchID               string `json:"mchid"`
		OutTradeNo          string `json:"out_trade_no"`
		TransactionID       string `json:"transaction_id"`
		OutRefundNo         string `json:"out_refund_no"`
		RefundID            string `json:"refund_id"`
		RefundStatus        string `json:"refund_status"`
		SuccessTime         string `json:"success_time,omitempty"`
		UserReceivedAccount string `json:"user_received_account"`
		Amount              amount `json:"amount"`
	}{
		MchID: r.order.mchid, OutTradeNo: r.order.outTradeNo, TransactionID: r.order.transactionID,
		OutRefundNo: r.outRefundNo, RefundID: r.refundID, RefundStatus: r.status, SuccessTime: rfc3339(r.successTime),
		UserReceivedAccount: "支付用户零钱",
		Amount:              amount{Total: r.order.total, Refund: r.amount, PayerTotal: r.order.total, PayerRefund: r.amount},
	}
}

// rfc3339 writes a time as WeChat Pay's JSON does, "" for none.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format(time.RFC3339)
}

// CompleteRefund ends a PROCESSING refund of either API, by its
// out_refund_no, with status SUCCESS (the money is back with the payer),
// ABNORMAL (it could not be paid back, as to a closed bank card) or
// CLOSED (the refund is given up and the money stays with the merchant),
// and sends the refund's result callback to its notify_url: for APIv3
// REFUND.SUCCESS, REFUND.ABNORMAL or REFUND.CLOSED, verified as any
// callback; for APIv2 the req_info callback (refund_status SUCCESS,
// CHANGE or REFUNDCLOSE). It returns the merchant's reply to the
// callback, nil if the refund has no notify_url.
func (s *Server) CompleteRefund(ctx context.Context, outRefundNo, status string) (*http.Response, error) {
	if status != "SUCCESS" && status != "ABNORMAL" && status != "CLOSED" {
		return nil, fmt.Errorf("wxpaytest: CompleteRefund: status %q is not SUCCESS, ABNORMAL or CLOSED", status)
	}
	now := s.now()
	s.mu.Lock()
	r, ok := s.book.refunds.byNo[outRefundNo]
	if !ok {
		s.mu.Unlock()
		return s.completeRefundV2(ctx, outRefundNo, status, now)
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
		r.order.refunded -= r.amount
		if r.order.refunded == 0 {
			r.order.state = "SUCCESS"
		}
	}
	target, resource := r.notifyURL, marshal(r.notification())
	s.mu.Unlock()
	if target == "" {
		return nil, nil
	}
	return s.sendCallback(ctx, outRefundNo, target, "REFUND."+status, resource)
}

// RefundStatus returns the status of a refund of either API by its
// out_refund_no: PROCESSING, SUCCESS, ABNORMAL or CLOSED; "" if there is
// none.
func (s *Server) RefundStatus(outRefundNo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.book.refunds.byNo[outRefundNo]; ok {
		return r.status
	}
	for _, r := range s.book.refunds.v2 {
		if r.outRefundNo == outRefundNo {
			return r.status
		}
	}
	return ""
}
