package wechatpay

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// nativeOrder is a Native prepay body that passes every level.
func nativeOrder() M {
	return M{
		"appid": "wxd678efh567hg6787", "mchid": "1230000109",
		"description": "Image形象店-深圳腾大-QQ公仔", "out_trade_no": "1217752501201407033233368018",
		"notify_url": "https://www.weixin.qq.com/wxpay/pay.php",
		"amount":     M{"total": 100, "currency": "CNY"},
	}
}

// with returns the order with one field set (path "a.b" for a nested one).
func with(order M, path string, v any) M {
	m := order
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(M)
	}
	if v == nil {
		delete(m, keys[len(keys)-1])
	} else {
		m[keys[len(keys)-1]] = v
	}
	return order
}

// A request its operation's description refuses is refused before
// sending, naming the field; the level decides what is refused.
func TestChecksV3(t *testing.T) {
	const native = "v3/pay/transactions/native"
	for _, tc := range []struct {
		name  string
		level CheckLevel
		body  any
		want  string // "" when the request goes out
	}{
		{"valid", CheckKinds, nativeOrder(), ""},
		{"valid, strict", CheckStrict, nativeOrder(), ""},
		{"string for an integer", CheckKinds, with(nativeOrder(), "amount.total", "100"), "body field amount.total: is a string, want an integer"},
		{"yuan for fen", CheckKinds, with(nativeOrder(), "amount.total", 0.01), "body field amount.total: is a number with a fraction (0.01), want an integer"},
		{"object for an array", CheckKinds, with(nativeOrder(), "limit_pay", M{"x": 1}), "body field limit_pay: is an object, want an array"},
		{"in a list", CheckKinds, with(nativeOrder(), "detail", M{"goods_detail": []M{{"merchant_goods_id": "1", "quantity": 1, "unit_price": 1}, {"merchant_goods_id": "2", "quantity": "1", "unit_price": 1}}}),
			"body field detail.goods_detail[1].quantity: is a string, want an integer"},
		{"raw JSON", CheckKinds, `{"appid":"wx1","amount":{"total":"1"}}`, "body field amount.total: is a string"},
		{"unknown field passes", CheckServer, with(nativeOrder(), "atach", "x"), ""},
		{"unknown field, strict", CheckStrict, with(nativeOrder(), "atach", "x"), "body field atach: is not a field of this operation; did you mean attach?"},
		{"missing field passes by default", CheckKinds, with(nativeOrder(), "notify_url", nil), ""},
		{"missing field", CheckServer, with(nativeOrder(), "notify_url", nil), "body field notify_url: is required"},
		{"missing nested field", CheckServer, with(nativeOrder(), "amount.total", nil), "body field amount.total: is required"},
		{"enum", CheckServer, with(nativeOrder(), "limit_pay", []string{"no_cash"}), `body field limit_pay[0]: "no_cash" is not one of no_balance, no_credit, no_debit, balance_only`},
		{"date-time", CheckServer, with(nativeOrder(), "time_expire", "2026-12-06 10:00:00"), `body field time_expire: "2026-12-06 10:00:00" is not an RFC 3339 date-time`},
		{"date-time passes by default", CheckKinds, with(nativeOrder(), "time_expire", "2026-12-06 10:00:00"), ""},
		{"checks off", CheckNone, with(nativeOrder(), "amount.total", "100"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			cfg := testConfig(rec)
			cfg.Checks = tc.level
			client, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Chain(native).Post(context.Background(), M{"json": tc.body})
			checkRefusal(t, err, len(rec.sent), "POST "+native+": refused by the API description: "+tc.want, tc.want == "")
		})
	}
}

// checkRefusal wants err to be a RequestError with a FieldError inside
// reading want, and nothing sent; or, when sent, no error and one request.
func checkRefusal(t *testing.T, err error, n int, want string, sent bool) {
	t.Helper()
	if sent {
		if err != nil || n != 1 {
			t.Fatalf("err %v, %d sent; want it sent", err, n)
		}
		return
	}
	var rerr *RequestError
	var ferr *FieldError
	if !errors.As(err, &rerr) || !errors.As(err, &ferr) || !strings.HasPrefix(err.Error(), want) || n != 0 {
		t.Fatalf("err %v, %d sent;\nwant a RequestError with a FieldError starting %q, nothing sent", err, n, want)
	}
}

// maxLength counts bytes: 5 Chinese characters are 15 bytes.
func TestChecksMaxLengthInBytes(t *testing.T) {
	const associate = "v3/marketing/busifavor/coupons/associate"
	body := func(code string) M {
		return M{"coupon_code": code, "out_request_no": "1002600620019090123143254435", "out_trade_no": "MCH_102233445", "stock_id": "100088"}
	}
	for _, tc := range []struct {
		code  string
		level CheckLevel
		want  string
	}{
		{"码码码码码", CheckServer, ""},
		{"码码码码码1", CheckServer, "body field coupon_code: is 16 bytes long, at most 15"},
		{"码码码码码1", CheckKinds, ""},
	} {
		rec := &recorder{}
		cfg := testConfig(rec)
		cfg.Checks = tc.level
		client, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Chain(associate).Post(context.Background(), M{"json": body(tc.code)})
		checkRefusal(t, err, len(rec.sent), "POST "+associate+": refused by the API description: "+tc.want, tc.want == "")
	}
}

// Query parameters are checked as text: their kind is the form of the
// text; from CheckServer, required ones must be there.
func TestChecksQuery(t *testing.T) {
	const stocks = "v3/marketing/favor/stocks"
	valid := M{"offset": 0, "limit": 10, "stock_creator_mchid": "1230000109"}
	for _, tc := range []struct {
		name  string
		level CheckLevel
		query M
		want  string
	}{
		{"valid", CheckServer, valid, ""},
		{"not an integer", CheckKinds, M{"offset": 0, "limit": "ten", "stock_creator_mchid": "1230000109"}, `query parameter limit: "ten" is not an integer`},
		{"missing", CheckServer, M{"offset": 0, "limit": 10}, "query parameter stock_creator_mchid: is required"},
		{"missing passes by default", CheckKinds, M{"offset": 0, "limit": 10}, ""},
		{"enum", CheckServer, M{"offset": 0, "limit": 10, "stock_creator_mchid": "1230000109", "status": "sold"}, `query parameter status: "sold" is not one of`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			cfg := testConfig(rec)
			cfg.Checks = tc.level
			client, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Chain(stocks).Get(context.Background(), M{"query": tc.query})
			checkRefusal(t, err, len(rec.sent), "GET "+stocks+": refused by the API description: "+tc.want, tc.want == "")
		})
	}
}

// APIv2 fields are text; the client's own nonce_str and sign count as
// present; of several bad fields the first by name is named.
func TestChecksV2(t *testing.T) {
	orderquery := func(edit func(M)) M {
		xml := M{"appid": "wx2421b1c4370ec43b", "mch_id": "1900000109", "out_trade_no": "1415757673"}
		if edit != nil {
			edit(xml)
		}
		return M{"xml": xml}
	}
	for _, tc := range []struct {
		name     string
		level    CheckLevel
		template string
		opts     M
		want     string
	}{
		{"seed, strict", CheckStrict, "v2/secapi/pay/facepayreverse", seedV2Options(), ""},
		{"by out_trade_no alone", CheckServer, "v2/pay/orderquery", orderquery(nil), ""},
		{"by transaction_id alone", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { delete(x, "out_trade_no"); x["transaction_id"] = "1009660380201506130728806387" }), ""},
		{"missing appid", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { delete(x, "appid") }), "field appid: is required"},
		{"missing appid passes by default", CheckKinds, "v2/pay/orderquery", orderquery(func(x M) { delete(x, "appid") }), ""},
		{"enum", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { x["sign_type"] = "MD5"; x["version"] = "2.0" }), `field version: "2.0" is not one of 1.0`},
		{"too long", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { x["appid"] = strings.Repeat("w", 33) }), "field appid: is 33 bytes long, at most 32"},
		{"first by name", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { x["appid"] = strings.Repeat("w", 33); x["transaction_id"] = strings.Repeat("4", 33) }), "field appid: "},
		{"unknown passes", CheckServer, "v2/pay/orderquery", orderquery(func(x M) { x["out_tarde_no"] = "1" }), ""},
		{"unknown, strict", CheckStrict, "v2/pay/orderquery", orderquery(func(x M) { x["out_tarde_no"] = "1" }), "field out_tarde_no: is not a field of this operation; did you mean out_trade_no?"},
		{"integer", CheckKinds, "v2/pay/micropay", M{"xml": M{"appid": "wx1", "mch_id": "1900000109", "body": "x", "out_trade_no": "1", "total_fee": "0.01", "spbill_create_ip": "127.0.0.1", "auth_code": "134567"}}, `field total_fee: "0.01" is not an integer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &v2recorder{}
			client := newV2Client(t, rec, func(c *Config) { c.Checks = tc.level })
			_, err := client.Chain(tc.template).Post(context.Background(), tc.opts)
			checkRefusal(t, err, rec.count(), "POST "+tc.template+": refused by the API description: "+tc.want, tc.want == "")
		})
	}
}

func TestCheckLevelString(t *testing.T) {
	for l, want := range map[CheckLevel]string{CheckKinds: "kinds", CheckServer: "server", CheckStrict: "strict", CheckNone: "none", 9: "CheckLevel(?)"} {
		if l.String() != want {
			t.Errorf("%d: %q, want %q", int(l), l.String(), want)
		}
	}
}
