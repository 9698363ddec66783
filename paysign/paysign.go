// Package paysign makes the signed parameters a mini-program, an Official
// Account page or an app passes to WeChat to start a payment, once the
// server has a prepay_id, and the signature of the merchant-coupon
// (商家券) send-coupon plugin and H5 page.
//
// APIv3 merchants sign with the merchant API private key (RSA-SHA256) over
// line-feed-terminated lines:
//
//	JSAPI / mini-program: appId\ntimeStamp\nnonceStr\npackage\n
//	APP:                  appid\ntimestamp\nnoncestr\nprepayid\n
//
// APIv2 merchants sign the same parameters with the APIv2 key, MD5 or
// HMAC-SHA256, by the APIv2 rule (xmlsign.Sign). The coupon signatures are
// always APIv2 HMAC-SHA256, even for APIv3 merchants.
package paysign

import (
	"crypto"
	"fmt"
	"strconv"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
)

// SignTypeRSA is the signType of APIv3 JSAPI parameters.
const SignTypeRSA = "RSA"

// PackageApp is the fixed package value of APP parameters.
const PackageApp = "Sign=WXPay"

// JSAPI holds the parameters of wx.requestPayment (mini-program) and of
// WeixinJSBridge getBrandWCPayRequest (Official Account pages). Its JSON
// form is the object those functions take.
type JSAPI struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"` // Unix seconds
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"` // "prepay_id=..."
	SignType  string `json:"signType"`
	PaySign   string `json:"paySign"`
}

// APP holds the parameters of the app SDK's PayReq. Its JSON form uses
// the names of the documentation.
type APP struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"` // the merchant id
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"` // always PackageApp
	NonceStr  string `json:"noncestr"`
	TimeStamp string `json:"timestamp"` // Unix seconds
	Sign      string `json:"sign"`
}

// fresh returns the timestamp and nonce of new parameters.
func fresh() (timestamp, nonce string) {
	return strconv.FormatInt(time.Now().Unix(), 10), signer.Nonce()
}

// JSAPIV3 returns signed JSAPI parameters for prepayID, the prepay_id an
// APIv3 JSAPI or mini-program order returned. key is the merchant API
// private key; appID the appid of the order.
func JSAPIV3(key crypto.Signer, appID, prepayID string) (JSAPI, error) {
	ts, nonce := fresh()
	p := JSAPI{AppID: appID, TimeStamp: ts, NonceStr: nonce, Package: "prepay_id=" + prepayID}
	return p, p.SignV3(key)
}

// SignV3 sets SignType to RSA and PaySign to the signature of the other
// fields, as they are.
func (p *JSAPI) SignV3(key crypto.Signer) error {
	p.SignType = SignTypeRSA
	sig, err := signer.Sign(key, lines(p.AppID, p.TimeStamp, p.NonceStr, p.Package))
	if err != nil {
		return fmt.Errorf("paysign: JSAPI: %w", err)
	}
	p.PaySign = sig
	return nil
}

// APPV3 returns signed APP parameters for prepayID, the prepay_id an APIv3
// APP order returned. key is the merchant API private key, mchID the
// merchant id.
func APPV3(key crypto.Signer, appID, mchID, prepayID string) (APP, error) {
	ts, nonce := fresh()
	p := APP{AppID: appID, PartnerID: mchID, PrepayID: prepayID, Package: PackageApp, NonceStr: nonce, TimeStamp: ts}
	return p, p.SignV3(key)
}

// SignV3 sets Sign to the signature of the other fields, as they are.
func (p *APP) SignV3(key crypto.Signer) error {
	sig, err := signer.Sign(key, lines(p.AppID, p.TimeStamp, p.NonceStr, p.PrepayID))
	if err != nil {
		return fmt.Errorf("paysign: APP: %w", err)
	}
	p.Sign = sig
	return nil
}

// lines joins fields, each followed by a line feed.
func lines(fields ...string) []byte {
	n := 0
	for _, f := range fields {
		n += len(f) + 1
	}
	b := make([]byte, 0, n)
	for _, f := range fields {
		b = append(b, f...)
		b = append(b, '\n')
	}
	return b
}
