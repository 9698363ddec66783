package wxpaytest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Notify tests a merchant's callback handler end to end: the server signs
// and encrypts the callback as WeChat Pay does and posts it to the
// handler's loopback URL.
func ExampleServer_Notify() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	v := &notify.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}, APIv3Key: srv.APIv3Key}
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := v.Parse(r)
		if err == nil {
			fmt.Println("paid:", n.Get("out_trade_no"))
		}
		notify.Reply(w, err)
	}))
	defer handler.Close()

	resp, err := srv.Notify(context.Background(), handler.URL, "TRANSACTION.SUCCESS", map[string]any{
		"out_trade_no": "1217752501201407033233368018", "trade_state": "SUCCESS",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode)

	resp, _ = srv.Notify(context.Background(), handler.URL, "TRANSACTION.SUCCESS", `{}`, wxpaytest.BadSignature)
	fmt.Println(resp.StatusCode)
	// Output:
	// paid: 1217752501201407033233368018
	// 204
	// 401
}

// Pay plays the payer: the order placed with a notify_url is paid, and
// its TRANSACTION.SUCCESS callback reaches the merchant's handler, which
// verifies it and reads the transaction.
func ExampleServer_Pay() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	v := &notify.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}, APIv3Key: srv.APIv3Key}
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := v.Parse(r)
		if err == nil {
			fmt.Println(n.EventType, n.Get("out_trade_no"), n.Get("trade_state"), n.Get("amount.payer_total"))
		}
		notify.Reply(w, err)
	}))
	defer handler.Close()

	ctx := context.Background()
	_, err := srv.Client().V3().Pay().Transactions().Native().Post(ctx, wechatpay.M{"json": wechatpay.M{
		"appid": srv.AppID, "mchid": srv.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
		"out_trade_no": "1217752501201407033233368020", "notify_url": handler.URL + "/notify",
		"amount": wechatpay.M{"total": 100, "currency": "CNY"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := srv.Pay(ctx, "1217752501201407033233368020")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, srv.TradeState("1217752501201407033233368020"))
	// Output:
	// TRANSACTION.SUCCESS 1217752501201407033233368020 SUCCESS 100
	// 204 SUCCESS
}
