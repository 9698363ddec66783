package wechatpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/uritemplate"
	"github.com/wxpay-go/wechatpay/transport"
)

// build expands the template and assembles an APIv3 request. Everything
// that could put a wrong request on the wire is refused here.
func (c *Client) build(method, template string, o M) (*transport.Request, error) {
	fail := func(reason string, err error) (*transport.Request, error) {
		return nil, &RequestError{Method: method, Path: template, Reason: reason, Err: err}
	}
	if isV2(template) {
		return c.buildV2(method, template, o)
	}
	if _, ok := c.v3.(noV3); ok {
		return fail("", ErrNoV3)
	}
	for _, k := range [...]string{optXML, optSecurity, optNonceless} {
		if _, ok := o[k]; ok {
			return fail(fmt.Sprintf("option %q is for APIv2 (chains that start with v2/)", k), nil)
		}
	}
	uri, err := expandOptions(method, template, o)
	if err != nil {
		return nil, err
	}

	req := &transport.Request{Method: method, BaseURL: c.baseURL, URI: uri, Header: make(http.Header, 6)}
	var baseGiven bool
	if req.BaseURL, baseGiven, err = c.baseURIOption(o); err != nil {
		return fail("option base_uri", err)
	}
	if v, ok := o[optQuery]; ok && v != nil {
		q, err := encodeQuery(v)
		if err != nil {
			return fail("option query", err)
		}
		if q != "" {
			sep := "?"
			if strings.Contains(req.URI, "?") {
				sep = "&"
			}
			req.URI += sep + q
		}
	}

	// One backing array holds the default header values: one allocation
	// instead of four.
	h := req.Header
	values := make([]string, 4)
	values[0], values[1] = "application/json", c.userAgent
	h["Accept"] = values[0:1:1]
	h["User-Agent"] = values[1:2:2]
	if c.cfg.PlatformSerial != "" {
		values[2] = c.cfg.PlatformSerial
		h["Wechatpay-Serial"] = values[2:3:3]
	}
	_, hasJSON := o[optJSON]
	_, hasBody := o[optBody]
	switch {
	case hasJSON && hasBody:
		return fail(`options "json" and "body" are exclusive`, nil)
	case hasJSON:
		if req.Body, err = encodeJSON(o[optJSON]); err != nil {
			return fail("option json", err)
		}
		values[3] = "application/json; charset=utf-8"
		h["Content-Type"] = values[3:4:4]
	case hasBody:
		if err = setBody(req, o[optBody]); err != nil {
			return fail("option body", err)
		}
	}
	if v, ok := o[optHeaders]; ok && v != nil {
		if err := mergeHeaders(h, v); err != nil {
			return fail("option headers", err)
		}
	}
	if err := c.checkMchID(req.Body, req.URI); err != nil {
		return fail("signing merchant", err)
	}
	path := req.URI
	if base := transport.BasePath(req.BaseURL); base != "/" {
		path = base[1:] + path
	}
	if ep, ok := catalog.Lookup(method, path); ok {
		var body []byte
		if hasJSON {
			body = req.Body
		}
		_, query, _ := strings.Cut(req.URI, "?")
		if err := c.checkV3(ep.Method, ep.Path, body, query); err != nil {
			return fail("refused by the API description", err)
		}
		req.Unsigned = !ep.SignedResponse
		if ep.Host != "" && !baseGiven && c.baseURL == DefaultBaseURL {
			// The few endpoints served elsewhere (apihk for the older
			// customs API), only in front of the real API: a test server
			// or a proxy at BaseURL serves every endpoint itself.
			req.BaseURL = "https://" + ep.Host + "/"
		}
	}
	return req, nil
}

// expandOptions fills the template from the option map, whose keys that
// are not options must all be variables of the template.
func expandOptions(method, template string, o M) (string, error) {
	if err := checkLiteral(template); err != nil {
		err.Method = method
		return "", err
	}
	uri, used, err := uritemplate.Expand(template, o)
	if err != nil {
		var te *uritemplate.Error
		if !errors.As(err, &te) {
			return "", err
		}
		e := &TemplateError{Method: method, Template: te.Template, Var: te.Var, Reason: te.Reason}
		if _, given := o[te.Var]; te.Var != "" && !given {
			e.Unused = closestKey(te.Var, unused(template, o))
		}
		return "", e
	}
	nVars := 0
	for k := range o {
		if !isOption(k) {
			nVars++
		}
	}
	if used != nVars {
		return "", &RequestError{Method: method, Path: template, Reason: unusedKeys(template, o)}
	}
	return uri, nil
}

// unusedKeys names the keys that are neither options nor variables of the
// template: most often a misspelled variable or option.
func unusedKeys(template string, o M) string {
	names := unused(template, o)
	return fmt.Sprintf("%s %s neither an option nor a variable of the template", quoteList(names), plural(len(names), "is", "are"))
}

// unused lists, sorted, the keys of o that are neither options nor
// variables of the template.
func unused(template string, o M) []string {
	var names []string
	var vars map[string]bool
	for k := range o {
		if isOption(k) {
			continue
		}
		if vars == nil {
			vars = uritemplate.Names(template)
		}
		if !vars[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

// closestKey picks the key most like the variable name: the same letters
// and digits whatever their case and separators ("outTradeNo" for
// "out_trade_no"), else the fewest edits, if few enough to be a slip;
// the only key there is, else "".
func closestKey(name string, keys []string) string {
	want := foldName(name)
	best, bestDist := "", len(want)/2+1
	for _, k := range keys {
		if foldName(k) == want {
			return k
		}
		if d := editDistance(foldName(k), want); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" && len(keys) == 1 {
		return keys[0]
	}
	return best
}

// foldName keeps the letters and digits of a name, lower-cased.
func foldName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c >= 0x80:
			b = append(b, c)
		}
	}
	return string(b)
}

// editDistance is the Levenshtein distance between two byte strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// encodeJSON turns the json option into bytes. Raw JSON is kept byte for
// byte (it is what gets signed); anything else is marshalled without
// HTML escaping, as the PHP SDK does.
func encodeJSON(v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return rawJSON(v)
	case string:
		return rawJSON([]byte(v))
	case json.RawMessage:
		return rawJSON(v)
	}
	out, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	// Both encoders write a bad byte of a string as the escape \ufffd:
	// look for the string only then.
	if bytes.Contains(out, []byte(`\ufffd`)) {
		if where, bad := invalidUTF8(reflect.ValueOf(v), "", 0); bad {
			if where == "" {
				where = "the value"
			}
			return nil, fmt.Errorf("%s is not valid UTF-8 (text in another encoding, such as GBK, must be converted first)", where)
		}
	}
	return out, nil
}

// rawJSON checks raw JSON, which is sent and signed byte for byte.
func rawJSON(b []byte) ([]byte, error) {
	switch {
	case !json.Valid(b):
		return nil, fmt.Errorf("raw JSON is not valid JSON")
	case !utf8.Valid(b):
		return nil, fmt.Errorf("raw JSON is not valid UTF-8 (text in another encoding, such as GBK, must be converted first)")
	}
	return b, nil
}

func readBody(v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case io.Reader:
		return io.ReadAll(v)
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("want []byte, string or io.Reader, not %T", v)
}
