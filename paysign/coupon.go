package paysign

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/wxpay-go/wechatpay/xmlsign"
)

// CouponH5Base is the WeChat Pay page the H5 send-coupon flow redirects
// the user to.
const CouponH5Base = "https://action.weixin.qq.com/busifavor/getcouponinfo"

// CouponSign returns the sign of the mini-program send-coupon plugin
// (小程序发券插件) for merchant coupons (商家券) and payment coupons:
// coupons are the entries of send_coupon_params (stock_id, out_request_no,
// and coupon_code or other fields where the stock needs them), and
// sendCouponMerchant is send_coupon_merchant.
//
// As documented, each coupon's keys get the coupon's index as a suffix
// (stock_id0, out_request_no0, stock_id1, ...), send_coupon_merchant is
// added, and the result is signed by the APIv2 rule with HMAC-SHA256 and
// the APIv2 key of the sending merchant, even for APIv3 merchants:
//
//	out_request_no0=abc123&send_coupon_merchant=10016226&stock_id0=1234567&key=...
//
// Every field passed to the plugin must be signed, and nothing else.
func CouponSign(secret, sendCouponMerchant string, coupons []map[string]string) (string, error) {
	if len(coupons) == 0 {
		return "", fmt.Errorf("paysign: coupon: no coupons")
	}
	params := map[string]string{"send_coupon_merchant": sendCouponMerchant}
	for i, c := range coupons {
		for _, k := range [...]string{"stock_id", "out_request_no"} {
			if c[k] == "" {
				return "", fmt.Errorf("paysign: coupon %d has no %s", i, k)
			}
		}
		suffix := strconv.Itoa(i)
		for k, v := range c {
			params[k+suffix] = v
		}
	}
	return couponSign(secret, params)
}

// CouponURL returns the URL of the H5 send-coupon page (H5发券) for params
// (stock_id, out_request_no, send_coupon_merchant, open_id, and coupon_code
// where the stock needs it), signed as CouponSign signs and ending in
// #wechat_redirect.
func CouponURL(secret string, params map[string]string) (string, error) {
	for _, k := range [...]string{"stock_id", "out_request_no", "send_coupon_merchant", "open_id"} {
		if params[k] == "" {
			return "", fmt.Errorf("paysign: coupon URL: no %s", k)
		}
	}
	sign, err := couponSign(secret, params)
	if err != nil {
		return "", err
	}
	q := make(url.Values, len(params)+1)
	for k, v := range params {
		q.Set(k, v)
	}
	q.Set("sign", sign)
	return CouponH5Base + "?" + q.Encode() + "#wechat_redirect", nil
}

func couponSign(secret string, params map[string]string) (string, error) {
	if secret == "" {
		return "", fmt.Errorf("paysign: coupon: no APIv2 key")
	}
	sign, err := xmlsign.Sign(params, secret, xmlsign.HMACSHA256)
	if err != nil {
		return "", fmt.Errorf("paysign: coupon: %w", err)
	}
	return sign, nil
}
