package wechatpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// stdJSON is what marshalJSON must produce: encoding/json without HTML
// escaping.
func stdJSON(t testing.TB, v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestMarshalJSONMatchesEncodingJSON(t *testing.T) {
	type item struct {
		Name string `json:"name"`
	}
	for _, v := range []any{
		M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
		M{"amount": M{"total": 100, "currency": "CNY"}, "b": true, "n": nil, "f": 1.5, "big": int64(1) << 60, "u": uint(7)},
		M{"sub_orders": []M{{"mchid": "1", "out_trade_no": "2"}}, "list": []any{"a", 1, M{}}, "strs": []string{"x"}, "empty": []any{}, "nilslice": []any(nil)},
		M{"s": "<&> \"quoted\" back\\slash \b\f\n\r\t \x00\x1f \u2028\u2029 商户 \xff\xfe invalid"},
		map[string]string{"b": "2", "a": "1"},
		M{"struct": item{"x"}, "num": json.Number("12.50")},
		M{"k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16, "k17": 17},
		M(nil),
	} {
		got, err := marshalJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, v); string(got) != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func TestMarshalJSONReportsErrors(t *testing.T) {
	if _, err := marshalJSON(M{"ch": make(chan int)}); err == nil {
		t.Error("a channel was encoded")
	}
	cyclic := M{}
	cyclic["self"] = cyclic
	if _, err := marshalJSON(cyclic); err == nil {
		t.Error("a cycle was encoded")
	}
}

func FuzzMarshalJSONString(f *testing.F) {
	for _, s := range []string{"", "abc", "\x00\"\\", "商户\u2028", "\xff", "<script>&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := M{s: s, "nested": []any{s}}
		got, err := marshalJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if want := stdJSON(t, v); string(got) != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

func BenchmarkMarshalJSON(b *testing.B) {
	v := M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshalJSON(v); err != nil {
			b.Fatal(err)
		}
	}
}

// A string that is not valid UTF-8 (GBK text, say) is refused, naming
// where it is, rather than sent with U+FFFD in place of its bytes; valid
// text, a real U+FFFD and the six characters \ufffd go through.
func TestJSONInvalidUTF8IsRefused(t *testing.T) {
	const gbk = "\xc9\xcc\xc6\xb7" // 商品 in GBK
	type goods struct {
		Name string `json:"goods_name"`
		Note string
	}
	for _, tc := range []struct {
		name string
		json any
		want string // the error names this; "" for accepted
	}{
		{"value", M{"description": gbk}, "description is not valid UTF-8"},
		{"nested", M{"detail": M{"goods_detail": []any{M{"goods_name": "ok"}, M{"goods_name": gbk}}}}, "detail.goods_detail[1].goods_name is not valid UTF-8"},
		{"struct field", M{"detail": []goods{{Name: gbk}}}, "detail[0].goods_name is not valid UTF-8"},
		{"untagged struct field", &goods{Note: gbk}, "Note is not valid UTF-8"},
		{"flat map", map[string]string{"attach": gbk}, "attach is not valid UTF-8"},
		{"key", M{gbk: "v"}, "(a key) is not valid UTF-8"},
		{"raw", `{"description":"` + gbk + `"}`, "raw JSON is not valid UTF-8"},
		{"valid", M{"description": "商品"}, ""},
		{"U+FFFD itself", M{"description": "\ufffd"}, ""},
		{"the escape as text", M{"description": `\ufffd`}, ""},
		{"bytes", M{"data": []byte{0xc9, 0xcc}}, ""},
	} {
		rec := &recorder{}
		client, err := New(testConfig(rec))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Chain("v3/pay/transactions/native").Post(context.Background(), M{"json": tc.json})
		if tc.want == "" {
			if err != nil || len(rec.sent) != 1 {
				t.Errorf("%s: %v, %d sent", tc.name, err, len(rec.sent))
			}
			continue
		}
		var re *RequestError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GBK") || len(rec.sent) != 0 {
			t.Errorf("%s: %v (%d sent), want a RequestError saying %q", tc.name, err, len(rec.sent), tc.want)
		}
	}
}
