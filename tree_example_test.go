package wechatpay_test

import (
	"context"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The order reverse (撤销) as a typed chain: one method per segment,
// OutTradeNo_ for the {out_trade_no} placeholder, and only the HTTP
// methods the endpoint has (Post here; Get would not compile).
func ExampleClient_V3() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	reverse := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse()
	fmt.Println(reverse)
	resp, err := reverse.Post(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, resp.Get("out_trade_no").String())
	// Output:
	// v3/pay/transactions/out-trade-no/{out_trade_no}/reverse
	// 200 1217752501201407033233368018
}
