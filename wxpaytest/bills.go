package wxpaytest

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Bills of what the server saw: the trade bill and the fund flow bill of
// a day list the payments, refunds, profit sharing and transfers the
// server carried out that day (China time), then the rows SetBillRows
// invents, if any, with a summary of all of them. A day's bills are out
// the next day, as WeChat Pay issues them the next morning, or at once
// for today after CloseBillDay. A bill holds what the server had seen
// when its download_url was handed out.
//
// The trade bill (bill_type ALL or SUCCESS) has a row per payment and
// (ALL or REFUND) a row per refund that succeeded that day, each with a
// fee at 0.60% (handed back on a refund). The fund flow bill of the
// BASIC account (the default) has the payments as income and the fees,
// refunds and profit shared as expenses, each with the balance after
// it; that of the OPERATION account has the transfers paid out.

// billRecords are the rows of a bill from the server's records and
// their totals.
type billRecords struct {
	lines []byte // the rendered rows, each ending in "\r\n"
	n     int

	paid, refunded, fees int64 // trade bill: fen, fen and 1/100000 yuan
	income, expense      int64 // fund flow bill: fen
	incomeN, expenseN    int
}

// CloseBillDay issues today's bills (China time) at once, so a test can
// reconcile the day it just played without waiting for tomorrow.
func (s *Server) CloseBillDay() {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files.dayClosed = now.In(chinaTime).Format("2006-01-02")
}

// recordedBillSpec is the spec of a trade or fund flow bill: the
// server's records of date, then the rows SetBillRows invents.
func (s *Server) recordedBillSpec(kind billKind, date, filter string) billSpec {
	spec := s.billSpec(kind, date)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.files.rowsSet {
		spec.rows = 0
	}
	spec.records = s.billRecordsOf(kind, date, filter)
	return spec
}

// billEvent is one row of a bill before it is rendered.
type billEvent struct {
	at time.Time
	// trade bill: the payment (order) or the refund
	order  *order
	refund *refund
	// fund flow bill: the business number, name, amount in fen (positive
	// for income) and voucher (the merchant's number)
	businessNo, name, voucher string
	amount                    int64
}

// billRecordsOf collects the records of date for a bill of kind; filter
// is the bill_type of a trade bill or the account_type of a fund flow
// bill. It returns nil if there are none. The server's mutex must be
// held.
func (s *Server) billRecordsOf(kind billKind, date, filter string) *billRecords {
	start, err := time.ParseInLocation("2006-01-02", date, chinaTime)
	if err != nil {
		return nil
	}
	end := start.AddDate(0, 0, 1)
	on := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	var events []billEvent
	switch kind {
	case tradeBill:
		events = s.tradeEvents(on, filter)
	case fundFlowBill:
		events = s.fundFlowEvents(on, filter)
	}
	if len(events) == 0 {
		return nil
	}
	slices.SortFunc(events, func(a, b billEvent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.voucher, b.voucher), cmp.Compare(a.name, b.name))
	})
	r := &billRecords{n: len(events), lines: make([]byte, 0, 320*len(events))}
	var balance int64
	for i, e := range events {
		if kind == tradeBill {
			r.lines = append(r.appendTrade(r.lines, e), '\r', '\n')
			continue
		}
		balance += e.amount
		direction := "收入"
		if e.amount >= 0 {
			r.income += e.amount
			r.incomeN++
		} else {
			direction = "支出"
			r.expense -= e.amount
			r.expenseN++
		}
		row := billTime(append(r.lines, '`'), e.at)
		row = appendValues(row, e.businessNo)
		row = e.at.In(chinaTime).AppendFormat(append(row, ",`5100000000"...), "20060102")
		row = fmt.Appendf(row, "%010d", i+1)
		row = appendValues(row, e.name, e.name, direction)
		row = appendYuan(append(row, ",`"...), max(e.amount, -e.amount))
		row = appendSigned(append(row, ",`"...), balance)
		row = appendValues(row, "system", "", e.voucher)
		r.lines = append(row, '\r', '\n')
	}
	return r
}

// appendSigned appends an amount of fen that may be negative, in yuan.
func appendSigned(row []byte, fen int64) []byte {
	if fen < 0 {
		return appendYuan(append(row, '-'), -fen)
	}
	return appendYuan(row, fen)
}

// billTime writes a time as the bills do.
func billTime(row []byte, t time.Time) []byte {
	return t.In(chinaTime).AppendFormat(row, "2006-01-02 15:04:05")
}

func (s *Server) tradeEvents(on func(time.Time) bool, billType string) []billEvent {
	payments := billType == "" || billType == "ALL" || billType == "SUCCESS" || billType == "ALL_SPECIAL" || billType == "SUC_SPECIAL"
	refunds := billType == "" || billType == "ALL" || billType == "REFUND" || billType == "ALL_SPECIAL" || billType == "REF_SPECIAL"
	var out []billEvent
	if payments {
		for _, o := range s.book.orders {
			if on(o.successTime) {
				out = append(out, billEvent{at: o.successTime, order: o, voucher: o.outTradeNo})
			}
		}
	}
	if refunds {
		for _, r := range s.book.refunds.byNo {
			if r.status == "SUCCESS" && on(r.successTime) {
				out = append(out, billEvent{at: r.successTime, refund: r, voucher: r.outRefundNo})
			}
		}
	}
	return out
}

// appendTrade appends the trade bill row of a payment or a refund, with
// its fee at 0.60% (in 1/100000 yuan; handed back on a refund), and adds
// it to the totals.
func (rec *billRecords) appendTrade(row []byte, e billEvent) []byte {
	if o := e.order; o != nil {
		fee := o.total * 6
		rec.paid += o.total
		rec.fees += fee
		row = billTime(append(row, '`'), o.successTime)
		row = appendValues(row, o.appid, o.mchid, "0", "", o.transactionID, o.outTradeNo, o.payer(), o.tradeType, "SUCCESS", "OTHERS", "CNY")
		row = appendYuan(append(row, ",`"...), o.total)
		row = appendValues(row, "0.00", "0", "0", "0.00", "0.00", "", "", o.description, "")
		row = appendFee(append(row, ",`"...), fee)
		row = appendValues(row, "0.60%")
		row = appendYuan(append(row, ",`"...), o.total)
		return appendValues(row, "0.00", "")
	}
	r := e.refund
	o, fee := r.order, r.amount*6
	rec.refunded += r.amount
	rec.fees -= fee
	row = billTime(append(row, '`'), r.successTime)
	row = appendValues(row, o.appid, o.mchid, "0", "", o.transactionID, o.outTradeNo, o.payer(), o.tradeType, "REFUND", "OTHERS", "CNY",
		"0.00", "0.00", r.refundID, r.outRefundNo)
	row = appendYuan(append(row, ",`"...), r.amount)
	row = appendValues(row, "0.00", "ORIGINAL", "SUCCESS", o.description, "")
	row = appendFee(append(row, ",`-"...), fee)
	row = appendValues(row, "0.60%", "0.00")
	row = appendYuan(append(row, ",`"...), r.amount)
	return appendValues(row, "")
}

func (s *Server) fundFlowEvents(on func(time.Time) bool, accountType string) []billEvent {
	var out []billEvent
	add := func(at time.Time, businessNo, name string, fen int64, voucher string) {
		out = append(out, billEvent{at: at, businessNo: businessNo, name: name, amount: fen, voucher: voucher})
	}
	switch accountType {
	case "", "BASIC":
		for _, o := range s.book.orders {
			if on(o.successTime) {
				add(o.successTime, o.transactionID, "交易", o.total, o.outTradeNo)
				add(o.successTime, o.transactionID, "扣除交易手续费", -feeFen(o.total), o.outTradeNo)
			}
		}
		for _, r := range s.book.refunds.byNo {
			if r.status == "SUCCESS" && on(r.successTime) {
				add(r.successTime, r.refundID, "退款", -r.amount, r.outRefundNo)
				add(r.successTime, r.refundID, "退还交易手续费", feeFen(r.amount), r.outRefundNo)
			}
		}
		for _, so := range s.book.profit.orders {
			for _, l := range so.receivers {
				if l.result == "SUCCESS" && l.account != s.MchID && on(l.finishTime) {
					add(l.finishTime, so.orderID, "分账", -l.amount, so.outOrderNo)
				}
			}
		}
		for _, r := range s.book.profit.returns {
			if on(r.createTime) {
				add(r.createTime, r.returnID, "分账回退", r.amount, r.outReturnNo)
			}
		}
	case "OPERATION":
		for _, b := range s.book.transfers.bills {
			if b.state == "SUCCESS" && on(b.updateTime) {
				add(b.updateTime, b.billNo, "商家转账", -b.amount, b.outBillNo)
			}
		}
		for _, b := range s.book.transfers.batches {
			for _, d := range b.details {
				if d.status == "SUCCESS" && on(d.updateTime) {
					add(d.updateTime, d.detailID, "商家转账", -d.amount, b.outBatchNo)
				}
			}
		}
	}
	return out
}

// feeFen is the 0.60% fee of an amount, rounded to the fen.
func feeFen(fen int64) int64 { return (fen*6 + 500) / 1000 }
