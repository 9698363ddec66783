package schema

import (
	"strings"
	"testing"
)

func TestEveryLineDecodes(t *testing.T) {
	keys := Keys()
	if len(keys) < 1154 {
		t.Fatalf("%d operations, want at least 1154", len(keys))
	}
	for _, k := range keys {
		if op := Lookup(k); op == nil || op.Key != k {
			t.Fatalf("%s: %+v", k, op)
		}
	}
	if Lookup("GET v3/nowhere") != nil {
		t.Error("an unknown operation was found")
	}
}

const refund = "POST v3/refund/domestic/refunds"

func TestCheckJSON(t *testing.T) {
	op := Lookup(refund)
	good := `{"out_trade_no":"1217752501201407033233368018","out_refund_no":"1217752501201407033233368019","reason":"x","amount":{"refund":1,"total":1,"currency":"CNY"},"goods_detail":[{"merchant_goods_id":"1","refund_amount":1,"quantity":1,"unit_price":1,"refund_quantity":1}],"atach":"x"}`
	for _, level := range []Level{Kinds, Server} {
		if e := CheckJSON(op.Body, "body", []byte(good), level); e != nil {
			t.Errorf("level %d: %v", level, e)
		}
	}
	for _, c := range []struct {
		body  string
		level Level
		want  string
	}{
		{`{"amount":{"total":"1"}}`, Kinds, "body field amount.total: is a string, want an integer"},
		{`{"amount":{"total":0.01}}`, Kinds, "body field amount.total: is a number with a fraction (0.01), want an integer"},
		{`{"amount":[]}`, Kinds, "body field amount: is an array, want an object"},
		{`{"goods_detail":{}}`, Kinds, "body field goods_detail: is an object, want an array"},
		{`{"goods_detail":[{"quantity":1},{"unit_price":"9"}]}`, Kinds, "body field goods_detail[1].unit_price: is a string, want an integer"},
		{`{"out_trade_no":"1","amount":{"refund":1,"total":1,"currency":"CNY"}}`, Server, "body field out_refund_no: is required"},
		{`{"out_refund_no":"1","out_trade_no":"2","amount":{"refund":1,"total":1}}`, Server, "body field amount.currency: is required"},
		{`{"out_refund_no":"1","out_trade_no":"2","amount":{"refund":1,"total":1,"currency":"CNY"},"atach":1}`, Strict, "body field atach: is not a field of this operation"},
	} {
		e := CheckJSON(op.Body, "body", []byte(c.body), c.level)
		if e == nil || !strings.HasPrefix(e.Error(), c.want) {
			t.Errorf("%s at level %d: %v, want %s", c.body, c.level, e, c.want)
		}
	}
	// Unknown fields pass below Strict.
	if e := CheckJSON(op.Body, "body", []byte(`{"atach":{"x":[1]}}`), Kinds); e != nil {
		t.Error(e)
	}
}

func TestDidYouMean(t *testing.T) {
	op := Lookup("POST v3/pay/transactions/native")
	e := CheckJSON(op.Body, "body", []byte(`{"atach":"x"}`), Strict)
	if e == nil || !strings.Contains(e.Error(), "did you mean attach?") {
		t.Errorf("%v", e)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{{"atach", "attach", true}, {"attahc", "attach", true}, {"attach", "attach", false}, {"atch", "attach", false}, {"attaxh", "attach", true}} {
		if oneEdit(c.a, c.b) != c.want {
			t.Errorf("oneEdit(%s, %s) != %v", c.a, c.b, c.want)
		}
	}
}

func TestEnumAndTime(t *testing.T) {
	op := Lookup("POST v3/pay/transactions/native")
	e := CheckJSON(op.Body, "body", []byte(`{"time_expire":"2026-01-01 08:00:00"}`), Server)
	if e == nil || e.Field != "time_expire" {
		t.Errorf("%v", e)
	}
	for s, want := range map[string]bool{"2018-06-08T10:34:56+08:00": true, "2018-06-08T10:34:56.123Z": true,
		"2018-06-08T10:34:56": false, "2018-13-08T10:34:56+08:00": false, "2018-06-08T10:34:56+0800": false} {
		if IsDateTime(s) != want {
			t.Errorf("IsDateTime(%s) != %v", s, want)
		}
	}
}

func TestCheckQueryAndFields(t *testing.T) {
	op := Lookup("GET v3/refund/domestic/refunds/{out_refund_no}")
	if op.Query != nil {
		if e := op.CheckQuery("sub_mchid=1900000109", Strict); e != nil {
			t.Error(e)
		}
	}
	list := Lookup("GET v3/marketing/favor/stocks")
	if e := list.CheckQuery("offset=x&limit=10", Kinds); e == nil || e.Field != "offset" || e.In != "query" {
		t.Errorf("%v", e)
	}
	v2 := Lookup("POST v2/pay/orderquery")
	if e := v2.CheckField("total_fee", "1.5", Kinds); e != nil && e.Field != "total_fee" {
		t.Errorf("%v", e)
	}
	e := CheckFields(v2.Body, "fields", map[string]string{"appid": "wx1", "mch_id": "1", "nonce_str": "x", "sign": "y"}, Server)
	// Either number names the order, so the overlay requires neither alone.
	if e != nil {
		t.Errorf("orderquery by neither number: %v; the overlay makes each optional", e)
	}
	e = CheckFields(v2.Body, "fields", map[string]string{"appid": strings.Repeat("w", 33), "mch_id": strings.Repeat("1", 33), "nonce_str": "x", "sign": "y"}, Server)
	if e == nil || e.Field != "appid" {
		t.Errorf("%v, want appid named first of two fields too long", e)
	}
	state := Lookup("POST v2/applyment/micro/getstate")
	if e := state.CheckField("business_code", strings.Repeat("码", 11), Server); e == nil || e.Error() != "fields field business_code: is 33 bytes long, at most 32" {
		t.Errorf("%v", e)
	}
	if e := state.CheckField("business_code", strings.Repeat("码", 11), Kinds); e != nil {
		t.Errorf("maxLength checked at the Kinds level: %v", e)
	}
	if !matchIndexed("coupon_fee_$n", "coupon_fee_12") || matchIndexed("coupon_fee_$n", "coupon_fee_") {
		t.Error("indexed names")
	}
}

func TestNoAllocations(t *testing.T) {
	op := Lookup(refund)
	body := []byte(`{"out_trade_no":"1217752501201407033233368018","out_refund_no":"1217752501201407033233368019","reason":"x","amount":{"refund":1,"total":1,"currency":"CNY"},"goods_detail":[{"merchant_goods_id":"1","refund_amount":1,"quantity":1,"unit_price":1,"refund_quantity":1}]}`)
	for _, level := range []Level{Kinds, Server} {
		if n := testing.AllocsPerRun(100, func() {
			if e := CheckJSON(op.Body, "body", body, level); e != nil {
				t.Fatal(e)
			}
		}); n != 0 {
			t.Errorf("level %d: %v allocations per check", level, n)
		}
	}
	list := Lookup("GET v3/marketing/favor/stocks")
	if n := testing.AllocsPerRun(100, func() { _ = list.CheckQuery("offset=0&limit=10", Kinds) }); n != 0 {
		t.Errorf("query: %v allocations per check", n)
	}
	method, path, _ := strings.Cut(refund, " ")
	if Find(method, path) != op || Find("GET", "v3/no/such/operation") != nil {
		t.Error("Find does not agree with Lookup")
	}
	if n := testing.AllocsPerRun(100, func() { _ = Find(method, path) }); n != 0 {
		t.Errorf("Find: %v allocations per call", n)
	}
}
