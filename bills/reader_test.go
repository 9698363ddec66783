package bills_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/bills"
)

const tradeBill = "\ufeff交易时间,公众账号ID,商户号,商户订单号,应结订单金额,商品名称\r\n" +
	"`2024-05-01 09:05:21,`wxd678efh567hg6787,`1230000109,`1217752501201407033233368018,`0.01,`QQ公仔\r\n" +
	"`2024-05-01 09:06:00,`wxd678efh567hg6787,`1230000109,`1217752501201407033233368019,`10.00,`\r\n" +
	"总交易单数,应结订单总金额,退款总金额\r\n" +
	"`2,`10.01,`0.00\r\n"

func TestReader(t *testing.T) {
	r := bills.NewReader(strings.NewReader(tradeBill))
	cols, err := r.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"交易时间", "公众账号ID", "商户号", "商户订单号", "应结订单金额", "商品名称"}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	var got [][]string
	for rec, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, []string{rec.Get("商户订单号"), rec.Get("应结订单金额"), rec.Get("商品名称"), rec.Get("no such column")})
	}
	want := [][]string{
		{"1217752501201407033233368018", "0.01", "QQ公仔", ""},
		{"1217752501201407033233368019", "10.00", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	sum, err := r.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Get("总交易单数") != "2" || sum.Get("应结订单总金额") != "10.01" || len(sum.Values()) != 3 {
		t.Errorf("summary %v %v", sum.Columns(), sum.Values())
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("Read after the summary: %v", err)
	}
}

// Summary skips whatever records are left; LF line ends do as well.
func TestReaderSummaryFirst(t *testing.T) {
	r := bills.NewReader(strings.NewReader(strings.ReplaceAll(tradeBill, "\r\n", "\n")))
	sum, err := r.Summary()
	if err != nil || sum.Get("总交易单数") != "2" {
		t.Fatalf("%v %v", sum.Values(), err)
	}
}

func TestReaderErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		text    string
		records int
		want    string
	}{
		"empty":            {"", 0, "empty"},
		"short line":       {"a,b\n`1,`2\n`3\n", 1, "line 3 has 1 values for 2 columns"},
		"short summary":    {"a,b\n`1,`2\nn,m\n`1\n", 1, "summary line 4 has 1 values"},
		"no summary":       {"a,b\n`1,`2\n`3,`4\n", 2, ""},
		"summary, no line": {"a,b\n`1,`2\nn,m\n", 1, ""},
	} {
		r := bills.NewReader(strings.NewReader(tc.text))
		n := 0
		var err error
		for _, e := range r.All() {
			if e != nil {
				err = e
				break
			}
			n++
		}
		if err == nil {
			_, err = r.Summary()
		}
		if n != tc.records || (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %d records, %v; want %d and %q", name, n, err, tc.records, tc.want)
		}
		if err != nil && errors.Is(err, io.EOF) {
			t.Errorf("%s: io.EOF leaked as an error", name)
		}
	}
}
