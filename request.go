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

// build turns a template and options into a request of either protocol
// (v2: a chain that starts with v2/): prepare does what both share, then
// the protocol's encoder writes the body and checks what only it knows.
// Everything that could put a wrong request on the wire is refused here.
func (c *Client) build(method, template string, o M, v2 bool) (*transport.Request, error) {
	var d draft
	err := c.prepare(&d, method, template, o, v2)
	if err != nil {
		return nil, err
	}
	if v2 {
		err = c.encodeV2(&d, o)
	} else {
		err = c.encodeV3(&d, o)
	}
	if err != nil {
		return nil, err
	}
	if v, ok := o[optHeaders]; ok && v != nil {
		if err := mergeHeaders(d.req.Header, v); err != nil {
			return nil, d.fail("option headers", err)
		}
	}
	return d.req, nil
}

// draft is a request being built, with what prepare found out on the way.
type draft struct {
	method, template string
	req              *transport.Request
	ep               catalog.Endpoint // the catalog's endpoint, if known
	known            bool
	values           []string // backs the default header values; the last is Content-Type's
	body             []byte   // room for a small JSON body
}

// requestBlock is a request with room for its default header values and
// a small body: one allocation where there were three. The values and
// the body slice into it, which keeps it alive as long as the request.
type requestBlock struct {
	req    transport.Request
	values [4]string
	body   [256]byte
}

func (d *draft) fail(reason string, err error) error {
	return &RequestError{Method: d.method, Path: d.template, Reason: reason, Err: err}
}

// setContentType sets the Content-Type header in the slot kept for it.
func (d *draft) setContentType(ct string) {
	d.values[3] = ct
	d.req.Header["Content-Type"] = d.values[3:4:4]
}

// prepare does what both protocols share: it refuses a protocol the
// client has no keys for and the options of the other one, expands the
// template, picks the base URL (the base_uri option, or the catalog's
// host for the few endpoints served elsewhere), looks the endpoint up in
// the catalog, appends the query option (the payload of an APIv2 GET is
// its encoder's) and sets the default headers.
func (c *Client) prepare(d *draft, method, template string, o M, v2 bool) error {
	d.method, d.template = method, template
	other := [...]string{optXML, optSecurity, optNonceless}
	switch _, noKeys := c.v3.(noV3); {
	case v2 && c.v2 == nil:
		return d.fail("", ErrNoV2)
	case !v2 && noKeys:
		return d.fail("", ErrNoV3)
	case !v2:
		for _, k := range other {
			if _, ok := o[k]; ok {
				return d.fail(fmt.Sprintf("option %q is for APIv2 (chains that start with v2/)", k), nil)
			}
		}
	}
	uri, err := expandOptions(method, template, o)
	if err != nil {
		return err
	}
	base, baseGiven, err := c.baseURIOption(o)
	if err != nil {
		return d.fail("option base_uri", err)
	}
	// The catalog knows an APIv2 endpoint by its chain (v2/...), an APIv3
	// one by the whole path below the host, a base URL's path included.
	wire, lookup := uri, uri
	if v2 {
		// The "v2/" prefix names the protocol and is not sent.
		wire = strings.TrimPrefix(strings.TrimPrefix(uri, "v2"), "/")
		if wire == "" || wire[0] == '?' {
			return d.fail("the chain names no APIv2 endpoint after v2/", nil)
		}
	} else if bp := transport.BasePath(base); bp != "/" {
		lookup = bp[1:] + uri
	}
	block := &requestBlock{req: transport.Request{Method: method, BaseURL: base, URI: wire, Header: make(http.Header, 6)}}
	req := &block.req
	d.req, d.values, d.body = req, block.values[:], block.body[:0]
	if d.ep, d.known = catalog.Lookup(method, lookup); d.known {
		req.Unsigned = !d.ep.SignedResponse
		if d.ep.Host != "" && !baseGiven && c.baseURL == DefaultBaseURL {
			// The few endpoints served elsewhere (apihk for the older
			// customs API), only in front of the real API: a test server
			// or a proxy at BaseURL serves every endpoint itself.
			req.BaseURL = "https://" + d.ep.Host + "/"
		}
	}
	// The query option of an APIv2 POST is sent as given and not signed,
	// as with the PHP SDK; that of an APIv2 GET is its payload.
	if v, ok := o[optQuery]; ok && v != nil && !(v2 && isQueryPayload(method)) {
		q, err := encodeQuery(v)
		if err != nil {
			return d.fail("option query", err)
		}
		if q != "" {
			req.URI += querySep(req.URI) + q
		}
	}
	c.setDefaultHeaders(d, v2)
	return nil
}

// setDefaultHeaders sets Accept, User-Agent and, on APIv3 requests,
// Wechatpay-Serial, their values in the request's block.
func (c *Client) setDefaultHeaders(d *draft, v2 bool) {
	h := d.req.Header
	d.values[0], d.values[1] = "application/json", c.userAgent
	if v2 {
		d.values[0] = v2Accept
	}
	h["Accept"] = d.values[0:1:1]
	h["User-Agent"] = d.values[1:2:2]
	if !v2 && c.cfg.PlatformSerial != "" {
		d.values[2] = c.cfg.PlatformSerial
		h["Wechatpay-Serial"] = d.values[2:3:3]
	}
}

// isQueryPayload reports whether an APIv2 request of this method carries
// its fields in the query rather than in an XML body.
func isQueryPayload(method string) bool {
	return method == http.MethodGet || method == http.MethodDelete
}

// encodeV3 writes the body of an APIv3 request, from the json or the
// body option, and checks its signing merchant and, for a known
// endpoint, its fields against the API description.
func (c *Client) encodeV3(d *draft, o M) error {
	req := d.req
	_, hasJSON := o[optJSON]
	_, hasBody := o[optBody]
	var err error
	switch {
	case hasJSON && hasBody:
		return d.fail(`options "json" and "body" are exclusive`, nil)
	case hasJSON:
		if req.Body, err = encodeJSON(d.body, o[optJSON]); err != nil {
			return d.fail("option json", err)
		}
		d.setContentType("application/json; charset=utf-8")
	case hasBody:
		if err = setBody(req, o[optBody]); err != nil {
			return d.fail("option body", err)
		}
	}
	if err := c.checkMchID(req.Body, req.URI); err != nil {
		return d.fail("signing merchant", err)
	}
	if d.known {
		var body []byte
		if hasJSON {
			body = req.Body
		}
		_, query, _ := strings.Cut(req.URI, "?")
		if err := c.checkV3(d.ep.Method, d.ep.Path, body, query); err != nil {
			return d.fail("refused by the API description", err)
		}
	}
	return nil
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

// encodeJSON turns the json option into bytes, appended to dst when
// they are not the caller's own. Raw JSON is kept byte for byte (it is
// what gets signed); anything else is marshalled without HTML escaping,
// as the PHP SDK does.
func encodeJSON(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return rawJSON(v)
	case string:
		return rawJSON(append(dst, v...))
	case json.RawMessage:
		return rawJSON(v)
	}
	out, err := appendMarshalJSON(dst, v)
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
