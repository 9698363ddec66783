package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// A net/http callback handler: parse, act on the event, reply. The test
// server plays WeChat Pay and sends one signed, encrypted callback.
func ExampleVerifier_Parse() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	v := &notify.Verifier{
		Keys:     signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}, // the merchant's Config.Certs
		APIv3Key: srv.APIv3Key,
		Replay:   &notify.NonceCache{},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := v.Parse(r)
		if err == nil {
			fmt.Println(n.EventType, n.Get("out_trade_no"), n.Get("amount.total"))
		}
		notify.Reply(w, err)
	})
	hs := httptest.NewServer(handler)
	defer hs.Close()

	resp, err := srv.Notify(context.Background(), hs.URL, "TRANSACTION.SUCCESS",
		`{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":100}}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode)
	// Output:
	// TRANSACTION.SUCCESS 1217752501201407033233368018 100
	// 204
}

// Decode puts the resource into the merchant's own type.
func ExampleNotification_Decode() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	v := &notify.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}, APIv3Key: srv.APIv3Key}

	type refund struct {
		OutRefundNo  string `json:"out_refund_no"`
		RefundStatus string `json:"refund_status"`
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := v.Parse(r)
		var rf refund
		if err == nil {
			err = n.Decode(&rf)
		}
		fmt.Printf("%+v %v\n", rf, err)
		notify.Reply(w, err)
	}))
	defer hs.Close()
	srv.Notify(context.Background(), hs.URL, "REFUND.SUCCESS", refund{OutRefundNo: "1217752501201407033233368018", RefundStatus: "SUCCESS"})
	// Output: {OutRefundNo:1217752501201407033233368018 RefundStatus:SUCCESS} <nil>
}

// WeChat Pay sends WECHATPAY/SIGNTEST/ probes to see whether merchants
// verify; they fail with signer.ErrSignTest and a 401 reply.
func ExampleReply() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	v := &notify.Verifier{Keys: signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()}, APIv3Key: srv.APIv3Key}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := v.Parse(r)
		fmt.Println(err)
		notify.Reply(w, err)
	}))
	defer hs.Close()

	resp, _ := srv.Notify(context.Background(), hs.URL, "TRANSACTION.SUCCESS", `{}`, wxpaytest.SignTestProbe)
	body := make([]byte, 200)
	n, _ := resp.Body.Read(body)
	fmt.Println(resp.StatusCode, string(body[:n]))
	// Output:
	// notify: verify: WECHATPAY/SIGNTEST/ probe signature
	// 401 {"code":"FAIL","message":"signature test probe rejected"}
}

// APIv2 callbacks: a payment result signed with the APIv2 key, or a refund
// result whose req_info is encrypted with it.
func ExampleParseV2() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := notify.ParseV2(r, srv.Secret)
		if err == nil && n.Refund {
			fmt.Println("refund", n.Fields["out_refund_no"], n.Fields["refund_status"])
		} else if err == nil {
			fmt.Println("payment", n.Fields["out_trade_no"], n.Fields["total_fee"])
		}
		notify.ReplyV2(w, err)
	}))
	defer hs.Close()

	ctx := context.Background()
	srv.NotifyV2(ctx, hs.URL, map[string]string{"result_code": "SUCCESS", "out_trade_no": "1409811653", "total_fee": "1"})
	resp, _ := srv.NotifyV2Refund(ctx, hs.URL, map[string]string{"out_refund_no": "131811191610442717309", "refund_status": "SUCCESS"})
	body := make([]byte, 200)
	n, _ := resp.Body.Read(body)
	fmt.Println(string(body[:n]))
	// Output:
	// payment 1409811653 1
	// refund 131811191610442717309 SUCCESS
	// <xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>
}
