package transformer

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The request of the face-pay reverse (撤销订单) seed, as the PHP snippet
// passes it.
var seedRequest = map[string]any{
	"appid":          "wx8888888888888888",
	"sub_appid":      "wx8888888888888888",
	"mch_id":         "1900000109",
	"sub_mch_id":     "1900000100",
	"transaction_id": "1217752501201407033233368018",
	"out_trade_no":   "1217752501201407033233368018",
	"sign_type":      "HMAC-SHA256",
}

const seedXML = "<xml><appid>wx8888888888888888</appid><mch_id>1900000109</mch_id>" +
	"<out_trade_no>1217752501201407033233368018</out_trade_no><sign_type>HMAC-SHA256</sign_type>" +
	"<sub_appid>wx8888888888888888</sub_appid><sub_mch_id>1900000100</sub_mch_id>" +
	"<transaction_id>1217752501201407033233368018</transaction_id></xml>"

func TestToXMLSeed(t *testing.T) {
	for _, v := range []any{seedRequest, toStrings(seedRequest)} {
		got, err := ToXML(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != seedXML {
			t.Fatalf("%T:\n got %s\nwant %s", v, got, seedXML)
		}
	}
}

func toStrings(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v.(string)
	}
	return out
}

type stringer struct{}

func (stringer) String() string { return "str" }

func TestToXMLValues(t *testing.T) {
	day := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "<xml></xml>"},
		{"empty", map[string]any{}, "<xml></xml>"},
		{"scalars", map[string]any{"a": 1, "b": true, "c": 1.5, "d": uint8(7), "e": nil, "f": []byte("raw"), "g": stringer{}, "h": day, "i": int64(-3)},
			"<xml><a>1</a><b>true</b><c>1.5</c><d>7</d><e></e><f>raw</f><g>str</g><h>2026-01-02T03:04:05Z</h><i>-3</i></xml>"},
		{"cdata", map[string]string{"a": "x<y", "b": "x>y", "c": "x&y", "d": `x"y`, "e": "x'y"},
			"<xml><a><![CDATA[x<y]]></a><b><![CDATA[x>y]]></b><c><![CDATA[x&y]]></c><d><![CDATA[x\"y]]></d><e>x'y</e></xml>"},
		{"cdata end inside", map[string]string{"a": "<a>]]></a>"}, "<xml><a><![CDATA[<a>]]]]><![CDATA[></a>]]></a></xml>"},
		{"carriage return", map[string]string{"a": "1\r\n2", "b": "<\r>"}, "<xml><a>1&#13;\n2</a><b><![CDATA[<]]>&#13;<![CDATA[>]]></b></xml>"},
		{"utf-8 and tab", map[string]string{"body": "腾讯充值中心-QQ会员充值\t😀"}, "<xml><body>腾讯充值中心-QQ会员充值\t😀</body></xml>"},
		{"invalid names become item", map[string]string{"1": "a", "a b": "b", "-x": "c", "": "d", "ok.name-1:x": "e", "名字": "f"},
			"<xml><item>d</item><item>c</item><item>a</item><item>b</item><ok.name-1:x>e</ok.name-1:x><名字>f</名字></xml>"},
		{"nested map", map[string]any{"detail": map[string]any{"cost_price": 608800, "receipt_id": "wx123"}, "a": "1"},
			"<xml><a>1</a><detail><cost_price>608800</cost_price><receipt_id>wx123</receipt_id></detail></xml>"},
		{"nested string map", map[string]any{"d": map[string]string{"y": "2", "x": "1"}}, "<xml><d><x>1</x><y>2</y></d></xml>"},
		{"slice", map[string]any{"goods": []any{map[string]any{"id": "1"}, map[string]string{"id": "2"}, "three"}},
			"<xml><goods><item><id>1</id></item><item><id>2</id></item><item>three</item></goods></xml>"},
		{"string slice", map[string]any{"ids": []string{"a", "b"}}, "<xml><ids><item>a</item><item>b</item></ids></xml>"},
		{"top-level slice", []string{"a", "b"}, "<xml><item>a</item><item>b</item></xml>"},
		{"integer keys", map[int]string{10: "b", 2: "a"}, "<xml><item>a</item><item>b</item></xml>"},
		{"typed map", map[string]int{"b": 2, "a": 1}, "<xml><a>1</a><b>2</b></xml>"},
		{"pointer values", map[string]any{"a": ptr("x"), "b": (*string)(nil)}, "<xml><a>x</a><b></b></xml>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ToXML(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

type Base struct {
	AppID string `xml:"appid"`
	MchID string `xml:"mch_id"`
}

type reverseRequest struct {
	XMLName xml.Name `xml:"xml"`
	Base
	SubMchID      string    `xml:"sub_mch_id,omitempty"`
	TransactionID string    `xml:"transaction_id,omitempty"`
	OutTradeNo    string    `xml:"out_trade_no"`
	TotalFee      int       `xml:"total_fee,omitempty"`
	Secret        string    `xml:"-"`
	NoTag         string    // written under its Go name
	Detail        *detail   `xml:"detail,omitempty"`
	Goods         []detail  `xml:"goods"`
	hidden        string    //nolint:unused // unexported fields are skipped
	Embedded      *struct{} `xml:"-"`
}

type detail struct {
	CostPrice int `xml:"cost_price"`
}

func TestToXMLStruct(t *testing.T) {
	r := reverseRequest{
		Base:       Base{AppID: "wx8888888888888888", MchID: "1900000109"},
		OutTradeNo: "1217752501201407033233368018",
		Secret:     "never",
		NoTag:      "n",
		Detail:     &detail{CostPrice: 1},
		Goods:      []detail{{2}, {3}},
		hidden:     "never",
	}
	want := "<xml><appid>wx8888888888888888</appid><mch_id>1900000109</mch_id>" +
		"<out_trade_no>1217752501201407033233368018</out_trade_no><NoTag>n</NoTag>" +
		"<detail><cost_price>1</cost_price></detail><goods><item><cost_price>2</cost_price></item><item><cost_price>3</cost_price></item></goods></xml>"
	for _, v := range []any{r, &r} {
		got, err := ToXML(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	}
	// The same request as a map gives the same fields.
	fromStruct, _ := ToXML(struct {
		A string `xml:"a"`
		B int    `xml:"b"`
	}{"x", 1})
	fromMap, _ := ToXML(map[string]any{"a": "x", "b": 1})
	if string(fromStruct) != string(fromMap) {
		t.Fatalf("%s != %s", fromStruct, fromMap)
	}
}

func TestToXMLErrors(t *testing.T) {
	loop := map[string]any{}
	loop["self"] = loop
	cases := map[string]any{
		"scalar":         "x",
		"number":         42,
		"control char":   map[string]string{"a": "x\x01y"},
		"NUL":            map[string]any{"a": "\x00"},
		"U+FFFE":         map[string]string{"a": "\uFFFE"},
		"invalid UTF-8":  map[string]string{"body": "\xff\xfe"},
		"nested invalid": map[string]any{"d": map[string]any{"x": "\x07"}},
		"channel":        map[string]any{"c": make(chan int)},
		"func":           map[string]any{"f": func() {}},
		"cycle":          loop,
		"attr tag": struct {
			A string `xml:"a,attr"`
		}{"x"},
		"bool key": map[bool]string{true: "x"},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := ToXML(v)
			if err == nil {
				t.Fatalf("no error; wrote %s", out)
			}
			if !strings.HasPrefix(err.Error(), "transformer: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestToMap(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"plain", "<xml><a>1</a><b>two</b></xml>", map[string]string{"a": "1", "b": "two"}},
		{"cdata", "<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>",
			map[string]string{"return_code": "SUCCESS", "total_fee": "1"}},
		{"cdata with markup", "<xml><a><![CDATA[<b>&amp;</b>]]></a></xml>", map[string]string{"a": "<b>&amp;</b>"}},
		{"split cdata", "<xml><a><![CDATA[x]]]]><![CDATA[>y]]></a></xml>", map[string]string{"a": "x]]>y"}},
		{"entities", "<xml><a>&lt;&gt;&amp;&quot;&apos;&#20013;&#x6587;&#13;</a></xml>", map[string]string{"a": "<>&\"'中文\r"}},
		{"text and cdata", "<xml><a>x<![CDATA[<y>]]>z<!-- c --></a></xml>", map[string]string{"a": "x<y>z"}},
		{"empty", "<xml><a></a><b/><c /></xml>", map[string]string{"a": "", "b": "", "c": ""}},
		{"whitespace kept", "<xml><a> x </a></xml>", map[string]string{"a": " x "}},
		{"layout", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- reply -->\n<xml>\n  <a>1</a>\n  <!-- x -->\n  <b>2</b>\n</xml>\n",
			map[string]string{"a": "1", "b": "2"}},
		{"BOM", "\uFEFF<xml><a>1</a></xml>", map[string]string{"a": "1"}},
		{"any root", "<root><a>1</a></root>", map[string]string{"a": "1"}},
		{"self-closing root", "<xml/>", map[string]string{}},
		{"attributes ignored", `<xml a="1"><b c='2' d="&amp;">x</b></xml>`, map[string]string{"b": "x"}},
		{"nested as raw XML", "<xml><detail><cost_price>608800</cost_price><goods_detail><goods_id>1</goods_id></goods_detail></detail><a>1</a></xml>",
			map[string]string{"detail": "<cost_price>608800</cost_price><goods_detail><goods_id>1</goods_id></goods_detail>", "a": "1"}},
		{"nested with text", "<xml><d> <x>1</x> <y/></d></xml>", map[string]string{"d": " <x>1</x> <y/>"}},
		{"end tag with space", "<xml><a>1</a ></xml >", map[string]string{"a": "1"}},
		{"unicode names", "<xml><名字>值</名字></xml>", map[string]string{"名字": "值"}},
		{"CRLF normalized", "<xml>\r\n<a>1\r\n2\r3</a></xml>", map[string]string{"a": "1\n2\n3"}},
		{"illegal characters stripped", "<xml><a>1\x002\x01\x1f3\uFFFE\uFFFF</a>\x0b</xml>", map[string]string{"a": "123"}},
		{"PI inside", "<xml><?php x ?><a>1</a></xml>", map[string]string{"a": "1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ToMap([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestToMapRefuses(t *testing.T) {
	cases := map[string]struct{ in, reason string }{
		"empty":            {"", "empty"},
		"blank":            {" \n", "empty"},
		"not XML":          {"交易时间,公众账号ID\n`2014-11-10 16:33:45,`wx2421b1c4370ec43b\n", "does not start with an element"},
		"JSON":             {`{"retcode":0}`, "does not start with an element"},
		"unclosed root":    {"<xml><a>1</a>", "not closed"},
		"unclosed field":   {"<xml><a>1</xml>", "does not close"},
		"mismatched":       {"<xml><a>1</b></xml>", "does not close"},
		"mismatched deep":  {"<xml><a><b>1</c></a></xml>", "does not close"},
		"duplicate":        {"<xml><a>1</a><a>2</a></xml>", "appears twice"},
		"text beside":      {"<xml>oops<a>1</a></xml>", "text beside"},
		"cdata beside":     {"<xml><![CDATA[x]]><a>1</a></xml>", "text beside"},
		"after root":       {"<xml></xml><xml></xml>", "after the root"},
		"text after root":  {"<xml></xml>x", "after the root"},
		"bare ampersand":   {"<xml><a>AT&T</a></xml>", "entity"},
		"undefined entity": {"<xml><a>&nbsp;</a></xml>", "not defined"},
		"NUL reference":    {"<xml><a>&#0;</a></xml>", "not defined"},
		"huge reference":   {"<xml><a>&#x110000;</a></xml>", "not defined"},
		"XXE": {`<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>`,
			"DOCTYPE is not allowed"},
		"billion laughs": {`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>`,
			"DOCTYPE is not allowed"},
		"entity without DTD":   {"<xml><a>&lol2;</a></xml>", "not defined"},
		"DOCTYPE in field":     {"<xml><a><!DOCTYPE x></a></xml>", "not allowed"},
		"invalid UTF-8":        {"<xml><a>\xff</a></xml>", "UTF-8"},
		"GBK declared":         {`<?xml version="1.0" encoding="GBK"?><xml/>`, "GBK"},
		"unclosed comment":     {"<xml><!-- x</xml>", "comment"},
		"unclosed cdata":       {"<xml><a><![CDATA[x</a></xml>", "CDATA"},
		"bad attribute":        {"<xml a=1></xml>", "quoted"},
		"lt in attribute":      {`<xml a="<"></xml>`, "'<'"},
		"no name":              {"<xml><>1</></xml>", "name"},
		"digit name":           {"<xml><1>x</1></xml>", "name"},
		"stray slash":          {"<xml><a/ >1</a></xml>", "stray"},
		"unclosed start tag":   {"<xml><a", "not closed"},
		"unclosed PI":          {"<?xml version='1.0'", "not closed"},
		"no root, only prolog": {"<?xml version='1.0'?>", "no root"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ToMap([]byte(tc.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a *SyntaxError", got, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %q does not say %q", err, tc.reason)
			}
		})
	}
}

func TestToMapLimits(t *testing.T) {
	big := make([]byte, MaxBytes+1)
	if _, err := ToMap(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized input: %v", err)
	}
	deep := "<xml><a>" + strings.Repeat("<b>", MaxDepth) + strings.Repeat("</b>", MaxDepth) + "</a></xml>"
	if _, err := ToMap([]byte(deep)); err == nil || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep nesting: %v", err)
	}
	ok := "<xml><a>" + strings.Repeat("<b>", MaxDepth-2) + strings.Repeat("</b>", MaxDepth-2) + "</a></xml>"
	if _, err := ToMap([]byte(ok)); err != nil {
		t.Errorf("nesting at the limit: %v", err)
	}
}

// ToMap reads back what ToXML writes, whatever the values hold.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab<>&\"']]\r\n\t 中😀;#x0")
	for range 2000 {
		m := map[string]string{}
		for range r.IntN(8) {
			var b strings.Builder
			for range r.IntN(12) {
				b.WriteRune(alphabet[r.IntN(len(alphabet))])
			}
			m[fmt.Sprintf("k%d", r.IntN(20))] = b.String()
		}
		data, err := ToXML(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ToMap(data)
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Fatalf("%q: (-want +got)\n%s", data, diff)
		}
		// encoding/xml reads the same document the same way.
		var doc struct {
			Fields []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("encoding/xml: %q: %v", data, err)
		}
		for _, f := range doc.Fields {
			if m[f.XMLName.Local] != f.Value {
				t.Fatalf("encoding/xml reads %s=%q, ToMap %q", f.XMLName.Local, f.Value, m[f.XMLName.Local])
			}
		}
	}
}

// The common shapes come back as substrings of one copy of the input.
func TestToMapAllocations(t *testing.T) {
	data := []byte(reply15)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ToMap(data); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 6 {
		t.Errorf("%.0f allocations to read a 15-field reply, want at most 6 (one copy of the input, the map)", allocs)
	}
}

// sanitize, with its eight-bytes-at-a-time path, agrees with the plain
// rule: strip what XML 1.0 forbids, turn CR LF and CR into LF.
func TestSanitizeMatchesTheRule(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "<", " ", "\t", "\n", "\r", "\r\n", "\x00", "\x01", "\x1f", "\x7f", "é", "中", "😀", "\uFFFE", "\uFFFF", "\uE000", "abcdefgh", "12345678"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		in := b.String()
		var want strings.Builder
		for _, c := range strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\r", "\n") {
			if legalRune(c) {
				want.WriteRune(c)
			}
		}
		got, err := sanitize([]byte(in))
		if err != nil || got != want.String() {
			t.Fatalf("sanitize(%q) = %q, %v; want %q", in, got, err, want.String())
		}
	}
	if _, err := sanitize([]byte("abcdefgh\xffabcdefgh")); err == nil {
		t.Fatal("invalid UTF-8 after an ASCII run passed")
	}
}
