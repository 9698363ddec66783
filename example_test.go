package wechatpay_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The order reverse (撤销) of the PHP snippet
// $instance->chain('v3/pay/transactions/out-trade-no/{out_trade_no}/reverse')->post([...]).
func ExampleClient_Chain() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json": wechatpay.M{
			"appid": "wxd678efh567hg6787",
			"mchid": "1230000109",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, resp.Get("out_trade_no").String())
	// Output: 200 1217752501201407033233368018
}

// PHP's property chain $instance->v3->pay->transactions->outTradeNo->_out_trade_no_->reverse,
// one segment at a time.
func ExampleChain_Chain() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	reverse := client.Chain("v3").Chain("pay").Chain("transactions").Chain("outTradeNo").Chain("_out_trade_no_").Chain("reverse")
	fmt.Println(reverse)
	// Output: v3/pay/transactions/out-trade-no/{out_trade_no}/reverse
}

// The combine papay reverse answers 204 No Content: an empty body, still
// signed and verified.
func ExampleChain_Post_noContent() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	resp, err := client.Chain("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
		"combine_out_trade_no": "P20150806125346",
		"json": wechatpay.M{
			"combine_appid": "wxd678efh567hg6787",
			"sub_orders": []wechatpay.M{{
				"mchid":        "1230000109",
				"out_trade_no": "20150806125346",
				"sub_mchid":    "1900000109",
				"sub_appid":    "wxd678efh567hg6999",
			}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode == 204, len(resp.Body))
	// Output: true 0
}

func ExampleAPIError() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "no-such-order",
		"query":        wechatpay.M{"mchid": "1230000109"},
	})
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	// Output: 404 ORDER_NOT_EXIST
}

func ExampleTemplateError() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
		"outTradeNo": "1217752501201407033233368018",
		"json":       wechatpay.M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
	})
	fmt.Println(err)
	// Output: POST v3/pay/transactions/out-trade-no/{out_trade_no}/reverse: variable "out_trade_no" has no value (did you mean "outTradeNo"?)
}
