package paysign

import (
	"fmt"

	"github.com/wxpay-go/wechatpay/xmlsign"
)

// JSAPIV2 returns JSAPI parameters for prepayID, the prepay_id an APIv2
// unifiedorder (trade_type JSAPI) returned, signed with the APIv2 key
// secret. signType is xmlsign.MD5 or xmlsign.HMACSHA256 ("" for MD5) and
// must be the sign_type of the order.
func JSAPIV2(secret, signType, appID, prepayID string) (JSAPI, error) {
	ts, nonce := fresh()
	p := JSAPI{AppID: appID, TimeStamp: ts, NonceStr: nonce, Package: "prepay_id=" + prepayID}
	return p, p.SignV2(secret, signType)
}

// SignV2 sets SignType to signType ("" for MD5) and PaySign to the APIv2
// signature of appId, timeStamp, nonceStr, package and signType.
func (p *JSAPI) SignV2(secret, signType string) error {
	if signType == "" {
		signType = xmlsign.MD5
	}
	p.SignType = signType
	sig, err := signV2(secret, signType, map[string]string{
		"appId": p.AppID, "timeStamp": p.TimeStamp, "nonceStr": p.NonceStr,
		"package": p.Package, "signType": p.SignType,
	})
	if err != nil {
		return fmt.Errorf("paysign: JSAPI: %w", err)
	}
	p.PaySign = sig
	return nil
}

// APPV2 returns APP parameters for prepayID, the prepay_id an APIv2
// unifiedorder (trade_type APP) returned, signed with the APIv2 key
// secret. signType is that of the order: xmlsign.MD5 or xmlsign.HMACSHA256
// ("" for MD5).
func APPV2(secret, signType, appID, mchID, prepayID string) (APP, error) {
	ts, nonce := fresh()
	p := APP{AppID: appID, PartnerID: mchID, PrepayID: prepayID, Package: PackageApp, NonceStr: nonce, TimeStamp: ts}
	return p, p.SignV2(secret, signType)
}

// SignV2 sets Sign to the APIv2 signature of appid, partnerid, prepayid,
// package, noncestr and timestamp.
func (p *APP) SignV2(secret, signType string) error {
	sig, err := signV2(secret, signType, map[string]string{
		"appid": p.AppID, "partnerid": p.PartnerID, "prepayid": p.PrepayID,
		"package": p.Package, "noncestr": p.NonceStr, "timestamp": p.TimeStamp,
	})
	if err != nil {
		return fmt.Errorf("paysign: APP: %w", err)
	}
	p.Sign = sig
	return nil
}

func signV2(secret, signType string, params map[string]string) (string, error) {
	if secret == "" {
		return "", fmt.Errorf("no APIv2 key")
	}
	return xmlsign.Sign(params, secret, signType)
}
