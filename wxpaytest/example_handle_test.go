package wxpaytest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// A refund query, an endpoint the server does not implement, scripted:
// the request is verified as any other, the reply signed and checked by
// the client.
func ExampleServer_Handle() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	err := srv.Handle("GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
		if r.Params["out_refund_no"] != "1217752501201407033233368018" {
			return wxpaytest.Fail(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
		}
		return wxpaytest.JSON(200, wechatpay.M{
			"out_refund_no": r.Params["out_refund_no"],
			"status":        "SUCCESS",
			"amount":        wechatpay.M{"refund": 100, "total": 100, "currency": "CNY"},
		})
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	query := srv.Client().Chain("v3/refund/domestic/refunds/{out_refund_no}")
	resp, err := query.Get(context.Background(), wechatpay.M{"out_refund_no": "1217752501201407033233368018"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Get("status"), resp.Get("amount.refund"))

	_, err = query.Get(context.Background(), wechatpay.M{"out_refund_no": "R404"})
	var apiErr *wechatpay.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.StatusCode, apiErr.Code)

	fmt.Println(srv.Handle("POST", "v3/refund/domestic/refund", nil))
	// Output:
	// SUCCESS 100
	// true 404 RESOURCE_NOT_EXISTS
	// wxpaytest: Handle: POST v3/refund/domestic/refund is not an endpoint of the catalog
}
