package interop

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/consts"
	"github.com/wechatpay-apiv3/wechatpay-go/services/fileuploader"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/jsapi"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// TestWechatpayGoServices runs more of wechatpay-go's typed services than
// the Native flow: JSAPI prepay with the payment parameters it signs, a
// refund and its query, and an image upload (multipart, the signature
// over its meta part), with a public-key and a certificate merchant.
func TestWechatpayGoServices(t *testing.T) {
	for _, keys := range []wxpaytest.Keys{wxpaytest.KeysPublicKey, wxpaytest.KeysCertificate} {
		t.Run(keys.String(), func(t *testing.T) {
			m := newMerchant(t, keys)
			var c *core.Client
			if keys == wxpaytest.KeysPublicKey {
				c = m.publicKeyClient(t)
			} else {
				c = m.certificateClient(t)
			}
			ctx := context.Background()

			pay, _, err := (&jsapi.JsapiApiService{Client: c}).PrepayWithRequestPayment(ctx, jsapi.PrepayRequest{
				Appid: core.String(m.srv.AppID), Mchid: core.String(m.srv.MchID), Description: core.String("d"),
				OutTradeNo: core.String("GO-J1"), NotifyUrl: core.String("https://127.0.0.1:1/notify"),
				Amount: &jsapi.Amount{Total: core.Int64(100)}, Payer: &jsapi.Payer{Openid: core.String("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")},
			})
			if err != nil {
				t.Fatalf("JSAPI prepay: %v", err)
			}
			if !strings.HasPrefix(*pay.Package, "prepay_id=") || *pay.PaySign == "" || *pay.SignType != "RSA" {
				t.Errorf("JSAPI payment parameters: package %q signType %q", *pay.Package, *pay.SignType)
			}

			if err := m.srv.SetPaid("GO-J1"); err != nil {
				t.Fatal(err)
			}
			refunds := refunddomestic.RefundsApiService{Client: c}
			r, _, err := refunds.Create(ctx, refunddomestic.CreateRequest{
				OutTradeNo: core.String("GO-J1"), OutRefundNo: core.String("GO-R1"), Reason: core.String("r"),
				Amount: &refunddomestic.AmountReq{Refund: core.Int64(40), Total: core.Int64(100), Currency: core.String("CNY")},
			})
			if err != nil {
				t.Fatalf("refund: %v", err)
			}
			if *r.OutRefundNo != "GO-R1" || *r.Amount.Refund != 40 {
				t.Errorf("refund: %s %d", *r.OutRefundNo, *r.Amount.Refund)
			}
			q, _, err := refunds.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String("GO-R1")})
			if err != nil || *q.RefundId != *r.RefundId {
				t.Fatalf("refund query: %v %v", q, err)
			}

			var img bytes.Buffer
			if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
				t.Fatal(err)
			}
			up, result, err := (&fileuploader.ImageUploader{Client: c}).Upload(ctx, bytes.NewReader(img.Bytes()), "a.png", consts.ImagePNG)
			if err != nil {
				t.Fatalf("image upload: %v", err)
			}
			if result.Response.StatusCode != http.StatusOK || *up.MediaId == "" {
				t.Errorf("image upload: %d %v", result.Response.StatusCode, up)
			}
			if ups := m.srv.Uploads(); len(ups) != 1 || !bytes.Equal(ups[0].Content, img.Bytes()) || ups[0].Filename != "a.png" {
				t.Errorf("the server kept %+v", ups)
			}
		})
	}
}
