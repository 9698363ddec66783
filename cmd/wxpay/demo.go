package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// demo starts the built-in test server and runs the order-reverse calls
// this library was born from, printing what went over the wire.
func demo(ctx context.Context, w io.Writer) error {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	fmt.Fprintf(w, "test server %s (merchant %s, platform key %s)\n\n", srv.URL, srv.MchID, srv.PlatformKeyID)

	type call struct {
		title string
		send  func(context.Context, ...wechatpay.M) (*wechatpay.Response, error)
		opts  wechatpay.M
	}
	calls := []call{
		{
			title: "Order reverse (撤销), string chain",
			send:  client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post,
			opts: wechatpay.M{
				"out_trade_no": "1217752501201407033233368018",
				"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
			},
		},
		{
			title: "Order reverse (撤销), typed chain generated from the endpoint catalog",
			send:  client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post,
			opts: wechatpay.M{
				"out_trade_no": "1217752501201407033233368018",
				"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
			},
		},
		{
			title: "Order reverse (撤销), segment chain as in PHP ->v3->pay->transactions->outTradeNo->_out_trade_no_->reverse",
			send:  client.Chain("v3").Chain("pay").Chain("transactions").Chain("outTradeNo").Chain("_out_trade_no_").Chain("reverse").Post,
			opts: wechatpay.M{
				"out_trade_no": "1217752501201407033233368018",
				"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
			},
		},
		{
			title: "Combine papay reverse (电商合单委托代扣撤销订单): 204, empty and still signed",
			send:  client.Chain("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse").Post,
			opts: wechatpay.M{
				"combine_out_trade_no": "P20150806125346",
				"json": wechatpay.M{
					"combine_appid": srv.AppID,
					"sub_orders": []wechatpay.M{{
						"mchid": srv.MchID, "out_trade_no": "20150806125346",
						"sub_mchid": "1900000109", "sub_appid": "wxd678efh567hg6999",
					}},
				},
			},
		},
		{
			title: "Native prepay (Native下单)",
			send:  client.Chain("v3/pay/transactions/native").Post,
			opts: wechatpay.M{"json": wechatpay.M{
				"appid": srv.AppID, "mchid": srv.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
				"out_trade_no": "1217752501201407033233368019", "notify_url": "https://www.weixin.qq.com/wxpay/pay.php",
				"amount": wechatpay.M{"total": 100, "currency": "CNY"},
			}},
		},
		{
			title: "Query by out-trade-no",
			send:  client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get,
			opts:  wechatpay.M{"out_trade_no": "1217752501201407033233368019", "query": wechatpay.M{"mchid": srv.MchID}},
		},
	}
	for _, c := range calls {
		fmt.Fprintf(w, "== %s\n", c.title)
		resp, err := c.send(ctx, c.opts)
		printExchange(w, srv)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "<- %d, signature verified (Wechatpay-Serial %s)\n", resp.StatusCode, resp.Header.Get("Wechatpay-Serial"))
		if len(resp.Body) > 0 {
			printBody(w, resp.Body)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "== A tampered reply is refused")
	srv.Inject(wxpaytest.BadSignature)
	_, err := calls[0].send(ctx, calls[0].opts)
	printExchange(w, srv)
	var verr *wechatpay.VerifyError
	if !errors.As(err, &verr) {
		return fmt.Errorf("a bad signature was not caught: %v", err)
	}
	fmt.Fprintf(w, "<- refused: %v\n", err)
	if err := demoV2(ctx, w, srv); err != nil {
		return err
	}
	return demoNotify(ctx, w, srv)
}

// printExchange shows the last request the server received.
func printExchange(w io.Writer, srv *wxpaytest.Server) {
	reqs := srv.Requests()
	if len(reqs) == 0 {
		return
	}
	r := reqs[len(reqs)-1]
	auth := r.Header.Get("Authorization")
	if i := strings.Index(auth, `signature="`); i > 0 {
		auth = auth[:i] + `signature="…"`
	}
	fmt.Fprintf(w, "-> %s %s\n   Authorization: %s\n", r.Method, r.Target, auth)
	if len(r.Body) > 0 {
		fmt.Fprintf(w, "   %s\n", r.Body)
	}
}
