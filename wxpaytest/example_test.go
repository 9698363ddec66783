package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The documentation's reverse call, verbatim, against the server's
// fixture order.
func ExampleNewServer() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	resp, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(context.Background(), wechatpay.M{
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
	fmt.Println(resp.Get("out_trade_no"))
	fmt.Println(srv.TradeState("1217752501201407033233368018"))
	// Output:
	// 1217752501201407033233368018
	// REVOKED
}

// A fault spoils the next reply; the client refuses it.
func ExampleServer_Inject() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	srv.Inject(wxpaytest.BadSignature)
	_, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	var verr *wechatpay.VerifyError
	fmt.Println(errors.As(err, &verr), errors.Is(err, signer.ErrSignatureMismatch))
	// Output:
	// true true
}
