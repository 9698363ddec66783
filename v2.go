package wechatpay

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/uritemplate"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// APIv2: a chain whose first segment is "v2" is an XML request signed with
// the APIv2 key (Config.Secret). The "v2/" prefix names the protocol and
// is not sent: v2/secapi/pay/reverse is POST /secapi/pay/reverse.

// Headers of APIv2 requests, as the PHP SDK sends them. Replies are XML,
// bills are text or gzip.
const (
	v2Accept      = "text/xml, text/plain, application/x-gzip"
	v2ContentType = "text/xml; charset=utf-8"
)

func isV2(template string) bool {
	return template == "v2" || strings.HasPrefix(template, "v2/")
}

// encodeV2 writes an unsigned APIv2 request from the xml option (or, for
// a GET, the query option): the xmlsign middleware adds nonce_str and
// sign on the way out. Everything that would send a request WeChat Pay
// must refuse, or one signed for another merchant, is refused here.
func (c *Client) encodeV2(d *draft, o M) error {
	method, req, ep, known := d.method, d.req, d.ep, d.known
	// The image upload (v2/secapi/mch/uploadmedia) is the one APIv2
	// multipart endpoint: its file comes in "body", its fields in "xml".
	upload := known && ep.Content == "multipart"
	for _, k := range [...]string{optJSON, optBody} {
		if _, ok := o[k]; ok && (k != optBody || !upload) {
			return d.fail(fmt.Sprintf(`option %q is for APIv3; an APIv2 request takes its fields in "xml"`, k), nil)
		}
	}
	var err error
	if req.Security, err = boolOption(o, optSecurity); err != nil {
		return d.fail("option security", err)
	}
	if req.Nonceless, err = boolOption(o, optNonceless); err != nil {
		return d.fail("option nonceless", err)
	}
	if req.Security && c.cfg.Merchant == nil {
		return d.fail(`"security": true needs Config.Merchant, the merchant API certificate and key (apiclient_cert.pem, apiclient_key.pem)`, nil)
	}
	if known && ep.MTLS && !req.Security {
		return d.fail(`needs the merchant API certificate (mutual TLS); add "security": true`, nil)
	}

	fields, err := v2Fields(method, o)
	if err != nil {
		return d.fail("", err)
	}
	if err := c.checkV2Fields(d, fields); err != nil {
		return err
	}
	switch {
	case isQueryPayload(method):
		if q := fields.query(); q != "" {
			req.URI += querySep(req.URI) + q
		}
	case upload:
		form, err := c.v2Form(fields, o[optBody])
		if err != nil {
			var re *RequestError
			if errors.As(err, &re) {
				re.Method, re.Path = method, d.template
			}
			return err
		}
		var r io.ReadCloser
		if r, req.BodyLength, err = form.Open(); err != nil {
			return d.fail("option body", err)
		}
		req.BodyStream = &sourceBody{r: r}
		d.setContentType(form.ContentType())
	default:
		// ToXML writes a key that cannot be an element name as <item>,
		// as the PHP SDK does inside lists; a field of the request
		// itself would then reach WeChat Pay under another name.
		if k, bad := fields.invalidName(); bad {
			return d.fail("option xml", fmt.Errorf("field %q is not a valid XML element name; it would be sent as <item>", k))
		}
		if req.Body, err = transformer.ToXML(fields.payload); err != nil {
			return d.fail("option xml", err)
		}
		d.setContentType(v2ContentType)
	}
	return nil
}

// checkV2Fields refuses a payload with a sign of its own or an unknown
// sign_type, one whose merchant is not Config.MchID, and, for a known
// endpoint, one its API description refuses.
func (c *Client) checkV2Fields(d *draft, fields v2Payload) error {
	if _, ok := fields.get("sign"); ok {
		return d.fail(`the payload has a "sign"; the client signs APIv2 requests itself, leave it out`, nil)
	}
	if t, ok := fields.get("sign_type"); ok && t != "" && t != xmlsign.MD5 && t != xmlsign.HMACSHA256 {
		return d.fail(fmt.Sprintf("sign_type %q is not %s or %s", t, xmlsign.MD5, xmlsign.HMACSHA256), nil)
	}
	for _, k := range [...]string{"mch_id", "mchid", "combine_mch_id"} {
		if v, ok := fields.get(k); ok {
			if v != c.cfg.MchID {
				return d.fail(fmt.Sprintf("%s %q in the payload is not Config.MchID %q, whose APIv2 key signs the request", k, v, c.cfg.MchID), nil)
			}
			break
		}
	}
	if d.known {
		if err := c.checkV2(d.ep.Method, d.ep.Path, fields); err != nil {
			return d.fail("refused by the API description", err)
		}
	}
	return nil
}

// v2MaxUpload is the largest image v2/secapi/mch/uploadmedia takes.
const v2MaxUpload = 2 << 20

// v2UploadTypes are the file types v2/secapi/mch/uploadmedia takes.
var v2UploadTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/bmp": true}

// v2Form builds the body of APIv2's image upload from the File in the body
// option: mch_id (Config.MchID), media_hash (the MD5 of the file),
// sign_type (HMAC-SHA256 unless the payload says MD5) and sign, computed
// here with the APIv2 key over those three fields alone, then the file
// in the part "media". The XML signer cannot read a multipart stream, so
// these requests skip it (see v2Router) and are signed here; the sign
// holds no nonce, so a retry sends the same body again. A refusal is a
// *RequestError, whose call the caller fills in.
func (c *Client) v2Form(fields v2Payload, body any) (*media.Form, error) {
	refuse := func(reason string, err error) (*media.Form, error) {
		return nil, &RequestError{Reason: reason, Err: err}
	}
	for _, k := range fields.keys() {
		switch k {
		case "mch_id", "media_hash", "sign_type":
		default:
			return refuse(fmt.Sprintf(`field %q: the image upload takes only mch_id, media_hash and sign_type, and the image in "body"`, k), nil)
		}
	}
	var f *media.File
	switch b := body.(type) {
	case *media.File:
		f = b
	case nil:
		return refuse(`the image upload needs the image in "body": media.FromFile, FromBytes or FromReader`, nil)
	default:
		return refuse(fmt.Sprintf(`option "body" of the image upload must be a *media.File (media.FromFile, FromBytes or FromReader), not %T`, body), nil)
	}
	if f == nil {
		return refuse(`option "body" is a nil *media.File`, nil)
	}
	if err := f.Err(); err != nil {
		return refuse("option body", err)
	}
	if !v2UploadTypes[f.FileType()] {
		return refuse(fmt.Sprintf("option body: %s is %s; the image upload takes JPEG, PNG or BMP (.jpg, .jpeg, .png, .bmp)", f.Filename(), f.FileType()), nil)
	}
	if f.Size() > v2MaxUpload {
		return refuse(fmt.Sprintf("option body: %s is %d bytes, over the 2 MiB (%d bytes) the image upload takes", f.Filename(), f.Size(), v2MaxUpload), nil)
	}
	if h, ok := fields.get("media_hash"); ok && h != f.MD5() {
		return refuse(fmt.Sprintf("media_hash %q in the payload is not the MD5 of %s, %s; leave it out, the client computes it", h, f.Filename(), f.MD5()), nil)
	}
	signType, _ := fields.get("sign_type")
	if signType == "" {
		signType = xmlsign.HMACSHA256
	}
	params := map[string]string{"mch_id": c.cfg.MchID, "media_hash": f.MD5(), "sign_type": signType}
	sign, err := xmlsign.Sign(params, c.cfg.Secret, signType)
	if err != nil {
		return refuse("signing the upload", err)
	}
	form := f.Form("media",
		media.Field{Name: "mch_id", Value: params["mch_id"]},
		media.Field{Name: "media_hash", Value: params["media_hash"]},
		media.Field{Name: "sign_type", Value: signType},
		media.Field{Name: "sign", Value: sign})
	if err := form.Err(); err != nil {
		return refuse("option body", err)
	}
	return form, nil
}

// v2Payload is the payload of an APIv2 request: the xml option, or for a
// GET the query option, which the PHP SDK also signs.
type v2Payload struct {
	payload any
	flat    map[string]string // the fields as strings, when payload is not a flat map already
}

// v2Fields reads the payload and makes its fields readable as strings.
func v2Fields(method string, o M) (v2Payload, error) {
	x, hasXML := o[optXML]
	if m, ok, err := structFields(x); ok {
		if err != nil {
			return v2Payload{}, fmt.Errorf("option xml: %w", err)
		}
		x = m
	}
	q, hasQuery := o[optQuery]
	get := method == http.MethodGet || method == http.MethodDelete
	if get && hasQuery && q != nil {
		if hasXML && x != nil {
			return v2Payload{}, errors.New(`give the parameters of an APIv2 GET in "xml" or in "query", not both`)
		}
		s, err := encodeQuery(q)
		if err != nil {
			return v2Payload{}, fmt.Errorf("option query: %w", err)
		}
		values, _ := url.ParseQuery(s)
		flat := make(map[string]string, len(values))
		for k, vs := range values {
			if len(vs) > 1 {
				return v2Payload{}, fmt.Errorf("option query: %q has %d values; a signed parameter has one", k, len(vs))
			}
			flat[k] = vs[0]
		}
		return v2Payload{payload: flat, flat: flat}, nil
	}
	p := v2Payload{payload: x}
	switch x := x.(type) {
	case nil, map[string]string:
		return p, nil
	case M:
		if !get {
			return p, nil
		}
		p.flat = make(map[string]string, len(x))
		for k, v := range x {
			s, ok := "", v == nil
			if !ok {
				s, ok = uritemplate.Scalar(v)
			}
			if !ok {
				return v2Payload{}, fmt.Errorf("option xml: field %q of a %s request is a %T; query parameters are plain values", k, method, v)
			}
			p.flat[k] = s
		}
		return p, nil
	}
	// A struct or another map type: read its fields as the server will,
	// from the XML they make.
	data, err := transformer.ToXML(x)
	if err != nil {
		return v2Payload{}, fmt.Errorf("option xml: %w", err)
	}
	if p.flat, err = transformer.ToMap(data); err != nil {
		return v2Payload{}, fmt.Errorf("option xml: %w", err)
	}
	return p, nil
}

// get reads one field as a string.
func (p v2Payload) get(key string) (string, bool) {
	if p.flat != nil {
		v, ok := p.flat[key]
		return v, ok
	}
	switch x := p.payload.(type) {
	case map[string]string:
		v, ok := x[key]
		return v, ok
	case M:
		v, ok := x[key]
		if !ok {
			return "", false
		}
		if v == nil {
			return "", true
		}
		s, _ := uritemplate.Scalar(v)
		return s, true
	}
	return "", false
}

// keys lists the names of the fields, sorted.
func (p v2Payload) keys() []string {
	return slices.Sorted(p.names())
}

// names yields the names of the fields, in no order.
func (p v2Payload) names() iter.Seq[string] {
	return func(yield func(string) bool) {
		switch x := p.payload.(type) {
		case nil:
		case map[string]string:
			for k := range x {
				if !yield(k) {
					return
				}
			}
		case M:
			for k := range x {
				if !yield(k) {
					return
				}
			}
		default:
			for k := range p.flat {
				if !yield(k) {
					return
				}
			}
		}
	}
}

// invalidName returns the first, in sorted order, of the field names that
// cannot be XML element names, which ToXML would write as <item>.
func (p v2Payload) invalidName() (string, bool) {
	bad, found := "", false
	for k := range p.names() {
		if !transformer.ValidName(k) && (!found || k < bad) {
			bad, found = k, true
		}
	}
	return bad, found
}

// query encodes a GET's fields, sorted by name.
func (p v2Payload) query() string {
	flat := p.flat
	if flat == nil {
		flat, _ = p.payload.(map[string]string)
	}
	q := make(url.Values, len(flat))
	for k, v := range flat {
		q[k] = []string{v}
	}
	return q.Encode()
}

// sendV2 sends a built APIv2 request and turns failure replies into
// errors: a non-2xx status into an *APIError, a return_code or
// result_code that is not SUCCESS into a *V2Error.
func (c *Client) sendV2(ctx context.Context, req *transport.Request) (*Response, error) {
	resp, err := c.v2.Do(ctx, req)
	wirePath, _, _ := strings.Cut(req.URI, "?")
	path := "v2/" + wirePath
	if err != nil {
		if berr := bodyError(req, path, err); berr != err {
			return nil, berr
		}
		// The verifier names the target on the wire (pay/orderquery,
		// and for a GET its signed query); name the chain path instead,
		// as APIv3 errors (v3/...) and V2Error do.
		var ve *VerifyError
		if errors.As(err, &ve) {
			ve.Target = "/" + path
		}
		return nil, err
	}
	if !resp.OK() {
		e := newAPIError(req.Method, path, resp)
		if e.Message == "" {
			e.Message = htmlTitle(resp.Body)
		}
		return nil, e
	}
	fields := resp.Fields // read by the verifier, unless the endpoint is unsigned
	if fields == nil {
		if fields, err = transformer.ToMap(resp.Body); err != nil {
			// Not XML: a bill (CSV text or gzip) or JSON from an
			// endpoint the verifier lets through unsigned.
			return resp, nil
		}
	}
	returnCode, resultCode := fields["return_code"], fields["result_code"]
	if returnCode == "SUCCESS" && (resultCode == "" || resultCode == "SUCCESS") {
		resp.Fields = fields
		return resp, nil
	}
	e := &V2Error{
		Method: req.Method, Path: path, ReturnCode: returnCode, ReturnMsg: fields["return_msg"],
		Fields: fields, Body: resp.Body,
	}
	if returnCode == "SUCCESS" {
		e.ResultCode, e.ErrCode, e.ErrCodeDes = resultCode, fields["err_code"], fields["err_code_des"]
		if e.ErrCode == "" {
			e.ErrCode = fields["error_code"]
		}
	}
	return nil, e
}

// htmlTitle reads the title of an HTML error page, such as the one of a
// request sent without the client certificate: "400 No required SSL
// certificate was sent".
func htmlTitle(body []byte) string {
	s := string(body)
	i := strings.Index(s, "<title>")
	j := strings.Index(s, "</title>")
	if i < 0 || j < i {
		return ""
	}
	return strings.TrimSpace(s[i+len("<title>") : j])
}

// V2Error is an APIv2 reply that reports a failure. Either return_code is
// not SUCCESS: WeChat Pay refused the request (a bad sign, a malformed
// field), ReturnMsg says why, and the reply is unsigned. Or result_code is
// FAIL: the request was valid but the operation failed, ErrCode and
// ErrCodeDes say why, and Fields holds the rest of the reply (recall for
// a reverse); the reply of a signed endpoint has then passed
// verification.
type V2Error struct {
	Method     string
	Path       string // the chain path, "v2/secapi/pay/reverse"
	ReturnCode string
	ReturnMsg  string
	ResultCode string // "FAIL" for a business failure, else empty
	ErrCode    string
	ErrCodeDes string
	Fields     map[string]string // every field of the reply
	Body       []byte
}

// Error reads like "POST v2/secapi/pay/reverse: FAIL SYSTEMERROR: 系统超时
// (recall Y)" or "POST v2/pay/orderquery: return_code FAIL: 签名错误".
func (e *V2Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	switch {
	case e.ResultCode != "":
		b.WriteString(": ")
		b.WriteString(e.ResultCode)
		if e.ErrCode != "" {
			b.WriteByte(' ')
			b.WriteString(e.ErrCode)
		}
		if e.ErrCodeDes != "" {
			b.WriteString(": ")
			b.WriteString(e.ErrCodeDes)
		}
	case e.ReturnCode == "":
		b.WriteString(": the reply has no return_code")
	default:
		b.WriteString(": return_code ")
		b.WriteString(e.ReturnCode)
		if e.ReturnMsg != "" {
			b.WriteString(": ")
			b.WriteString(e.ReturnMsg)
		}
	}
	if r := e.Fields["recall"]; r != "" {
		b.WriteString(" (recall ")
		b.WriteString(r)
		b.WriteByte(')')
	}
	return b.String()
}

// mtlsRouter sends the requests marked Security through the transport
// that presents the merchant certificate, the others through the plain
// one, so that connections with and without the certificate never mix.
type mtlsRouter struct {
	plain, secure transport.Doer
}

func (m *mtlsRouter) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	if req.Security {
		return m.secure.Do(ctx, req)
	}
	return m.plain.Do(ctx, req)
}

// newV2Stack composes the APIv2 middlewares: log -> backup retry -> V2Signer ->
// V2Verifier -> transport (the one with the merchant certificate for
// "security" requests). Image uploads, signed by v2Form, skip V2Signer.
// A Config.Transport of the user's gets the "security" requests too,
// marked Security, and must present the certificate itself.
func newV2Stack(cfg Config, plain transport.Doer, primary, backup string) transport.Doer {
	next := plain
	if cfg.Transport == nil && cfg.Merchant != nil {
		tlsConfig := &tls.Config{}
		if cfg.TLSConfig != nil {
			tlsConfig = cfg.TLSConfig.Clone()
		}
		tlsConfig.Certificates = []tls.Certificate{*cfg.Merchant}
		next = &mtlsRouter{plain: plain, secure: transport.NewFastHTTP(transport.FastHTTPOptions{
			TLSConfig: tlsConfig, Timeout: cfg.Timeout, MaxResponseBytes: cfg.MaxResponseBytes,
		})}
	}
	if cfg.V2Verifier != nil {
		next = cfg.V2Verifier(next)
	} else {
		next = &xmlsign.Verifier{Secret: cfg.Secret, Next: next}
	}
	verified := next
	if cfg.V2Signer != nil {
		next = cfg.V2Signer(next)
	} else {
		next = &xmlsign.Signer{Secret: cfg.Secret, Next: next}
	}
	next = &v2Router{signed: next, presigned: verified}
	return withRetryAndLog(cfg, next, primary, backup, "v2/")
}

// v2Router sends the image uploads, signed over their form fields when
// they were built (a v2 request with a BodyStream is one), past the
// signer, which reads XML or a query string; the other requests go
// through it.
type v2Router struct {
	signed, presigned transport.Doer
}

func (r *v2Router) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	if req.BodyStream != nil {
		return r.presigned.Do(ctx, req)
	}
	return r.signed.Do(ctx, req)
}

// noV3 stands in for the APIv3 stack of a client configured for APIv2
// only, so that any path that reaches it fails clearly.
type noV3 struct{}

func (noV3) Do(_ context.Context, req *transport.Request) (*transport.Response, error) {
	return nil, &RequestError{Method: req.Method, Path: req.URI, Err: ErrNoV3}
}
