package wxpaytest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/schema"
)

// Checks says how far the server checks the fields of a request against
// WeChat Pay's OpenAPI description before the endpoint sees it.
type Checks int

const (
	// ChecksServer refuses what WeChat Pay refuses: a known field of the
	// wrong kind, a missing required field, a value outside its enum, a
	// string longer than its maxLength (in bytes of UTF-8), a date-time
	// that is not RFC 3339. It is the default.
	ChecksServer Checks = iota
	// ChecksStrict adds unknown fields, naming a known field one edit
	// away. The description misses some fields WeChat Pay knows, so a
	// correct request may be refused.
	ChecksStrict
	// ChecksNone leaves the fields to the endpoints, as before the
	// description was used.
	ChecksNone
)

// String returns the name wxpay serve -checks takes: server, strict or
// none.
func (c Checks) String() string {
	switch c {
	case ChecksServer:
		return "server"
	case ChecksStrict:
		return "strict"
	case ChecksNone:
		return "none"
	}
	return "Checks(" + strconv.Itoa(int(c)) + ")"
}

// ParseChecks reads the name of a Checks level: server, strict or none.
func ParseChecks(name string) (Checks, error) {
	for _, c := range []Checks{ChecksServer, ChecksStrict, ChecksNone} {
		if c.String() == name {
			return c, nil
		}
	}
	return 0, fmt.Errorf("wxpaytest: checks %q: want server, strict or none", name)
}

// WithChecks sets how far the server checks the fields of every request
// of a catalog operation; ChecksServer by default. A request that fails is
// answered as WeChat Pay answers it: APIv3 400 PARAM_ERROR with a message
// naming the field (amount.total, goods_detail[1].price), APIv2
// return_code FAIL with a return_msg naming it. The endpoints emulated by
// hand, and handlers set with Handle, see only requests that pass.
func WithChecks(level Checks) Option {
	return func(s *Server) { s.checks = level }
}

// schemaLevel is the level of internal/schema a Checks stands for; ok is
// false for ChecksNone.
func (c Checks) schemaLevel() (level schema.Level, ok bool) {
	switch c {
	case ChecksServer:
		return schema.Server, true
	case ChecksStrict:
		return schema.Strict, true
	}
	return 0, false
}

// checkV3 checks the JSON body and the query of an APIv3 request of a
// catalog operation, nil if they pass or the operation is not described.
func (s *Server) checkV3(r *http.Request, body []byte) *Error {
	level, ok := s.checks.schemaLevel()
	if !ok {
		return nil
	}
	rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	ep, found := catalog.Lookup(r.Method, strings.TrimPrefix(rawPath, "/"))
	if !found {
		return nil
	}
	op := schema.Find(ep.Method, ep.Path)
	if op == nil {
		return nil
	}
	if e := op.CheckQuery(rawQuery, level); e != nil {
		return paramFieldError(e)
	}
	if ep.Content == "json" || (ep.Content != "multipart" && isJSONBody(r.Header)) {
		if e := schema.CheckJSON(op.Body, "body", body, level); e != nil {
			return paramFieldError(e)
		}
	}
	return nil
}

// isJSONBody reports whether a request says its body is JSON; the headers
// have been checked, so a body that says so is valid JSON.
func isJSONBody(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/json")
}

// paramFieldError is WeChat Pay's answer to a field that fails a check:
// its message starts as WeChat Pay's do, with the field's place in the
// request ("输入源“/body/amount/total”"), then says what is wrong in
// English.
func paramFieldError(e *schema.Error) *Error {
	rule := "规则校验失败"
	if e.Problem == "is required" {
		rule = "必填性规则校验失败，此字段为必填项"
	}
	msg := "输入源“/" + e.In + "/" + pointer(e.Field) + "”映射到字段“" + e.Field + "”" + rule + ": " + e.Error()
	return &Error{StatusCode: http.StatusBadRequest, Code: "PARAM_ERROR", Message: msg}
}

// pointer writes a field path (goods_detail[1].price) as WeChat Pay's
// messages do (goods_detail/1/price).
func pointer(field string) string {
	return strings.NewReplacer("[", "/", "]", "", ".", "/").Replace(field)
}

// checkV2 checks the fields of an APIv2 request of a catalog operation (the
// XML body, or the query of a GET), nil if they pass or the operation is
// not described. The failure is the return_msg WeChat Pay would send:
// 缺少参数NAME for a missing field, NAME参数长度有误 for one too long,
// NAME参数格式错误 otherwise, each followed by what is wrong in English.
func (s *Server) checkV2(ep catalog.Endpoint, fields map[string]string) (msg string, failed bool) {
	level, ok := s.checks.schemaLevel()
	if !ok {
		return "", false
	}
	op := schema.Find(ep.Method, ep.Path)
	if op == nil || ownRefusals[ep.Method+" "+ep.Path] {
		return "", false
	}
	e := checkFields(op, fields, level)
	if e == nil {
		return "", false
	}
	switch {
	case e.Problem == "is required":
		return "缺少参数" + e.Field + ": " + e.Error(), true
	case strings.Contains(e.Problem, "bytes long"):
		return e.Field + "参数长度有误: " + e.Error(), true
	}
	return e.Field + "参数格式错误: " + e.Error(), true
}

// ownRefusals are the APIv2 endpoints emulated by hand that refuse bad
// fields in a form of their own, as WeChat Pay does: a bill download
// answers return_msg "invalid bill_date" with error_code 20001.
var ownRefusals = map[string]bool{"POST v2/pay/downloadbill": true}

// checkFields checks APIv2 request fields in the order of their names, so
// that the first failure named is always the same. The sign is left out:
// the server has verified it, and the description gives it the 32
// characters of an MD5 sign, where an HMAC-SHA256 one has 64.
func checkFields(op *schema.Operation, fields map[string]string, level schema.Level) *schema.Error {
	names := slices.Sorted(maps.Keys(fields))
	for _, name := range names {
		if name == "sign" {
			continue
		}
		if e := op.CheckField(name, fields[name], level); e != nil {
			return e
		}
	}
	return op.CheckRequired(func(name string) bool { return fields[name] != "" })
}
