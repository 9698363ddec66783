package wechatpay

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// A merchant id field that is not Config.MchID is refused before
// sending, naming both; the merchants a request acts for are not checked.
func TestMchIDMismatchRefused(t *testing.T) {
	type order struct {
		AppID string `json:"appid"`
		MchID string `json:"mchid"`
	}
	for _, tc := range []struct {
		name     string
		template string
		opts     M
		want     string // "" when the request goes out
	}{
		{"map body", seedTemplate, M{"out_trade_no": "1", "json": M{"appid": "wx1", "mchid": "1900000109"}}, `json field "mchid" is "1900000109", not Config.MchID "1230000109"`},
		{"raw body", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":"1900000109"}`}, `json field "mchid" is "1900000109"`},
		{"struct body", seedTemplate, M{"out_trade_no": "1", "json": order{"wx1", "1900000109"}}, `json field "mchid" is "1900000109"`},
		{"number", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":1900000109}`}, `json field "mchid" is 1900000109`},
		{"service provider", "v3/pay/partner/transactions/native", M{"json": M{"sp_mchid": "1900000100", "sub_mchid": "1900000109"}}, `json field "sp_mchid" is "1900000100"`},
		{"combined order", "v3/combine-transactions/native", M{"json": M{"combine_mchid": "1900000100"}}, `json field "combine_mchid" is "1900000100"`},
		{"query map", "v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "42", "query": M{"mchid": "1900000109"}}, `query parameter mchid="1900000109" is not Config.MchID "1230000109"`},
		{"query values", "v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "42", "query": url.Values{"sp_mchid": {"1900000109"}}}, `query parameter sp_mchid="1900000109"`},
		{"template query", "v3/pay/transactions/id/{transaction_id}{?mchid}", M{"transaction_id": "42", "mchid": "1900000109"}, `query parameter mchid="1900000109"`},

		{"service provider over mchid", "v3/global/transactions/native", M{"json": M{"sp_mchid": "1900000100", "mchid": "1230000109"}}, `json field "sp_mchid" is "1900000100"`},
		{"combined order over mchid", "v3/combine-transactions/native", M{"json": `{"mchid":"1230000109","combine_mchid":"1900000100"}`}, `json field "combine_mchid" is "1900000100"`},
		{"duplicate key", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":"1230000109","mchid":"1900000109"}`}, `json field "mchid" appears 2 times`},
		{"duplicate key, other order", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":"1900000109","mchid":"1230000109"}`}, `json field "mchid" appears 2 times`},
		{"duplicate key, escaped", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":"1230000109","mch\u0069d":"1900000109"}`}, `json field "mchid" appears 2 times`},
		{"escaped key", seedTemplate, M{"out_trade_no": "1", "json": `{"mch\u0069d":"1900000109"}`}, `json field "mchid" is "1900000109"`},
		{"duplicate sp_mchid", "v3/global/transactions/native", M{"json": `{"sp_mchid":"1230000109","mchid":"1900000109","sp_mchid":"1230000109"}`}, `json field "sp_mchid" appears 2 times`},
		{"query service provider", "v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "42", "query": M{"mchid": "1230000109", "sp_mchid": "1900000100"}}, `query parameter sp_mchid="1900000100"`},

		{"institution and merchant side by side", "v3/global/transactions/native", M{"json": M{"sp_mchid": "1230000109", "mchid": "1900000109"}}, ""},
		{"combined order with its merchants", "v3/combine-transactions/native", M{"json": `{"combine_mchid":"1230000109","mchid":"1900000109"}`}, ""},
		{"query institution and merchant", "v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "42", "query": M{"sp_mchid": "1230000109", "mchid": "1900000109"}}, ""},
		{"duplicate key of another field", seedTemplate, M{"out_trade_no": "1", "json": `{"mchid":"1230000109","appid":"a","appid":"b"}`}, ""},
		{"the merchant itself", seedTemplate, M{"out_trade_no": "1", "json": M{"appid": "wx1", "mchid": "1230000109"}}, ""},
		{"sub-merchant", "v3/pay/partner/transactions/native", M{"json": M{"sp_mchid": "1230000109", "sub_mchid": "1900000109"}}, ""},
		{"sub-orders", "v3/combine-transactions/native", M{"json": M{"combine_mchid": "1230000109", "sub_orders": []M{{"mchid": "1900000109"}}}}, ""},
		{"other field names", "v3/marketing/favor/users/{openid}/coupons", M{"openid": "o1", "json": M{"stock_creator_mchid": "1900000109"}}, ""},
		{"query sub-merchant", "v3/pay/transactions/id/{transaction_id}", M{"transaction_id": "42", "query": M{"sub_mchid": "1900000109"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			client := newTestClient(t, rec)
			method := "POST"
			if strings.Contains(tc.template, "transactions/id/") {
				method = "GET"
			}
			_, err := client.do(context.Background(), method, tc.template, []M{tc.opts})
			sent := len(rec.sent)
			if tc.want == "" {
				if err != nil || sent != 1 {
					t.Fatalf("err %v, %d sent; want it sent", err, sent)
				}
				return
			}
			var rerr *RequestError
			if !errors.As(err, &rerr) || !strings.Contains(err.Error(), tc.want) || sent != 0 {
				t.Fatalf("err %v, %d sent; want a RequestError containing %q and nothing sent", err, sent, tc.want)
			}
		})
	}
}
