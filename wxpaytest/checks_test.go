package wxpaytest_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

const goodNative = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"d","out_trade_no":"N1","notify_url":"https://example.com/n","amount":{"total":1}}`

// The server refuses a request whose fields break the description, as
// WeChat Pay does, before the endpoint sees it.
func TestChecksRefuseBadFields(t *testing.T) {
	srv := start(t)
	if err := srv.Handle("POST", "v3/marketing/busifavor/coupons/associate", func(*wxpaytest.Request) wxpaytest.Reply {
		return wxpaytest.JSON(200, "{}")
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, target, body string
		want                       []string // in the message
	}{
		{"missing field", "POST", "/v3/pay/transactions/native", strings.Replace(goodNative, `"out_trade_no":"N1",`, "", 1),
			[]string{"/body/out_trade_no", "必填性规则校验失败", "body field out_trade_no: is required"}},
		{"missing nested field", "POST", "/v3/pay/transactions/native", strings.Replace(goodNative, `"total":1`, `"currency":"CNY"`, 1),
			[]string{"/body/amount/total", "body field amount.total: is required"}},
		{"wrong kind", "POST", "/v3/pay/transactions/native", strings.Replace(goodNative, `"total":1`, `"total":"1"`, 1),
			[]string{"/body/amount/total", "body field amount.total: is a string, want an integer"}},
		{"outside the enum", "POST", "/v3/pay/transactions/native", strings.Replace(goodNative, `}}`, `},"limit_pay":["no_cash"]}`, 1),
			[]string{"/body/limit_pay/0", `body field limit_pay[0]: "no_cash" is not one of no_balance`}},
		{"too long", "POST", "/v3/marketing/busifavor/coupons/associate", `{"coupon_code":"` + strings.Repeat("9", 16) + `"}`,
			[]string{"body field coupon_code: is 16 bytes long, at most 15"}},
		{"query", "GET", "/v3/pay/transactions/out-trade-no/" + fixtureOrder, "",
			[]string{"/query/mchid", "query field mchid: is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := call(t, srv, tc.method, tc.target, tc.body)
			wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
			msg := gjson.GetBytes(data, "message").String()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if e := lastErr(t, srv); e.Code != "PARAM_ERROR" || e.Message != msg {
				t.Errorf("recorded %v", e)
			}
		})
	}
	resp, data := call(t, srv, "POST", "/v3/pay/transactions/native", goodNative)
	wantStatus(t, resp, data, http.StatusOK, "")
}

// An unknown field passes at the Server level (the description misses
// fields WeChat Pay knows) and is refused at the Strict level.
func TestChecksStrict(t *testing.T) {
	body := strings.Replace(goodNative, `"N1"`, `"N2","atach":"x"`, 1)
	resp, data := call(t, start(t), "POST", "/v3/pay/transactions/native", body)
	wantStatus(t, resp, data, http.StatusOK, "")

	srv := start(t, wxpaytest.WithChecks(wxpaytest.ChecksStrict))
	resp, data = call(t, srv, "POST", "/v3/pay/transactions/native", body)
	wantStatus(t, resp, data, http.StatusBadRequest, "PARAM_ERROR")
	if msg := gjson.GetBytes(data, "message").String(); !strings.Contains(msg, "body field atach: is not a field of this operation") {
		t.Errorf("message %q", msg)
	}
	resp, data = call(t, srv, "POST", "/v3/pay/transactions/native", goodNative)
	wantStatus(t, resp, data, http.StatusOK, "")
}

// A handler set with Handle sees only requests that pass; with ChecksNone
// it sees them all.
func TestChecksBeforeHandlers(t *testing.T) {
	for _, tc := range []struct {
		checks wxpaytest.Checks
		status int
		runs   int32
	}{{wxpaytest.ChecksServer, http.StatusBadRequest, 0}, {wxpaytest.ChecksNone, http.StatusOK, 1}} {
		t.Run(tc.checks.String(), func(t *testing.T) {
			srv := start(t, wxpaytest.WithChecks(tc.checks))
			var runs atomic.Int32
			if err := srv.Handle("POST", "v3/refund/domestic/refunds", func(r *wxpaytest.Request) wxpaytest.Reply {
				runs.Add(1)
				return wxpaytest.JSON(200, map[string]string{"refund_id": "1"})
			}); err != nil {
				t.Fatal(err)
			}
			resp, data := call(t, srv, "POST", "/v3/refund/domestic/refunds", `{"out_trade_no":"1"}`)
			if resp.StatusCode != tc.status || runs.Load() != tc.runs {
				t.Errorf("%d %s, the handler ran %d times; want %d and %d", resp.StatusCode, data, runs.Load(), tc.status, tc.runs)
			}
		})
	}
}

func TestParseChecks(t *testing.T) {
	for _, c := range []wxpaytest.Checks{wxpaytest.ChecksServer, wxpaytest.ChecksStrict, wxpaytest.ChecksNone} {
		if got, err := wxpaytest.ParseChecks(c.String()); err != nil || got != c {
			t.Errorf("ParseChecks(%q) = %v, %v", c.String(), got, err)
		}
	}
	if _, err := wxpaytest.ParseChecks("kinds"); err == nil {
		t.Error("kinds is not a level of the server")
	}
}
