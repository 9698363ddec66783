package xmlsign_test

import (
	"fmt"

	"github.com/wxpay-go/wechatpay/xmlsign"
)

// The worked example of the WeChat Pay APIv2 signature rules.
func ExampleSign() {
	params := map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
	}
	key := "192006250b4c09247ec02edce69f6a2d"
	md5, _ := xmlsign.Sign(params, key, xmlsign.MD5)
	hmac, _ := xmlsign.Sign(params, key, xmlsign.HMACSHA256)
	fmt.Println(md5)
	fmt.Println(hmac)
	// Output:
	// 9A0A8659F005D6984697E2CA0A9CF3B7
	// 6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6
}

// Verifying a callback or a reply: the length of its sign tells the
// algorithm.
func ExampleVerify() {
	reply := map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
		"sign":        "9A0A8659F005D6984697E2CA0A9CF3B7",
	}
	fmt.Println(xmlsign.Verify(reply, "192006250b4c09247ec02edce69f6a2d"))
	reply["body"] = "tampered"
	fmt.Println(xmlsign.Verify(reply, "192006250b4c09247ec02edce69f6a2d"))
	// Output:
	// <nil>
	// xmlsign: signature does not match
}
