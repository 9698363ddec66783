package wxpaytest

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkRecordedTradeBill renders a trade bill of a day of 10,000
// payments and 1,000 refunds the server carried out, as a download does.
func BenchmarkRecordedTradeBill(b *testing.B) {
	s := NewServer()
	defer s.Close()
	now := s.now()
	s.mu.Lock()
	s.book.refunds.byNo = map[string]*refund{}
	for i := range 10000 {
		o := &order{
			appid: s.AppID, mchid: s.MchID, outTradeNo: fmt.Sprintf("B-%05d", i), transactionID: fmt.Sprintf("4200%024d", i),
			tradeType: "NATIVE", state: "SUCCESS", description: "QQ公仔", total: int64(100 + i), successTime: now,
		}
		s.book.add(o)
		if i%10 == 0 {
			s.book.refunds.byNo[o.outTradeNo] = &refund{refundID: fmt.Sprintf("5030%025d", i), outRefundNo: "R" + o.outTradeNo,
				order: o, amount: 50, status: "SUCCESS", successTime: now}
		}
	}
	s.mu.Unlock()
	date := now.In(chinaTime).Format("2006-01-02")
	b.ReportAllocs()
	for b.Loop() {
		spec := s.recordedBillSpec(tradeBill, date, "ALL")
		if spec.records.n != 11000 {
			b.Fatalf("%d records", spec.records.n)
		}
		if err := writeBill(io.Discard, spec); err != nil {
			b.Fatal(err)
		}
	}
}
