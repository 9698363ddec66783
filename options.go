package wechatpay

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/uritemplate"
	"github.com/wxpay-go/wechatpay/transport"
)

// Option keys, as in the PHP SDK. Every other key of an option map is a
// URI template variable.
const (
	optJSON      = "json"      // M, a struct, or raw JSON as string/[]byte (sent byte-exact)
	optQuery     = "query"     // M, map[string]string or url.Values
	optHeaders   = "headers"   // M, map[string]string or http.Header
	optBody      = "body"      // []byte, string or io.Reader, sent as is; or a Body (a media upload), streamed; a *media.File for v2/secapi/mch/uploadmedia
	optBaseURI   = "base_uri"  // another base URL for this request
	optXML       = "xml"       // APIv2 payload
	optSecurity  = "security"  // APIv2: send with the merchant certificate
	optNonceless = "nonceless" // APIv2: do not add nonce_str
)

func isOption(k string) bool {
	switch k {
	case optJSON, optQuery, optHeaders, optBody, optBaseURI, optXML, optSecurity, optNonceless:
		return true
	}
	return false
}

// mergeOptions folds several option maps into one, later keys winning. The
// common single map is used as is.
func mergeOptions(opts []M) M {
	switch len(opts) {
	case 0:
		return nil
	case 1:
		return opts[0]
	}
	merged := make(M)
	for _, o := range opts {
		for k, v := range o {
			merged[k] = v
		}
	}
	return merged
}

// baseURIOption returns the base URL of a request: the base_uri option,
// or the client's, and whether the option was given.
func (c *Client) baseURIOption(o M) (string, bool, error) {
	v, ok := o[optBaseURI]
	if !ok {
		return c.baseURL, false, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", true, fmt.Errorf("want a string, not %T", v)
	}
	u, err := normalizeBaseURL("base_uri", s, c.baseURL)
	return u, true, err
}

func querySep(uri string) string {
	if strings.Contains(uri, "?") {
		return "&"
	}
	return "?"
}

func boolOption(o M, key string) (bool, error) {
	v, ok := o[key]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("want a bool, not %T", v)
	}
	return b, nil
}

// encodeQuery encodes the query option with sorted keys.
func encodeQuery(v any) (string, error) {
	if m, ok, err := structQuery(v); ok {
		if err != nil {
			return "", err
		}
		v = m
	}
	switch v := v.(type) {
	case url.Values:
		return v.Encode(), nil
	case map[string]string:
		q := make(url.Values, len(v))
		for k, s := range v {
			q.Set(k, s)
		}
		return q.Encode(), nil
	case M:
		q := make(url.Values, len(v))
		for k, x := range v {
			switch x := x.(type) {
			case []string:
				q[k] = x
			default:
				s, ok := uritemplate.Scalar(x)
				if !ok {
					return "", fmt.Errorf("value of %q is a %T; want a string, number or bool", k, x)
				}
				q.Set(k, s)
			}
		}
		return q.Encode(), nil
	}
	return "", fmt.Errorf("want M, map[string]string, url.Values or a struct, not %T", v)
}

// managedHeaders are set by the client and its transport, never by the
// headers option: the signature, and the framing and routing of the
// request, which a stray value would break (a Content-Length that is not
// the body's leaves the server waiting for bytes that never come).
var managedHeaders = map[string]string{
	"Authorization":     "the client signs the request itself",
	"Host":              "the host comes from the base URL (Config.BaseURL or the base_uri option)",
	"Content-Length":    "the transport sets it from the body",
	"Transfer-Encoding": "the transport sets it from the body",
	"Connection":        "the transport manages connections",
}

// mergeHeaders sets the headers option over the defaults, refusing names
// and values that cannot be sent (transport.CheckHeader) and the headers
// the client manages.
func mergeHeaders(h http.Header, v any) error {
	set := func(k, s string) error {
		if err := transport.CheckHeader(k, s); err != nil {
			return err
		}
		if why, ok := managedHeaders[http.CanonicalHeaderKey(k)]; ok {
			return fmt.Errorf("header %s is not an option: %s", k, why)
		}
		h[http.CanonicalHeaderKey(k)] = []string{s}
		return nil
	}
	switch v := v.(type) {
	case http.Header:
		for k, vs := range v {
			for _, s := range vs {
				if err := set(k, s); err != nil {
					return err
				}
			}
			h[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
		}
	case map[string]string:
		for k, s := range v {
			if err := set(k, s); err != nil {
				return err
			}
		}
	case M:
		for k, x := range v {
			s, ok := uritemplate.Scalar(x)
			if !ok {
				return fmt.Errorf("header %s: value is a %T; want a string", k, x)
			}
			if err := set(k, s); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("want M, map[string]string or http.Header, not %T", v)
	}
	return nil
}
