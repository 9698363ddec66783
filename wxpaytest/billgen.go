package wxpaytest

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// The bills the server hands out are generated row by row as they are
// written, in the documented layout: a header line, one line per record
// with every value behind a backtick (so spreadsheets keep long numbers
// as text), then a summary header and a summary line. Content depends
// only on the kind, the date, the row count and the merchant, so a bill
// of any size is reproduced byte for byte without being stored. The
// server's own records of the day (bills.go) come first, rendered when
// the bill is handed out.

// billKind is what a generated file holds.
type billKind int

const (
	tradeBill     billKind = iota // v3/bill/tradebill
	fundFlowBill                  // v3/bill/fundflowbill
	statementBill                 // hk/v3/statements, v3/global/statements
)

const tradeBillHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类," +
	"应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率," +
	"订单金额,申请退款金额,费率备注"

const tradeBillSummary = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"

const fundFlowBillHeader = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号"

const fundFlowBillSummary = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"

const statementHeader = "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行," +
	"充值券币种,充值券金额,优惠券币种,优惠券金额,微信退款单号,商户退款单号,退款类型,退款状态,商品名称,商户数据包,手续费,费率," +
	"标价币种,订单金额(标价币种),用户支付币种,用户支付金额,结算币种,应结订单金额,支付汇率,退款汇率,申请退款金额,用户退款币种," +
	"用户退款金额,退款结算币种,退款应结订单金额,充值券退款金额,优惠券退款金额"

const statementSummary = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额"

func billHeader(k billKind) string {
	switch k {
	case fundFlowBill:
		return fundFlowBillHeader
	case statementBill:
		return statementHeader
	}
	return tradeBillHeader
}

func billSummary(k billKind) string {
	switch k {
	case fundFlowBill:
		return fundFlowBillSummary
	case statementBill:
		return statementSummary
	}
	return tradeBillSummary
}

// billSpec names one generated bill.
type billSpec struct {
	kind         billKind
	date         string // YYYY-MM-DD
	rows         int
	appID, mchID string
	records      *billRecords // nil if none; a pointer, so a spec stays comparable
}

// writeBill writes the bill to w.
func writeBill(w io.Writer, b billSpec) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(billHeader(b.kind))
	bw.WriteString("\r\n")
	digits := strings.ReplaceAll(b.date, "-", "")
	rec := b.records
	if rec == nil {
		rec = &billRecords{}
	}
	bw.Write(rec.lines)
	var total, fees int64
	row := make([]byte, 0, 512)
	for i := 1; i <= b.rows; i++ {
		fen := int64(1 + i%10000)
		fee := fen * 6 // in 1/100000 yuan: a 0.60% rate
		total += fen
		fees += fee
		row = row[:0]
		switch b.kind {
		case tradeBill:
			row = appendTradeRow(row, b, digits, i, fen, fee)
		case fundFlowBill:
			row = appendFundFlowRow(row, b, digits, i, fen, total+rec.income-rec.expense)
		case statementBill:
			row = appendStatementRow(row, b, digits, i, fen, fee)
		}
		row = append(row, '\r', '\n')
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	bw.WriteString(billSummary(b.kind))
	bw.WriteString("\r\n")
	row = strconv.AppendInt(append(row[:0], '`'), int64(b.rows+rec.n), 10)
	switch b.kind {
	case tradeBill:
		row = appendValues(row, yuan(total+rec.paid), yuan(rec.refunded), "0.00", fee5(fees+rec.fees), yuan(total+rec.paid), yuan(rec.refunded))
	case fundFlowBill:
		row = appendValues(row, strconv.Itoa(b.rows+rec.incomeN), yuan(total+rec.income), strconv.Itoa(rec.expenseN), yuan(rec.expense))
	case statementBill:
		row = appendValues(row, yuan(total), "0.00", "0.00", fee5(fees))
	}
	row = append(row, '\r', '\n')
	bw.Write(row)
	return bw.Flush()
}

func appendTradeRow(row []byte, b billSpec, digits string, i int, fen, fee int64) []byte {
	row = appendTime(append(row, '`'), b.date, i)
	row = appendValues(row, b.appID, b.mchID, "0", "")
	row = appendID(append(row, ",`4200000000"...), digits, i)
	row = appendID(append(row, ",`ORDER"...), digits, i)
	row = appendValues(row, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", "SUCCESS", "OTHERS", "CNY")
	row = appendYuan(append(row, ",`"...), fen)
	row = appendValues(row, "0.00", "0", "0", "0.00", "0.00", "", "", "Image形象店-深圳腾大-QQ公仔", "")
	row = appendFee(append(row, ",`"...), fee)
	row = appendValues(row, "0.60%")
	row = appendYuan(append(row, ",`"...), fen)
	return appendValues(row, "0.00", "")
}

func appendFundFlowRow(row []byte, b billSpec, digits string, i int, fen, balance int64) []byte {
	row = appendTime(append(row, '`'), b.date, i)
	row = appendID(append(row, ",`5000000000"...), digits, i)
	row = appendID(append(row, ",`4200000000"...), digits, i)
	row = appendValues(row, "交易", "交易", "收入")
	row = appendYuan(append(row, ",`"...), fen)
	row = appendYuan(append(row, ",`"...), balance)
	row = appendValues(row, "system", "")
	return appendID(append(row, ",`ORDER"...), digits, i)
}

func appendStatementRow(row []byte, b billSpec, digits string, i int, fen, fee int64) []byte {
	row = appendTime(append(row, '`'), b.date, i)
	row = appendValues(row, b.appID, b.mchID, "0", "")
	row = appendID(append(row, ",`4200000000"...), digits, i)
	row = appendID(append(row, ",`ORDER"...), digits, i)
	row = appendValues(row, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", "SUCCESS", "OTHERS",
		"HKD", "0.00", "HKD", "0.00", "0", "0", "", "", "Image形象店-深圳腾大-QQ公仔", "")
	row = appendFee(append(row, ",`"...), fee)
	row = appendValues(row, "0.60%", "HKD")
	row = appendYuan(append(row, ",`"...), fen)
	row = appendValues(row, "CNY")
	row = appendYuan(append(row, ",`"...), fen)
	row = appendValues(row, "HKD")
	row = appendYuan(append(row, ",`"...), fen)
	return appendValues(row, "1.00000000", "0.00000000", "0.00", "CNY", "0.00", "HKD", "0.00", "0.00", "0.00")
}

// appendValues appends ",`v" for each value.
func appendValues(row []byte, values ...string) []byte {
	for _, v := range values {
		row = append(append(row, ",`"...), v...)
	}
	return row
}

// appendTime appends the date and a time of day that advances one second
// per row.
func appendTime(row []byte, date string, i int) []byte {
	s := i % 86400
	row = append(append(row, date...), ' ')
	row = append2(row, s/3600)
	row = append2(append(row, ':'), s/60%60)
	return append2(append(row, ':'), s%60)
}

func append2(row []byte, n int) []byte {
	return append(row, byte('0'+n/10), byte('0'+n%10))
}

// appendID appends the date digits and i in ten digits.
func appendID(row []byte, digits string, i int) []byte {
	row = append(row, digits...)
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(i), 10)
	for n := len(s); n < 10; n++ {
		row = append(row, '0')
	}
	return append(row, s...)
}

func appendYuan(row []byte, fen int64) []byte {
	row = strconv.AppendInt(row, fen/100, 10)
	return append(row, '.', byte('0'+fen%100/10), byte('0'+fen%10))
}

func appendFee(row []byte, fee int64) []byte {
	row = strconv.AppendInt(row, fee/100000, 10)
	row = append(row, '.')
	var buf [8]byte
	s := strconv.AppendInt(buf[:0], fee%100000, 10)
	for n := len(s); n < 5; n++ {
		row = append(row, '0')
	}
	return append(row, s...)
}

func yuan(fen int64) string { return string(appendYuan(nil, fen)) }
func fee5(fee int64) string { return string(appendFee(nil, fee)) }
