package wechatpay_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/api/v2/secapi"
	"github.com/wxpay-go/wechatpay/api/v3/ecommerce"
	"github.com/wxpay-go/wechatpay/api/v3/pay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The seeds written with the generated models: the same requests on the
// wire as the maps of e2e_test.go, and the replies decoded into models.
func TestModelsSeeds(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         &pay.TransactionsOutTradeNoReverseRequest{AppID: srv.AppID, MchID: srv.MchID},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out pay.TransactionsOutTradeNoReverseResponse
	if err := resp.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.OutTradeNo != "1217752501201407033233368018" || out.MchID != srv.MchID {
		t.Errorf("decoded %+v from %s", out, resp.Body)
	}

	resp, err = client.Chain("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse").Post(ctx, wechatpay.M{
		"combine_out_trade_no": "P20150806125346",
		"json": &ecommerce.CombinePapayTransactionsReverseRequest{
			CombineAppID: srv.AppID,
			SubOrders: []ecommerce.CombinePapayTransactionsReverseRequestSubOrders{{
				MchID: srv.MchID, OutTradeNo: "20150806125346", SubMchID: "1900000109", SubAppID: "wxd678efh567hg6999",
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 204 {
		t.Fatalf("combine reverse: %d", resp.StatusCode)
	}
	if err := resp.Decode(&out); err == nil {
		t.Error("a 204 decoded")
	}

	// A GET with its query as a struct: the json tags name the parameters.
	resp, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "NOPE", "query": &pay.TransactionsOutTradeNoRequest{MchID: srv.MchID},
	})
	if err == nil || resp != nil {
		t.Fatalf("query of an unknown order: %v", err)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Target, "NOPE") && !strings.Contains(r.Target, "mchid="+srv.MchID) {
			t.Errorf("query struct sent as %s", r.Target)
		}
	}
}

func TestModelsV2Seed(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.V2Client()
	resp, err := client.Chain("v2/secapi/pay/facepayreverse").Post(context.Background(), wechatpay.M{
		"security": true,
		"xml": &secapi.PayFacepayreverseRequest{
			AppID: "wx8888888888888888", SubAppID: "wx8888888888888888", MchID: "1900000109", SubMchID: "1900000100",
			TransactionID: "1217752501201407033233368018", OutTradeNo: "1217752501201407033233368018", SignType: "HMAC-SHA256",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out secapi.PayFacepayreverseResponse
	if err := resp.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.ReturnCode != "SUCCESS" || out.ResultCode != "SUCCESS" {
		t.Errorf("decoded %+v", out)
	}
	var fields map[string]string
	if err := resp.Decode(&fields); err != nil || fields["return_code"] != "SUCCESS" {
		t.Errorf("fields %v, %v", fields, err)
	}
}
