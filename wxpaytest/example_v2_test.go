package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// The APIv2 side: V2Client is keyed for merchant 1900000109 of the APIv2
// documentation, with its merchant certificate for "security" requests.
func ExampleServer_V2Client() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	_, err := srv.V2Client().Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), wechatpay.M{
		"security": true,
		"xml": wechatpay.M{
			"appid":        "wx8888888888888888",
			"mch_id":       "1900000109",
			"sub_mch_id":   "1900000100",
			"out_trade_no": "1217752501201407033233368018",
			"sign_type":    "HMAC-SHA256",
		},
	})
	fmt.Println(err, srv.V2TradeState("1900000109", "1217752501201407033233368018"))

	srv.Inject(wxpaytest.BadSignature)
	_, err = srv.V2Client().Chain("v2/pay/orderquery").Post(context.Background(), wechatpay.M{
		"xml": wechatpay.M{"appid": "wx8888888888888888", "mch_id": "1900000109", "out_trade_no": "1217752501201407033233368018"},
	})
	fmt.Println(errors.Is(err, xmlsign.ErrSignatureMismatch))
	// Output:
	// <nil> REVOKED
	// true
}
