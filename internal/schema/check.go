package schema

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// CheckJSON checks a JSON body (valid JSON, as the caller has made sure)
// against node. in names the body in the error ("body", "reply"). It
// allocates nothing unless a check fails.
func CheckJSON(node *Node, in string, body []byte, level Level) *Error {
	if node == nil || len(body) == 0 {
		return nil
	}
	// The walk only reads: the bytes are not kept or changed meanwhile.
	v := gjson.Parse(unsafe.String(unsafe.SliceData(body), len(body)))
	if e := checkValue(node, v, level); e != nil {
		e.In = in
		return e
	}
	return nil
}

func checkValue(n *Node, v gjson.Result, level Level) *Error {
	if v.Type == gjson.Null {
		return nil // as if absent
	}
	if p := kindProblem(n.Kind, v); p != "" {
		return &Error{Problem: p}
	}
	switch {
	case v.IsObject():
		return checkObject(n, v, level)
	case v.IsArray():
		if n.Items == nil {
			return nil
		}
		var err *Error
		i := 0
		v.ForEach(func(_, item gjson.Result) bool {
			if e := checkValue(n.Items, item, level); e != nil {
				e.Field = "[" + strconv.Itoa(i) + "]" + dotted(e.Field)
				err = e
				return false
			}
			i++
			return true
		})
		return err
	case level >= Server && v.Type == gjson.String:
		return checkString(n, v.Str)
	case level >= Server && v.Type == gjson.Number && len(n.Enum) > 0 && !slices.Contains(n.Enum, v.Raw):
		return &Error{Problem: "is " + v.Raw + ", want one of " + strings.Join(n.Enum, ", ")}
	}
	return nil
}

func checkObject(n *Node, v gjson.Result, level Level) *Error {
	if len(n.Props) == 0 {
		return nil // an object of any members
	}
	var err *Error
	seen := 0
	v.ForEach(func(key, member gjson.Result) bool {
		p := n.Props[key.Str]
		if p == nil {
			if level >= Strict {
				err = unknown(n, key.Str)
				return false
			}
			return true
		}
		if e := checkValue(p, member, level); e != nil {
			e.Field = key.Str + dotted(e.Field)
			err = e
			return false
		}
		if p.Required && member.Type != gjson.Null {
			seen++
		}
		return true
	})
	if err == nil && level >= Server && seen < n.required {
		return missing(n, func(name string) bool {
			m := v.Get(gjson.Escape(name))
			return m.Exists() && m.Type != gjson.Null
		})
	}
	return err
}

// dotted joins a member's path to what follows it.
func dotted(rest string) string {
	if rest == "" || rest[0] == '[' {
		return rest
	}
	return "." + rest
}

// kindProblem says how v is not of kind, "" if it is.
func kindProblem(kind string, v gjson.Result) string {
	ok := true
	switch kind {
	case "object":
		ok = v.IsObject()
	case "array":
		ok = v.IsArray()
	case "string":
		ok = v.Type == gjson.String
	case "integer":
		ok = v.Type == gjson.Number && isInteger(v.Raw)
	case "number":
		ok = v.Type == gjson.Number
	case "boolean":
		ok = v.Type == gjson.True || v.Type == gjson.False
	}
	if ok {
		return ""
	}
	return "is " + jsonKind(v) + ", want " + article(kind)
}

func jsonKind(v gjson.Result) string {
	switch {
	case v.IsObject():
		return "an object"
	case v.IsArray():
		return "an array"
	case v.Type == gjson.String:
		return "a string"
	case v.Type == gjson.Number && !isInteger(v.Raw):
		return "a number with a fraction (" + v.Raw + ")"
	case v.Type == gjson.Number:
		return "a number"
	case v.Type == gjson.True || v.Type == gjson.False:
		return "a boolean"
	}
	return "null"
}

func article(kind string) string {
	switch kind {
	case "object", "array", "integer":
		return "an " + kind
	}
	return "a " + kind
}

// isInteger reports whether a JSON number has no fraction or exponent:
// WeChat Pay's amounts are integers of fen, and 0.01 is a yuan amount
// sent by mistake.
func isInteger(raw string) bool {
	return !strings.ContainsAny(raw, ".eE")
}

// checkString checks a string value at the Server level.
func checkString(n *Node, s string) *Error {
	if n.MaxLength > 0 && len(s) > n.MaxLength {
		return &Error{Problem: "is " + strconv.Itoa(len(s)) + " bytes long, at most " + strconv.Itoa(n.MaxLength)}
	}
	if len(n.Enum) > 0 && !slices.Contains(n.Enum, s) {
		return &Error{Problem: strconv.Quote(s) + " is not one of " + strings.Join(n.Enum, ", ")}
	}
	if n.DateTime && !IsDateTime(s) {
		return &Error{Problem: strconv.Quote(s) + " is not an RFC 3339 date-time (2006-01-02T15:04:05+08:00)"}
	}
	return nil
}

// missing names the first required property of n, in sorted order, that
// has does not report present.
func missing(n *Node, has func(string) bool) *Error {
	var names []string
	for name, p := range n.Props {
		if p.Required && !strings.Contains(name, "$") && !has(name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return &Error{Field: names[0], Problem: "is required"}
}

// unknown refuses a field n does not describe, naming a known one a
// single edit away.
func unknown(n *Node, name string) *Error {
	var near []string
	for known := range n.Props {
		if oneEdit(name, known) {
			near = append(near, known)
		}
	}
	e := &Error{Field: name, Problem: "is not a field of this operation"}
	if len(near) > 0 {
		slices.Sort(near)
		e.Problem += "; did you mean " + near[0] + "?"
	}
	return e
}

// oneEdit reports whether b is a away by one inserted, deleted or
// changed byte, or two neighbours swapped.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) < len(b) {
		return a[i:] == b[i+1:]
	}
	if a[i+1:] == b[i+1:] {
		return true
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// IsDateTime reports whether s is an RFC 3339 date-time as WeChat Pay
// writes them: 2006-01-02T15:04:05, optional fraction, then Z or an
// offset. It allocates nothing (time.Parse does, for the zone).
func IsDateTime(s string) bool {
	if len(s) < 20 {
		return false
	}
	d := func(i, j int, max int) bool {
		n := 0
		for k := i; k < j; k++ {
			if s[k] < '0' || s[k] > '9' {
				return false
			}
			n = n*10 + int(s[k]-'0')
		}
		return n <= max
	}
	if !d(0, 4, 9999) || s[4] != '-' || !d(5, 7, 12) || s[7] != '-' || !d(8, 10, 31) || s[10] != 'T' ||
		!d(11, 13, 23) || s[13] != ':' || !d(14, 16, 59) || s[16] != ':' || !d(17, 19, 59) {
		return false
	}
	if s[5:7] == "00" || s[8:10] == "00" {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if k == 1 {
			return false
		}
		rest = rest[k:]
	}
	if rest == "Z" {
		return true
	}
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return false
	}
	s = rest
	return d(1, 3, 23) && d(4, 6, 59)
}

// CheckQuery checks a raw query string ("limit=10&offset=0") against the
// operation's query parameters. It allocates nothing unless a check fails
// or a value is percent-encoded.
func (op *Operation) CheckQuery(rawQuery string, level Level) *Error {
	n := op.Query
	if n == nil {
		n = &Node{}
	}
	seen := 0
	for rest := rawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || name == "" {
			continue // the client encodes its queries; the server refuses these itself
		}
		p := n.Props[name]
		if p == nil {
			if level >= Strict && op.Query != nil {
				return in("query", unknown(n, name))
			}
			continue
		}
		if e := checkText(p, value, level); e != nil {
			e.Field = name
			return in("query", e)
		}
		if p.Required {
			seen++
		}
	}
	if level >= Server && seen < n.required {
		return in("query", missing(n, func(name string) bool { return strings.Contains("&"+rawQuery+"&", "&"+name+"=") }))
	}
	return nil
}

func in(where string, e *Error) *Error {
	if e != nil {
		e.In = where
	}
	return e
}

// checkText checks a value sent as text (a query parameter, an APIv2
// field): its kind is the text's form.
func checkText(n *Node, s string, level Level) *Error {
	if s == "" {
		return nil // an empty APIv2 field is not sent signed: as if absent
	}
	ok := true
	switch n.Kind {
	case "integer":
		_, err := strconv.ParseInt(s, 10, 64)
		ok = err == nil
	case "number":
		_, err := strconv.ParseFloat(s, 64)
		ok = err == nil
	case "boolean":
		ok = s == "true" || s == "false"
	}
	if !ok {
		return &Error{Problem: strconv.Quote(s) + " is not " + article(n.Kind)}
	}
	if level >= Server {
		return checkString(n, s)
	}
	return nil
}

// CheckField checks one APIv2 field of a request against the operation.
func (op *Operation) CheckField(name, value string, level Level) *Error {
	if op.Body == nil {
		return nil
	}
	p := op.Body.Prop(name)
	if p == nil {
		if level >= Strict && len(op.Body.Props) > 0 {
			return in("fields", unknown(op.Body, name))
		}
		return nil
	}
	if e := checkText(p, value, level); e != nil {
		e.Field = name
		return in("fields", e)
	}
	return nil
}

// CheckRequired names a required APIv2 field that has reports absent, nil
// if all are present.
func (op *Operation) CheckRequired(has func(name string) bool) *Error {
	if op.Body == nil || op.Body.required == 0 {
		return nil
	}
	return in("fields", missing(op.Body, has))
}

// CheckFields checks the APIv2 fields of a request or a reply: each
// field, in the order of their names so that the one named is the same
// on every run, then, from the Server level, the required ones.
func CheckFields(node *Node, where string, fields map[string]string, level Level) *Error {
	op := Operation{Body: node}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if e := op.CheckField(k, fields[k], level); e != nil {
			e.In = where
			return e
		}
	}
	if level >= Server {
		if e := op.CheckRequired(func(name string) bool { return fields[name] != "" }); e != nil {
			e.In = where
			return e
		}
	}
	return nil
}
