package wxpaytest

import "testing"

// The server accepts what WeChat Pay accepts: wechatpay-go sends */*,
// axios "application/json, text/plain, */*".
func TestAcceptsJSON(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   bool
	}{
		{[]string{"application/json"}, true},
		{[]string{"application/json; charset=utf-8"}, true},
		{[]string{"Application/JSON"}, true},
		{[]string{"*/*"}, true},
		{[]string{"application/*"}, true},
		{[]string{"application/json, text/plain, */*"}, true},
		{[]string{"text/html, application/json;q=0.9"}, true},
		{[]string{"text/html", "*/*;q=0.1"}, true},
		{[]string{"text/html;q=1, application/json;q=0.001"}, true},
		{nil, false},
		{[]string{""}, false},
		{[]string{"text/html"}, false},
		{[]string{"application/xml, text/*"}, false},
		{[]string{"application/json;q=0"}, false},
		{[]string{"application/json;q=0, */*"}, false}, // the specific range refuses JSON
		{[]string{"*/*;q=0"}, false},
		{[]string{"application/*;q=0, */*"}, false},
		{[]string{"application/json;q=0.5, */*;q=0"}, true},
	} {
		if got := acceptsJSON(tc.accept); got != tc.want {
			t.Errorf("acceptsJSON(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}
