package wxpaytest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
)

// Every prepay endpoint places an order of its trade type, answers what
// the payer's side needs, and its order can be paid with its callback.
func TestPrepayKinds(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	m := newMerchantEndpoint(t, srv)
	for _, tc := range []struct {
		path, tradeType, field, prefix string
		extra                          wechatpay.M
	}{
		{"v3/pay/transactions/native", "NATIVE", "code_url", "weixin://wxpay/bizpayurl?pr=", nil},
		{"v3/pay/transactions/jsapi", "JSAPI", "prepay_id", "wx", wechatpay.M{"payer": wechatpay.M{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o-jsapi"}}},
		{"v3/pay/transactions/app", "APP", "prepay_id", "wx", nil},
		{"v3/pay/transactions/h5", "MWEB", "h5_url", "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx",
			wechatpay.M{"scene_info": wechatpay.M{"payer_client_ip": "14.23.150.211", "h5_info": wechatpay.M{"type": "Wap"}}}},
	} {
		no := "PRE-" + tc.tradeType
		body := wechatpay.M{
			"appid": srv.AppID, "mchid": srv.MchID, "description": "Image形象店-深圳腾大-QQ公仔",
			"out_trade_no": no, "notify_url": m.URL, "amount": wechatpay.M{"total": 1, "currency": "CNY"},
		}
		for k, v := range tc.extra {
			body[k] = v
		}
		resp, err := c.Chain(tc.path).Post(ctx, wechatpay.M{"json": body})
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if got := resp.Get(tc.field).String(); !strings.HasPrefix(got, tc.prefix) || len(got) <= len(tc.prefix) {
			t.Errorf("%s: %s %q", tc.path, tc.field, got)
		}
		q, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": no, "query": wechatpay.M{"mchid": srv.MchID}})
		if err != nil {
			t.Fatal(err)
		}
		if q.Get("trade_type").String() != tc.tradeType || q.Get("trade_state").String() != "NOTPAY" {
			t.Errorf("%s: query %s", tc.path, q.Body)
		}
		if _, err := srv.Pay(ctx, no); err != nil {
			t.Fatalf("%s: Pay: %v", tc.path, err)
		}
	}
	v3, _ := m.got(t)
	if len(v3) != 4 {
		t.Fatalf("%d payment callbacks, want 4", len(v3))
	}
	if got := v3[1].Get("payer.openid").String(); got != "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o-jsapi" {
		t.Errorf("JSAPI callback payer.openid %q, want the order's payer", got)
	}
	if got := v3[3].Get("trade_type").String(); got != "MWEB" {
		t.Errorf("H5 callback trade_type %q", got)
	}
}

func TestPrepayRefusals(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	base := func(no string) wechatpay.M {
		return wechatpay.M{
			"appid": srv.AppID, "mchid": srv.MchID, "description": "d", "out_trade_no": no,
			"notify_url": "https://example.com/n", "amount": wechatpay.M{"total": 1},
		}
	}
	_, err := c.Chain("v3/pay/transactions/jsapi").Post(ctx, wechatpay.M{"json": base("J1")})
	if e := apiError(t, err); e.Code != "PARAM_ERROR" || !strings.Contains(e.Message, "/body/payer”") {
		t.Errorf("JSAPI without a payer: %v", err)
	}
	_, err = c.Chain("v3/pay/transactions/h5").Post(ctx, wechatpay.M{"json": base("H1")})
	if e := apiError(t, err); e.Code != "PARAM_ERROR" || !strings.Contains(e.Message, "/body/scene_info”") {
		t.Errorf("H5 without scene_info: %v", err)
	}
	if _, err := c.Chain("v3/pay/transactions/app").Post(ctx, wechatpay.M{"json": base("A1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Chain("v3/pay/transactions/app").Post(ctx, wechatpay.M{"json": base("A1")})
	if e := apiError(t, err); e.StatusCode != 403 || e.Code != "OUT_TRADE_NO_USED" {
		t.Errorf("an order placed twice: %v", err)
	}
}

// FailPayment and CloseOrder play what the payer and WeChat Pay do to an
// order that is not paid.
func TestFailAndCloseOrder(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := newClient(t, srv)
	for _, no := range []string{"F1", "F2"} {
		_, err := c.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
			"appid": srv.AppID, "mchid": srv.MchID, "description": "d", "out_trade_no": no,
			"notify_url": "https://example.com/n", "amount": wechatpay.M{"total": 1},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.FailPayment("F1"); err != nil {
		t.Fatal(err)
	}
	q, err := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{"out_trade_no": "F1", "query": wechatpay.M{"mchid": srv.MchID}})
	if err != nil || q.Get("trade_state").String() != "PAYERROR" || q.Get("trade_state_desc").String() != "支付失败" {
		t.Errorf("failed payment: %v %s", err, q.Body)
	}
	if err := srv.CloseOrder("F2"); err != nil {
		t.Fatal(err)
	}
	if got := srv.TradeState("F2"); got != "CLOSED" {
		t.Errorf("closed order is %q", got)
	}
	if _, err := srv.Pay(ctx, "F2"); err == nil {
		t.Error("a closed order was paid")
	}
	if err := srv.FailPayment("F2"); err == nil {
		t.Error("a closed order failed")
	}
}
