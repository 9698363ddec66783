package paysign_test

import (
	"encoding/json"
	"fmt"

	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/paysign"
)

// After an APIv3 JSAPI or mini-program order returns its prepay_id, the
// server signs the parameters wx.requestPayment takes and hands them to
// the page as JSON.
func ExampleJSAPIV3() {
	key, err := keys.PrivateKey("../signer/testdata/merchant_key.pem") // apiclient_key.pem
	if err != nil {
		fmt.Println(err)
		return
	}
	params, err := paysign.JSAPIV3(key, "wxd678efh567hg6787", "wx201410272009395522657a690389285100")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(params) // {"appId":...,"timeStamp":...,"nonceStr":...,"package":...,"signType":"RSA","paySign":...}
	var m map[string]string
	json.Unmarshal(b, &m)
	fmt.Println(m["package"], m["signType"], len(m["paySign"]))
	// Output: prepay_id=wx201410272009395522657a690389285100 RSA 344
}

// Fields set by hand are signed as they are, as when reproducing the
// documentation's example.
func ExampleAPP_SignV3() {
	key, _ := keys.PrivateKey("../signer/testdata/merchant_key.pem")
	p := paysign.APP{
		AppID: "wx8888888888888888", PartnerID: "1900000109", PrepayID: "WX1217752501201407033233368018",
		Package: paysign.PackageApp, NonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", TimeStamp: "1414561699",
	}
	if err := p.SignV3(key); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Sign[:16])
	// Output: PP6pHnivZdO70yCZ
}

// APIv2 merchants sign with the APIv2 key instead.
func ExampleJSAPI_SignV2() {
	p := paysign.JSAPI{
		AppID: "wxd930ea5d5a258f4f", TimeStamp: "1414561699",
		NonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", Package: "prepay_id=wx201410272009395522657a690389285100",
	}
	if err := p.SignV2("192006250b4c09247ec02edce69f6a2d", "MD5"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.SignType, p.PaySign)
	// Output: MD5 FD19D752A746E5F238A6E53BD99EEBD0
}

// The mini-program send-coupon plugin takes send_coupon_params,
// send_coupon_merchant and this sign.
func ExampleCouponSign() {
	sign, err := paysign.CouponSign("192006250b4c09247ec02edce69f6a2d", "10016226", []map[string]string{
		{"stock_id": "1234567", "out_request_no": "abc123"},
	})
	fmt.Println(sign, err)
	// Output: AD7CD2967446E742075BF7A52CEBC5FE1A17A4042ED451A44DAABF9F04FFDD99 <nil>
}
