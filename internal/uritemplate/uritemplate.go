// Package uritemplate expands URI templates (RFC 6570, level 4) into
// request paths, with rules stricter than the RFC's wherever a value could
// change which endpoint is called: a path variable must have a value, and
// a value must not make a path segment empty, "." or "..", nor smuggle a
// separator into the path.
package uritemplate

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Expand expands an RFC 6570 (level 4) URI template with values from vars.
// It returns the expanded string and how many DISTINCT variable names of the
// template were found in vars (so the caller can detect keys in vars that no
// expression uses). Errors are *Error.
//
// A value is a string, a fmt.Stringer, an integer, a float64 or a bool (an
// RFC "string"); a []string or []any of those (a "list"); or a
// map[string]string or map[string]any (an "associative array"). Go maps have
// no order, so a map expands in sorted key order. nil, an empty list and an
// empty map are undefined.
//
// Two rules are stricter than the RFC, because a value must never change
// which endpoint is called:
//   - A variable of a path-building expression (no operator, or '+', '.',
//     '/', ';') must have a value; only '?', '&' and '#' expressions drop
//     undefined variables, which suits optional query parameters.
//   - In the path, a value must not make a path segment empty, "." or "..",
//     and a '+' value, which may contain '/', must not contain '?', '#', or
//     a pct-encoded '/' or '\' that a proxy could decode.
func Expand(tmpl string, vars map[string]any) (string, int, error) {
	return expand(tmpl, vars, false)
}

// expand is Expand; rfcMode drops the stricter rules so that tests can
// check the RFC's own examples.
func expand(tmpl string, vars map[string]any, rfcMode bool) (string, int, error) {
	if strings.IndexByte(tmpl, '{') < 0 && strings.IndexByte(tmpl, '}') < 0 && !needsEncoding(tmpl) {
		return tmpl, 0, nil
	}
	if out, found, ok := expandSimple(tmpl, vars); ok {
		return out, found, nil
	}
	x := expander{tmpl: tmpl, vars: vars, strict: !rfcMode, inPath: true}
	x.b.Grow(estimateSize(tmpl, vars))
	for i := 0; i < len(tmpl); {
		j := strings.IndexByte(tmpl[i:], '{')
		if j < 0 {
			j = len(tmpl)
		} else {
			j += i
		}
		if err := x.literal(i, j); err != nil {
			return "", 0, err
		}
		if j == len(tmpl) {
			break
		}
		e, next, err := parseExpr(tmpl, j)
		if err != nil {
			return "", 0, err
		}
		if err := x.expr(e); err != nil {
			return "", 0, syntaxErrorOr(tmpl, err)
		}
		i = next
	}
	out := x.b.String()
	if x.strict {
		if err := x.checkSegments(out); err != nil {
			return "", 0, syntaxErrorOr(tmpl, err)
		}
	}
	return out, x.found, nil
}

// syntaxErrorOr returns the first syntax error of tmpl, or else err: a
// malformed template is reported as such whatever the values, so the
// error does not change from call to call.
func syntaxErrorOr(tmpl string, err error) error {
	for i := 0; i < len(tmpl); {
		j := strings.IndexByte(tmpl[i:], '{')
		if j < 0 {
			j = len(tmpl)
		} else {
			j += i
		}
		if k := strings.IndexByte(tmpl[i:j], '}'); k >= 0 {
			return syntaxError(tmpl, "'}' without '{' at byte "+strconv.Itoa(i+k))
		}
		if j == len(tmpl) {
			break
		}
		e, next, serr := parseExpr(tmpl, j)
		for list := e.specs; serr == nil && list != ""; {
			_, list, serr = nextSpec(tmpl, list)
		}
		if serr != nil {
			return serr
		}
		i = next
	}
	return err
}

// estimateSize guesses the length of the expansion of tmpl, so that the
// output is allocated once: the template, plus each string value with its
// name, plus a little for any other value. It trusts nothing in tmpl.
func estimateSize(tmpl string, vars map[string]any) int {
	n := len(tmpl)
	for rest := tmpl; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return n
		}
		rest = rest[i+1:]
		if rest != "" && operators[rest[0]].sep != 0 {
			rest = rest[1:]
		}
		for {
			k := 0
			for k < len(rest) && nameChars[rest[k]] {
				k++
			}
			if s, ok := vars[rest[:k]].(string); ok {
				n += len(s) + k + 2
			} else {
				n += 16
			}
			for k < len(rest) && rest[k] != ',' && rest[k] != '}' {
				k++
			}
			if k == len(rest) || rest[k] == '}' {
				break
			}
			rest = rest[k+1:]
		}
	}
}

// operator is one row of the table in RFC 6570 appendix A.
type operator struct {
	first    byte // written before the first defined value; 0 for none
	sep      byte // written between values
	named    bool // values are written as name=value
	ifemp    bool // a named empty value is written "name=", not "name"
	reserved bool // reserved characters and pct-encoded triplets pass through
	path     bool // the expression builds the path, so undefined is an error
}

// simpleOp is the operator of an expression without one.
var simpleOp = operator{sep: ',', path: true}

// operators maps the first byte of an expression to its operator; an entry
// with sep == 0 is no operator.
var operators = [256]operator{
	'+': {sep: ',', reserved: true, path: true},
	'.': {first: '.', sep: '.', path: true},
	'/': {first: '/', sep: '/', path: true},
	';': {first: ';', sep: ';', named: true, path: true},
	'?': {first: '?', sep: '&', named: true, ifemp: true},
	'&': {first: '&', sep: '&', named: true, ifemp: true},
	'#': {first: '#', sep: ',', reserved: true},
}

// expression is a parsed expression.
type expression struct {
	op    operator
	specs string // the varspec list, e.g. "x,y:3,list*"
}

// varspec is one variable of an expression and its modifier.
type varspec struct {
	name    string
	prefix  int // the ":N" max length in characters; 0 for none
	explode bool
}

// parseExpr parses the expression starting at tmpl[i] == '{' and returns it
// with the index just past its '}'. nextSpec checks the varspecs as it
// reads them, so that each is parsed once.
func parseExpr(tmpl string, i int) (expression, int, error) {
	n := strings.IndexByte(tmpl[i+1:], '}')
	if n < 0 {
		return expression{}, 0, syntaxError(tmpl, "unclosed '{' at byte "+strconv.Itoa(i))
	}
	body, next := tmpl[i+1:i+1+n], i+2+n
	if body == "" {
		return expression{}, 0, syntaxError(tmpl, "empty expression at byte "+strconv.Itoa(i))
	}
	op := operators[body[0]]
	switch {
	case op.sep != 0:
		body = body[1:]
	case strings.IndexByte("=,!@|", body[0]) >= 0:
		return expression{}, 0, syntaxError(tmpl, fmt.Sprintf("reserved operator %q at byte %d", body[0], i))
	default:
		op = simpleOp
	}
	if body == "" {
		return expression{}, 0, syntaxError(tmpl, "empty expression at byte "+strconv.Itoa(i))
	}
	return expression{op: op, specs: body}, next, nil
}

// nextSpec parses the first varspec of list and returns it with the rest of
// the list.
func nextSpec(tmpl, list string) (varspec, string, error) {
	spec, rest, more := strings.Cut(list, ",")
	if more && rest == "" {
		return varspec{}, "", syntaxError(tmpl, `bad variable name ""`)
	}
	v := varspec{name: spec}
	if name, ok := strings.CutSuffix(spec, "*"); ok {
		if strings.IndexByte(name, ':') >= 0 {
			return varspec{}, "", syntaxError(tmpl, fmt.Sprintf("%q has both a prefix and an explode modifier", spec))
		}
		v.name, v.explode = name, true
	} else if name, digits, ok := strings.Cut(spec, ":"); ok {
		n, ok := parsePrefix(digits)
		if !ok {
			return varspec{}, "", syntaxError(tmpl, fmt.Sprintf("bad prefix %q for %q: want 1 to 9999", digits, name))
		}
		v.name, v.prefix = name, n
	}
	if !validName(v.name) {
		return varspec{}, "", syntaxError(tmpl, fmt.Sprintf("bad variable name %q", v.name))
	}
	return v, rest, nil
}

// parsePrefix parses the max-length of a prefix modifier: 1 to 4 digits,
// not starting with 0.
func parsePrefix(digits string) (int, bool) {
	if digits == "" || len(digits) > 4 || digits[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
		n = n*10 + int(digits[i]-'0')
	}
	return n, true
}

// validName reports whether name is an RFC 6570 varname: varchars (ALPHA,
// DIGIT, '_', pct-encoded) with single dots between them.
func validName(name string) bool {
	dot := true // a dot is not allowed first, so pretend one came before
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			if dot {
				return false
			}
			dot = true
			continue
		case c == '%':
			if i+2 >= len(name) || !isHexDigit(name[i+1]) || !isHexDigit(name[i+2]) {
				return false
			}
			i += 2
		case !varchars[c]:
			return false
		}
		dot = false
	}
	return !dot
}

// syntaxError is the error for a malformed template.
func syntaxError(tmpl, reason string) *Error {
	return &Error{Template: tmpl, Reason: reason}
}

// varSpan is where one variable's expansion landed in the output.
type varSpan struct {
	name     string
	val, end int // the value, after any operator, separator or "name="
}

// expander writes one expansion.
type expander struct {
	b       strings.Builder
	tmpl    string
	vars    map[string]any
	strict  bool // enforce this package's rules on top of the RFC
	inPath  bool // no '?' or '#' has been written yet
	pathEnd int  // where the path ends in the output, once !inPath

	// The first few distinct names found in vars and the variables expanded
	// in the path are kept in arrays, which keeps the common case free of
	// allocations.
	found    int
	seen     [4]string
	moreSeen []string
	nspans   int
	spans    [4]varSpan
	more     []varSpan
}

// count counts name as found unless it was counted before.
func (x *expander) count(name string) {
	n := min(x.found, len(x.seen))
	if slices.Contains(x.seen[:n], name) || slices.Contains(x.moreSeen, name) {
		return
	}
	if x.found < len(x.seen) {
		x.seen[x.found] = name
	} else {
		x.moreSeen = append(x.moreSeen, name)
	}
	x.found++
}

// addSpan records where a variable expanded in the path.
func (x *expander) addSpan(sp varSpan) {
	if x.nspans < len(x.spans) {
		x.spans[x.nspans] = sp
	} else {
		x.more = append(x.more, sp)
	}
	x.nspans++
}

// literal writes the literal template text tmpl[i:j], pct-encoding what a
// URI cannot hold as RFC 6570 section 3.1 says.
func (x *expander) literal(i, j int) error {
	lit := x.tmpl[i:j]
	start := 0
	for k := 0; k < len(lit); k++ {
		c := lit[k]
		switch {
		case plainLiteral[c]:
		case c == '}':
			return syntaxError(x.tmpl, "'}' without '{' at byte "+strconv.Itoa(i+k))
		case c == '?' || c == '#':
			if x.inPath {
				x.b.WriteString(lit[start:k])
				start = k
				x.endPath()
			}
		case pctTriplet(lit, k):
			k += 2
		default:
			x.b.WriteString(lit[start:k])
			x.pctEncode(c)
			start = k + 1
		}
	}
	x.b.WriteString(lit[start:])
	return nil
}

// endPath records that the path has ended and the query or fragment begins.
func (x *expander) endPath() {
	x.inPath = false
	x.pathEnd = x.b.Len()
}

// expr writes one expression, following RFC 6570 appendix A.
func (x *expander) expr(e expression) error {
	if x.inPath && !e.op.path {
		x.endPath()
	}
	first := true
	for list := e.specs; list != ""; {
		spec, rest, err := nextSpec(x.tmpl, list)
		if err != nil {
			return err
		}
		list = rest
		v, err := x.value(spec)
		if err != nil {
			return err
		}
		if v.kind == kindUndefined {
			if x.strict && e.op.path {
				return x.valueError(spec.name, "has no value")
			}
			continue
		}
		switch {
		case !first:
			x.b.WriteByte(e.op.sep)
		case e.op.first != 0:
			x.b.WriteByte(e.op.first)
		}
		first = false
		val := x.write(e.op, spec, v)
		if x.strict && x.inPath {
			sp := varSpan{spec.name, val, x.b.Len()}
			if e.op.reserved {
				if err := x.checkReserved(sp); err != nil {
					return err
				}
			}
			x.addSpan(sp)
		}
	}
	return nil
}

// write writes one defined variable after its operator or separator and
// returns where its value starts in the output.
func (x *expander) write(op operator, spec varspec, v varValue) int {
	b := &x.b
	switch {
	case v.kind == kindString:
		if op.named {
			x.name(op, spec.name, v.s == "")
		}
		val := b.Len()
		s := v.s
		if spec.prefix > 0 {
			s = truncateChars(s, spec.prefix)
		}
		x.encode(s, op.reserved)
		return val
	case !spec.explode:
		if op.named {
			b.WriteString(spec.name)
			b.WriteByte('=')
		}
		// A list and the flattened key,value pairs of a map read alike.
		val := b.Len()
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			x.encode(item, op.reserved)
		}
		return val
	case v.kind == kindList:
		val := b.Len()
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(op.sep)
			}
			if op.named {
				x.name(op, spec.name, item == "")
			}
			x.encode(item, op.reserved)
		}
		return val
	default: // an exploded map: each pair is key=value
		val := b.Len()
		for i := 0; i < len(v.items); i += 2 {
			if i > 0 {
				b.WriteByte(op.sep)
			}
			x.encode(v.items[i], op.reserved)
			if op.named && v.items[i+1] == "" {
				if op.ifemp {
					b.WriteByte('=')
				}
				continue
			}
			b.WriteByte('=')
			x.encode(v.items[i+1], op.reserved)
		}
		return val
	}
}

// name writes "name=" for a named operator, or just "name" for an empty
// value where the operator says so (";x" but "?x=").
func (x *expander) name(op operator, name string, empty bool) {
	x.b.WriteString(name)
	if !empty || op.ifemp {
		x.b.WriteByte('=')
	}
}

// checkReserved rejects a '+' value in the path that would end the path or
// smuggle in a separator.
func (x *expander) checkReserved(sp varSpan) error {
	val := x.b.String()[sp.val:sp.end]
	if !strings.ContainsAny(val, "?#") && !containsFold(val, "%2F") && !containsFold(val, "%5C") {
		return nil
	}
	return x.valueError(sp.name, fmt.Sprintf(`value %q: a reserved expansion in the path cannot contain "?", "#", "%%2F" or "%%5C"`, val))
}

// checkSegments rejects a path segment made empty, "." or ".." by a
// variable: each would send the request to another endpoint, or to one
// that a server or proxy rewrites.
func (x *expander) checkSegments(out string) error {
	if x.inPath {
		x.pathEnd = len(out)
	}
	path := out[:x.pathEnd]
	for i := range x.nspans {
		var sp varSpan
		if i < len(x.spans) {
			sp = x.spans[i]
		} else {
			sp = x.more[i-len(x.spans)]
		}
		start := strings.LastIndexByte(path[:sp.val], '/') + 1
		for {
			end := strings.IndexByte(path[start:], '/')
			if end < 0 {
				end = len(path)
			} else {
				end += start
			}
			if err := x.checkSegment(sp, path[start:end], path[sp.val:sp.end]); err != nil {
				return err
			}
			if end >= sp.end {
				break
			}
			start = end + 1
		}
	}
	return nil
}

// checkSegment checks one path segment that the variable of sp, whose
// expanded value is val, wrote into.
func (x *expander) checkSegment(sp varSpan, seg, val string) error {
	var reason string
	switch {
	case seg == "" && val == "":
		reason = "is empty: it would drop a path segment"
	case seg == "":
		reason = fmt.Sprintf("value %q: it would make an empty path segment", val)
	case !IsDotSegment(seg):
		return nil
	case seg == val:
		reason = fmt.Sprintf(`value %q: a path segment cannot be "." or ".."`, val)
	default:
		reason = fmt.Sprintf(`value %q makes path segment %q: a path segment cannot be "." or ".."`, val, seg)
	}
	return x.valueError(sp.name, reason)
}

// IsDotSegment reports whether seg is "." or "..", counting the
// pct-encoded dot "%2E" that servers decode before resolving dot segments.
// It is the one rule for dot segments, in a value, a template's text or a
// base URL's path.
func IsDotSegment(seg string) bool {
	dots := 0
	for seg != "" && dots < 3 {
		switch {
		case seg[0] == '.':
			seg = seg[1:]
		case len(seg) >= 3 && strings.EqualFold(seg[:3], "%2E"):
			seg = seg[3:]
		default:
			return false
		}
		dots++
	}
	return seg == "" && dots >= 1 && dots <= 2
}

// containsFold reports whether s contains substr, ASCII case-insensitively.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}

// valueKind is the RFC 6570 kind of a value.
type valueKind uint8

const (
	kindUndefined valueKind = iota
	kindString              // an RFC "string": one value
	kindList                // an RFC "list"
	kindMap                 // an RFC "associative array"
)

// varValue is a variable's value in RFC 6570 terms.
type varValue struct {
	kind  valueKind
	s     string   // kindString
	items []string // list members, or keys and values alternating in key order
}

// value looks up the variable of spec and converts its value.
func (x *expander) value(spec varspec) (varValue, error) {
	raw, ok := x.vars[spec.name]
	if ok {
		x.count(spec.name)
	}
	var v varValue
	switch raw := raw.(type) {
	case string: // the common case, ahead of the search below
		return varValue{kind: kindString, s: raw}, nil
	case nil:
		return varValue{}, nil
	case []string:
		v = varValue{kind: kindList, items: raw}
	case []any:
		v = varValue{kind: kindList, items: make([]string, len(raw))}
		for i, e := range raw {
			s, ok := Scalar(e)
			if !ok {
				return varValue{}, x.valueError(spec.name, fmt.Sprintf("has an element of unsupported type %T", e))
			}
			v.items[i] = s
		}
	case map[string]string:
		v = varValue{kind: kindMap, items: make([]string, 0, 2*len(raw))}
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			v.items = append(v.items, k, raw[k])
		}
	case map[string]any:
		v = varValue{kind: kindMap, items: make([]string, 0, 2*len(raw))}
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			s, ok := Scalar(raw[k])
			if !ok {
				return varValue{}, x.valueError(spec.name, fmt.Sprintf("has a map value of unsupported type %T", raw[k]))
			}
			v.items = append(v.items, k, s)
		}
	default:
		s, ok := Scalar(raw)
		if !ok {
			return varValue{}, x.valueError(spec.name, fmt.Sprintf("has unsupported type %T", raw))
		}
		return varValue{kind: kindString, s: s}, nil
	}
	if len(v.items) == 0 {
		return varValue{}, nil // RFC 6570 section 2.3: an empty list or map is undefined
	}
	if spec.prefix > 0 {
		return varValue{}, x.valueError(spec.name, "is a list or map: a prefix modifier applies to strings only")
	}
	return v, nil
}

// valueError is the error for a variable of the template.
func (x *expander) valueError(name, reason string) *Error {
	return &Error{Template: x.tmpl, Var: name, Reason: reason}
}

// Scalar formats a value of one of the types a variable takes as an RFC
// "string": a string, a fmt.Stringer, an integer, a float64 or a bool. The
// client formats query parameters and header values the same way.
func Scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case fmt.Stringer:
		return v.String(), true
	case int:
		return strconv.Itoa(v), true
	case int8:
		return strconv.FormatInt(int64(v), 10), true
	case int16:
		return strconv.FormatInt(int64(v), 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint:
		return strconv.FormatUint(uint64(v), 10), true
	case uint8:
		return strconv.FormatUint(uint64(v), 10), true
	case uint16:
		return strconv.FormatUint(uint64(v), 10), true
	case uint32:
		return strconv.FormatUint(uint64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case uintptr:
		return strconv.FormatUint(uint64(v), 10), true
	case float64:
		// 'f' rather than 'g': an amount must not turn into "1e+06".
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// truncateChars returns the first n characters (not bytes) of s, as the prefix
// modifier counts them.
func truncateChars(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Character classes of RFC 3986 section 2 and RFC 6570 section 2.3.
const (
	alnum           = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	unreservedChars = alnum + "-._~"
	reservedChars   = ":/?#[]@!$&'()*+,;="
)

var (
	// A value keeps unreserved characters always, and reserved ones only
	// in '+' and '#' expansions; literal text keeps both.
	unreserved = byteSet(unreservedChars)
	uriChars   = byteSet(unreservedChars + reservedChars)
	// plainLiteral is uriChars but for '?' and '#', at which literal text
	// ends the path.
	plainLiteral = byteSet(unreservedChars + ":/[]@!$&'()*+,;=")
	// varchars are the characters of a varname, besides pct-encoded
	// triplets and the dots between varchars.
	varchars = byteSet(alnum + "_")
	// nameChars is everything that can make up a varname, for the rough
	// reading of estimateSize.
	nameChars = byteSet(alnum + "_.%")
)

// byteSet returns the set of the bytes of chars.
func byteSet(chars string) (set [256]bool) {
	for i := 0; i < len(chars); i++ {
		set[chars[i]] = true
	}
	return set
}

// isHexDigit reports whether c is a HEXDIG.
func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// pctTriplet reports whether s[i:] starts with a pct-encoded triplet.
func pctTriplet(s string, i int) bool {
	return i+2 < len(s) && s[i] == '%' && isHexDigit(s[i+1]) && isHexDigit(s[i+2])
}

// needsEncoding reports whether literal text holds a character a URI cannot.
func needsEncoding(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if !uriChars[lit[i]] && !pctTriplet(lit, i) {
			return true
		}
	}
	return false
}

// encode writes s, pct-encoding each UTF-8 byte that is not allowed. With
// reserved, reserved characters and existing pct-encoded triplets pass
// through; without, a '%' is always encoded, so a value cannot smuggle in
// an encoded '/'.
func (x *expander) encode(s string, reserved bool) {
	allowed := &unreserved
	if reserved {
		allowed = &uriChars
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if allowed[c] {
			continue
		}
		if reserved && pctTriplet(s, i) {
			i += 2
			continue
		}
		x.b.WriteString(s[start:i])
		x.pctEncode(c)
		start = i + 1
	}
	x.b.WriteString(s[start:])
}

// pctEncode writes c as a pct-encoded triplet, upper case as RFC 3986
// section 2.1 recommends.
func (x *expander) pctEncode(c byte) {
	const hex = "0123456789ABCDEF"
	x.b.WriteByte('%')
	x.b.WriteByte(hex[c>>4])
	x.b.WriteByte(hex[c&15])
}

// expandSimple is the fast path for the templates WeChat Pay documents:
// plain {name} expressions, each a whole path segment, with non-empty
// string values. It reports false for anything else, and the general
// expander then decides, errors included.
func expandSimple(tmpl string, vars map[string]any) (string, int, bool) {
	// One pass into a stack buffer: the result string is the only
	// allocation for the usual template.
	var buf [256]byte
	out, found := buf[:0], 0
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		if c != '{' {
			if !simpleLiteral[c] {
				return "", 0, false
			}
			out = append(out, c)
			i++
			continue
		}
		end := strings.IndexByte(tmpl[i:], '}')
		if end < 2 || (i > 0 && tmpl[i-1] != '/') {
			return "", 0, false
		}
		end += i
		if end+1 < len(tmpl) && tmpl[end+1] != '/' {
			return "", 0, false
		}
		name := tmpl[i+1 : end]
		for k := 0; k < len(name); k++ {
			if !varchars[name[k]] {
				return "", 0, false
			}
		}
		v, ok := vars[name].(string)
		if !ok || v == "" || v == "." || v == ".." {
			return "", 0, false
		}
		for k := 0; k < len(v); k++ {
			if c := v[k]; unreserved[c] {
				out = append(out, c)
			} else {
				out = append(out, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&0xF])
			}
		}
		if !hasExpression(tmpl[:i], name) {
			found++
		}
		i = end + 1
	}
	return string(out), found, true
}

// hasExpression tells whether tmpl has the expression {name}, so that a
// variable used twice is counted once.
func hasExpression(tmpl, name string) bool {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return false
		}
		tmpl = tmpl[i+1:]
		if strings.HasPrefix(tmpl, name) && len(tmpl) > len(name) && tmpl[len(name)] == '}' {
			return true
		}
	}
}

var simpleLiteral = byteSet(unreservedChars + "/")

// Error is a template that cannot be expanded safely: bad syntax, a
// variable with no value, or a value that would change which endpoint is
// called.
type Error struct {
	Template string
	Var      string // the variable at fault, if any
	Reason   string
}

func (e *Error) Error() string {
	if e.Var != "" {
		return fmt.Sprintf("template %q: variable %q %s", e.Template, e.Var, e.Reason)
	}
	return fmt.Sprintf("template %q: %s", e.Template, e.Reason)
}

// Names lists the variable names of a template's expressions.
func Names(tmpl string) map[string]bool {
	names := map[string]bool{}
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			return names
		}
		expr := strings.TrimLeft(tmpl[i+1:j], "+#./;?&")
		for _, spec := range strings.Split(expr, ",") {
			name, _, _ := strings.Cut(strings.TrimSuffix(spec, "*"), ":")
			names[name] = true
		}
		tmpl = tmpl[j+1:]
	}
}
