package wechatpay

import (
	"bytes"
	"encoding/json"
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
