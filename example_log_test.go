package wechatpay_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Config.Logger records each request. Here the time and the duration are
// dropped so that the output is stable; a service keeps them.
func ExampleConfig_logger() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "elapsed" || a.Key == "request_id" {
				return slog.Attr{}
			}
			return a
		},
	}))
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
	})
	client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "no-such-order",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	// Output:
	// level=DEBUG msg="wechatpay: request" method=POST path=v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse status=200
	// level=INFO msg="wechatpay: request" method=GET path=v3/pay/transactions/out-trade-no/no-such-order status=404
}
