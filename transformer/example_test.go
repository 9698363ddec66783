package transformer_test

import (
	"fmt"

	"github.com/wxpay-go/wechatpay/transformer"
)

func ExampleToXML() {
	body, err := transformer.ToXML(map[string]any{
		"mch_id":       "1900000109",
		"out_trade_no": "1217752501201407033233368018",
		"attach":       "a<b & c",
		"total_fee":    100,
	})
	fmt.Println(string(body), err)
	// Output: <xml><attach><![CDATA[a<b & c]]></attach><mch_id>1900000109</mch_id><out_trade_no>1217752501201407033233368018</out_trade_no><total_fee>100</total_fee></xml> <nil>
}

func ExampleToMap() {
	fields, err := transformer.ToMap([]byte(`<xml><return_code><![CDATA[SUCCESS]]></return_code><recall><![CDATA[N]]></recall><total_fee>100</total_fee></xml>`))
	fmt.Println(fields["return_code"], fields["recall"], fields["total_fee"], err)
	// Output: SUCCESS N 100 <nil>
}

// A document type declaration, the vehicle of XXE and "billion laughs",
// is refused outright.
func ExampleToMap_refusesDTD() {
	_, err := transformer.ToMap([]byte(`<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>`))
	fmt.Println(err)
	// Output: transformer: XML at byte 0: a DOCTYPE is not allowed (no DTD, no entity declarations)
}
