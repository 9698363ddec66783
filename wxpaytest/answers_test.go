package wxpaytest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/internal/schema"
)

// An operation the server does not emulate is answered from the
// description's examples, signed, with the request's identifiers filled
// in, and valid against its reply schema.
func TestGeneratedAnswer(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	resp, err := srv.Client().Chain("v3/pay/partner/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "ANSWER-1", "query": wechatpay.M{"sp_mchid": srv.MchID, "sub_mchid": "1900000777"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"out_trade_no": "ANSWER-1", "sp_mchid": srv.MchID, "sub_mchid": "1900000777", "trade_state": "SUCCESS"} {
		if got := resp.Get(path).String(); got != want {
			t.Errorf("%s %q, want %q: %s", path, got, want, resp.Body)
		}
	}
	op := schema.Find("GET", "v3/pay/partner/transactions/out-trade-no/{out_trade_no}")
	if e := schema.CheckJSON(op.Reply, "reply", resp.Body, schema.Strict); e != nil {
		t.Errorf("the answer fails its schema: %v", e)
	}

	// A 204 operation answers 204, signed (the client verifies it).
	resp, err = srv.Client().Chain("v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close").Post(ctx, wechatpay.M{
		"out_trade_no": "ANSWER-1", "json": wechatpay.M{"sp_mchid": srv.MchID, "sub_mchid": "1900000777"},
	})
	if err != nil || resp.StatusCode != http.StatusNoContent || len(resp.Body) != 0 {
		t.Fatalf("close: %v %+v", err, resp)
	}

	// The checks apply before the answer.
	_, err = srv.Client().Chain("v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close").Post(ctx, wechatpay.M{
		"out_trade_no": "ANSWER-1", "json": wechatpay.M{"sp_mchid": srv.MchID},
	})
	if e := apiError(t, err); e.StatusCode != 400 || e.Code != "PARAM_ERROR" {
		t.Errorf("close without sub_mchid: %v", err)
	}
}

// An APIv2 operation the server does not emulate answers XML fields signed
// with the merchant's key in the sign_type of the request.
func TestGeneratedAnswerV2(t *testing.T) {
	srv := start(t)
	for _, signType := range []string{"MD5", "HMAC-SHA256"} {
		t.Run(signType, func(t *testing.T) {
			resp, err := srv.V2Client().Chain("v2/pay/unifiedorder").Post(context.Background(), wechatpay.M{"xml": wechatpay.M{
				"appid": srv.V2AppID, "mch_id": srv.V2MchID, "body": "b", "out_trade_no": "ANSWER-2", "total_fee": 1,
				"spbill_create_ip": "8.8.8.8", "notify_url": "https://example.com/n", "trade_type": "NATIVE", "sign_type": signType,
			}})
			if err != nil {
				t.Fatal(err)
			}
			f := resp.Fields
			if f["return_code"] != "SUCCESS" || f["result_code"] != "SUCCESS" || f["mch_id"] != srv.V2MchID || f["appid"] != srv.V2AppID || f["prepay_id"] == "" {
				t.Errorf("reply %s", resp.Body)
			}
			if n := len(f["sign"]); n != map[string]int{"MD5": 32, "HMAC-SHA256": 64}[signType] {
				t.Errorf("sign of %d characters: %s", n, resp.Body)
			}
		})
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("%d requests recorded", got)
	}
}
