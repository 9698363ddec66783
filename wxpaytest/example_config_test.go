package wxpaytest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// WriteConfig writes the merchant's files and a config file, so that code
// that builds its client from a file (configfile.Load, wxpay -c, a program
// in another language) runs against the server as it is.
func ExampleServer_WriteConfig() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	dir, err := os.MkdirTemp("", "merchant-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	config, err := srv.WriteConfig(dir)
	if err != nil {
		panic(err)
	}

	client, err := configfile.Load(config) // as the program under test would
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Get("trade_state"))

	// The file carries the APIv2 key and the merchant certificate too.
	v2, err := client.Chain("v2/secapi/pay/reverse").Post(ctx, wechatpay.M{
		"security": true,
		"xml":      wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID, "out_trade_no": "1217752501201407033233368018"},
	})
	fmt.Println(v2 == nil, err)
	// Output:
	// USERPAYING
	// true POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y)
}
