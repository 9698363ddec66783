package port_test

import (
	"fmt"
	"os"

	"github.com/wxpay-go/wechatpay/internal/port"
)

// Convert is the library behind wxpay port, for an editor or a script: it
// takes PHP or Node source (a whole page is fine) and gives Go, the
// snippets it found and what it could not port.
func ExampleConvert() {
	src := `<?php
$outTradeNo = '1217752501201407033233368018';
$resp = $instance->v3->pay->transactions->outTradeNo->_out_trade_no_->reverse->post([
    'out_trade_no' => $outTradeNo,
    'json' => ['appid' => 'wxd678efh567hg6787', 'mchid' => '1230000109'],
    'timeout' => 5,
]);
`
	res, err := port.Convert([]byte(src), port.Options{})
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(res.Code)
	for _, sn := range res.Snippets {
		fmt.Println("snippet:", sn.Language, sn.Method, sn.Template, "typed:", sn.Typed)
	}
	for _, d := range res.Diagnostics {
		fmt.Println("not ported:", d)
	}
	// Output:
	// // imports: "github.com/wxpay-go/wechatpay" "log"
	// outTradeNo := "1217752501201407033233368018" // line 2
	//
	// // PHP, line 3
	// // port: line 6: option "timeout" is neither a variable of v3/pay/transactions/out-trade-no/{out_trade_no}/reverse nor an option of this client; not ported
	// resp, err := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(ctx, wechatpay.M{
	// 	"out_trade_no": outTradeNo,
	// 	"json": wechatpay.M{
	// 		"appid": "wxd678efh567hg6787",
	// 		"mchid": "1230000109",
	// 	},
	// })
	// if err != nil {
	// 	log.Fatal(err)
	// }
	// _ = resp
	// snippet: PHP POST v3/pay/transactions/out-trade-no/{out_trade_no}/reverse typed: true
	// not ported: line 6: option "timeout" is neither a variable of v3/pay/transactions/out-trade-no/{out_trade_no}/reverse nor an option of this client; not ported
}
