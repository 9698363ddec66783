package wechatpay

import (
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/uritemplate"
)

// One rule holds for every path segment, whether it comes from a
// template's text, a variable's value or the path of a base URL (Config.BaseURL,
// Config.BackupURL, the base_uri option): it must not be empty (but for a
// final one, after a trailing "/"), nor "." or "..", spelled with dots or
// pct-encoded ("%2e%2e"), nor hold a pct-encoded "/" or "\" that a proxy
// could decode into a separator. A byte that a URI cannot hold (a space,
// a control byte, non-ASCII) is pct-encoded, as RFC 6570 encodes literal
// text. These are the rules the expander applies to a {+v} value.

// checkLiteral refuses what the text of a template, outside its
// expressions, would send wrong whatever the values: nothing at all, a
// whole URL, a fragment (never sent, yet signed) written out or as a
// {#...} expansion, and a path segment that breaks the rule above. A path
// may end in "/": the catalog has endpoints that do
// (v3/applyment4sub/applyment/). The path ends at a literal '?' or at a
// {?...} or {&...} expression.
func checkLiteral(tmpl string) *TemplateError {
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
			default:
				if reason := badSegment(seg); reason != "" {
					return syntaxError(tmpl, reason)
				}
			}
			start, expr, inPath = i+1, false, c == '/'
		}
		switch c {
		case '#':
			return syntaxError(tmpl, "has a fragment ('#' at byte "+strconv.Itoa(i)+"): it is never sent, yet it would be signed")
		case '{':
			if i+1 < len(tmpl) && tmpl[i+1] == '#' {
				return syntaxError(tmpl, "has a fragment expansion ('{#' at byte "+strconv.Itoa(i)+"): a fragment is never sent, yet it would be signed")
			}
			expr = true
			if end := strings.IndexByte(tmpl[i:], '}'); end > 0 {
				i += end // the expression's text is the expander's to check
			}
		}
	}
	return nil
}

// badSegment says what is wrong with one non-empty path segment, or "".
func badSegment(seg string) string {
	switch {
	case uritemplate.IsDotSegment(seg):
		return "has a " + strconv.Quote(seg) + ` path segment: a path segment cannot be "." or ".."`
	case containsFold(seg, "%2F") || containsFold(seg, "%5C"):
		return "has path segment " + strconv.Quote(seg) + ` with a pct-encoded "/" or "\" in it`
	}
	return ""
}

// checkBasePath checks the path of a base URL by the rule above and
// returns it with what a URI cannot hold pct-encoded. The path starts
// and ends with "/".
func checkBasePath(path string) (string, string) {
	if len(path) > 1 {
		for seg := range strings.SplitSeq(path[1:len(path)-1], "/") {
			if seg == "" {
				return "", "has an empty path segment"
			}
			if reason := badSegment(seg); reason != "" {
				return "", reason
			}
		}
	}
	return escapePath(path), ""
}

// escapePath pct-encodes the bytes of p that a URI cannot hold, keeping
// pct-encoded triplets.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		if uriByte(c) || c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(p)+8), p[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return p
	}
	return string(b)
}

// uriByte reports whether a path can hold c as it is: an unreserved or
// reserved character of RFC 3986 but for '?' and '#', which end the path.
func uriByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/[]@!$&'()*+,;=", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// containsFold reports whether s contains substr, ASCII case-insensitively.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}

// syntaxError is the error for a template whose own text is wrong.
func syntaxError(tmpl, reason string) *TemplateError {
	return &TemplateError{Template: tmpl, Reason: reason}
}
