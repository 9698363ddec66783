package port

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A snippet's variables often get their values a few lines above it, in
// the same example: $outTradeNo = '1217752501201407033233368018'; or
// const appid = 'wxd678efh567hg6787'. Those plain literal assignments
// give the ported variables their values instead of a TODO placeholder.

// literal is the value a variable is given in the source: a string, a
// number as written, true, false or null.
type literal struct {
	line int
	goV  string // the value as Go
}

var (
	phpAssign = regexp.MustCompile(`\$([A-Za-z_]\w*)\s*=`)
	jsAssign  = regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=`)
)

// literalAssignments finds the assignments of one literal to a variable,
// by the variable's source name (PHP's without "$"), in source order: PHP
// $name = literal; and JS const/let/var name = literal, with several
// declarators (const a = 'x', b = 2;).
func literalAssignments(src string) map[string][]literal {
	out := map[string][]literal{}
	find := func(re *regexp.Regexp, php bool) {
		for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
			end := m[1]
			if end < len(src) && (src[end] == '=' || src[end] == '>') {
				continue // ==, =>
			}
			name := src[m[2]:m[3]]
			line := 1 + strings.Count(src[:m[0]], "\n")
			s := &scanner{src: src, pos: end, line: line, php: php}
			for {
				v, at, ok := readLiteral(s)
				if !ok {
					break
				}
				t := s.next()
				ends := t.kind == tPunct && t.text == ";" || !php && (t.kind == tEOF || t.line > at)
				more := !php && t.kind == tPunct && t.text == ","
				if !ends && !more {
					break // an expression that starts with a literal: 1 + 2
				}
				out[name] = append(out[name], literal{line: line, goV: v})
				if !more {
					break
				}
				id, eq := s.next(), s.next()
				if id.kind != tIdent || eq.kind != tPunct || eq.text != "=" {
					break
				}
				name, line = id.text, id.line
			}
		}
	}
	find(phpAssign, true)
	find(jsAssign, false)
	return out
}

// readLiteral reads one literal as Go: a string without interpolation, a
// number, true, false or null. at is the line it ends on.
func readLiteral(s *scanner) (v string, at int, ok bool) {
	t := s.next()
	switch {
	case t.kind == tString && !t.interp:
		return strconv.Quote(t.text), s.line, true
	case t.kind == tNumber:
		return goNumber(t.text), t.line, true
	case t.kind == tPunct && t.text == "-":
		n := s.next()
		if n.kind != tNumber {
			return "", 0, false
		}
		return "-" + goNumber(n.text), n.line, true
	case t.kind == tIdent && (t.text == "true" || t.text == "false"):
		return t.text, t.line, true
	case t.kind == tIdent && (t.text == "null" || t.text == "NULL"):
		return "nil", t.line, true
	}
	return "", 0, false
}

// valueBefore is the last literal assigned to source before line, if any.
func valueBefore(lits map[string][]literal, source string, line int) (literal, bool) {
	var found literal
	ok := false
	for _, l := range lits[source] {
		if l.line < line {
			found, ok = l, true
		}
	}
	return found, ok
}

// Values known when porting: the docs' v2 samples send some fields as a
// string the SDK's language computes from literals,
//
//	'scene_info' => \json_encode(['store_info' => ['id' => 'SZTX001']]),
//	'redirect_url' => \urlencode('https://example.com/return?a=1'),
//
// and the port sends the very string PHP (or Node) would: the function is
// run here, with that language's rules, and its result is a Go string
// literal. A value that depends on anything not known when porting is
// left to the caller to report.

// staticArray is a PHP array, or a JS array or object, of known values:
// its keys (string or int64) in order.
type staticArray struct {
	keys   []any
	vals   []any
	object bool // a JS object: always a JSON object
}

// set stores v at key as PHP does: a key seen before keeps its place.
func (a *staticArray) set(key any, v any) {
	for i, k := range a.keys {
		if k == key {
			a.vals[i] = v
			return
		}
	}
	a.keys = append(a.keys, key)
	a.vals = append(a.vals, v)
}

// nextIndex is the key PHP gives an element without one: one more than
// the largest integer key, or 0.
func (a *staticArray) nextIndex() int64 {
	next := int64(0)
	for _, k := range a.keys {
		if n, ok := k.(int64); ok && n >= next {
			next = n + 1
		}
	}
	return next
}

// isList reports whether the keys are 0, 1, 2, ... in order, which
// json_encode writes as a JSON array.
func (a *staticArray) isList() bool {
	for i, k := range a.keys {
		if n, ok := k.(int64); !ok || n != int64(i) {
			return false
		}
	}
	return true
}

// stringFuncs are the functions whose result, on known arguments, the port
// computes: PHP's by their lower-case name, Node's as Class.method.
var stringFuncs = map[string]bool{
	"json_encode": true, "urlencode": true, "rawurlencode": true, "urldecode": true, "rawurldecode": true,
	"JSON.stringify": true, "encodeURIComponent": true, "decodeURIComponent": true,
}

// stringFunc names the function e calls, if it is one of stringFuncs.
func stringFunc(e expr) (name string, args []expr, ok bool) {
	switch e := e.(type) {
	case *call:
		switch fn := e.fn.(type) {
		case *ident:
			name = strings.ToLower(strings.TrimPrefix(fn.name, `\`))
			if fn.name == "encodeURIComponent" || fn.name == "decodeURIComponent" {
				name = fn.name
			}
		case *member:
			if id, ok := fn.x.(*ident); ok && fn.index == nil {
				name = id.name + "." + fn.name
			}
		}
		return name, e.args, stringFuncs[name]
	}
	return "", nil, false
}

// staticString ports a call of one of stringFuncs on known arguments to
// the Go string literal of its result.
func (c *converter) staticString(e expr) (string, bool) {
	if _, _, ok := stringFunc(e); !ok {
		return "", false
	}
	v, ok := c.static(e)
	if s, isString := v.(string); ok && isString {
		return strconv.Quote(s), true
	}
	return "", false
}

// static evaluates e when its value is known when porting: a literal, a
// variable assigned a literal above the snippet, an array of those, a
// concatenation, or a call of one of stringFuncs. The value is a string,
// int64, float64, bool, nil or *staticArray.
func (c *converter) static(e expr) (any, bool) {
	switch e := e.(type) {
	case *strLit:
		return e.v, !e.interp
	case *numLit:
		return parseNumber(e.v)
	case *unary:
		v, ok := c.static(e.x)
		switch n := v.(type) {
		case int64:
			if e.op == "-" {
				return -n, ok
			}
			return n, ok && e.op == "+"
		case float64:
			if e.op == "-" {
				return -n, ok
			}
			return n, ok && e.op == "+"
		}
		return nil, false
	case *ident:
		switch e.name {
		case "true", "false":
			return e.name == "true", true
		case "null", "NULL":
			return nil, true
		case "PHP_EOL":
			return "\n", true
		}
		return c.staticVar(e.name)
	case *phpVar:
		return c.staticVar(e.name)
	case *binary:
		if e.op != "." {
			return nil, false
		}
		x, okx := c.static(e.x)
		y, oky := c.static(e.y)
		xs, okxs := phpString(x)
		ys, okys := phpString(y)
		return xs + ys, okx && oky && okxs && okys
	case *arrayLit:
		a := &staticArray{object: e.object}
		for _, it := range e.items {
			if it.spread {
				return nil, false
			}
			v, ok := c.static(it.value)
			if !ok {
				return nil, false
			}
			if it.key == nil {
				a.set(a.nextIndex(), v)
				continue
			}
			k, ok := c.static(it.key)
			if !ok {
				return nil, false
			}
			key, ok := arrayKey(k, e.object)
			if !ok {
				return nil, false
			}
			a.set(key, v)
		}
		return a, true
	}
	name, args, ok := stringFunc(e)
	if !ok || len(args) == 0 {
		return nil, false
	}
	vals := make([]any, len(args))
	for i, a := range args {
		if name == "json_encode" && i == 1 {
			flags, ok := jsonFlags(a)
			if !ok {
				return nil, false
			}
			vals[i] = flags
			continue
		}
		v, ok := c.static(a)
		if !ok {
			return nil, false
		}
		vals[i] = v
	}
	return callStringFunc(name, vals)
}

// staticVar is the literal assigned to a variable above the snippet.
func (c *converter) staticVar(name string) (any, bool) {
	if _, ok := c.opts.Vars[name]; ok {
		return nil, false // the caller's value is the variable's
	}
	lit, ok := valueBefore(c.lits, name, c.line)
	if !ok {
		return nil, false
	}
	switch lit.goV {
	case "true", "false":
		return lit.goV == "true", true
	case "nil":
		return nil, true
	}
	if s, err := strconv.Unquote(lit.goV); err == nil {
		return s, true
	}
	return parseNumber(lit.goV)
}

// parseNumber reads a PHP or JS number literal: an integer (decimal, 0x,
// 0o, 0b or a leading 0 for octal) as int64, else a float64.
func parseNumber(s string) (any, bool) {
	s = strings.ReplaceAll(s, "_", "")
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	if !strings.ContainsAny(digits, ".eE") || strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X") {
		if n, err := strconv.ParseInt(digits, 0, 64); err == nil {
			if neg {
				n = -n
			}
			return n, true
		}
	}
	f, err := strconv.ParseFloat(digits, 64)
	if err != nil {
		return nil, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// arrayKey is the key PHP stores for k: a string of a decimal integer
// becomes that integer, a bool 0 or 1, null "". JS keys are strings.
func arrayKey(k any, js bool) (any, bool) {
	switch k := k.(type) {
	case string:
		if js {
			return k, true
		}
		if n, err := strconv.ParseInt(k, 10, 64); err == nil && strconv.FormatInt(n, 10) == k {
			return n, true
		}
		return k, true
	case int64:
		if js {
			return strconv.FormatInt(k, 10), true
		}
		return k, true
	case bool:
		if k {
			return int64(1), !js
		}
		return int64(0), !js
	case nil:
		return "", !js
	}
	return nil, false
}

// phpString converts a scalar to a string as PHP's string conversion
// does; floats, whose conversion depends on precision settings, are not
// converted.
func phpString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case bool:
		if v {
			return "1", true
		}
		return "", true
	case nil:
		return "", true
	}
	return "", false
}

// jsString converts a scalar to a string as JS's String() does.
func jsString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return jsNumber(v), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "null", true
	}
	return "", false
}

// json_encode's flags, by name.
var jsonFlagValues = map[string]int64{
	"JSON_HEX_TAG": 1, "JSON_HEX_AMP": 2, "JSON_HEX_APOS": 4, "JSON_HEX_QUOT": 8, "JSON_FORCE_OBJECT": 16,
	"JSON_NUMERIC_CHECK": 32, "JSON_UNESCAPED_SLASHES": 64, "JSON_PRETTY_PRINT": 128, "JSON_UNESCAPED_UNICODE": 256,
	"JSON_PARTIAL_OUTPUT_ON_ERROR": 512, "JSON_PRESERVE_ZERO_FRACTION": 1024, "JSON_UNESCAPED_LINE_TERMINATORS": 2048,
	"JSON_INVALID_UTF8_IGNORE": 1 << 20, "JSON_INVALID_UTF8_SUBSTITUTE": 1 << 21, "JSON_THROW_ON_ERROR": 1 << 22,
}

// jsonFlags evaluates json_encode's flags argument: flag names and
// numbers joined with |.
func jsonFlags(e expr) (int64, bool) {
	switch e := e.(type) {
	case *ident:
		v, ok := jsonFlagValues[strings.TrimPrefix(e.name, `\`)]
		return v, ok
	case *numLit:
		v, ok := parseNumber(e.v)
		n, isInt := v.(int64)
		return n, ok && isInt
	case *binary:
		if e.op != "|" {
			return 0, false
		}
		x, okx := jsonFlags(e.x)
		y, oky := jsonFlags(e.y)
		return x | y, okx && oky
	}
	return 0, false
}

// callStringFunc runs one of stringFuncs on known arguments.
func callStringFunc(name string, args []any) (any, bool) {
	switch name {
	case "json_encode":
		var flags int64
		if len(args) > 1 {
			flags = args[1].(int64)
		}
		// A depth argument only limits nesting, which literals keep small;
		// JSON_NUMERIC_CHECK would turn numeric strings into numbers.
		if len(args) > 3 || flags&jsonFlagValues["JSON_NUMERIC_CHECK"] != 0 {
			return nil, false
		}
		var b strings.Builder
		if !encodeJSON(&b, args[0], jsonStyle{php: true, flags: flags}, "") {
			return nil, false
		}
		return b.String(), true
	case "JSON.stringify":
		var b strings.Builder
		if len(args) != 1 || !encodeJSON(&b, args[0], jsonStyle{}, "") {
			return nil, false
		}
		return b.String(), true
	}
	if len(args) != 1 {
		return nil, false
	}
	s, ok := phpString(args[0])
	if strings.HasSuffix(name, "URIComponent") {
		s, ok = jsString(args[0])
	}
	if !ok {
		return nil, false
	}
	switch name {
	case "urlencode":
		return percentEncode(s, "-_.", true), true
	case "rawurlencode":
		return percentEncode(s, "-_.~", false), true
	case "encodeURIComponent":
		return percentEncode(s, "-_.!~*'()", false), utf8.ValidString(s)
	case "urldecode":
		return percentDecode(s, true), true
	case "rawurldecode":
		return percentDecode(s, false), true
	case "decodeURIComponent":
		d := percentDecode(s, false)
		return d, utf8.ValidString(d) // else a URIError
	}
	return nil, false
}

// percentEncode escapes every byte of s but ASCII letters, digits and
// keep, as %XX; with plus, a space is "+".
func percentEncode(s, keep string, plus bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte(keep, ch) >= 0:
			b.WriteByte(ch)
		case ch == ' ' && plus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}

// percentDecode decodes %XX (either case) and, with plus, "+" as a space;
// a "%" not followed by two hex digits stays as it is, as in PHP.
func percentDecode(s string, plus bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+' && plus:
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// jsonStyle is how a language writes JSON: PHP's json_encode with its
// flags, or JS's JSON.stringify.
type jsonStyle struct {
	php   bool
	flags int64
}

func (st jsonStyle) has(flag string) bool { return st.flags&jsonFlagValues[flag] != 0 }

// encodeJSON writes v as the style's function does; false when that
// function would fail (invalid UTF-8, a float it cannot write).
func encodeJSON(b *strings.Builder, v any, st jsonStyle, indent string) bool {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int64:
		if !st.php {
			b.WriteString(jsNumber(float64(v)))
			break
		}
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			if st.php {
				return false
			}
			b.WriteString("null")
			break
		}
		if !st.php {
			b.WriteString(jsNumber(v))
			break
		}
		s := phpFloat(v)
		if st.has("JSON_PRESERVE_ZERO_FRACTION") && !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		b.WriteString(s)
	case string:
		return encodeJSONString(b, v, st)
	case *staticArray:
		keys, vals := v.keys, v.vals
		list := !v.object && v.isList() && !st.has("JSON_FORCE_OBJECT")
		if v.object {
			keys, vals = jsKeyOrder(keys, vals)
		}
		open, close := "{", "}"
		if list {
			open, close = "[", "]"
		}
		b.WriteString(open)
		pretty := st.php && st.has("JSON_PRETTY_PRINT")
		inner := indent + "    "
		for i := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if pretty {
				b.WriteString("\n" + inner)
			}
			if !list {
				k, _ := phpString(keys[i])
				if !encodeJSONString(b, k, st) {
					return false
				}
				b.WriteByte(':')
				if pretty {
					b.WriteByte(' ')
				}
			}
			if !encodeJSON(b, vals[i], st, inner) {
				return false
			}
		}
		if pretty && len(keys) > 0 {
			b.WriteString("\n" + indent)
		}
		b.WriteString(close)
	default:
		return false
	}
	return true
}

// jsKeyOrder orders an object's keys as JS does: the array-index keys
// first, ascending, then the others in insertion order.
func jsKeyOrder(keys, vals []any) ([]any, []any) {
	type kv struct {
		k     any
		v     any
		index int64
	}
	var idx, rest []kv
	for i, k := range keys {
		s, _ := k.(string)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n < 1<<32-1 && strconv.FormatInt(n, 10) == s {
			idx = append(idx, kv{k, vals[i], n})
		} else {
			rest = append(rest, kv{k, vals[i], 0})
		}
	}
	sort.SliceStable(idx, func(i, j int) bool { return idx[i].index < idx[j].index })
	var ks, vs []any
	for _, e := range append(idx, rest...) {
		ks, vs = append(ks, e.k), append(vs, e.v)
	}
	return ks, vs
}

// encodeJSONString writes a JSON string as the style does. PHP escapes
// "/" and every non-ASCII character (as UTF-16 \u escapes) unless its
// flags say otherwise; JS escapes only quotes, backslashes and control
// characters.
func encodeJSONString(b *strings.Builder, s string, st jsonStyle) bool {
	if !utf8.ValidString(s) {
		return false
	}
	const hex = "0123456789abcdef"
	u := func(r rune) {
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hex[r>>shift&15])
		}
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' && st.has("JSON_HEX_QUOT"):
			b.WriteString(`\u0022`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/' && st.php && !st.has("JSON_UNESCAPED_SLASHES"):
			b.WriteString(`\/`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			u(r)
		case st.php && (r == '<' || r == '>') && st.has("JSON_HEX_TAG"):
			b.WriteString(map[rune]string{'<': `\u003C`, '>': `\u003E`}[r])
		case st.php && r == '&' && st.has("JSON_HEX_AMP"):
			b.WriteString(`\u0026`)
		case st.php && r == '\'' && st.has("JSON_HEX_APOS"):
			b.WriteString(`\u0027`)
		case st.php && r >= 0x80 && !st.has("JSON_UNESCAPED_UNICODE"),
			st.php && (r == 0x2028 || r == 0x2029) && !st.has("JSON_UNESCAPED_LINE_TERMINATORS"):
			if r > 0xffff {
				r -= 0x10000
				u(0xd800 + r>>10)
				u(0xdc00 + r&0x3ff)
				continue
			}
			u(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return true
}

// shortest is the shortest decimal digits of f that read back as f, and
// the place of the decimal point: f = 0.digits × 10^point.
func shortest(f float64) (digits string, point int, neg bool) {
	s := strconv.FormatFloat(f, 'e', -1, 64)
	neg = strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	digits = strings.Replace(mant, ".", "", 1)
	if digits == "0" {
		return "0", 1, neg
	}
	return digits, e + 1, neg
}

// phpFloat writes a float as PHP's json_encode does (serialize_precision
// -1): the shortest digits, in exponent form below 1e-4 and from 1e17 on
// (1.0e+25, 1.5e-5).
func phpFloat(f float64) string {
	digits, point, neg := shortest(f)
	var b strings.Builder
	if neg && digits != "0" {
		b.WriteByte('-')
	}
	switch {
	case point < -3 || point > 17:
		b.WriteByte(digits[0])
		b.WriteByte('.')
		if len(digits) == 1 {
			b.WriteByte('0')
		} else {
			b.WriteString(digits[1:])
		}
		exp := point - 1
		b.WriteByte('e')
		if exp < 0 {
			b.WriteByte('-')
			exp = -exp
		} else {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(exp))
	case point <= 0:
		b.WriteString("0." + strings.Repeat("0", -point) + digits)
	case point >= len(digits):
		b.WriteString(digits + strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point] + "." + digits[point:])
	}
	return b.String()
}

// jsNumber writes a number as JS's Number.prototype.toString does.
func jsNumber(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 0) {
		if f < 0 {
			return "-Infinity"
		}
		return "Infinity"
	}
	digits, n, neg := shortest(f)
	k := len(digits)
	sign := ""
	if neg && digits != "0" {
		sign = "-"
	}
	switch {
	case digits == "0":
		return "0"
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	exp := n - 1
	es := "+" + strconv.Itoa(exp)
	if exp < 0 {
		es = strconv.Itoa(exp)
	}
	if k == 1 {
		return sign + digits + "e" + es
	}
	return sign + digits[:1] + "." + digits[1:] + "e" + es
}

// A sample often builds its body or query first and passes the variable:
//
//	$params = ['appid' => 'wx...', 'timestamp' => Formatter::timestamp()];
//	$params['sign'] = Hash::sign(Hash::ALGO_HMAC_SHA256, ..., $apiv2Key);
//	$instance->v2->papay->h5entrustweb->get(['query' => $params]);
//
// The variable ports as the array it holds at the snippet: the last
// whole-array assignment above it and the keys set after that.

// arrayStep is one assignment to an array variable: the whole array, or
// one key of it.
type arrayStep struct {
	line  int
	whole *arrayLit // $v = [...]
	key   string    // $v['key'] = value
	value expr
}

// arrayAssign finds $v = and $v['key'] =; the parser reads what follows.
var arrayAssign = regexp.MustCompile(`\$([A-Za-z_]\w*)\s*(?:\[\s*(?:'[^'\\\n]*'|"[^"\\$\n]*")\s*\]\s*)?=`)

// arrayAssignments lists the array assignments of the PHP in src, by the
// variable's name.
func arrayAssignments(src string) map[string][]arrayStep {
	out := map[string][]arrayStep{}
	for _, m := range arrayAssign.FindAllStringSubmatchIndex(src, -1) {
		if m[1] < len(src) && (src[m[1]] == '=' || src[m[1]] == '>') {
			continue // ==, =>
		}
		line := 1 + strings.Count(src[:m[0]], "\n")
		p := newParser(src, m[0], line, true)
		st, err := parse(p.statement)
		if err != nil || st.kind != "assign" {
			continue
		}
		name := src[m[2]:m[3]]
		switch t := st.target.(type) {
		case *phpVar:
			if a, ok := st.x.(*arrayLit); ok && t.name == name {
				out[name] = append(out[name], arrayStep{line: line, whole: a})
			} else {
				out[name] = append(out[name], arrayStep{line: line}) // no longer a known array
			}
		case *member:
			v, ok := t.x.(*phpVar)
			k, isStr := t.index.(*strLit)
			if ok && isStr && !k.interp && v.name == name {
				out[name] = append(out[name], arrayStep{line: line, key: k.v, value: st.x})
			}
		}
	}
	return out
}

// builtArray is the array a variable holds at the snippet being ported,
// if the source builds it above the snippet.
func (c *converter) builtArray(name string) (*arrayLit, bool) {
	if _, ok := c.opts.Vars[name]; ok {
		return nil, false
	}
	var a *arrayLit
	for _, st := range c.arrays[name] {
		if st.line >= c.line {
			break
		}
		switch {
		case st.whole != nil:
			a = &arrayLit{line: st.whole.line, items: slices.Clone(st.whole.items)}
		case st.value == nil:
			a = nil
		case a != nil:
			key := &strLit{line: st.line, v: st.key}
			i := slices.IndexFunc(a.items, func(it item) bool {
				k, ok := it.key.(*strLit)
				return ok && k.v == st.key
			})
			if i >= 0 {
				a.items[i] = item{key: key, value: st.value}
			} else {
				a.items = append(a.items, item{key: key, value: st.value})
			}
		}
	}
	return a, a != nil
}

// unsigned leaves a hand-made "sign" out of the fields of an APIv2
// request (the client signs them itself, and refuses a payload that has
// one), with a note saying so.
func (c *converter) unsigned(e expr, tmpl string) (expr, string) {
	if tmpl != "v2" && !strings.HasPrefix(tmpl, "v2/") {
		return e, ""
	}
	a, ok := e.(*arrayLit)
	if v, isVar := e.(*phpVar); isVar {
		a, ok = c.builtArray(v.name)
	}
	if !ok {
		return e, ""
	}
	i := slices.IndexFunc(a.items, func(it item) bool {
		k, ok := it.key.(*strLit)
		return ok && k.v == "sign"
	})
	if i < 0 {
		return a, ""
	}
	how := "a sign"
	if class, method, _ := sdkCall(a.items[i].value); class == "Hash" && method == "sign" {
		how = "the Hash::sign"
	}
	out := &arrayLit{line: a.line, object: a.object, items: slices.Delete(slices.Clone(a.items), i, i+1)}
	return out, fmt.Sprintf("%s of line %d is left out: the client signs APIv2 requests itself", how, a.items[i].value.pos())
}

// withNote puts a comment line first in a composite literal.
func withNote(v, note string) string {
	if note == "" {
		return v
	}
	if rest, ok := strings.CutPrefix(v, "wechatpay.M{"); ok {
		return "wechatpay.M{\n// port: " + commentText(note) + "\n" + strings.TrimPrefix(rest, "\n")
	}
	return v
}
