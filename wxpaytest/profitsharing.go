package wxpaytest

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/signer"
)

// Profit sharing (分账), APIv3, for the direct merchant MchID:
//
//	POST /v3/profitsharing/receivers/add                    200 the receiver
//	POST /v3/profitsharing/receivers/delete                 200 {"type","account"}
//	POST /v3/profitsharing/orders                           200 the sharing order, PROCESSING
//	GET  /v3/profitsharing/orders/{out_order_no}?transaction_id=
//	                                                        200 the sharing order
//	POST /v3/profitsharing/orders/unfreeze                  200 a sharing order, FINISHED
//	POST /v3/profitsharing/return-orders                    200 the return, SUCCESS
//	GET  /v3/profitsharing/return-orders/{out_return_no}?out_order_no=
//	                                                        200 the return
//	GET  /v3/profitsharing/transactions/{transaction_id}/amounts
//	                                                        200 {"transaction_id","unsplit_amount"}
//
// An order placed with settle_info.profit_sharing true keeps its funds
// frozen once paid; they are shared to receivers added before (type and
// account; the name of a MERCHANT_ID receiver, encrypted with the key
// Wechatpay-Serial names, must match), up to 30% of the order's total
// (the default ratio of a direct merchant) and what is left unsplit. A
// sharing order waits in PROCESSING, its receivers PENDING, until
// CompleteProfitSharing (wxpay serve: "share OUT_ORDER_NO") pays them
// (SUCCESS) or gives up (CLOSED, the money back in the unsplit amount),
// sending one PROFITSHARING.SUCCESS or PROFITSHARING.CLOSED callback per
// receiver to the URL of SetProfitSharingNotifyURL, as WeChat Pay sends
// them to the address set in the merchant platform. Unfreezing, or a
// sharing order with unfreeze_unsplit once complete, gives the rest back
// to the merchant and ends sharing for the order. A return takes money
// back from a MERCHANT_ID receiver at once; it can then be refunded.
// Money shared and not returned cannot be refunded.

// maxShareRatio is the part of an order's total a direct merchant may
// share, in percent, unless WeChat Pay raised it.
const maxShareRatio = 30

// profitBook holds the profit sharing state; Server.mu guards it.
type profitBook struct {
	receivers map[string]*shareReceiver // by type + " " + account
	orders    map[string]*shareOrder    // by out_order_no
	returns   map[string]*shareReturn   // by out_return_no
	finished  map[*order]bool           // orders whose unsplit funds were unfrozen
	notifyURL string
	seq       int64
}

type shareReceiver struct {
	typ, account, name, relationType, customRelation string
}

// shareOrder is a profit sharing order (or an unfreeze).
type shareOrder struct {
	orderID, outOrderNo string
	order               *order
	state               string // PROCESSING, FINISHED
	unfreezeUnsplit     bool
	receivers           []*shareLine
}

// shareLine is one receiver's part of a sharing order.
type shareLine struct {
	typ, account, description string
	amount, returned          int64
	result, failReason        string // PENDING, SUCCESS, CLOSED
	detailID                  string
	createTime, finishTime    time.Time
}

type shareReturn struct {
	returnID, outReturnNo, returnMchID, description string
	share                                           *shareOrder
	amount                                          int64
	createTime                                      time.Time
}

var receiverTypes = map[string]bool{"MERCHANT_ID": true, "PERSONAL_OPENID": true, "PERSONAL_SUB_OPENID": true}

var relationTypes = map[string]bool{
	"SERVICE_PROVIDER": true, "STORE": true, "STAFF": true, "STORE_OWNER": true, "PARTNER": true, "HEADQUARTER": true,
	"BRAND": true, "DISTRIBUTOR": true, "USER": true, "SUPPLIER": true, "CUSTOM": true,
}

// SetProfitSharingNotifyURL sets where the profit sharing callbacks go
// (the address a merchant sets in the merchant platform); "" sends none.
func (s *Server) SetProfitSharingNotifyURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.book.profit.notifyURL = url
}

// nextShareID numbers sharing orders, details and returns. The server's
// mutex must be held.
func (s *Server) nextShareID(prefix string, now time.Time, width int) string {
	s.book.profit.seq++
	return fmt.Sprintf("%s%s%0*d", prefix, now.In(chinaTime).Format("20060102"), width, s.book.profit.seq)
}

// decryptField opens a field the merchant encrypted with the key its
// Wechatpay-Serial header names.
func (s *Server) decryptField(c call, name, ciphertext string) (string, *Error) {
	serial := c.header.Get(signer.HeaderSerial)
	if serial == "" {
		return "", paramError("%s is encrypted, so the %s header must name the key it is encrypted with", name, signer.HeaderSerial)
	}
	var key *rsa.PrivateKey
	s.mu.Lock()
	if serial == s.PlatformKeyID {
		key = s.PlatformKey
	}
	for _, pc := range s.certs.list {
		if keys.SerialNumber(pc.cert) == serial {
			key = pc.key
		}
	}
	s.mu.Unlock()
	plain, err := sensitive.Decrypt(key, ciphertext)
	if err != nil {
		return "", paramError("%s does not decrypt with the key %s names (%s): encrypt it with sensitive.Encrypt under that key", name, signer.HeaderSerial, serial)
	}
	return plain, nil
}

func (s *Server) addReceiver(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "appid", "type", "account", "relation_type")
	if err != nil {
		return refuse(err)
	}
	appid, typ, account, relation := f[0], f[1], f[2], f[3]
	if err := s.checkAppID(appid, "appid"); err != nil {
		return refuse(err)
	}
	if !receiverTypes[typ] {
		return refuse(paramError("type %q is not MERCHANT_ID, PERSONAL_OPENID or PERSONAL_SUB_OPENID", typ))
	}
	if !relationTypes[relation] {
		return refuse(paramError("relation_type %q is not a relation WeChat Pay knows", relation))
	}
	custom := gjson.GetBytes(c.body, "custom_relation").String()
	if relation == "CUSTOM" && custom == "" {
		return refuse(paramError("custom_relation is required when relation_type is CUSTOM"))
	}
	if typ == "MERCHANT_ID" && account == s.MchID {
		return refuse(paramError("account %q is the merchant itself, which cannot be its own receiver", account))
	}
	var name string
	if enc := gjson.GetBytes(c.body, "name").String(); enc != "" {
		var err *Error
		if name, err = s.decryptField(c, "name", enc); err != nil {
			return refuse(err)
		}
	} else if typ == "MERCHANT_ID" {
		return refuse(paramError("name (the merchant's full name, encrypted) is required for a MERCHANT_ID receiver"))
	}
	r := &shareReceiver{typ: typ, account: account, name: name, relationType: relation, customRelation: custom}
	s.mu.Lock()
	if s.book.profit.receivers == nil {
		s.book.profit.receivers = map[string]*shareReceiver{}
	}
	s.book.profit.receivers[typ+" "+account] = r
	s.mu.Unlock()
	return ok(struct {
		Type           string `json:"type"`
		Account        string `json:"account"`
		Name           string `json:"name,omitempty"`
		RelationType   string `json:"relation_type"`
		CustomRelation string `json:"custom_relation,omitempty"`
	}{typ, account, gjson.GetBytes(c.body, "name").String(), relation, custom})
}

func (s *Server) deleteReceiver(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "appid", "type", "account")
	if err != nil {
		return refuse(err)
	}
	if err := s.checkAppID(f[0], "appid"); err != nil {
		return refuse(err)
	}
	if !receiverTypes[f[1]] {
		return refuse(paramError("type %q is not MERCHANT_ID, PERSONAL_OPENID or PERSONAL_SUB_OPENID", f[1]))
	}
	s.mu.Lock()
	delete(s.book.profit.receivers, f[1]+" "+f[2])
	s.mu.Unlock()
	return ok(map[string]string{"type": f[1], "account": f[2]})
}

// shareable finds the paid profit-sharing order of a transaction_id. The
// server's mutex must be held.
func (s *Server) shareable(txID string) (*order, reply, bool) {
	o := s.book.byTxID[txID]
	switch {
	case o == nil:
		return nil, fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("订单不存在: no order with transaction_id %q", txID)), false
	case o.state != "SUCCESS" && o.state != "REFUND":
		return nil, fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("订单状态不正确: order %q is %s; only a paid order is shared", o.outTradeNo, o.state)), false
	case !o.profitSharing:
		return nil, fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("订单不支持分账: order %q was not placed with settle_info.profit_sharing true", o.outTradeNo)), false
	case s.book.profit.finished[o]:
		return nil, fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("订单已完结分账: the unsplit funds of order %q were unfrozen", o.outTradeNo)), false
	}
	return o, reply{}, true
}

// unsplit is what is left to share of an order. The server's mutex must
// be held.
func (s *Server) unsplit(o *order) int64 {
	if !o.profitSharing || s.book.profit.finished[o] {
		return 0
	}
	return o.total - o.refunded - o.shared
}

func (s *Server) createShare(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	txID, err := stringField(c.body, "transaction_id", "transaction_id")
	if err != nil {
		return refuse(err)
	}
	outOrderNo, err := stringField(c.body, "out_order_no", "out_order_no")
	if err != nil {
		return refuse(err)
	}
	if appid := gjson.GetBytes(c.body, "appid"); appid.Exists() {
		if err := s.checkAppID(appid.String(), "appid"); err != nil {
			return refuse(err)
		}
	}
	unfreeze := gjson.GetBytes(c.body, "unfreeze_unsplit")
	if !unfreeze.IsBool() {
		return refuse(paramError("unfreeze_unsplit is required, a boolean"))
	}
	list := gjson.GetBytes(c.body, "receivers")
	if !list.IsArray() || len(list.Array()) == 0 {
		return refuse(paramError("receivers is required, an array of 1 to 50 receivers"))
	}
	if n := len(list.Array()); n > 50 {
		return refuse(paramError("receivers has %d receivers, at most 50", n))
	}
	type wanted struct {
		typ, account, name, description string
		amount                          int64
	}
	var want []wanted
	var sum int64
	for i, e := range list.Array() {
		raw := []byte(e.Raw)
		f, err := stringFields(raw, fmt.Sprintf("receivers[%d].", i), "type", "account", "description")
		if err != nil {
			return refuse(err)
		}
		amount, err := fenField(raw, "amount")
		if err != nil {
			return refuse(paramError("receivers[%d].%s", i, err.Message))
		}
		w := wanted{typ: f[0], account: f[1], description: f[2], amount: amount}
		if enc := gjson.GetBytes(raw, "name").String(); enc != "" {
			if w.name, err = s.decryptField(c, fmt.Sprintf("receivers[%d].name", i), enc); err != nil {
				return refuse(err)
			}
		}
		want = append(want, w)
		sum += amount
	}

	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if so, dup := s.book.profit.orders[outOrderNo]; dup {
		if so.order.transactionID != txID {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("商户分账单号重复: out_order_no %q shares transaction %q", outOrderNo, so.order.transactionID))
		}
		return ok(so.resource())
	}
	o, rep, found := s.shareable(txID)
	if !found {
		return rep
	}
	for i, w := range want {
		r := s.book.profit.receivers[w.typ+" "+w.account]
		switch {
		case r == nil:
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("分账接收方未添加: receivers[%d] (%s %q) was not added with receivers/add", i, w.typ, w.account))
		case w.name != "" && r.name != "" && w.name != r.name:
			return refuse(paramError("分账接收方全称不匹配: receivers[%d].name is not the name the receiver was added with", i))
		}
	}
	if left := s.unsplit(o); sum > left {
		return fail(http.StatusForbidden, "NOT_ENOUGH", fmt.Sprintf("分账金额不足: %d fen asked, %d fen of order %q left unsplit", sum, left, o.outTradeNo))
	}
	if limit := o.total * maxShareRatio / 100; o.shared+sum > limit {
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("分账金额超出最大分账比例: %d fen shared of order %q would exceed %d%% of its total, %d fen", o.shared+sum, o.outTradeNo, maxShareRatio, limit))
	}
	so := &shareOrder{
		orderID: s.nextShareID("3008", now, 16), outOrderNo: outOrderNo, order: o,
		state: "PROCESSING", unfreezeUnsplit: unfreeze.Bool(),
	}
	for _, w := range want {
		so.receivers = append(so.receivers, &shareLine{
			typ: w.typ, account: w.account, description: w.description, amount: w.amount,
			result: "PENDING", detailID: s.nextShareID("3601", now, 11), createTime: now,
		})
	}
	if s.book.profit.orders == nil {
		s.book.profit.orders = map[string]*shareOrder{}
	}
	s.book.profit.orders[outOrderNo] = so
	o.shared += sum
	return ok(so.resource())
}

func (s *Server) queryShare(c call) reply {
	txID := c.query.Get("transaction_id")
	if txID == "" {
		return refuse(paramError("query parameter transaction_id is required"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	so := s.book.profit.orders[c.params[0]]
	if so == nil || so.order.transactionID != txID {
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("分账单不存在: no sharing order %q of transaction %q", c.params[0], txID))
	}
	return ok(so.resource())
}

// unfreezeShare gives what is left unsplit back to the merchant.
func (s *Server) unfreezeShare(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "transaction_id", "out_order_no", "description")
	if err != nil {
		return refuse(err)
	}
	txID, outOrderNo, description := f[0], f[1], f[2]
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if so, dup := s.book.profit.orders[outOrderNo]; dup {
		if so.order.transactionID != txID {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("商户分账单号重复: out_order_no %q shares transaction %q", outOrderNo, so.order.transactionID))
		}
		return ok(so.resource())
	}
	o, rep, found := s.shareable(txID)
	if !found {
		return rep
	}
	so := &shareOrder{orderID: s.nextShareID("3008", now, 16), outOrderNo: outOrderNo, order: o, state: "FINISHED"}
	so.receivers = []*shareLine{s.unfreezeLine(o, description, now)}
	if s.book.profit.orders == nil {
		s.book.profit.orders = map[string]*shareOrder{}
	}
	s.book.profit.orders[outOrderNo] = so
	return ok(so.resource())
}

// unfreezeLine ends sharing for o: its unsplit funds go to the merchant.
// The server's mutex must be held.
func (s *Server) unfreezeLine(o *order, description string, now time.Time) *shareLine {
	l := &shareLine{
		typ: "MERCHANT_ID", account: s.MchID, description: description, amount: s.unsplit(o),
		result: "SUCCESS", detailID: s.nextShareID("3601", now, 11), createTime: now, finishTime: now,
	}
	if s.book.profit.finished == nil {
		s.book.profit.finished = map[*order]bool{}
	}
	s.book.profit.finished[o] = true
	return l
}

func (s *Server) shareAmounts(c call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.byTxID[c.params[0]]
	if o == nil {
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("订单不存在: no order with transaction_id %q", c.params[0]))
	}
	return ok(struct {
		TransactionID string `json:"transaction_id"`
		UnsplitAmount int64  `json:"unsplit_amount"`
	}{o.transactionID, s.unsplit(o)})
}

func (s *Server) createShareReturn(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "out_return_no", "return_mchid", "description")
	if err != nil {
		return refuse(err)
	}
	outReturnNo, returnMchID, description := f[0], f[1], f[2]
	amount, err := fenField(c.body, "amount")
	if err != nil {
		return refuse(err)
	}
	orderID, outOrderNo := gjson.GetBytes(c.body, "order_id").String(), gjson.GetBytes(c.body, "out_order_no").String()
	if orderID == "" && outOrderNo == "" {
		return refuse(paramError("order_id or out_order_no is required"))
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, dup := s.book.profit.returns[outReturnNo]; dup {
		if r.amount != amount || r.returnMchID != returnMchID {
			return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("商户回退单号重复: out_return_no %q returned %d fen from %s", outReturnNo, r.amount, r.returnMchID))
		}
		return ok(r.resource())
	}
	so := s.book.profit.orders[outOrderNo]
	if orderID != "" {
		so = nil
		for _, o := range s.book.profit.orders {
			if o.orderID == orderID && (outOrderNo == "" || o.outOrderNo == outOrderNo) {
				so = o
			}
		}
	}
	if so == nil {
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "分账单不存在: no sharing order with "+shareKey(orderID, outOrderNo))
	}
	var returnable int64
	var lines []*shareLine
	for _, l := range so.receivers {
		if l.typ == "MERCHANT_ID" && l.account == returnMchID && l.result == "SUCCESS" && l.account != s.MchID {
			returnable += l.amount - l.returned
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) == 0:
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("回退方不存在: %s received nothing of sharing order %q that can be returned", returnMchID, so.outOrderNo))
	case amount > returnable:
		return fail(http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf("回退金额超过可回退金额: %d fen asked, %d fen of sharing order %q can be returned from %s", amount, returnable, so.outOrderNo, returnMchID))
	}
	for left, i := amount, 0; left > 0; i++ {
		n := min(left, lines[i].amount-lines[i].returned)
		lines[i].returned += n
		left -= n
	}
	so.order.shared -= amount
	r := &shareReturn{
		returnID: s.nextShareID("3008", now, 16), outReturnNo: outReturnNo, returnMchID: returnMchID,
		description: description, share: so, amount: amount, createTime: now,
	}
	if s.book.profit.returns == nil {
		s.book.profit.returns = map[string]*shareReturn{}
	}
	s.book.profit.returns[outReturnNo] = r
	return ok(r.resource())
}

func shareKey(orderID, outOrderNo string) string {
	if orderID != "" {
		return fmt.Sprintf("order_id %q", orderID)
	}
	return fmt.Sprintf("out_order_no %q", outOrderNo)
}

func (s *Server) queryShareReturn(c call) reply {
	outOrderNo := c.query.Get("out_order_no")
	if outOrderNo == "" {
		return refuse(paramError("query parameter out_order_no is required"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.book.profit.returns[c.params[0]]
	if r == nil || r.share.outOrderNo != outOrderNo {
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", fmt.Sprintf("回退单不存在: no return %q of sharing order %q", c.params[0], outOrderNo))
	}
	return ok(r.resource())
}

// CompleteProfitSharing ends a PROCESSING sharing order, by its
// out_order_no: with result SUCCESS its PENDING receivers are paid; with
// CLOSED they are not (fail_reason ACCOUNT_ABNORMAL) and their amounts
// are unsplit again. With unfreeze_unsplit the rest then goes back to
// the merchant. One PROFITSHARING.SUCCESS or PROFITSHARING.CLOSED
// callback per receiver goes to the URL of SetProfitSharingNotifyURL;
// the error is the first that kept one from being delivered. Callbacks
// shows them.
func (s *Server) CompleteProfitSharing(ctx context.Context, outOrderNo, result string) error {
	if result != "SUCCESS" && result != "CLOSED" {
		return fmt.Errorf("wxpaytest: CompleteProfitSharing: result %q is not SUCCESS or CLOSED", result)
	}
	now := s.now()
	s.mu.Lock()
	so := s.book.profit.orders[outOrderNo]
	switch {
	case so == nil:
		s.mu.Unlock()
		return fmt.Errorf("wxpaytest: CompleteProfitSharing: no sharing order %q", outOrderNo)
	case so.state != "PROCESSING":
		s.mu.Unlock()
		return fmt.Errorf("wxpaytest: CompleteProfitSharing: sharing order %q is %s, not PROCESSING", outOrderNo, so.state)
	}
	type callback struct {
		event    string
		resource []byte
	}
	var sends []callback
	for _, l := range so.receivers {
		if l.result != "PENDING" {
			continue
		}
		l.result, l.finishTime = result, now
		if result == "CLOSED" {
			l.failReason = "ACCOUNT_ABNORMAL"
			so.order.shared -= l.amount
		}
		sends = append(sends, callback{"PROFITSHARING." + result, marshal(so.notification(l))})
	}
	so.state = "FINISHED"
	if so.unfreezeUnsplit && !s.book.profit.finished[so.order] {
		so.receivers = append(so.receivers, s.unfreezeLine(so.order, "解冻给分账方", now))
	}
	target := s.book.profit.notifyURL
	s.mu.Unlock()
	if target == "" {
		return nil
	}
	var errs []error
	for _, cb := range sends {
		if _, err := s.sendCallback(ctx, outOrderNo, target, cb.event, cb.resource); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ProfitSharingState returns the state of a sharing order by its
// out_order_no, PROCESSING or FINISHED, and each receiver's result in
// order ("SUCCESS", "PENDING", "CLOSED"); "" if there is none.
func (s *Server) ProfitSharingState(outOrderNo string) (string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	so := s.book.profit.orders[outOrderNo]
	if so == nil {
		return "", nil
	}
	results := make([]string, len(so.receivers))
	for i, l := range so.receivers {
		results[i] = l.result
	}
	return so.state, results
}

// resource is a sharing order as the profit sharing APIs answer it.
func (so *shareOrder) resource() any {
	type receiver struct {
		Amount      int64  `json:"amount"`
		Description string `json:"description"`
		Type        string `json:"type"`
		Account     string `json:"account"`
		Result      string `json:"result"`
		FailReason  string `json:"fail_reason,omitempty"`
		DetailID    string `json:"detail_id"`
		CreateTime  string `json:"create_time"`
		FinishTime  string `json:"finish_time"`
	}
	out := struct {
		TransactionID string     `json:"transaction_id"`
		OutOrderNo    string     `json:"out_order_no"`
		OrderID       string     `json:"order_id"`
		State         string     `json:"state"`
		Receivers     []receiver `json:"receivers"`
	}{so.order.transactionID, so.outOrderNo, so.orderID, so.state, []receiver{}}
	for _, l := range so.receivers {
		finish := l.finishTime
		if finish.IsZero() {
			finish = l.createTime // WeChat Pay fills it before the receiver is paid
		}
		out.Receivers = append(out.Receivers, receiver{
			Amount: l.amount, Description: l.description, Type: l.typ, Account: l.account, Result: l.result,
			FailReason: l.failReason, DetailID: l.detailID, CreateTime: rfc3339(l.createTime), FinishTime: rfc3339(finish),
		})
	}
	return out
}

// notification is one receiver's part as its callback shows it.
func (so *shareOrder) notification(l *shareLine) any {
	type receiver struct {
		Type        string `json:"type"`
		Account     string `json:"account"`
		Amount      int64  `json:"amount"`
		Description string `json:"description"`
	}
	return struct {
		MchID         string   `json:"mchid"`
		TransactionID string   `json:"transaction_id"`
		OrderID       string   `json:"order_id"`
		OutOrderNo    string   `json:"out_order_no"`
		Receiver      receiver `json:"receiver"`
		SuccessTime   string   `json:"success_time"`
	}{
		MchID: so.order.mchid, TransactionID: so.order.transactionID, OrderID: so.orderID, OutOrderNo: so.outOrderNo,
		Receiver:    receiver{l.typ, l.account, l.amount, l.description},
		SuccessTime: rfc3339(l.finishTime),
	}
}

// resource is a return as the return APIs answer it.
func (r *shareReturn) resource() any {
	return struct {
		OrderID     string `json:"order_id"`
		OutOrderNo  string `json:"out_order_no"`
		OutReturnNo string `json:"out_return_no"`
		ReturnID    string `json:"return_id"`
		ReturnMchID string `json:"return_mchid"`
		Amount      int64  `json:"amount"`
		Description string `json:"description"`
		Result      string `json:"result"`
		CreateTime  string `json:"create_time"`
		FinishTime  string `json:"finish_time"`
	}{
		r.share.orderID, r.share.outOrderNo, r.outReturnNo, r.returnID, r.returnMchID, r.amount, r.description,
		"SUCCESS", rfc3339(r.createTime), rfc3339(r.createTime),
	}
}
