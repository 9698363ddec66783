package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// demoV2 runs the APIv2 face-pay reverse of the documentation (XML,
// HMAC-SHA256, the merchant certificate) and shows the verified reply,
// then a reverse that asks to be repeated and a tampered reply.
func demoV2(ctx context.Context, w io.Writer, srv *wxpaytest.Server) error {
	client := srv.V2Client()
	fmt.Fprintf(w, "\n== APIv2 face-pay reverse (撤销订单): XML, HMAC-SHA256, merchant certificate (merchant %s)\n", srv.V2MchID)
	seed := wechatpay.M{
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
	}
	resp, err := client.Chain("v2/secapi/pay/facepayreverse").Post(ctx, seed)
	printV2Exchange(w, srv, true)
	if err != nil {
		return err
	}
	fields := resp.Fields
	alg := xmlsign.MD5
	if len(fields["sign"]) == 64 {
		alg = xmlsign.HMACSHA256
	}
	fmt.Fprintf(w, "<- %d, sign verified (%s)\n", resp.StatusCode, alg)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "   %s: %s\n", k, fields[k])
	}

	fmt.Fprintln(w, "\n== APIv2 reverse (撤销订单): the first reply asks to be repeated (recall Y)")
	reverse := wechatpay.M{"security": true, "xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "sub_mch_id": wxpaytest.DefaultV2SubMchID,
		"out_trade_no": "1217752501201407033233368018",
	}}
	for attempt := 1; attempt <= 3; attempt++ {
		_, err := client.Chain("v2/secapi/pay/reverse").Post(ctx, reverse)
		printV2Exchange(w, srv, false)
		var v2err *wechatpay.V2Error
		if errors.As(err, &v2err) && v2err.Fields["recall"] == "Y" {
			fmt.Fprintf(w, "<- %v: calling again\n", err)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "<- SUCCESS, recall N: the order is reversed")
		break
	}

	fmt.Fprintln(w, "\n== A tampered APIv2 reply is refused")
	srv.Inject(wxpaytest.BadSignature)
	_, err = client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{
		"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "1217752501201407033233368018",
	}})
	printV2Exchange(w, srv, false)
	if !errors.Is(err, xmlsign.ErrSignatureMismatch) {
		return fmt.Errorf("a bad APIv2 sign was not caught: %v", err)
	}
	fmt.Fprintf(w, "<- refused: %v\n", err)
	return nil
}

// printV2Exchange shows the last request the server received.
func printV2Exchange(w io.Writer, srv *wxpaytest.Server, body bool) {
	reqs := srv.Requests()
	if len(reqs) == 0 {
		return
	}
	r := reqs[len(reqs)-1]
	fmt.Fprintf(w, "-> %s %s\n", r.Method, r.Target)
	if body {
		fmt.Fprintf(w, "   Content-Type: %s\n   %s\n", r.Header.Get("Content-Type"), r.Body)
	}
}
