package wechatpay_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The face-pay order reverse (撤销订单) over APIv2, the Go twin of the PHP
// snippet
//
//	$response = $instance->chain('v2/secapi/pay/facepayreverse')->post([
//	  'security' => true,
//	  'xml' => [...],
//	]);
//	print_r(\WeChatPay\Transformer::toArray((string) $response->getBody()));
//
// The request is signed with HMAC-SHA256 as sign_type asks, sent with the
// merchant certificate, and the reply's sign is verified before it is
// handed back.
func ExampleClient_Chain_apiv2() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client() // merchant 1900000109, as in the documentation
	ctx := context.Background()

	response, err := client.Chain("v2/secapi/pay/facepayreverse").Post(ctx, wechatpay.M{
		"security": true,
		"xml": wechatpay.M{
			"appid":          "wx8888888888888888",
			"sub_appid":      "wx8888888888888888",
			"mch_id":         "1900000109",
			"sub_mch_id":     "1900000100",
			"transaction_id": "1217752501201407033233368018",
			"out_trade_no":   "1217752501201407033233368018",
			"sign_type":      "HMAC-SHA256",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(response.Get("result_code"), "recall", response.Get("recall"), "sign", len(response.Fields["sign"]), "hex digits")
	// Output: SUCCESS recall N sign 64 hex digits
}

// A reverse that must be repeated: the first reply is result_code FAIL
// with recall Y, a *wechatpay.V2Error that carries every field.
func ExampleV2Error() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()

	reverse := client.Chain("v2/secapi/pay/reverse")
	opts := wechatpay.M{
		"security": true,
		"xml": wechatpay.M{
			"appid":        "wx8888888888888888",
			"mch_id":       "1900000109",
			"sub_mch_id":   "1900000100",
			"out_trade_no": "1217752501201407033233368018",
		},
	}
	for {
		_, err := reverse.Post(context.Background(), opts)
		var v2err *wechatpay.V2Error
		if errors.As(err, &v2err) && v2err.Fields["recall"] == "Y" {
			fmt.Println(err)
			continue
		}
		fmt.Println("reversed:", err == nil)
		break
	}
	// Output:
	// POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时 (recall Y)
	// reversed: true
}
