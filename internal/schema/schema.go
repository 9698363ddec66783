// Package schema checks request and reply bodies against WeChat Pay's
// OpenAPI description: the JSON body and the query of an APIv3 request, the
// fields of an APIv2 one, and the reply of either.
//
// The description of every operation is in schema.json, written by ./gen
// from internal/openapi (go generate), one line per operation keyed
// "METHOD path" as the catalog writes it. Lines are found when the first
// operation is looked up and decoded one by one as their operations are
// first used, so a program that calls three operations decodes three.
//
// A check has three levels. Kinds, the default of the client, refuses a
// known field whose value has the wrong JSON kind (a string where the
// description says integer, an object where it says array) and nothing
// else: the description is incomplete (fields WeChat Pay knows are missing
// from it), so an unknown field is let through. Server adds what WeChat
// Pay itself refuses: a missing required field, a value outside its enum,
// a string longer than its maxLength, a date-time that is not RFC 3339.
// Strict adds unknown fields, naming the known field one edit away.
//
// MaxLength counts bytes of UTF-8, not characters: WeChat Pay's
// documentation gives field lengths as byte counts (a Chinese character of
// a description or an attach counts 3), and its servers refuse a field by
// its byte length. Counting bytes never lets through a field WeChat Pay
// would refuse as too long.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

//go:generate go run ./gen

//go:embed schema.json
var data []byte

// Level says how far a check goes; see the package documentation.
type Level int

const (
	// Kinds refuses a known field of the wrong kind.
	Kinds Level = iota
	// Server adds required fields, enums, maxLength and date-time.
	Server
	// Strict adds unknown fields.
	Strict
)

// Node describes one value. Kind is "object", "array", "string",
// "integer", "number", "boolean", "file", or "" (any value).
type Node struct {
	Kind      string           `json:"k,omitempty"`
	DateTime  bool             `json:"t,omitempty"` // an RFC 3339 date-time
	Enum      []string         `json:"e,omitempty"` // the values allowed, strings unquoted
	MaxLength int              `json:"m,omitempty"` // in bytes
	Required  bool             `json:"r,omitempty"` // required in the object holding it
	Props     map[string]*Node `json:"p,omitempty"`
	Items     *Node            `json:"i,omitempty"`

	required int      // how many Props are Required
	indexed  []string // APIv2 names with an index placeholder: coupon_fee_$n
}

// Operation is the description of one operation's bodies.
type Operation struct {
	Key    string `json:"op"`               // "METHOD path", as the catalog writes it
	Body   *Node  `json:"body,omitempty"`   // the JSON body (APIv3) or the fields (APIv2, also of a GET)
	Query  *Node  `json:"query,omitempty"`  // APIv3 query parameters, as an object
	Form   *Node  `json:"form,omitempty"`   // the fields of a multipart upload, as an object
	Reply  *Node  `json:"reply,omitempty"`  // the success reply
	Status int    `json:"status,omitempty"` // the success status: 200, 204, ...
}

// V2 reports whether the operation is APIv2, whose fields are strings.
func (op *Operation) V2() bool {
	_, path, _ := strings.Cut(op.Key, " ")
	return strings.HasPrefix(path, "v2/")
}

type entry struct {
	key  string
	line []byte
	once sync.Once
	op   *Operation
}

var index = sync.OnceValue(func() map[string]*entry {
	m := make(map[string]*entry, 1200)
	for line := range bytes.Lines(data) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		key, ok := lineKey(line)
		if !ok {
			panic("schema: schema.json: a line does not start with its operation") // checked by the tests
		}
		m[key] = &entry{key: key, line: line}
	}
	return m
})

// lineKey reads the operation key at the start of a line, {"op":"KEY",...
func lineKey(line []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"op":"`))
	if !ok {
		return "", false
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return "", false
	}
	return string(rest[:i]), true
}

// Lookup returns the description of the operation key ("POST
// v3/refund/domestic/refunds"), nil if there is none.
func Lookup(key string) *Operation {
	return index()[key].operation()
}

// Find is Lookup of the key method+" "+path, without building the key on
// the heap: the client calls it on every request.
func Find(method, path string) *Operation {
	var buf [160]byte
	key := append(append(append(buf[:0], method...), ' '), path...)
	return index()[string(key)].operation()
}

// operation decodes the entry's line the first time it is asked for.
func (e *entry) operation() *Operation {
	if e == nil {
		return nil
	}
	e.once.Do(func() {
		op, err := Parse(e.line)
		if err != nil {
			panic(fmt.Sprintf("schema: schema.json: %s: %v", e.key, err)) // checked by the tests
		}
		e.op = op
	})
	return e.op
}

// Parse decodes one line of schema.json.
func Parse(line []byte) (*Operation, error) {
	op := new(Operation)
	if err := json.Unmarshal(line, op); err != nil {
		return nil, err
	}
	for _, n := range []*Node{op.Body, op.Query, op.Form, op.Reply} {
		n.prepare()
	}
	return op, nil
}

// Keys returns the keys of every operation described, in the file's order.
func Keys() []string {
	var keys []string
	for line := range bytes.Lines(data) {
		if k, ok := lineKey(line); ok && k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// prepare counts required properties and lists indexed names, below n.
func (n *Node) prepare() {
	if n == nil {
		return
	}
	for name, p := range n.Props {
		if p.Required {
			n.required++
		}
		if strings.Contains(name, "$") {
			n.indexed = append(n.indexed, name)
		}
		p.prepare()
	}
	n.Items.prepare()
}

// Prop returns the property called name: an exact match, else an APIv2
// indexed name (coupon_fee_0 is coupon_fee_$n).
func (n *Node) Prop(name string) *Node {
	if p := n.Props[name]; p != nil {
		return p
	}
	for _, pattern := range n.indexed {
		if matchIndexed(pattern, name) {
			return n.Props[pattern]
		}
	}
	return nil
}

// matchIndexed matches a name against a pattern whose $x placeholders
// stand for decimal numbers.
func matchIndexed(pattern, name string) bool {
	for pattern != "" {
		if len(pattern) >= 2 && pattern[0] == '$' && isLetter(pattern[1]) {
			digits := 0
			for digits < len(name) && name[digits] >= '0' && name[digits] <= '9' {
				digits++
			}
			if digits == 0 {
				return false
			}
			pattern, name = pattern[2:], name[digits:]
			continue
		}
		if name == "" || name[0] != pattern[0] {
			return false
		}
		pattern, name = pattern[1:], name[1:]
	}
	return name == ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Error is a field that failed a check.
type Error struct {
	In      string // "body", "query", "fields" (APIv2) or "reply"
	Field   string // its path: amount.total, detail.goods_detail[1].price
	Problem string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.In + ": " + e.Problem
	}
	return e.In + " field " + e.Field + ": " + e.Problem
}
