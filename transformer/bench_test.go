package transformer

import (
	"encoding/xml"
	"testing"
)

// reply15 is an order query reply of 15 fields, every string in CDATA as
// WeChat Pay writes them.
const reply15 = `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg>` +
	`<appid><![CDATA[wx2421b1c4370ec43b]]></appid><mch_id><![CDATA[10000100]]></mch_id>` +
	`<device_info><![CDATA[1000]]></device_info><nonce_str><![CDATA[TN55wO9Pba5yENl8]]></nonce_str>` +
	`<sign><![CDATA[BDF0099C15FF7BC6B1585FBB110AB635]]></sign><result_code><![CDATA[SUCCESS]]></result_code>` +
	`<openid><![CDATA[oUpF8uN95-Ptaags6E_roPHg7AG0]]></openid><is_subscribe><![CDATA[Y]]></is_subscribe>` +
	`<trade_type><![CDATA[MICROPAY]]></trade_type><bank_type><![CDATA[CCB_DEBIT]]></bank_type>` +
	`<total_fee>1</total_fee><fee_type><![CDATA[CNY]]></fee_type>` +
	`<transaction_id><![CDATA[1008450740201411110005820873]]></transaction_id></xml>`

func BenchmarkToMap(b *testing.B) {
	data := []byte(reply15)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		m, err := ToMap(data)
		if err != nil || len(m) != 15 {
			b.Fatal(m, err)
		}
	}
}

// encoding/xml doing the same job: any flat document into a map.
func BenchmarkToMapEncodingXML(b *testing.B) {
	data := []byte(reply15)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var doc struct {
			Fields []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
		m := make(map[string]string, len(doc.Fields))
		for _, f := range doc.Fields {
			m[f.XMLName.Local] = f.Value
		}
		if len(m) != 15 {
			b.Fatal(m)
		}
	}
}

func BenchmarkToXML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToXML(seedRequest); err != nil {
			b.Fatal(err)
		}
	}
}

// encoding/xml cannot marshal a map: the usual Go code declares the
// request as a struct.
type seedStruct struct {
	XMLName       xml.Name `xml:"xml"`
	AppID         string   `xml:"appid"`
	MchID         string   `xml:"mch_id"`
	OutTradeNo    string   `xml:"out_trade_no"`
	SignType      string   `xml:"sign_type"`
	SubAppID      string   `xml:"sub_appid"`
	SubMchID      string   `xml:"sub_mch_id"`
	TransactionID string   `xml:"transaction_id"`
}

var seedValue = seedStruct{
	AppID: "wx8888888888888888", MchID: "1900000109", OutTradeNo: "1217752501201407033233368018",
	SignType: "HMAC-SHA256", SubAppID: "wx8888888888888888", SubMchID: "1900000100",
	TransactionID: "1217752501201407033233368018",
}

func BenchmarkToXMLEncodingXML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xml.Marshal(&seedValue); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToXMLStruct(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToXML(&seedValue); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchmarkInputsAgree(t *testing.T) {
	a, err := ToXML(seedRequest)
	if err != nil {
		t.Fatal(err)
	}
	b, err := xml.Marshal(&seedValue)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) || string(a) != seedXML {
		t.Fatalf("ToXML %s\nencoding/xml %s", a, b)
	}
}
