package wechatpay

import (
	"strings"
	"testing"
)

func TestCheckLiteral(t *testing.T) {
	for tmpl, want := range map[string]string{
		"v3/pay/transactions/out-trade-no/{out_trade_no}/reverse": "",
		"v3/applyment4sub/applyment/":                             "",
		"v3/applyment4sub/applyment/?x=1":                         "",
		"v3/x{/a,b}/y":                                            "",
		"v3/x/{+path}":                                            "",
		"v3/x{?a,b}":                                              "",
		"v3/x/{a}{?b}":                                            "",
		"v3/x?a=1&b=":                                             "",
		"v3/x?a=..":                                               "",
		"v2/secapi/mch/addInstitutionsub":                         "",
		"":                                                        "the chain is empty",
		"https://api.mch.weixin.qq.com/v3/certificates": "is a whole URL",
		"HTTP://127.0.0.1:8080/v3/certificates":         "is a whole URL",
		"v3//pay/transactions":                          "empty path segment at byte 3",
		"/v3/x":                                         "empty path segment at byte 0",
		"v3/pay/../refund":                              `has a ".." path segment`,
		"v3/./x":                                        `has a "." path segment`,
		"v3/x#frag":                                     "has a fragment ('#' at byte 4)",
		"v3/x?a=1#f":                                    "has a fragment",
	} {
		err := checkLiteral(tmpl)
		switch {
		case want == "" && err != nil:
			t.Errorf("checkLiteral(%q): %v", tmpl, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("checkLiteral(%q): %v, want %q", tmpl, err, want)
		}
	}
}
