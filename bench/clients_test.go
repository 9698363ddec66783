package bench

import (
	"context"
	"crypto/rsa"
	"io"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wxpay-go/wechatpay"
)

// send makes the seed request once and returns the verified reply body.
// Each call builds its request parameters afresh, as application code does.
type send func(ctx context.Context) ([]byte, error)

// ours is the seed request through this module's client.
func ours(tb testing.TB, baseURL string) send {
	tb.Helper()
	key := loadKey()
	c, err := wechatpay.New(wechatpay.Config{
		MchID: mchID, Serial: merchantSerial, PrivateKey: key, BaseURL: baseURL,
		Certs: map[string]*rsa.PublicKey{keyID: &key.PublicKey},
	})
	if err != nil {
		tb.Fatal(err)
	}
	node := c.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse")
	return func(ctx context.Context) ([]byte, error) {
		resp, err := node.Post(ctx, wechatpay.M{
			"out_trade_no": outTradeNo,
			"json":         wechatpay.M{"appid": appID, "mchid": mchID},
		})
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	}
}

// reverseRequest is the seed body as the official SDK's callers write
// requests: a struct, which encoding/json handles faster than a map.
type reverseRequest struct {
	Appid string `json:"appid"`
	Mchid string `json:"mchid"`
}

// theirs is the seed request through the official SDK, verifying replies
// with the same key in public-key-id mode (the certificate-downloading
// option would call the network).
func theirs(tb testing.TB, baseURL string) send {
	tb.Helper()
	key := loadKey()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(mchID, merchantSerial, key, keyID, &key.PublicKey))
	if err != nil {
		tb.Fatal(err)
	}
	url := baseURL + target
	return func(ctx context.Context) ([]byte, error) {
		result, err := c.Post(ctx, url, reverseRequest{Appid: appID, Mchid: mchID})
		if err != nil {
			return nil, err
		}
		defer result.Response.Body.Close()
		return io.ReadAll(result.Response.Body)
	}
}
