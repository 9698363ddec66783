package wechatpay

import (
	"github.com/wxpay-go/wechatpay/internal/schema"
)

// CheckLevel says how far a request is checked against its operation's
// description (WeChat Pay's OpenAPI description, embedded) before it is
// sent. A request that fails is refused with a RequestError wrapping a
// FieldError and nothing is sent. Operations the description does not know
// are not checked.
type CheckLevel int

const (
	// CheckKinds, the default, refuses a known field whose value has the
	// wrong JSON kind: a string where the description says integer, an
	// object where it says array, a yuan amount (0.01) where it says
	// integer fen. Unknown fields pass: the description is incomplete.
	CheckKinds CheckLevel = iota
	// CheckServer adds what WeChat Pay itself refuses: a missing required
	// field, a value outside its enum, a string longer than its maxLength
	// (counted in bytes of UTF-8, as WeChat Pay counts: a Chinese character
	// is 3), a date-time that is not RFC 3339.
	CheckServer
	// CheckStrict adds unknown fields, naming the known field one edit away
	// ("atach": did you mean attach?).
	CheckStrict
	// CheckNone sends every request unchecked.
	CheckNone
)

func (l CheckLevel) String() string {
	switch l {
	case CheckKinds:
		return "kinds"
	case CheckServer:
		return "server"
	case CheckStrict:
		return "strict"
	case CheckNone:
		return "none"
	}
	return "CheckLevel(?)"
}

// FieldError is a request field its operation's description refuses. It
// arrives inside a RequestError, before anything was sent.
type FieldError struct {
	In      string // "body" or "query" (APIv3), "fields" (APIv2)
	Field   string // its path: amount.total, detail.goods_detail[1].price
	Problem string // "is a string, want an integer", "is required", ...
}

// Error reads like "body field amount.total: is a string, want an
// integer", "query parameter limit: ...", "field appid: is required".
func (e *FieldError) Error() string {
	switch e.In {
	case "query":
		return "query parameter " + e.Field + ": " + e.Problem
	case "fields":
		return "field " + e.Field + ": " + e.Problem
	}
	if e.Field == "" {
		return e.In + ": " + e.Problem
	}
	return e.In + " field " + e.Field + ": " + e.Problem
}

func fieldError(e *schema.Error) error {
	if e == nil {
		return nil
	}
	return &FieldError{In: e.In, Field: e.Field, Problem: e.Problem}
}

// level maps the client's setting onto the schema's levels; ok is false
// when requests go unchecked.
func (c *Client) level() (schema.Level, bool) {
	switch c.cfg.Checks {
	case CheckServer:
		return schema.Server, true
	case CheckStrict:
		return schema.Strict, true
	case CheckNone:
		return 0, false
	}
	return schema.Kinds, true
}

// checkV3 checks an APIv3 request's JSON body (nil when it has none or
// sends raw bytes) and raw query against the operation method path of the
// catalog. It allocates nothing when the request passes.
func (c *Client) checkV3(method, path string, body []byte, query string) error {
	level, ok := c.level()
	if !ok {
		return nil
	}
	op := schema.Find(method, path)
	if op == nil {
		return nil
	}
	if e := schema.CheckJSON(op.Body, "body", body, level); e != nil {
		return fieldError(e)
	}
	// Below Server a query is only checked when there is one: an empty
	// query cannot hold a field of the wrong kind.
	if query != "" || level >= schema.Server {
		return fieldError(op.CheckQuery(query, level))
	}
	return nil
}

// checkV2 checks an APIv2 request's fields. Of several fields that fail,
// the first by name is named, so the error is the same on every run.
func (c *Client) checkV2(method, path string, fields v2Payload) error {
	level, ok := c.level()
	if !ok {
		return nil
	}
	op := schema.Find(method, path)
	if op == nil {
		return nil
	}
	var first *schema.Error
	for name := range fields.names() {
		value, _ := fields.get(name)
		if e := op.CheckField(name, value, level); e != nil && (first == nil || name < first.Field) {
			first = e
		}
	}
	if first == nil && level >= schema.Server {
		// The client adds nonce_str and sign itself.
		first = op.CheckRequired(func(name string) bool {
			if name == "nonce_str" || name == "sign" {
				return true
			}
			v, ok := fields.get(name)
			return ok && v != ""
		})
	}
	return fieldError(first)
}
