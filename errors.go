package wechatpay

import (
	"errors"
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

// Messages follow one rule: the error of a call starts with the call,
// "POST v3/refund/domestic/refunds: ", and says the rest once; an error
// that belongs to no call (a Config that New refuses) starts with
// "wechatpay: ".

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
	Method   string
	Template string
	Var      string // the variable at fault, if any
	Reason   string
	// Unused is a key of the options that is neither an option nor a
	// variable of the template, when Var has no value: most often the
	// variable, misspelled ("outTradeNo" for "out_trade_no").
	Unused string
}

// Error reads like "POST v3/pay/transactions/out-trade-no/{out_trade_no}:
// variable "out_trade_no" has no value (did you mean "outTradeNo"?)".
func (e *TemplateError) Error() string {
	var b strings.Builder
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Template)
	} else {
		b.WriteString("template ")
		b.WriteString(strconv.Quote(e.Template))
	}
	b.WriteString(": ")
	if e.Var != "" {
		fmt.Fprintf(&b, "variable %q ", e.Var)
	}
	b.WriteString(e.Reason)
	if e.Unused != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", e.Unused)
	}
	return b.String()
}

// RequestError is a request refused before sending: an unknown option, a
// body that is not valid JSON, a header value that cannot be sent. Reason
// names what was refused, Err says why when there is an error behind it
// (errors.Is finds ErrNoV3, ErrNoV2, transport.ErrInvalidHeader, ...).
type RequestError struct {
	Method string
	Path   string // the template
	Reason string
	Err    error
}

func (e *RequestError) Error() string {
	s := e.Method + " " + e.Path + ": " + e.Reason
	switch {
	case e.Err == nil:
	case e.Reason == "":
		s += e.Err.Error()
	default:
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *RequestError) Unwrap() error { return e.Err }

// ErrNoV3 and ErrNoV2 report a request of a protocol the client has no
// keys for, inside a *RequestError.
var (
	ErrNoV3 = errors.New("APIv3 is not configured: this client has only the APIv2 key (set Config.PrivateKey, Serial and Certs)")
	ErrNoV2 = errors.New("APIv2 is not configured: Config.Secret (the APIv2 key) is empty")
)
