package wxpaytest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// v2Order is an order of the APIv2 order book.
type v2Order struct {
	mchID, appID       string
	subMchID, subAppID string
	outTradeNo         string
	transactionID      string
	tradeType          string
	tradeState         string // SUCCESS, REFUND, USERPAYING, PAYERROR, REVOKED, CLOSED
	totalFee           int
	refunded           int // fen in refunds that are not closed
	body               string
	openID             string
	timeEnd            string // yyyyMMddHHmmss, China time
	paidAt             time.Time
	reverses           int // calls of secapi/pay/reverse
	queries            int // order queries while USERPAYING
}

var v2StateDesc = map[string]string{
	"SUCCESS":    "支付成功",
	"REFUND":     "转入退款",
	"NOTPAY":     "未支付",
	"CLOSED":     "已关闭",
	"REVOKED":    "已撤销",
	"USERPAYING": "用户支付中",
	"PAYERROR":   "支付失败",
}

// DefaultPasswordFreeLimit is the largest code payment (pay/micropay), in
// fen, that a payer makes without entering a password: 1,000 yuan.
const DefaultPasswordFreeLimit = 100000

// SetPasswordFreeLimit sets the largest code payment, in fen, that is paid
// at once; a larger one waits for the payer's password, as the code-pay
// guide describes: pay/micropay answers result_code FAIL, err_code
// USERPAYING, and the order is USERPAYING. The first order query after
// that still shows USERPAYING; by the second the payer has entered the
// password and the order is SUCCESS, unless FailPayment made it PAYERROR
// first, or Pay paid it. A limit of 0 asks every payer for a password.
func (s *Server) SetPasswordFreeLimit(fen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.book.passwordFree = fen
}

// V2TradeState returns the trade_state of an APIv2 order of mchID, "" if
// there is none.
func (s *Server) V2TradeState(mchID, outTradeNo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.v2.orders {
		if o.mchID == mchID && o.outTradeNo == outTradeNo {
			return o.tradeState
		}
	}
	return ""
}

// findV2 looks an order of the caller up by transaction_id or
// out_trade_no; both, if given, must name it, and so must sub_mch_id. The
// server's mutex must be held.
func (s *Server) findV2(c v2Call) (*v2Order, v2Result, bool) {
	txn, otn := c.params["transaction_id"], c.params["out_trade_no"]
	if txn == "" && otn == "" {
		return nil, v2Fail("PARAM_ERROR", "transaction_id和out_trade_no不能同时为空"), false
	}
	for _, o := range s.v2.orders {
		if o.mchID != c.merchant.mchID || (txn != "" && o.transactionID != txn) || (otn != "" && o.outTradeNo != otn) {
			continue
		}
		if sub, ok := c.params["sub_mch_id"]; ok && sub != o.subMchID {
			continue
		}
		return o, v2Result{}, true
	}
	return nil, v2Fail("ORDERNOTEXIST", "此交易订单号不存在"), false
}

func (o *v2Order) fields() map[string]string {
	if o.timeEnd == "" {
		// Not paid: what is known before the payer pays.
		f := map[string]string{
			"result_code": "SUCCESS", "trade_type": o.tradeType, "trade_state": o.tradeState,
			"trade_state_desc": v2StateDesc[o.tradeState], "out_trade_no": o.outTradeNo, "total_fee": strconv.Itoa(o.totalFee),
			"fee_type": "CNY", "attach": "",
		}
		if o.subMchID != "" {
			f["sub_mch_id"], f["sub_appid"] = o.subMchID, o.subAppID
		}
		return f
	}
	f := map[string]string{
		"result_code": "SUCCESS", "openid": o.openID, "is_subscribe": "N", "trade_type": o.tradeType,
		"trade_state": o.tradeState, "trade_state_desc": v2StateDesc[o.tradeState], "bank_type": "CFT",
		"total_fee": strconv.Itoa(o.totalFee), "cash_fee": strconv.Itoa(o.totalFee), "fee_type": "CNY",
		"transaction_id": o.transactionID, "out_trade_no": o.outTradeNo, "time_end": o.timeEnd, "attach": "",
	}
	if o.subMchID != "" {
		f["sub_mch_id"], f["sub_appid"] = o.subMchID, o.subAppID
	}
	return f
}

func (s *Server) v2OrderQuery(c v2Call) v2Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail, ok := s.findV2(c)
	if !ok {
		return fail
	}
	if o.tradeState == "USERPAYING" {
		// The payer enters the password while the merchant polls.
		o.queries++
		if o.queries >= 2 {
			o.pay(s.clock())
		}
	}
	return v2Result{fields: o.fields()}
}

// pay marks a code payment paid at now.
func (o *v2Order) pay(now time.Time) {
	o.tradeState, o.paidAt, o.timeEnd = "SUCCESS", now, now.In(chinaTime).Format("20060102150405")
}

// payV2 pays an APIv2 code payment that waits for the payer's password.
func (s *Server) payV2(outTradeNo string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, o := range s.v2.orders {
		if o.outTradeNo == outTradeNo && (o.tradeState == "USERPAYING" || o.tradeState == "PAYERROR") {
			o.pay(now)
			found = true
		}
	}
	return found
}

func (s *Server) v2Micropay(c v2Call) v2Result {
	p := c.params
	for _, k := range [...]string{"body", "out_trade_no", "total_fee", "spbill_create_ip", "auth_code"} {
		if p[k] == "" {
			return v2Fail("PARAM_ERROR", "缺少参数"+k)
		}
	}
	fee, err := strconv.Atoi(p["total_fee"])
	if err != nil || fee <= 0 {
		return v2Fail("PARAM_ERROR", "total_fee "+p["total_fee"]+" is not a positive number of fen")
	}
	code := p["auth_code"]
	if len(code) != 18 || strings.Trim(code, "0123456789") != "" || code[0] != '1' || code[1] < '0' || code[1] > '5' {
		return v2Fail("AUTH_CODE_INVALID", "请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.v2.orders {
		if o.mchID == c.merchant.mchID && o.outTradeNo == p["out_trade_no"] {
			return v2Fail("OUT_TRADE_NO_USED", "商户订单号重复")
		}
	}
	s.v2.seq++
	o := &v2Order{
		mchID: c.merchant.mchID, appID: c.merchant.appID, subMchID: p["sub_mch_id"], subAppID: p["sub_appid"],
		outTradeNo: p["out_trade_no"], transactionID: fmt.Sprintf("4200000%021d", s.v2.seq),
		tradeType: "MICROPAY", tradeState: "USERPAYING", totalFee: fee, body: p["body"],
		openID: "oUpF8uN95-Ptaags6E_roPHg7AG0",
	}
	s.v2.orders = append(s.v2.orders, o)
	if fee > s.book.passwordFree {
		return v2Fail("USERPAYING", "需要用户输入支付密码")
	}
	o.pay(s.clock())
	f := o.fields()
	delete(f, "trade_state")
	delete(f, "trade_state_desc")
	return v2Result{fields: f}
}

// v2Reverse fails the first time an order is reversed, asking for a
// retry (recall Y) as a real reverse sometimes does, and succeeds after.
func (s *Server) v2Reverse(c v2Call) v2Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail, ok := s.findV2(c)
	if !ok {
		return fail
	}
	o.reverses++
	if o.reverses == 1 {
		res := v2Fail("SYSTEMERROR", "系统超时")
		res.fields["recall"] = "Y"
		return res
	}
	o.tradeState = "REVOKED"
	return v2Result{fields: map[string]string{"result_code": "SUCCESS", "recall": "N"}}
}

func (s *Server) v2FacepayReverse(c v2Call) v2Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, fail, ok := s.findV2(c)
	if !ok {
		return fail
	}
	o.tradeState = "REVOKED"
	return v2Result{fields: map[string]string{"result_code": "SUCCESS", "recall": "N"}}
}

func (s *Server) v2H5EntrustWeb(c v2Call) v2Result {
	p := c.params
	for _, k := range [...]string{"plan_id", "contract_code", "request_serial", "contract_display_account", "notify_url", "version", "timestamp", "clientip"} {
		if p[k] == "" {
			return v2Fail("PARAM_ERROR", "缺少参数"+k)
		}
	}
	if p["version"] != "1.0" {
		return v2Fail("PARAM_ERROR", "version "+p["version"]+" is not 1.0")
	}
	if u, err := url.Parse(p["notify_url"]); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return v2Fail("PARAM_ERROR", "notify_url "+p["notify_url"]+" is not an absolute URL")
	}
	q := url.Values{"contract_code": {p["contract_code"]}, "plan_id": {p["plan_id"]}, "mch_id": {c.merchant.mchID}}
	return v2Result{fields: map[string]string{
		"result_code": "SUCCESS", "result_msg": "OK",
		"redirect_url": "https://wxpaytest.invalid/papay/h5entrustweb/redirect?" + q.Encode(),
	}}
}

// v2DownloadBill answers a bill of the merchant's orders, whatever the
// date, as CSV text in WeChat Pay's layout, or gzip with tar_type GZIP.
// Errors are XML with an error_code, as WeChat Pay sends them.
func (s *Server) v2DownloadBill(c v2Call) v2Result {
	p := c.params
	billFail := func(msg, code string) v2Result {
		return v2Result{fields: map[string]string{"return_code": "FAIL", "return_msg": msg, "error_code": code}}
	}
	date, err := time.ParseInLocation("20060102", p["bill_date"], chinaTime)
	if err != nil || len(p["bill_date"]) != 8 {
		return billFail("invalid bill_date", "20001")
	}
	if !date.Before(time.Now().In(chinaTime).Truncate(24 * time.Hour)) {
		return billFail("No Bill Exist", "20002")
	}
	billType := p["bill_type"]
	switch billType {
	case "":
		billType = "ALL"
	case "ALL", "SUCCESS", "REFUND", "RECHARGE_REFUND":
	default:
		return billFail("invalid bill_type", "20001")
	}
	if tar := p["tar_type"]; tar != "" && tar != "GZIP" {
		return billFail("invalid tar_type", "20001")
	}

	var b strings.Builder
	b.WriteString("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,手续费,费率\r\n")
	s.mu.Lock()
	n, total := 0, 0
	for _, o := range s.v2.orders {
		if o.mchID != c.merchant.mchID || billType == "REFUND" || billType == "RECHARGE_REFUND" {
			continue
		}
		t, _ := time.ParseInLocation("20060102150405", o.timeEnd, chinaTime)
		fmt.Fprintf(&b, "`%s,`%s,`%s,`%s,`,`%s,`%s,`%s,`%s,`%s,`CFT,`CNY,`%.2f,`0.00,`%s,`0.00000,`0.60%%\r\n",
			t.Format("2006-01-02 15:04:05"), o.appID, o.mchID, orZero(o.subMchID), o.transactionID, o.outTradeNo,
			o.openID, o.tradeType, o.tradeState, float64(o.totalFee)/100, o.body)
		n++
		total += o.totalFee
	}
	s.mu.Unlock()
	b.WriteString("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额\r\n")
	fmt.Fprintf(&b, "`%d,`%.2f,`0.00,`0.00,`0.00000\r\n", n, float64(total)/100)

	if p["tar_type"] == "GZIP" {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(b.String()))
		zw.Close()
		return v2Result{raw: gz.Bytes(), contentType: "application/x-gzip"}
	}
	return v2Result{raw: []byte(b.String()), contentType: "text/plain;charset=utf-8"}
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
