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
		return fail(errNoV3, nil)
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
		return "", err
	}
	uri, used, err := uritemplate.Expand(template, o)
	if err != nil {
		var te *uritemplate.Error
		if errors.As(err, &te) {
			return "", &TemplateError{Template: te.Template, Var: te.Var, Reason: te.Reason}
		}
		return "", err
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
	vars := uritemplate.Names(template)
	var names []string
	for k := range o {
		if !isOption(k) && !vars[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return fmt.Sprintf("%s %s neither an option nor a variable of the template", quoteList(names), plural(len(names), "is", "are"))
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
