package wechatpay

import (
	"context"
	"errors"
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
		"v3/x{#frag}":                                   "has a fragment expansion ('{#' at byte 4)",
		"v3/x/{#a,b}":                                   "has a fragment expansion",
		"v3/%2e%2e/refund":                              `has a "%2e%2e" path segment`,
		"v3/%2E./refund":                                `has a "%2E." path segment`,
		"v3/x/%2e":                                      `has a "%2e" path segment`,
		"v3/a%2Fb/x":                                    `pct-encoded "/" or "\"`,
		"v3/a%5cb":                                      `pct-encoded "/" or "\"`,
		"v3/a%2e%2eb":                                   "",
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

// A base URL's path keeps to the rule of a template's: what a URI cannot
// hold is escaped, dot segments and pct-encoded separators are refused.
func TestBaseURLPath(t *testing.T) {
	for u, want := range map[string]string{
		"https://api.mch.weixin.qq.com":        "https://api.mch.weixin.qq.com/",
		"https://proxy.example/pre fix":        "https://proxy.example/pre%20fix/",
		"https://proxy.example/%E5%95%86/":     "https://proxy.example/%E5%95%86/",
		"https://proxy.example/商":              "https://proxy.example/%E5%95%86/",
		"https://proxy.example/a/b/":           "https://proxy.example/a/b/",
		"https://proxy.example/a/../v3/refund": `".." path segment`,
		"https://proxy.example/%2e%2e/":        `"%2e%2e" path segment`,
		"https://proxy.example/a/%2E/":         `"%2E" path segment`,
		"https://proxy.example/./":             `"." path segment`,
		"https://proxy.example/a%2fb/":         `pct-encoded "/"`,
		"https://proxy.example//wx/":           "empty path segment",
		"https://proxy.example/wx//":           "empty path segment",
		"http://127.0.0.1:8080/x y/..":         `".." path segment`,
	} {
		got, err := normalizeBaseURL("BaseURL", u, "")
		var cerr *ConfigError
		switch {
		case strings.HasPrefix(want, "http"):
			if err != nil || got != want {
				t.Errorf("normalizeBaseURL(%q) = %q, %v; want %q", u, got, err, want)
			}
		case !errors.As(err, &cerr) || !strings.Contains(err.Error(), want):
			t.Errorf("normalizeBaseURL(%q) = %q, %v; want a ConfigError containing %q", u, got, err, want)
		}
	}
}

// The base_uri option follows the same rule, and what is sent is what is
// signed.
func TestBaseURIOptionPath(t *testing.T) {
	rec := &recorder{}
	client := newTestClient(t, rec)
	ctx := context.Background()
	if _, err := client.Chain("v3/certificates").Get(ctx, M{"base_uri": "https://proxy.example/pre fix/"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Target(); got != "/pre%20fix/v3/certificates" {
		t.Errorf("target %q", got)
	}
	for _, base := range []string{"https://proxy.example/a/../", "https://proxy.example/%2e%2e/"} {
		_, err := client.Chain("v3/certificates").Get(ctx, M{"base_uri": base})
		var rerr *RequestError
		if !errors.As(err, &rerr) || !strings.Contains(err.Error(), "path segment") {
			t.Errorf("base_uri %q: %v; want a RequestError", base, err)
		}
	}
	if len(rec.sent) != 1 {
		t.Errorf("%d sent, want 1", len(rec.sent))
	}
}
