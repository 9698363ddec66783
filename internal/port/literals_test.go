package port

import (
	"strconv"
	"strings"
	"testing"
)

// The string functions of the docs' samples, on literals, give the very
// string the sample's language computes. The PHP results follow
// json_encode's documented rules (serialize_precision -1); the Node ones
// were checked against node.
func TestStaticStrings(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"json_encode escapes non-ASCII and slashes", `json_encode(['name' => '腾大餐厅 😀', 'url' => 'https://a.b/c', 'q' => "\"\\\n\t\u{1}<&'"])`,
			`{"name":"\u817e\u5927\u9910\u5385 \ud83d\ude00","url":"https:\/\/a.b\/c","q":"\"\\\n\t\u0001<&'"}`},
		{"flags", `\json_encode(['name' => '腾大', 'url' => 'https://a.b/c', 'ls' => "\u{2028}"], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)`,
			`{"name":"腾大","url":"https://a.b/c","ls":"\u2028"}`},
		{"hex flags", `json_encode("<a href='x'>&\"", JSON_HEX_TAG|JSON_HEX_APOS|JSON_HEX_AMP|JSON_HEX_QUOT)`,
			`"\u003Ca href=\u0027x\u0027\u003E\u0026\u0022"`},
		{"lists and maps", `json_encode([[1, 'a'], [1 => 'a', 2 => 'b'], ['0' => 'a', '1' => 'b'], [], ['x' => null, 'y' => true, 'z' => false], ['a', 5 => 'b', 'c'], ['k' => 1, 'k' => 2]])`,
			`[[1,"a"],{"1":"a","2":"b"},["a","b"],[],{"x":null,"y":true,"z":false},{"0":"a","5":"b","6":"c"},{"k":2}]`},
		{"force object", `json_encode([[], ['a']], JSON_FORCE_OBJECT)`, `{"0":{},"1":{"0":"a"}}`},
		{"numbers", `json_encode([10.0, 1e25, 0.00001, 0.0001, 1.5, 0.1, -2, 0x1F, 1_000, 123456789012345678])`,
			`[10,1.0e+25,1.0e-5,0.0001,1.5,0.1,-2,31,1000,123456789012345678]`},
		{"zero fraction", `json_encode([10.0, 1.5], JSON_PRESERVE_ZERO_FRACTION)`, `[10.0,1.5]`},
		{"pretty print", `json_encode(['a' => [1, 2], 'b' => [], 'c' => ['d' => 'e']], JSON_PRETTY_PRINT)`,
			"{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": [],\n    \"c\": {\n        \"d\": \"e\"\n    }\n}"},
		{"concatenation and variables", `json_encode(['id' => $storeId, 'name' => 'No.' . $n . PHP_EOL])`, `{"id":"SZTX001","name":"No.7\n"}`},
		{"urlencode", `urlencode('https://example.com/r?a=1&b=two words~')`, `https%3A%2F%2Fexample.com%2Fr%3Fa%3D1%26b%3Dtwo+words%7E`},
		{"rawurlencode", `rawurlencode('two words~/中')`, `two%20words~%2F%E4%B8%AD`},
		{"urldecode", `\urldecode('a%20b+c%E4%B8%AD%zz')`, `a b c中%zz`},
		{"rawurldecode", `rawurldecode('a%20b+c%e4%b8%ad')`, `a b+c中`},
		{"urlencode of json_encode", `urlencode(json_encode(['a' => 'b c']))`, `%7B%22a%22%3A%22b+c%22%7D`},
		{"JSON.stringify", `JSON.stringify({ b: 1, 2: 'x', a: [1.5, 1e21, 0.0000001, 0.1, 123456789012345680000], '1': 'y', s: 'a/b\u2028é\n\u0001"' })`,
			"{\"1\":\"y\",\"2\":\"x\",\"b\":1,\"a\":[1.5,1e+21,1e-7,0.1,123456789012345680000],\"s\":\"a/b\u2028é\\n\\u0001\\\"\"}"},
		{"encodeURIComponent", `encodeURIComponent('https://example.com/a b?x=1&y=~*()!中')`, `https%3A%2F%2Fexample.com%2Fa%20b%3Fx%3D1%26y%3D~*()!%E4%B8%AD`},
		{"decodeURIComponent", `decodeURIComponent('a%20b+c%E4%B8%AD')`, `a b+c中`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			php := !strings.Contains(tc.src, "JSON.") && !strings.Contains(tc.src, "URIComponent")
			src := "$storeId = 'SZTX001';\n$n = 7;\n$instance->v2->pay->micropay->post(['xml' => ['f' => " + tc.src + "]]);"
			if !php {
				src = "wxpay.v2.pay.micropay({ f: " + tc.src + " })"
			}
			res, err := Convert([]byte(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Diagnostics) > 0 {
				t.Fatalf("not ported: %v", res.Diagnostics)
			}
			_, lit, ok := strings.Cut(string(res.Code), `"f": `)
			if !ok {
				t.Fatalf("no field f:\n%s", res.Code)
			}
			lit, _, _ = strings.Cut(lit, ",\n")
			got, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("%v: %s", err, lit)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// What depends on a value not known when porting is reported, not
// guessed.
func TestStaticStringsOfUnknownValues(t *testing.T) {
	for _, src := range []string{
		`json_encode(['id' => $unknown])`,
		`json_encode(['n' => '1'], JSON_NUMERIC_CHECK)`,
		`json_encode(['n' => 1], $flags)`,
		`urlencode($order->url)`,
		"json_encode(\"\xff\")",
	} {
		res, err := Convert([]byte("$instance->v2->pay->micropay->post(['xml' => ['f' => "+src+"]]);"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "nil is sent in its place") || !strings.Contains(string(res.Code), `"f": nil`) {
			t.Errorf("%s: diagnostics %v\n%s", src, res.Diagnostics, res.Code)
		}
	}
}

// An array built above the snippet ports as the array it holds there; a
// hand-made sign of APIv2 fields is left out with a note, and nothing else.
func TestBuiltArraysAndHandMadeSigns(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // fragments, in order
		not       []string
	}{
		{"steps above, not below",
			"$q = ['a' => '1', 'b' => '2'];\n$q['b'] = '3';\n$q['c'] = \\WeChatPay\\Formatter::nonce();\n$instance->v3->x->get(['query' => $q]);\n$q['d'] = 'late';",
			[]string{`"a": "1",`, `"b": "3",`, `"c": signer.Nonce(),`}, []string{`"d"`, "q :="}},
		{"reassigned to something unknown",
			"$q = ['a' => '1'];\n$q = build();\n$instance->v3->x->get(['query' => $q]);",
			[]string{`q := wechatpay.M{} // TODO: set q`, `"query": q,`}, nil},
		{"a literal sign in v2 fields",
			"$instance->v2->papay->h5entrustweb->get(['query' => ['plan_id' => '1', 'sign' => 'C380BEC2BFD727A4B6845133519F3AD6']]);",
			[]string{"// port: a sign of line 1 is left out: the client signs APIv2 requests itself", `"plan_id": "1",`}, []string{`"sign"`}},
		{"a v3 body keeps a field named sign",
			"$instance->v3->x->post(['json' => ['sign' => 'abc']]);",
			[]string{`"sign": "abc",`}, []string{"left out"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Convert([]byte(tc.src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Diagnostics) > 0 {
				t.Errorf("diagnostics %v", res.Diagnostics)
			}
			rest := string(res.Code)
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("code lacks %q (in order):\n%s", w, res.Code)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tc.not {
				if strings.Contains(string(res.Code), n) {
					t.Errorf("code has %q:\n%s", n, res.Code)
				}
			}
		})
	}
}
