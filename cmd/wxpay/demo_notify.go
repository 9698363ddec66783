package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// demoNotify starts a merchant's callback endpoint on 127.0.0.1, has the
// test server send it a signed, encrypted payment callback as WeChat Pay
// would, and prints the verified, decrypted event; then a signature-test
// probe, which the endpoint refuses.
func demoNotify(ctx context.Context, w io.Writer, srv *wxpaytest.Server) error {
	v := &notify.Verifier{
		Keys:     signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()},
		APIv3Key: srv.APIv3Key,
		Replay:   &notify.NonceCache{},
	}
	type outcome struct {
		header http.Header
		n      *notify.Notification
		err    error
	}
	seen := make(chan outcome, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		n, err := v.Parse(r)
		seen <- outcome{r.Header.Clone(), n, err}
		notify.Reply(rw, err)
	}))
	defer hs.Close()

	fmt.Fprintf(w, "\n== Payment callback (支付成功通知) to the merchant's endpoint %s/notify\n", hs.URL)
	resp, err := srv.Notify(ctx, hs.URL+"/notify", "TRANSACTION.SUCCESS", map[string]any{
		"mchid": srv.MchID, "appid": srv.AppID,
		"out_trade_no": "1217752501201407033233368019", "transaction_id": "4200000985202103031441826015",
		"trade_type": "NATIVE", "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
		"success_time": "2018-06-08T10:34:56+08:00",
		"amount":       map[string]any{"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"},
	})
	if err != nil {
		return err
	}
	got := <-seen
	fmt.Fprintf(w, "-> POST /notify\n   Wechatpay-Serial: %s\n   Wechatpay-Timestamp: %s\n   Wechatpay-Nonce: %s\n   Wechatpay-Signature: %.24s…\n",
		got.header.Get(signer.HeaderSerial), got.header.Get(signer.HeaderTimestamp), got.header.Get(signer.HeaderNonce), got.header.Get(signer.HeaderSignature))
	if got.err != nil {
		return fmt.Errorf("the callback was refused: %w", got.err)
	}
	n := got.n
	// The ciphertext is long and says nothing to a reader.
	ct := n.Resource.Ciphertext
	fmt.Fprintf(w, "   %s\n", strings.Replace(string(n.Body), ct, ct[:min(len(ct), 16)]+"…", 1))
	fmt.Fprintf(w, "<- %d: callback verified (serial, timestamp, RSA signature); %s %s (%s), resource decrypted with the APIv3 key:\n",
		resp.StatusCode, n.EventType, n.ID, n.Summary)
	printBody(w, n.Plaintext)

	fmt.Fprintln(w, "\n== A WECHATPAY/SIGNTEST/ probe is refused")
	resp, err = srv.Notify(ctx, hs.URL+"/notify", "TRANSACTION.SUCCESS", `{}`, wxpaytest.SignTestProbe)
	if err != nil {
		return err
	}
	got = <-seen
	if !errors.Is(got.err, signer.ErrSignTest) {
		return fmt.Errorf("a signature-test probe was not caught: %v", got.err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(w, "<- %d %s (%v)\n", resp.StatusCode, body, got.err)
	return nil
}
