package wechatpay_test

import (
	"context"
	"crypto"
	"fmt"
	"io"
	"net/http"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Config.Transport plugs in net/http, for a proxy or a tracing round
// tripper. Signing and verification are unchanged: they sit above the
// transport.
func ExampleConfig_netHTTP() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.Transport = &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyFromEnvironment,
		TLSClientConfig: cfg.TLSConfig, // trusts the test server; leave it out for WeChat Pay
	}}}
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, resp.Get("trade_state"))
	// Output: 200 USERPAYING
}

// A transport.Middleware wraps the transport: here it traces each request
// as it goes on the wire, signed.
func ExampleConfig_middleware() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	trace := func(next transport.Doer) transport.Doer {
		return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
			req.Header.Set("X-Trace-Id", "trace-1")
			resp, err := next.Do(ctx, req)
			if err == nil {
				fmt.Println(req.Method, "/"+req.URI, "->", resp.StatusCode)
			}
			return resp, err
		})
	}
	cfg.Transport = trace(transport.NewFastHTTP(transport.FastHTTPOptions{TLSConfig: cfg.TLSConfig}))
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	_, err = client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
	})
	fmt.Println(err, srv.Requests()[0].Header.Get("X-Trace-Id"))
	// Output:
	// POST /v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse -> 200
	// <nil> trace-1
}

// remoteKey stands for a key held by an HSM or a KMS: the client only asks
// it to sign SHA-256 digests.
type remoteKey struct {
	local crypto.Signer // in real life, a call to the signing service
	calls int
}

func (k *remoteKey) Public() crypto.PublicKey { return k.local.Public() }

func (k *remoteKey) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	k.calls++
	return k.local.Sign(rand, digest, opts)
}

// Config.PrivateKey is any crypto.Signer, so the merchant key may stay in
// an HSM or a KMS.
func ExampleConfig_remoteKey() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	key := &remoteKey{local: srv.MerchantKey}
	cfg.PrivateKey = key
	client, err := wechatpay.New(cfg)
	if err != nil {
		panic(err)
	}
	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, "signed remotely:", key.calls)
	// Output: 200 signed remotely: 1
}
