package wxpaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/catalog"
)

// Scripted endpoints: the endpoints a test sets with Handle, for the
// catalog endpoints the server does not implement (or to replace one it
// does).

// Handler answers the requests of an endpoint set with Server.Handle. It
// gets each request after the server has verified it.
//
// Handlers run on the server's goroutines, one per request, so a handler
// may be called concurrently with itself and others: guard what handlers
// share. Since it does not run on the test's goroutine, a handler must not
// call t.Fatal or t.FailNow; let it record what it saw, or answer Fail and
// let the test see the error. A handler that panics is answered 500
// SYSTEM_ERROR (APIv3) or return_code FAIL (APIv2), the panic named in the
// request's Received.Err.
type Handler func(r *Request) Reply

// Request is a verified request, as a Handler sees it.
type Request struct {
	Method string
	Path   string            // the path as sent (percent-encoded), without the query
	Params map[string]string // the path parameters, percent-decoded, by placeholder name ("out_refund_no")
	Query  url.Values
	Header http.Header
	Body   []byte            // the body as sent: JSON for APIv3, XML (or a multipart upload) for APIv2
	Fields map[string]string // APIv2: the request's fields (sign included), from the XML or, for a GET, the query; nil for APIv3
	MchID  string            // the merchant that signed the request
}

// Reply is what a Handler answers; JSON, Fail and Fields build the usual
// ones.
//
// For APIv3, Body is sent as JSON with Status (200 if zero): a []byte,
// string or json.RawMessage as is, nil as no body (a 204 has none), any
// other value marshalled. A Body that is an *Error (see Fail) is sent as
// WeChat Pay's {"code","message"} and recorded as the request's
// Received.Err; any other Body with a Status of 400 or more is sent as it
// is and recorded as an *Error too, with the code and message it carries.
// Every reply is signed, 204s and errors included, except a 2xx reply of
// an endpoint the catalog marks unsigned (a file download), which is sent
// unsigned as application/octet-stream, as WeChat Pay does
// (CorruptNextFile applies to it).
//
// For APIv2, Fields are the reply's fields: the server adds return_code
// SUCCESS and return_msg OK, result_code SUCCESS when return_code is
// SUCCESS, and the request's appid, mch_id (mchid), sub_appid,
// sub_mch_id and device_info, unless Fields sets them, then nonce_str and
// sign, with the request's sign_type, unless the catalog marks the endpoint
// unsigned or return_code is not SUCCESS. A Body *Error is answered as
// result_code FAIL with err_code and err_code_des; any other Body, with
// nil Fields, is a raw reply (a bill, a JSON document), sent as is like
// the APIv3 Body. APIv2 replies are 200: Status is ignored.
type Reply struct {
	Status int
	Body   any
	Fields map[string]string
}

// JSON is an APIv3 reply of status with body (see Reply).
func JSON(status int, body any) Reply {
	return Reply{Status: status, Body: body}
}

// Fail is an error reply: for APIv3, status with the JSON body
// {"code","message"}, as WeChat Pay's errors; for APIv2, result_code FAIL
// with err_code code and err_code_des message (status is ignored).
func Fail(status int, code, message string) Reply {
	return Reply{Status: status, Body: &Error{StatusCode: status, Code: code, Message: message}}
}

// Fields is an APIv2 reply with fields (see Reply): Fields(nil) is a bare
// success.
func Fields(fields map[string]string) Reply {
	if fields == nil {
		fields = map[string]string{}
	}
	return Reply{Fields: fields}
}

// scripted is an endpoint set with Handle.
type scripted struct {
	ep     catalog.Endpoint
	params []string // the placeholder names of ep.Path, in order
	h      Handler
}

// Handle makes the server answer the endpoint method template with h.
// template is the endpoint's path as the catalog, the documentation and
// Client.Chain write it: "v3/refund/domestic/refunds",
// "v3/refund/domestic/refunds/{out_refund_no}" or "v2/pay/refundquery".
// A method and template that are not an endpoint of the catalog are an
// error naming them, so a mistyped endpoint fails the test instead of
// leaving its requests to a 404. A handled path called with another
// method is answered 405 METHOD_NOT_ALLOWED, as a built-in one is.
//
// The requests of a handled endpoint are recorded, verified and refused
// as any other before h sees them: the Authorization header (merchant,
// serial, timestamp, nonce, signature), the headers and the JSON body for
// APIv3; Content-Type, mch_id, appid, sign_type, sign, nonce_str and,
// where the catalog says so, the client certificate for APIv2, whose GET
// endpoints take their signed fields in the query. Injected faults apply
// as to any request; ServerError, ResetConnection, ReturnFail and
// ResultFail answer without calling h. h checks the fields of the request
// itself.
//
// Handle replaces a built-in endpoint of the same method and path, or the
// handler set before; a nil h removes the handler. Reset leaves handlers
// in place. Handle may be called while the server is serving.
func (s *Server) Handle(method, template string, h Handler) error {
	method = strings.ToUpper(method)
	template = strings.TrimPrefix(template, "/")
	ep, err := catalogEndpoint(method, template)
	if err != nil {
		return err
	}
	sc := &scripted{ep: ep, h: h}
	for _, seg := range strings.Split(ep.Path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			sc.params = append(sc.params, strings.TrimSuffix(name, "}"))
		}
	}
	key := ep.Method + " " + ep.Path
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, key)
		return nil
	}
	if s.handlers == nil {
		s.handlers = map[string]*scripted{}
	}
	s.handlers[key] = sc
	return nil
}

// catalogEndpoint finds the endpoint of exactly method and template, or
// says what the catalog has instead.
func catalogEndpoint(method, template string) (catalog.Endpoint, error) {
	var others []string
	for _, ep := range catalog.All() {
		if ep.Path != template {
			continue
		}
		if ep.Method == method {
			return ep, nil
		}
		others = append(others, ep.Method)
	}
	msg := "wxpaytest: Handle: " + method + " " + template + " is not an endpoint of the catalog"
	if ep, ok := catalog.Lookup(method, template); ok {
		msg += "; did you mean " + ep.Method + " " + ep.Path + "?"
	} else if len(others) > 0 {
		msg += " (the catalog has " + strings.Join(others, ", ") + " " + template + ")"
	}
	return catalog.Endpoint{}, errors.New(msg)
}

// scriptedAt returns the handler of a catalog method and path, nil if
// there is none.
func (s *Server) scriptedAt(method, path string) *scripted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handlers[method+" "+path]
}

// lookupRoute finds the endpoint of an APIv3 request: a handler set with
// Handle, found as the catalog routes the target, else a built-in one.
func (s *Server) lookupRoute(r *http.Request) (*route, call, *Error) {
	rawPath, _, _ := strings.Cut(r.RequestURI, "?")
	if ep, ok := catalog.Lookup(r.Method, strings.TrimPrefix(rawPath, "/")); ok {
		if sc := s.scriptedAt(ep.Method, ep.Path); sc != nil {
			rt := route{method: ep.Method, pattern: split(ep.Path), handle: func(s *Server, c call) reply {
				return s.runV3(sc, r, c)
			}}
			return matchIn([]route{rt}, r.Method, r.RequestURI)
		}
	}
	rt, c, err := match(r.Method, r.RequestURI)
	if err != nil {
		if rt, c, ok := s.answerRoute(r); ok {
			return rt, c, nil // a catalog operation not emulated by hand: answers.go
		}
	}
	if err != nil && err.StatusCode == http.StatusNotFound && s.scriptedOtherMethod(r.Method, strings.TrimPrefix(rawPath, "/")) {
		return nil, call{}, notAllowed(r.Method, rawPath)
	}
	return rt, c, err
}

// scriptedOtherMethod reports whether path ("v3/...", "v2/...") is an
// endpoint set with Handle under a method other than method, so that the
// request is answered 405, as for a built-in endpoint, rather than 404.
func (s *Server) scriptedOtherMethod(method, path string) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == method {
			continue
		}
		if ep, ok := catalog.Lookup(m, path); ok && s.scriptedAt(ep.Method, ep.Path) != nil {
			return true
		}
	}
	return false
}

// runV3 calls the handler of a verified APIv3 request and makes its reply.
func (s *Server) runV3(sc *scripted, r *http.Request, c call) reply {
	rawPath, _, _ := strings.Cut(r.RequestURI, "?")
	req := &Request{
		Method: r.Method, Path: rawPath, Params: make(map[string]string, len(sc.params)),
		Query: c.query, Header: c.header, Body: bytes.Clone(c.body), MchID: s.MchID,
	}
	for i, name := range sc.params {
		req.Params[name] = c.params[i]
	}
	rep, panicked := sc.call(req)
	if panicked != "" {
		return fail(http.StatusInternalServerError, "SYSTEM_ERROR", panicked)
	}

	if e, ok := rep.Body.(*Error); ok {
		err := *e
		if rep.Status != 0 {
			err.StatusCode = rep.Status
		}
		return refuse(&err)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Fields != nil && rep.Body == nil {
		return fail(http.StatusInternalServerError, "SYSTEM_ERROR", sc.name()+": Fields are for APIv2 replies; an APIv3 reply has a Body (see JSON)")
	}
	body, err := encodeBody(rep.Body)
	if err != nil {
		return fail(http.StatusInternalServerError, "SYSTEM_ERROR", sc.name()+": the reply Body does not encode as JSON: "+err.Error())
	}
	if status >= 400 {
		// An error the handler wrote itself is recorded as one made with
		// Fail is, with the code and message its body carries.
		return reply{status: status, body: body, err: bodyError(status, body)}
	}
	if !sc.ep.SignedResponse && status >= 200 && status <= 299 {
		// A file, sent as is and unsigned, as the server's bills are.
		return reply{status: status, file: &fileReply{encrypted: append([]byte{}, body...)}}
	}
	return reply{status: status, body: body}
}

// v2Endpoint returns the endpoint of an APIv2 request: a handler set with
// Handle, else a built-in one, nil if there is none.
func (s *Server) v2Endpoint(r *http.Request, body []byte) v2Endpoint {
	sc := s.scriptedAt(r.Method, "v2"+r.URL.Path)
	if sc == nil {
		if ep := v2Endpoints[r.Method+" "+r.URL.Path]; ep != nil {
			return ep
		}
		return v2Generated(r.Method, r.URL.Path) // answers.go
	}
	return func(s *Server, c v2Call) v2Result {
		rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
		query, _ := url.ParseQuery(rawQuery)
		rep, panicked := sc.call(&Request{
			Method: r.Method, Path: rawPath, Params: map[string]string{}, Query: query, Header: r.Header,
			Body: bytes.Clone(body), Fields: maps.Clone(c.params), MchID: c.merchant.mchID,
		})
		if panicked != "" {
			return v2Result{fields: map[string]string{"return_code": "FAIL", "return_msg": panicked}}
		}
		if e, ok := rep.Body.(*Error); ok && rep.Fields == nil {
			return v2Fail(e.Code, e.Message)
		}
		if rep.Fields == nil && rep.Body != nil {
			raw, err := encodeBody(rep.Body)
			if err != nil {
				return v2Result{fields: map[string]string{"return_code": "FAIL", "return_msg": sc.name() + ": the reply Body does not encode as JSON: " + err.Error()}}
			}
			ct := "application/json"
			switch rep.Body.(type) {
			case []byte, string:
				ct = http.DetectContentType(raw)
			}
			return v2Result{raw: append([]byte{}, raw...), contentType: ct}
		}
		fields := maps.Clone(rep.Fields)
		if fields == nil {
			fields = map[string]string{}
		}
		if _, ok := fields["result_code"]; !ok && (fields["return_code"] == "" || fields["return_code"] == "SUCCESS") {
			fields["result_code"] = "SUCCESS"
		}
		return v2Result{fields: fields}
	}
}

// bodyError is the *Error of an APIv3 error reply whose body a handler
// wrote: its code and message when the body is WeChat Pay's
// {"code","message"}, else the body as the message.
func bodyError(status int, body []byte) *Error {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || e.Code == "" {
		return &Error{StatusCode: status, Message: string(body)}
	}
	return &Error{StatusCode: status, Code: e.Code, Message: e.Message}
}

// call runs the handler, turning a panic into a message.
func (sc *scripted) call(req *Request) (rep Reply, panicked string) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // net/http's way to drop the connection
			}
			panicked = sc.name() + " panicked: " + fmt.Sprint(v)
		}
	}()
	return sc.h(req), ""
}

func (sc *scripted) name() string {
	return "wxpaytest: the handler of " + sc.ep.Method + " " + sc.ep.Path
}

// encodeBody encodes a reply Body as the server's own replies are.
func encodeBody(v any) ([]byte, error) {
	switch b := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	case string:
		return []byte(b), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
