package wxpaytest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/signer"
)

// The fixtures, from the WeChat Pay documentation examples.
const (
	fixtureOutTradeNo        = "1217752501201407033233368018"
	fixtureTransactionID     = "4200000985202103031441826014"
	fixtureCombineOutTradeNo = "P20150806125346"
)

// order is a direct-merchant order.
type order struct {
	appid, mchid, outTradeNo, transactionID string
	tradeType, state, description           string
	notifyURL                               string // where Pay sends the payment callback
	openID                                  string // the payer, for JSAPI and mini-program orders
	total                                   int64
	refunded                                int64 // fen in refunds that are not CLOSED
	shared                                  int64 // fen shared to receivers and not returned
	profitSharing                           bool  // settle_info.profit_sharing: the funds stay frozen for profit sharing
	createTime, successTime                 time.Time
}

// combineOrder is an e-commerce combine order and its sub orders.
type combineOrder struct {
	appid, state string
	subs         []subOrder
}

type subOrder struct {
	mchid, outTradeNo, subMchID, subAppID string
}

// orderBook holds the server state; Server.mu guards it.
type orderBook struct {
	orders    map[string]*order // by out_trade_no
	byTxID    map[string]*order
	combines  map[string]*combineOrder // by combine_out_trade_no
	txSeq     int64
	refunds   refundBook   // refunds.go
	profit    profitBook   // profitsharing.go
	transfers transferBook // transfers.go

	callbacks []*sentCallback // callbacks.go

	passwordFree int // SetPasswordFreeLimit
}

func newOrderBook(mchID, appID string) orderBook {
	b := orderBook{
		orders:       make(map[string]*order),
		byTxID:       make(map[string]*order),
		combines:     make(map[string]*combineOrder),
		passwordFree: DefaultPasswordFreeLimit,
	}
	b.add(&order{
		appid: appID, mchid: mchID, outTradeNo: fixtureOutTradeNo, transactionID: fixtureTransactionID,
		tradeType: "MICROPAY", state: "USERPAYING", description: "Image形象店-深圳腾大-QQ公仔", total: 100,
	})
	b.combines[fixtureCombineOutTradeNo] = &combineOrder{
		appid: appID, state: "USERPAYING",
		subs: []subOrder{{mchid: mchID, outTradeNo: "20150806125346", subMchID: "1900000109", subAppID: "wxd678efh567hg6999"}},
	}
	return b
}

func (b *orderBook) add(o *order) {
	b.orders[o.outTradeNo] = o
	b.byTxID[o.transactionID] = o
}

// SetPaid marks a direct order paid (trade_state SUCCESS), as if its
// payer had paid it in full.
func (s *Server) SetPaid(outTradeNo string) error {
	return s.setPaid("SetPaid", outTradeNo)
}

func (s *Server) setPaid(op, outTradeNo string) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.book.orders[outTradeNo]
	if !ok {
		return fmt.Errorf("wxpaytest: %s: no order %q", op, outTradeNo)
	}
	switch o.state {
	case "SUCCESS":
		return nil
	case "NOTPAY", "USERPAYING", "PAYERROR":
		o.state, o.successTime = "SUCCESS", now
		return nil
	}
	return fmt.Errorf("wxpaytest: %s: order %q is %s and can no longer be paid", op, outTradeNo, o.state)
}

// Pay marks a direct order paid, as SetPaid does, and then, as WeChat Pay
// does when a payer pays, sends its TRANSACTION.SUCCESS callback (see
// Notify) to the notify_url the order was placed with, the resource being
// the order as the query APIs show it. It returns the merchant's reply to
// the callback, or nil if the order has no notify_url (the fixtures). The
// notify_url must be on the loopback interface; otherwise the order is
// paid and the error says the callback was not sent.
func (s *Server) Pay(ctx context.Context, outTradeNo string) (*http.Response, error) {
	if err := s.setPaid("Pay", outTradeNo); err != nil {
		if s.payV2(outTradeNo) {
			return nil, nil // an APIv2 code payment: WeChat Pay sends it no callback
		}
		return nil, err
	}
	s.mu.Lock()
	o := s.book.orders[outTradeNo]
	target, resource := o.notifyURL, marshal(o.transaction())
	s.mu.Unlock()
	if target == "" {
		return nil, nil
	}
	return s.sendCallback(ctx, outTradeNo, target, "TRANSACTION.SUCCESS", resource)
}

// FailPayment makes a payment that is under way fail, as when the
// payer's bank refuses it: a NOTPAY or USERPAYING order (APIv3, or an
// APIv2 code payment waiting for the payer's password) becomes PAYERROR.
// WeChat Pay sends no callback for a failed payment.
func (s *Server) FailPayment(outTradeNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.book.orders[outTradeNo]; ok {
		if o.state != "NOTPAY" && o.state != "USERPAYING" {
			return fmt.Errorf("wxpaytest: FailPayment: order %q is %s, not NOTPAY or USERPAYING", outTradeNo, o.state)
		}
		o.state = "PAYERROR"
		return nil
	}
	found := false
	for _, o := range s.v2.orders {
		if o.outTradeNo == outTradeNo && o.tradeState == "USERPAYING" {
			o.tradeState, found = "PAYERROR", true
		}
	}
	if !found {
		return fmt.Errorf("wxpaytest: FailPayment: no APIv3 order or waiting APIv2 code payment %q", outTradeNo)
	}
	return nil
}

// CloseOrder closes an unpaid order as WeChat Pay does when it times out:
// a NOTPAY, USERPAYING or PAYERROR order of the APIv3 or APIv2 order book
// becomes CLOSED.
func (s *Server) CloseOrder(outTradeNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.book.orders[outTradeNo]; ok {
		switch o.state {
		case "NOTPAY", "USERPAYING", "PAYERROR":
			o.state = "CLOSED"
			return nil
		}
		return fmt.Errorf("wxpaytest: CloseOrder: order %q is %s and cannot be closed", outTradeNo, o.state)
	}
	found := false
	for _, o := range s.v2.orders {
		if o.outTradeNo == outTradeNo {
			switch o.tradeState {
			case "NOTPAY", "USERPAYING", "PAYERROR":
				o.tradeState, found = "CLOSED", true
			}
		}
	}
	if !found {
		return fmt.Errorf("wxpaytest: CloseOrder: no unpaid order %q", outTradeNo)
	}
	return nil
}

// TradeState returns the trade_state of a direct order, or the state of a
// combine order, by its merchant order number; "" if there is none.
func (s *Server) TradeState(outTradeNo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.book.orders[outTradeNo]; ok {
		return o.state
	}
	if c, ok := s.book.combines[outTradeNo]; ok {
		return c.state
	}
	return ""
}

var stateDesc = map[string]string{
	"SUCCESS":    "支付成功",
	"REFUND":     "转入退款",
	"NOTPAY":     "未支付",
	"CLOSED":     "已关闭",
	"REVOKED":    "已撤销（付款码支付）",
	"USERPAYING": "用户支付中（付款码支付）",
	"PAYERROR":   "支付失败",
}

// The prepay endpoints place an order of their trade type and answer
// what the payer's side needs to pay it: the code_url of a QR code, the
// prepay_id a JSAPI, mini-program or App payment is started with, or the
// h5_url of a mobile web payment.
func (s *Server) native(c call) reply { return s.prepay(c, "NATIVE") }
func (s *Server) jsapi(c call) reply  { return s.prepay(c, "JSAPI") }
func (s *Server) app(c call) reply    { return s.prepay(c, "APP") }
func (s *Server) h5(c call) reply     { return s.prepay(c, "MWEB") }

// prepay places an order of tradeType: NATIVE, JSAPI (a mini program
// pays through it too, with its own appid), APP or MWEB (H5).
func (s *Server) prepay(c call, tradeType string) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	f, err := stringFields(c.body, "", "appid", "mchid", "description", "out_trade_no", "notify_url")
	if err != nil {
		return refuse(err)
	}
	appid, mchid, description, outTradeNo, notifyURL := f[0], f[1], f[2], f[3], f[4]
	total, err := fenField(c.body, "amount.total")
	if err != nil {
		return refuse(err)
	}
	if cur := gjson.GetBytes(c.body, "amount.currency"); cur.Exists() && (cur.Type != gjson.String || cur.Str != "CNY") {
		return refuse(paramError("amount.currency must be \"CNY\", not %s", cur.Raw))
	}
	if len(outTradeNo) > 32 {
		return refuse(paramError("out_trade_no %q is longer than 32 bytes", outTradeNo))
	}
	var openID string
	switch tradeType {
	case "JSAPI":
		if openID, err = stringField(c.body, "payer.openid", "payer.openid"); err != nil {
			return refuse(err)
		}
	case "MWEB":
		if _, err := stringField(c.body, "scene_info.payer_client_ip", "scene_info.payer_client_ip"); err != nil {
			return refuse(err)
		}
		if _, err := stringField(c.body, "scene_info.h5_info.type", "scene_info.h5_info.type"); err != nil {
			return refuse(err)
		}
	}
	if err := s.checkMerchant(mchid, "mchid"); err != nil {
		return refuse(err)
	}
	if err := s.checkAppID(appid, "appid"); err != nil {
		return refuse(err)
	}

	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.book.orders[outTradeNo]; dup {
		return fail(http.StatusForbidden, "OUT_TRADE_NO_USED", fmt.Sprintf("out_trade_no %q has been used", outTradeNo))
	}
	s.book.txSeq++
	s.book.add(&order{
		appid: appid, mchid: mchid, outTradeNo: outTradeNo,
		transactionID: fmt.Sprintf("4200%s%016d", now.Format("20060102"), s.book.txSeq),
		tradeType:     tradeType, state: "NOTPAY", description: description, total: total,
		notifyURL: notifyURL, openID: openID, createTime: now,
		profitSharing: gjson.GetBytes(c.body, "settle_info.profit_sharing").Bool(),
	})
	prepayID := "wx" + now.In(chinaTime).Format("02150405") + signer.Nonce()[:24]
	switch tradeType {
	case "NATIVE":
		return ok(map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=" + signer.Nonce()[:9]})
	case "MWEB":
		return ok(map[string]string{"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=" + prepayID + "&package=" + strconv.Itoa(int(s.book.txSeq))})
	}
	return ok(map[string]string{"prepay_id": prepayID})
}

// fenField reads a required amount: a positive integer number of fen.
func fenField(body []byte, path string) (int64, *Error) {
	v := gjson.GetBytes(body, path)
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		return 0, paramError("%s is required", path)
	case v.Type != gjson.Number || v.Num != float64(v.Int()) || v.Int() <= 0:
		return 0, paramError("%s must be a positive integer number of fen, not %s", path, v.Raw)
	}
	return v.Int(), nil
}

func (s *Server) queryByID(c call) reply {
	return s.query(c, func(b *orderBook, id string) *order { return b.byTxID[id] })
}

func (s *Server) queryByOutTradeNo(c call) reply {
	return s.query(c, func(b *orderBook, no string) *order { return b.orders[no] })
}

// query answers an order in the shape of the query APIs.
func (s *Server) query(c call, find func(*orderBook, string) *order) reply {
	mchid := c.query.Get("mchid")
	if mchid == "" {
		return refuse(paramError("query parameter mchid is required"))
	}
	if err := s.checkMerchant(mchid, "mchid"); err != nil {
		return refuse(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := find(&s.book, c.params[0])
	if o == nil {
		return orderNotExist(c.params[0])
	}
	return ok(o.transaction())
}

// transaction is an order as the query APIs and the payment callback
// show it.
func (o *order) transaction() any {
	type amount struct {
		Total         int64  `json:"total"`
		PayerTotal    *int64 `json:"payer_total,omitempty"`
		Currency      string `json:"currency"`
		PayerCurrency string `json:"payer_currency"`
	}
	type payer struct {
		OpenID string `json:"openid"`
	}
	out := struct {
		AppID          string `json:"appid"`
		MchID          string `json:"mchid"`
		OutTradeNo     string `json:"out_trade_no"`
		TransactionID  string `json:"transaction_id"`
		TradeType      string `json:"trade_type"`
		TradeState     string `json:"trade_state"`
		TradeStateDesc string `json:"trade_state_desc"`
		BankType       string `json:"bank_type,omitempty"`
		SuccessTime    string `json:"success_time,omitempty"`
		Payer          *payer `json:"payer,omitempty"`
		Amount         amount `json:"amount"`
	}{
		AppID: o.appid, MchID: o.mchid, OutTradeNo: o.outTradeNo, TransactionID: o.transactionID,
		TradeType: o.tradeType, TradeState: o.state, TradeStateDesc: stateDesc[o.state],
		Amount: amount{Total: o.total, Currency: "CNY", PayerCurrency: "CNY"},
	}
	if !o.successTime.IsZero() {
		paid := o.total
		out.Amount.PayerTotal = &paid
		out.BankType = "OTHERS"
		out.SuccessTime = o.successTime.In(chinaTime).Format(time.RFC3339)
		out.Payer = &payer{OpenID: o.payer()}
	}
	return out
}

// payer is the openid of the order's payer: the one the order was
// placed for, or the documentation's.
func (o *order) payer() string {
	if o.openID != "" {
		return o.openID
	}
	return "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
}

// chinaTime is the zone of WeChat Pay's timestamps, +08:00.
var chinaTime = time.FixedZone("CST", 8*60*60)

// close closes an unpaid order.
func (s *Server) close(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	mchid, err := stringField(c.body, "mchid", "mchid")
	if err == nil {
		err = s.checkMerchant(mchid, "mchid")
	}
	if err != nil {
		return refuse(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.orders[c.params[0]]
	switch {
	case o == nil:
		return orderNotExist(c.params[0])
	case o.state == "SUCCESS" || o.state == "REFUND":
		return fail(http.StatusBadRequest, "ORDER_PAID", fmt.Sprintf("order %q has been paid and cannot be closed", o.outTradeNo))
	case o.state == "NOTPAY" || o.state == "USERPAYING" || o.state == "PAYERROR":
		o.state = "CLOSED"
	}
	return reply{status: http.StatusNoContent}
}

// reverse revokes a code-payment order (seeds 000-002).
func (s *Server) reverse(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	appid, err := stringField(c.body, "appid", "appid")
	if err != nil {
		return refuse(err)
	}
	mchid, err := stringField(c.body, "mchid", "mchid")
	if err == nil {
		err = s.checkMerchant(mchid, "mchid")
	}
	if err == nil {
		err = s.checkAppID(appid, "appid")
	}
	if err != nil {
		return refuse(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.orders[c.params[0]]
	if o == nil {
		return orderNotExist(c.params[0])
	}
	o.state = "REVOKED"
	return ok(struct {
		AppID      string `json:"appid"`
		MchID      string `json:"mchid"`
		OutTradeNo string `json:"out_trade_no"`
	}{appid, mchid, o.outTradeNo})
}

// combineReverse revokes an e-commerce combine order (seed 003).
func (s *Server) combineReverse(c call) reply {
	if err := requireObject(c.body); err != nil {
		return refuse(err)
	}
	appid, err := stringField(c.body, "combine_appid", "combine_appid")
	if err != nil {
		return refuse(err)
	}
	subs := gjson.GetBytes(c.body, "sub_orders")
	switch {
	case !subs.Exists() || subs.Type == gjson.Null:
		return refuse(paramError("sub_orders is required"))
	case !subs.IsArray():
		return refuse(paramError("sub_orders must be an array"))
	}
	elems := subs.Array()
	if len(elems) == 0 {
		return refuse(paramError("sub_orders must not be empty"))
	}
	want := make([]subOrder, len(elems))
	for i, e := range elems {
		f, err := stringFields([]byte(e.Raw), fmt.Sprintf("sub_orders[%d].", i), "mchid", "out_trade_no", "sub_mchid", "sub_appid")
		if err != nil {
			return refuse(err)
		}
		want[i] = subOrder{mchid: f[0], outTradeNo: f[1], subMchID: f[2], subAppID: f[3]}
	}
	for i, sub := range want {
		if err := s.checkMerchant(sub.mchid, fmt.Sprintf("sub_orders[%d].mchid", i)); err != nil {
			return refuse(err)
		}
	}
	if err := s.checkAppID(appid, "combine_appid"); err != nil {
		return refuse(err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.book.combines[c.params[0]]
	if co == nil {
		return orderNotExist(c.params[0])
	}
	for i, sub := range want {
		if !co.has(sub) {
			return fail(http.StatusNotFound, "ORDER_NOT_EXIST", fmt.Sprintf(
				"sub_orders[%d] (out_trade_no %q, sub_mchid %q) is not a sub order of %q", i, sub.outTradeNo, sub.subMchID, c.params[0]))
		}
	}
	co.state = "REVOKED"
	return reply{status: http.StatusNoContent}
}

func (co *combineOrder) has(sub subOrder) bool {
	for _, have := range co.subs {
		if have.outTradeNo == sub.outTradeNo && have.subMchID == sub.subMchID {
			return true
		}
	}
	return false
}

// checkMerchant refuses a mchid in a body or query that is not the
// merchant of the server. WeChat Pay answers PARAM_ERROR for it.
func (s *Server) checkMerchant(mchid, field string) *Error {
	if mchid != s.MchID {
		return paramError("%s %q does not match the merchant %s of the request", field, mchid, s.MchID)
	}
	return nil
}

func (s *Server) checkAppID(appid, field string) *Error {
	if appid != s.AppID {
		return &Error{StatusCode: http.StatusBadRequest, Code: "APPID_MCHID_NOT_MATCH",
			Message: fmt.Sprintf("%s %q is not bound to the merchant %s", field, appid, s.MchID)}
	}
	return nil
}

func requireObject(body []byte) *Error {
	if len(body) == 0 {
		return paramError("request body is required")
	}
	if !gjson.ParseBytes(body).IsObject() {
		return paramError("request body must be a JSON object")
	}
	return nil
}

// stringField reads a required, non-empty string; name is how an error
// calls it.
func stringField(body []byte, path, name string) (string, *Error) {
	v := gjson.GetBytes(body, path)
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		return "", paramError("%s is required", name)
	case v.Type != gjson.String:
		return "", paramError("%s must be a string, not %s", name, v.Raw)
	case v.Str == "":
		return "", paramError("%s must not be empty", name)
	}
	return v.Str, nil
}

// stringFields reads the named non-empty string fields of body, in order;
// an error names the field with prefix before it (receivers[0].).
func stringFields(body []byte, prefix string, names ...string) ([]string, *Error) {
	f := make([]string, len(names))
	for i, name := range names {
		v, err := stringField(body, name, prefix+name)
		if err != nil {
			return nil, err
		}
		f[i] = v
	}
	return f, nil
}

func ok(v any) reply { return reply{status: http.StatusOK, body: marshal(v)} }

func refuse(err *Error) reply { return reply{status: err.StatusCode, err: err} }

func orderNotExist(no string) reply {
	return fail(http.StatusNotFound, "ORDER_NOT_EXIST", fmt.Sprintf("order %q does not exist", no))
}
