package port

import (
	"strings"
	"testing"
)

// Computed paths become templates whose variables the catalog names, and
// the values are passed as those variables.
func TestComputedPaths(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`$i->chain("v3/refund/domestic/refunds/{$row->getId()}")->get();`,
			"client.V3().Refund().Domestic().Refunds().OutRefundNo_().Get(ctx, wechatpay.M{\n\t\"out_refund_no\": rowId,\n})"},
		{`$i->chain('v3/pay/transactions/out-trade-no/' . $no . '/close')->post(['json' => []]);`,
			"Close().Post(ctx, wechatpay.M{\n\t\"out_trade_no\": no,\n\t\"json\":         []any{},\n})"},
		{`$i->chain("v3/bill/tradebill?bill_date={$date}&bill_type=ALL")->get();`,
			"client.V3().Bill().Tradebill().Get(ctx, wechatpay.M{\n\t\"query\": wechatpay.M{\n\t\t\"bill_date\": date,\n\t\t\"bill_type\": \"ALL\",\n\t},\n})"},
		{`$i->v3->pay->transactions->id[$txId]->get();`, `"transaction_id": txId,`},
		{"$path = 'v3/certificates';\n$i->chain($path)->get();", "client.V3().Certificates().Get(ctx)"},
		{`$i->chain($this->path())->get();`, "client.Chain(path).Get(ctx)"},
		{`$i->chain("v3/x/{$a}-{$b}")->get();`, "client.Chain(\"v3/x/{a}-{b}\").Get(ctx, wechatpay.M{\n\t\"a\": a,\n\t\"b\": b,\n})"},
		{`wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ out_trade_no: no })`, "OutTradeNo().OutTradeNo_().Get(ctx, wechatpay.M{\n\t\"out_trade_no\": no,"},
		{"wxpay.chain(`v3/refund/domestic/refunds/${refundNo}`).get()", `"out_refund_no": refundNo,`},
	} {
		src := tc.src
		if !strings.HasPrefix(src, "wxpay") {
			src = strings.ReplaceAll(src, "$i->", "$instance->")
		}
		res, err := Convert([]byte(src), Options{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if !strings.Contains(string(res.Code), tc.want) || len(res.Diagnostics) > 0 {
			t.Errorf("%s: code lacks %q, or diagnostics %v:\n%s", src, tc.want, res.Diagnostics, res.Code)
		}
	}
}
