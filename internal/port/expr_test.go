package port

import (
	"strings"
	"testing"
)

// Values the application computes are ported as Go expressions, and what
// cannot be followed becomes a named input: never nil.
func TestExpressions(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		decl      string // the declaration it needs, if any
	}{
		{`$order->out_trade_no`, `orderOutTradeNo`, `orderOutTradeNo := "" // port: $order->out_trade_no (line 1)`},
		{`$orders['waybill']`, `ordersWaybill`, `ordersWaybill := "" // port: $orders['waybill'] (line 1)`},
		{`config('site.wx_appid')`, `wxAppid`, `wxAppid := "" // port: config('site.wx_appid') (line 1)`},
		{`$row->getId()`, `rowId`, `rowId := "" // port: $row->getId() (line 1)`},
		{`'NO' . $no . '-' . 3`, `"NO" + no + "-" + strconv.Itoa(3)`, `no := "" // TODO: set no`},
		{`"订单{$order->sn}号"`, `"订单" + orderSn + "号"`, ""},
		{`"pay $no"`, `"pay " + no`, ""},
		{`(int) $this->total`, `total`, `total := 0 // port: $this->total (line 1)`},
		{`intval($yuan * 100)`, `int(math.Round(yuan * 100))`, `yuan := 0.0 // TODO: set yuan`},
		{`(string) $n`, `n`, ``},
		{`$a['x'] ?? 'd'`, `cmp.Or(aX, "d")`, ""},
		{`$a ?: 'd'`, `cmp.Or(a, "d")`, ""},
		{`$n * 2 + 1`, `n*2 + 1`, ""},
		{`getenv('MCHID')`, `os.Getenv("MCHID")`, ""},
		{`date('YmdHis')`, `time.Now().Format("20060102150405")`, ""},
		{`sprintf('%s-%d', $a, 1)`, `fmt.Sprintf("%s-%d", a, 1)`, ""},
		{`strtoupper(md5($s))`, `strings.ToUpper(md5S)`, `md5S := "" // port: md5($s) (line 1)`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			res, err := Convert([]byte(`$instance->v3->x->post(['json' => ['k' => `+tc.src+`]]);`), Options{})
			if err != nil {
				t.Fatal(err)
			}
			code := string(res.Code)
			if !strings.Contains(code, `"k": `+tc.want+",") {
				t.Errorf("code lacks %q:\n%s", tc.want, code)
			}
			if tc.decl != "" && !strings.Contains(strings.Join(strings.Fields(code), " "), tc.decl) {
				t.Errorf("code lacks %q:\n%s", tc.decl, code)
			}
			if len(res.Diagnostics) > 0 {
				t.Errorf("diagnostics %v", res.Diagnostics)
			}
		})
	}
}

// A conditional is a variable set before the call; JS text is joined with
// +, and process.env is the environment.
func TestConditionalsAndNodeText(t *testing.T) {
	res, err := Convert([]byte("wxpay.v3.x.post({ tag: order.vip ? 'VIP' : 'STD', no: `N${order.id}`, url: process.env.BASE + '/n', n: order.n + 1 })"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	code := string(res.Code)
	for _, w := range []string{"tag := \"STD\"\nif orderVip {\n\ttag = \"VIP\"\n}\n", `"no":  "N" + orderId,`, `"url": os.Getenv("BASE") + "/n",`, `"n":   orderN + 1,`} {
		if !strings.Contains(code, w) {
			t.Errorf("code lacks %q:\n%s", w, code)
		}
	}
}
