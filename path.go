package wechatpay

import (
	"strconv"
	"strings"
)

// checkLiteral refuses what the text of a template, outside its
// expressions, would send wrong whatever the values: nothing at all, a
// whole URL, a fragment (never sent, yet signed), an empty segment inside
// the path, or a "." or ".." segment. A path may end in "/": the catalog
// has endpoints that do (v3/applyment4sub/applyment/). The path ends at a
// literal '?' or at a {?...} or {&...} expression.
func checkLiteral(tmpl string) error {
	if tmpl == "" {
		return syntaxError(tmpl, "the chain is empty: it names no endpoint")
	}
	if len(tmpl) > 8 && (strings.EqualFold(tmpl[:7], "http://") || strings.EqualFold(tmpl[:8], "https://")) {
		return syntaxError(tmpl, "is a whole URL: Chain takes the path (v3/...), and the host goes in Config.BaseURL or the base_uri option")
	}
	inPath, start, expr := true, 0, false // start and expr: the current path segment
	for i := 0; i <= len(tmpl); i++ {
		var c byte // 0 at the end
		if i < len(tmpl) {
			c = tmpl[i]
		}
		query := c == '?' || c == '{' && i+1 < len(tmpl) && (tmpl[i+1] == '?' || tmpl[i+1] == '&')
		if inPath && (c == '/' || c == 0 || query) {
			seg := tmpl[start:i]
			switch {
			case expr:
			case seg == "" && (c == '/' || start == 0):
				return syntaxError(tmpl, "has an empty path segment at byte "+strconv.Itoa(start))
			case seg == "." || seg == "..":
				return syntaxError(tmpl, "has a "+strconv.Quote(seg)+" path segment")
			}
			start, expr, inPath = i+1, false, c == '/'
		}
		switch c {
		case '#':
			return syntaxError(tmpl, "has a fragment ('#' at byte "+strconv.Itoa(i)+"): it is never sent, yet it would be signed")
		case '{':
			expr = true
			if end := strings.IndexByte(tmpl[i:], '}'); end > 0 {
				i += end // the expression's text is the expander's to check
			}
		}
	}
	return nil
}

// syntaxError is the error for a template whose own text is wrong.
func syntaxError(tmpl, reason string) *TemplateError {
	return &TemplateError{Template: tmpl, Reason: reason}
}
