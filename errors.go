package wechatpay

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
)

// The error types a call can return, one per failure class, for errors.As.
// VerifyError and TransportError come from the middleware packages.
type (
	// VerifyError is a response that failed signature verification.
	VerifyError = signer.VerifyError
	// TransportError is a failed exchange: no usable response arrived.
	TransportError = transport.Error
)

// APIError is a response with a non-2xx status. Code, Message and Detail
// come from WeChat Pay's JSON error body when there is one.
type APIError struct {
	Method     string
	Path       string // the request target without its leading "/"
	StatusCode int
	Code       string
	Message    string
	Detail     string // the raw JSON "detail" object, if any
	RequestID  string
	Header     http.Header
	Body       []byte
}

func newAPIError(method, path string, resp *transport.Response) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body}
	if gjson.ValidBytes(resp.Body) {
		e.Code = gjson.GetBytes(resp.Body, "code").String()
		e.Message = gjson.GetBytes(resp.Body, "message").String()
		e.Detail = gjson.GetBytes(resp.Body, "detail").Raw
	}
	e.RequestID = resp.Header.Get("Request-Id")
	return e
}

// Error reads like "POST v3/refund/domestic/refunds: 400 PARAM_ERROR:
// message (Request-ID ...)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	} else {
		b.WriteByte(' ')
		b.WriteString(http.StatusText(e.StatusCode))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (Request-ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// ConfigError is a Config the client cannot work with.
type ConfigError struct {
	Field  string
	Reason string
}

func (e *ConfigError) Error() string {
	return "wechatpay: Config." + e.Field + " " + e.Reason
}

// TemplateError is a URI template that cannot be expanded safely: bad
// syntax, a variable with no value, or a value that would change which
// endpoint is called. Nothing was sent.
type TemplateError struct {
	Template string
	Var      string // the variable at fault, if any
	Reason   string
}

func (e *TemplateError) Error() string {
	if e.Var != "" {
		return fmt.Sprintf("wechatpay: template %q: variable %q %s", e.Template, e.Var, e.Reason)
	}
	return fmt.Sprintf("wechatpay: template %q: %s", e.Template, e.Reason)
}

// RequestError is a request refused before sending: an unknown option, a
// body that is not valid JSON, a header value that cannot be sent.
type RequestError struct {
	Method string
	Path   string // the template
	Reason string
	Err    error
}

func (e *RequestError) Error() string {
	s := e.Method + " " + e.Path + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *RequestError) Unwrap() error { return e.Err }
