package port

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/schema"
)

// Application code computes the values it sends: $order->out_trade_no,
// config('wechat.appid'), (int) bcmul($amount, 100), 'prefix' . $no. Each
// is ported as a Go expression of the type the request wants; what cannot
// be known from the source (a property, a config helper, a method's
// result) becomes an input: a variable named after it, declared once at
// the top with the original in a "// port:" note.

// goExpr is a Go expression and its type: "string", "int", "float64",
// "bool", "M" (wechatpay.M), a slice type, or "any".
type goExpr struct {
	code, typ string
}

// kindType is the Go type of a schema kind, "" when any will do.
func kindType(n *schema.Node) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case "string":
		return "string"
	case "integer":
		return "int"
	case "number":
		return "float64"
	case "boolean":
		return "bool"
	case "object":
		return "M"
	}
	return ""
}

// gen ports e as a Go expression; want is the type the context asks for
// ("" for any), node the schema of the value if known.
func (c *converter) gen(e expr, want string, node *schema.Node) goExpr {
	switch e := e.(type) {
	case *strLit:
		if e.interp {
			return c.gen(c.interpolation(e), "string", nil)
		}
		return goExpr{strconv.Quote(e.v), "string"}
	case *numLit:
		v := goNumber(e.v)
		if strings.ContainsAny(v, ".eE") && !strings.HasPrefix(v, "0x") {
			return goExpr{v, "float64"}
		}
		return goExpr{v, "int"}
	case *ident:
		switch e.name {
		case "true", "false", "TRUE", "FALSE":
			return goExpr{strings.ToLower(e.name), "bool"}
		case "null", "undefined", "NULL":
			return goExpr{"nil", "any"}
		case "PHP_EOL":
			return goExpr{`"\n"`, "string"}
		}
		if l, ok := c.locals[e.name]; ok {
			return l
		}
		return c.variable(e.name, want)
	case *phpVar:
		if l, ok := c.locals["$"+e.name]; ok {
			return l
		}
		if e.name == "this" {
			break
		}
		if a, ok := c.builtArray(e.name); ok {
			return goExpr{c.composite(a, node), "M"} // $params = [...]; $params['k'] = ...; (literals.go)
		}
		return c.variable(e.name, want)
	case *unary:
		switch e.op {
		case "-":
			x := c.gen(e.x, numeric(want), nil)
			return goExpr{"-" + paren(x.code), x.typ}
		case "+":
			return c.gen(e.x, numeric(want), nil)
		case "!":
			x := c.gen(e.x, "bool", nil)
			return goExpr{"!" + paren(c.truth(x)), "bool"}
		}
	case *binary:
		if g, ok := c.binary(e, want, node); ok {
			return g
		}
	case *cond:
		return c.conditional(e, want, node)
	case *cast:
		t := castType(e.typ)
		if t == "M" {
			return c.gen(e.x, "M", node)
		}
		if t == "int" {
			if g, ok := c.toFen(e.x); ok {
				return g
			}
		}
		return goExpr{c.conv(c.gen(e.x, t, nil), t), t}
	case *arrayLit:
		code := c.composite(e, node)
		if strings.HasPrefix(code, "wechatpay.M") {
			return goExpr{code, "M"}
		}
		return goExpr{code, code[:strings.IndexByte(code, '{')]}
	case *member:
		// A key of a map the function builds, or of a loop's element.
		if l, ok := c.locals[rootVar(e)]; ok && l.typ == "M" {
			if base, ok := e.x.(*phpVar); ok && "$"+base.name == rootVar(e) || isIdent(e.x) {
				key := e.name
				if e.index != nil {
					s, ok := e.index.(*strLit)
					if !ok || s.interp {
						break
					}
					key = s.v
				}
				return goExpr{fmt.Sprintf("%s[%q]", l.code, key), "any"}
			}
		}
	case *call, *staticCall:
		if s, ok := c.staticString(e); ok {
			return goExpr{s, "string"}
		}
		if _, _, ok := stringFunc(e); ok {
			// The exact text PHP makes of values not known when porting
			// (literals.go) is not guessed.
			c.report(e.pos(), "%s is not ported; nil is sent in its place", describeExpr(e))
			return goExpr{"nil", "any"}
		}
		if g, ok := c.knownCall(e, want); ok {
			return g
		}
	}
	if s, ok := c.staticString(e); ok {
		return goExpr{s, "string"} // json_encode, urlencode, ... of literals (literals.go)
	}
	if text, key, ok := c.isRsaEncrypt(e); ok {
		return goExpr{c.encrypt(e.pos(), text, key), "string"}
	}
	if method, src, ok := c.mediaCall(e); ok && method == "getStream" {
		return goExpr{c.mediaFile(src), "any"}
	}
	switch formatterCall(e) {
	case "nonce":
		c.imports[modulePath+"/signer"] = true
		return goExpr{"signer.Nonce()", "string"} // 32 characters of [0-9A-Za-z], as Formatter::nonce()
	case "timestamp":
		c.imports["time"] = true
		return goExpr{"time.Now().Unix()", "int64"}
	}
	if g, ok := c.envVar(e); ok {
		return g
	}
	if f, ok := e.(*funcLit); ok {
		c.report(f.line, "a function is not ported; nil is sent in its place")
		return goExpr{"nil", "any"}
	}
	return c.input(e, want)
}

func isIdent(e expr) bool {
	_, ok := e.(*ident)
	return ok
}

// numeric is the numeric type a context wants: float64 if it says so,
// else int.
func numeric(want string) string {
	if want == "float64" {
		return want
	}
	return "int"
}

func castType(t string) string {
	switch strings.ToLower(t) {
	case "int", "integer":
		return "int"
	case "float", "double":
		return "float64"
	case "bool", "boolean":
		return "bool"
	case "array", "object":
		return "M"
	}
	return "string"
}

// paren wraps an expression that is more than an operand.
func paren(code string) string {
	if strings.ContainsAny(code, " ") && !(strings.HasSuffix(code, ")") && !strings.HasPrefix(code, "(") && !strings.Contains(code, " + ")) {
		return "(" + code + ")"
	}
	return code
}

// conv converts a Go expression to type want where Go needs it to.
func (c *converter) conv(g goExpr, want string) string {
	if want == "" || want == g.typ || want == "any" || g.typ == "any" && g.code == "nil" {
		return g.code
	}
	switch want {
	case "string":
		c.imports["strconv"] = true
		switch g.typ {
		case "int":
			return "strconv.Itoa(" + g.code + ")"
		case "int64":
			return "strconv.FormatInt(" + g.code + ", 10)"
		case "float64":
			return "strconv.FormatFloat(" + g.code + ", 'f', -1, 64)"
		case "bool":
			return "strconv.FormatBool(" + g.code + ")"
		}
		delete(c.imports, "strconv")
		c.imports["fmt"] = true
		return "fmt.Sprint(" + g.code + ")"
	case "int", "float64", "int64":
		switch g.typ {
		case "int", "float64", "int64":
			return want + "(" + g.code + ")"
		case "string":
			if n, err := strconv.ParseFloat(strings.Trim(g.code, `"`), 64); err == nil && strings.HasPrefix(g.code, `"`) {
				return goNumber(strconv.FormatFloat(n, 'f', -1, 64))
			}
		}
	case "bool":
		return c.truth(g)
	}
	c.report(c.line, "a %s is used where a %s is wanted; it is not converted", g.typ, want)
	return g.code
}

// truth is PHP's and JS's truthiness of a value, as a Go condition.
func (c *converter) truth(g goExpr) string {
	switch g.typ {
	case "bool":
		return g.code
	case "string":
		return g.code + ` != ""`
	case "int", "float64", "int64":
		return g.code + " != 0"
	case "M", "[]any", "[]string", "[]wechatpay.M":
		return "len(" + g.code + ") > 0"
	}
	return g.code + " != nil"
}

// binary ports an operator.
func (c *converter) binary(e *binary, want string, node *schema.Node) (goExpr, bool) {
	switch e.op {
	case ".":
		return c.concat(e), true
	case "+":
		if c.php {
			break
		}
		// JS: text if either side is text.
		if t := literalType(e.y); t == "int" || t == "float64" {
			return c.arith(e, want), true
		}
		mark := len(c.free)
		x := c.gen(e.x, "", nil)
		if x.typ == "string" {
			return goExpr{x.code + " + " + c.conv(c.gen(e.y, "string", nil), "string"), "string"}, true
		}
		c.forgetFree(mark)
		if isStringy(e.y) {
			return c.concat(e), true
		}
	case "??", "?:":
		return c.or(e, want, node), true
	case "||":
		if !c.php && want != "bool" {
			return c.or(e, want, node), true
		}
		x, y := c.gen(e.x, "bool", nil), c.gen(e.y, "bool", nil)
		return goExpr{c.truth(x) + " || " + c.truth(y), "bool"}, true
	case "or":
		x, y := c.gen(e.x, "bool", nil), c.gen(e.y, "bool", nil)
		return goExpr{c.truth(x) + " || " + c.truth(y), "bool"}, true
	case "&&", "and":
		x, y := c.gen(e.x, "bool", nil), c.gen(e.y, "bool", nil)
		return goExpr{paren(c.truth(x)) + " && " + paren(c.truth(y)), "bool"}, true
	case "==", "===", "!=", "!==", "<", ">", "<=", ">=":
		op := strings.TrimSuffix(e.op, "=")
		if op == "" || op == "!" || op == "=" {
			op = e.op[:2]
		}
		switch e.op {
		case "===":
			op = "=="
		case "!==":
			op = "!="
		case "<=", ">=", "==", "!=":
			op = e.op
		}
		t := literalType(e.y)
		if t == "" {
			t = literalType(e.x)
		}
		if t == "any" { // == null
			x := c.gen(e.x, "", nil)
			return goExpr{c.zeroTest(x, op), "bool"}, true
		}
		x := c.gen(e.x, t, nil)
		y := c.gen(e.y, x.typ, nil)
		return goExpr{c.conv(x, y.typ) + " " + op + " " + c.conv(y, x.typ), "bool"}, true
	}
	if strings.Contains("+-*/%", e.op) {
		return c.arith(e, want), true
	}
	return goExpr{}, false
}

// zeroTest is x == null or x != null: its zero value, in Go.
func (c *converter) zeroTest(x goExpr, op string) string {
	switch x.typ {
	case "string":
		return x.code + " " + op + ` ""`
	case "int", "float64", "int64":
		return x.code + " " + op + " 0"
	}
	return x.code + " " + op + " nil"
}

// isStringy reports whether e is a string for certain.
func isStringy(e expr) bool {
	s, ok := e.(*strLit)
	return ok && (s.v != "" || true)
}

// literalType is the Go type of a literal operand, "" if it is not one.
func literalType(e expr) string {
	switch e := e.(type) {
	case *strLit:
		return "string"
	case *numLit:
		if strings.ContainsAny(e.v, ".eE") {
			return "float64"
		}
		return "int"
	case *ident:
		switch e.name {
		case "true", "false":
			return "bool"
		case "null", "undefined", "NULL":
			return "any"
		}
	case *unary:
		return literalType(e.x)
	}
	return ""
}

// concat ports PHP's . and JS's + of text.
func (c *converter) concat(e expr) goExpr {
	var parts []string
	var walk func(e expr)
	walk = func(e expr) {
		if b, ok := e.(*binary); ok && (b.op == "." || b.op == "+" && !c.php) {
			walk(b.x)
			walk(b.y)
			return
		}
		if s, ok := e.(*strLit); ok && !s.interp && s.v == "" {
			return
		}
		g := c.gen(e, "string", nil)
		parts = append(parts, c.conv(g, "string"))
	}
	walk(e)
	if len(parts) == 0 {
		return goExpr{`""`, "string"}
	}
	return goExpr{strings.Join(parts, " + "), "string"}
}

// or ports a ?? b, a ?: b and JS a || b: the first that is set.
func (c *converter) or(e *binary, want string, node *schema.Node) goExpr {
	t := literalType(e.y)
	if t == "" || t == "any" {
		t = want
	}
	if t == "" {
		t = kindType(node)
	}
	if t == "" || t == "M" {
		t = "string"
	}
	y := c.gen(e.y, t, node)
	x := c.gen(e.x, y.typ, node)
	if y.code == "nil" || y.code == `""` || y.code == "0" {
		return x // nothing to fall back to but the zero value
	}
	c.imports["cmp"] = true
	return goExpr{"cmp.Or(" + c.conv(x, y.typ) + ", " + c.conv(y, x.typ) + ")", x.typ}
}

// arith ports + - * / % of numbers.
func (c *converter) arith(e *binary, want string) goExpr {
	t := numeric(want)
	if literalType(e.x) == "float64" || literalType(e.y) == "float64" {
		t = "float64"
	}
	x := c.gen(e.x, t, nil)
	y := c.gen(e.y, x.typ, nil)
	if x.typ == "float64" || y.typ == "float64" {
		t = "float64"
	} else if x.typ == "int64" || y.typ == "int64" {
		t = "int64"
	}
	return goExpr{arithOperand(c.conv(x, t), e.op) + " " + e.op + " " + arithOperand(c.conv(y, t), e.op), t}
}

func arithOperand(code, op string) string {
	if (op == "*" || op == "/" || op == "%") && (strings.Contains(code, " + ") || strings.Contains(code, " - ")) {
		return "(" + code + ")"
	}
	return code
}

// toFen ports the integer of an amount times 100, which is how
// applications turn yuan into the fen the API counts in: (int)
// bcmul($yuan, 100), intval($yuan * 100), round($yuan * 100). The yuan is
// a float64 and the product is rounded, not truncated: 0.29 * 100 is
// 28.999999999999996.
func (c *converter) toFen(e expr) (goExpr, bool) {
	var x, y expr
	switch e := e.(type) {
	case *binary:
		if e.op != "*" {
			return goExpr{}, false
		}
		x, y = e.x, e.y
	case *call:
		name := funcName(e)
		if name == "round" && len(e.args) == 1 || name == "Math.round" && len(e.args) == 1 {
			return c.toFen(e.args[0])
		}
		if name != "bcmul" || len(e.args) < 2 {
			return goExpr{}, false
		}
		x, y = e.args[0], e.args[1]
	default:
		return goExpr{}, false
	}
	if n, ok := y.(*numLit); !ok || n.v != "100" {
		if n, ok := x.(*numLit); ok && n.v == "100" {
			x, y = y, x
		} else {
			return goExpr{}, false
		}
	}
	g := c.gen(x, "float64", nil)
	c.imports["math"] = true
	return goExpr{"int(math.Round(" + c.conv(g, "float64") + " * 100))", "int"}, true
}

// funcName is the name of the function a call calls: intval, Math.round.
func funcName(e *call) string {
	switch fn := e.fn.(type) {
	case *ident:
		return strings.TrimPrefix(fn.name, "\\")
	case *member:
		if id, ok := fn.x.(*ident); ok && fn.index == nil {
			return id.name + "." + fn.name
		}
	}
	return ""
}

// knownCall ports the calls of PHP and JS functions whose meaning is
// known.
func (c *converter) knownCall(e expr, want string) (goExpr, bool) {
	cl, ok := e.(*call)
	if !ok {
		return goExpr{}, false
	}
	name := funcName(cl)
	args := cl.args
	one := len(args) == 1
	switch {
	case (name == "intval" || name == "parseInt" || name == "Math.floor" || name == "Math.trunc") && len(args) >= 1:
		if g, ok := c.toFen(args[0]); ok {
			return g, true
		}
		return goExpr{c.conv(c.gen(args[0], "int", nil), "int"), "int"}, true
	case (name == "round" || name == "Math.round") && len(args) >= 1:
		if g, ok := c.toFen(args[0]); ok && want != "float64" {
			return g, true
		}
		g := c.gen(args[0], "float64", nil)
		c.imports["math"] = true
		r := "math.Round(" + c.conv(g, "float64") + ")"
		if want == "int" || name == "Math.round" {
			return goExpr{"int(" + r + ")", "int"}, true
		}
		return goExpr{r, "float64"}, true
	case (name == "floatval" || name == "parseFloat" || name == "Number") && one:
		return goExpr{c.conv(c.gen(args[0], "float64", nil), "float64"), "float64"}, true
	case (name == "strval" || name == "String") && one:
		return goExpr{c.conv(c.gen(args[0], "string", nil), "string"), "string"}, true
	case (name == "trim" || name == "strtoupper" || name == "strtolower") && one:
		c.imports["strings"] = true
		fn := map[string]string{"trim": "strings.TrimSpace", "strtoupper": "strings.ToUpper", "strtolower": "strings.ToLower"}[name]
		return goExpr{fn + "(" + c.conv(c.gen(args[0], "string", nil), "string") + ")", "string"}, true
	case (name == "bcmul" || name == "bcadd" || name == "bcsub" || name == "bcdiv") && len(args) >= 2:
		op := map[string]string{"bcmul": "*", "bcadd": "+", "bcsub": "-", "bcdiv": "/"}[name]
		return c.arith(&binary{line: cl.line, op: op, x: args[0], y: args[1]}, "float64"), true
	case name == "time" && len(args) == 0:
		c.imports["time"] = true
		return goExpr{"int(time.Now().Unix())", "int"}, true
	case name == "Date.now" && len(args) == 0:
		c.imports["time"] = true
		return goExpr{"int(time.Now().UnixMilli())", "int"}, true
	case name == "date" && len(args) >= 1:
		layout, ok := args[0].(*strLit)
		if !ok || layout.interp {
			break
		}
		goLayout, ok := dateLayout(layout.v)
		if !ok {
			break
		}
		c.imports["time"] = true
		at := "time.Now()"
		if len(args) == 2 {
			at = c.timeAt(args[1])
		}
		return goExpr{at + ".Format(" + strconv.Quote(goLayout) + ")", "string"}, true
	case name == "sprintf" && len(args) >= 1:
		f, ok := args[0].(*strLit)
		if !ok || f.interp || strings.Contains(f.v, "$") {
			break
		}
		parts := []string{strconv.Quote(f.v)}
		for _, a := range args[1:] {
			parts = append(parts, c.gen(a, "", nil).code)
		}
		c.imports["fmt"] = true
		return goExpr{"fmt.Sprintf(" + strings.Join(parts, ", ") + ")", "string"}, true
	}
	return goExpr{}, false
}

// timeAt ports the timestamp argument of date(): time() + n is n seconds
// from now.
func (c *converter) timeAt(e expr) string {
	if b, ok := e.(*binary); ok && (b.op == "+" || b.op == "-") {
		if cl, ok := b.x.(*call); ok && funcName(cl) == "time" && len(cl.args) == 0 {
			d := c.gen(b.y, "int", nil)
			sign := ""
			if b.op == "-" {
				sign = "-"
			}
			if _, ok := b.y.(*numLit); ok {
				return "time.Now().Add(" + sign + d.code + " * time.Second)"
			}
			return "time.Now().Add(" + sign + "time.Duration(" + c.conv(d, "int") + ") * time.Second)"
		}
	}
	if cl, ok := e.(*call); ok && funcName(cl) == "time" && len(cl.args) == 0 {
		return "time.Now()"
	}
	g := c.gen(e, "int", nil)
	return "time.Unix(int64(" + c.conv(g, "int") + "), 0)"
}

// dateLayout turns a PHP date() format into a Go layout.
func dateLayout(f string) (string, bool) {
	if f == "c" || f == "DATE_ATOM" {
		return "2006-01-02T15:04:05-07:00", true
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		ch := f[i]
		switch ch {
		case 'Y':
			b.WriteString("2006")
		case 'y':
			b.WriteString("06")
		case 'm':
			b.WriteString("01")
		case 'n':
			b.WriteString("1")
		case 'd':
			b.WriteString("02")
		case 'j':
			b.WriteString("2")
		case 'H':
			b.WriteString("15")
		case 'i':
			b.WriteString("04")
		case 's':
			b.WriteString("05")
		case 'P':
			b.WriteString("-07:00")
		case 'O':
			b.WriteString("-0700")
		case '\\':
			if i+1 < len(f) {
				i++
				b.WriteByte(f[i])
			}
		default:
			if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' {
				return "", false
			}
			b.WriteByte(ch)
		}
	}
	return b.String(), true
}

// envVar ports getenv('X'), env('X', default) and process.env.X.
func (c *converter) envVar(e expr) (goExpr, bool) {
	var key string
	var def expr
	switch e := e.(type) {
	case *call:
		name := funcName(e)
		if name != "getenv" && name != "env" || len(e.args) == 0 {
			return goExpr{}, false
		}
		s, ok := e.args[0].(*strLit)
		if !ok || s.interp {
			return goExpr{}, false
		}
		key = s.v
		if len(e.args) > 1 {
			def = e.args[1]
		}
	case *member:
		inner, ok := e.x.(*member)
		if !ok || inner.name != "env" {
			return goExpr{}, false
		}
		if id, ok := inner.x.(*ident); !ok || id.name != "process" {
			return goExpr{}, false
		}
		key = e.name
		if s, ok := e.index.(*strLit); ok {
			key = s.v
		}
		if key == "" {
			return goExpr{}, false
		}
	default:
		return goExpr{}, false
	}
	c.imports["os"] = true
	code := "os.Getenv(" + strconv.Quote(key) + ")"
	if def != nil {
		d := c.gen(def, "string", nil)
		if d.code != "nil" {
			c.imports["cmp"] = true
			code = "cmp.Or(" + code + ", " + c.conv(d, "string") + ")"
		}
	}
	return goExpr{code, "string"}, true
}

// conditional ports c ? a : b as a variable set before the call.
func (c *converter) conditional(e *cond, want string, node *schema.Node) goExpr {
	t := want
	if t == "" {
		t = kindType(node)
	}
	if t == "" {
		t = literalType(e.a)
	}
	if t == "" || t == "any" {
		t = literalType(e.b)
	}
	if t == "" || t == "any" {
		t = "string"
	}
	a := c.gen(e.a, t, node)
	b := c.gen(e.b, a.typ, node)
	cnd := c.truth(c.gen(e.c, "bool", nil))
	name := c.newName(c.hintName())
	fmt.Fprintf(&c.pre, "%s := %s\nif %s {\n%s = %s\n}\n", name, c.conv(b, a.typ), cnd, name, a.code)
	return goExpr{name, a.typ}
}

// hintName is the name for a value computed before the call: its key.
func (c *converter) hintName() string {
	if c.hint != "" {
		return goIdent(c.hint)
	}
	return "value"
}

// input is a value the source computes in a way the port cannot follow,
// made a variable the code declares at the top.
func (c *converter) input(e expr, want string) goExpr {
	src := show(e, c.php)
	if want == "" || want == "any" {
		want = "string"
	}
	if v, ok := c.inputs[src]; ok {
		return goExpr{v.goName, v.typ}
	}
	name := c.newName(inputName(e))
	c.taken[name] = true
	v := &freeVar{source: src, goName: name, typ: want, line: c.line, note: fmt.Sprintf("%s (line %d)", src, e.pos())}
	c.inputs[src] = v
	c.free = append(c.free, v)
	return goExpr{name, want}
}

// inputName names an input after what it reads: $order->out_trade_no is
// orderOutTradeNo, config('wechat.mch_id') mchId, $row->getId() rowId.
func inputName(e expr) string {
	var parts []string
	var walk func(e expr)
	walk = func(e expr) {
		switch e := e.(type) {
		case *phpVar:
			if e.name != "this" {
				parts = append(parts, e.name)
			}
		case *ident:
			if e.name != "this" {
				parts = append(parts, e.name[strings.LastIndexByte(e.name, '\\')+1:])
			}
		case *member:
			walk(e.x)
			switch {
			case e.index == nil:
				parts = append(parts, strings.TrimPrefix(e.name, "$"))
			default:
				if s, ok := e.index.(*strLit); ok {
					parts = append(parts, s.v)
				} else {
					walk(e.index)
				}
			}
		case *call:
			if id, ok := e.fn.(*ident); ok && len(e.args) > 0 {
				if s, ok := e.args[0].(*strLit); ok {
					// config('wechat.mch_id'), C('WX_APPID'): the key.
					key := s.v[strings.LastIndexAny(s.v, ".:/")+1:]
					parts = append(parts, strings.ToLower(key))
					return
				}
				parts = append(parts, id.name)
				if len(e.args) > 0 {
					walk(e.args[0])
				}
			} else {
				walk(e.fn)
			}
			if m, ok := e.fn.(*member); ok && len(e.args) > 0 {
				if s, ok := e.args[0].(*strLit); ok && len(m.name) > 0 {
					parts = append(parts, s.v)
				}
			}
		case *staticCall:
			parts = append(parts, e.class[strings.LastIndexByte(e.class, '\\')+1:], e.method)
			if len(e.args) > 0 {
				if s, ok := e.args[0].(*strLit); ok {
					parts = append(parts, s.v[strings.LastIndexAny(s.v, ".:/")+1:])
				}
			}
		case *cast:
			walk(e.x)
		}
	}
	walk(e)
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimPrefix(p, "get")
		if p == "" || p == "input" || p == "get" || p == "post" || p == "param" {
			continue
		}
		id := goIdent(p)
		if b.Len() > 0 {
			id = strings.ToUpper(id[:1]) + id[1:]
		} else {
			id = strings.ToLower(id[:1]) + id[1:]
		}
		b.WriteString(id)
	}
	name := b.String()
	if name == "" || name == "v" {
		return "input"
	}
	return name
}

// show writes an expression back as source, for the notes.
func show(e expr, php bool) string {
	arrow, dot := "->", "."
	if !php {
		arrow = "."
	}
	args := func(a []expr) string {
		var s []string
		for _, x := range a {
			s = append(s, show(x, php))
		}
		return strings.Join(s, ", ")
	}
	switch e := e.(type) {
	case *strLit:
		if php {
			if e.interp {
				return `"` + e.v + `"`
			}
			return "'" + strings.ReplaceAll(e.v, "'", `\'`) + "'"
		}
		if e.interp {
			return "`" + e.v + "`"
		}
		return "'" + strings.ReplaceAll(e.v, "'", `\'`) + "'"
	case *numLit:
		return e.v
	case *ident:
		return e.name
	case *phpVar:
		return "$" + e.name
	case *member:
		if e.index != nil {
			if php && e.name == "" {
				if _, ok := e.x.(*ident); ok {
					return show(e.x, php) + "[" + show(e.index, php) + "]"
				}
			}
			return show(e.x, php) + "[" + show(e.index, php) + "]"
		}
		if strings.HasPrefix(e.name, "$") {
			return show(e.x, php) + "::" + e.name
		}
		return show(e.x, php) + arrow + e.name
	case *call:
		return show(e.fn, php) + "(" + args(e.args) + ")"
	case *staticCall:
		return e.class + "::" + e.method + "(" + args(e.args) + ")"
	case *cast:
		return "(" + e.typ + ") " + show(e.x, php)
	case *unary:
		return e.op + show(e.x, php)
	case *binary:
		op := e.op
		if op == "." {
			op = dot
		}
		return show(e.x, php) + " " + op + " " + show(e.y, php)
	case *cond:
		return show(e.c, php) + " ? " + show(e.a, php) + " : " + show(e.b, php)
	case *arrayLit:
		if e.object {
			return "{...}"
		}
		return "[...]"
	case *funcLit:
		return "function"
	case *opaque:
		return e.what
	}
	return "?"
}

// interpolation takes a string with variables in it apart: PHP
// "...$var...", "...{$x->y()}...", JS `...${x}...`, as a concatenation.
func (c *converter) interpolation(s *strLit) expr {
	var parts []expr
	text := s.v
	lit := func(v string) {
		if v != "" {
			parts = append(parts, &strLit{line: s.line, v: v})
		}
	}
	for {
		i := strings.IndexByte(text, '$')
		if i < 0 {
			lit(text)
			break
		}
		var code string
		var rest string
		switch {
		case c.php && i > 0 && text[i-1] == '{':
			end := matchBrace(text, i-1)
			if end < 0 {
				lit(text)
				text = ""
				break
			}
			lit(text[:i-1])
			code, rest = text[i:end], text[end+1:]
		case !c.php && strings.HasPrefix(text[i:], "${"):
			end := matchBrace(text, i+1)
			if end < 0 {
				lit(text)
				text = ""
				break
			}
			lit(text[:i])
			code, rest = text[i+2:end], text[end+1:]
		case c.php && i+1 < len(text) && isNameStart(text[i+1], true):
			lit(text[:i])
			j := i + 1
			for j < len(text) && isNameByte(text[j], true) {
				j++
			}
			// "$x->name" and "$x[key]" read one step further.
			if strings.HasPrefix(text[j:], "->") && j+2 < len(text) && isNameStart(text[j+2], true) {
				j += 2
				for j < len(text) && isNameByte(text[j], true) {
					j++
				}
			} else if j < len(text) && text[j] == '[' {
				if k := strings.IndexByte(text[j:], ']'); k > 0 {
					key := text[j+1 : j+k]
					if !strings.HasPrefix(key, "'") && !strings.HasPrefix(key, "$") && !isDigit(key[0]) {
						key = "'" + key + "'"
					}
					code = text[i:j] + "[" + key + "]"
					rest = text[j+k+1:]
					break
				}
			}
			code, rest = text[i:j], text[j:]
		default:
			lit(text[:i+1])
			text = text[i+1:]
			continue
		}
		if code == "" && rest == "" {
			break
		}
		x, err := parse(newParser(code, 0, s.line, c.php).expression)
		if err != nil {
			c.report(s.line, "an interpolation is not ported; the text is kept as written")
			lit("{" + code + "}")
		} else {
			parts = append(parts, x)
		}
		text = rest
	}
	if len(parts) == 0 {
		return &strLit{line: s.line}
	}
	if len(parts) == 1 {
		if _, ok := parts[0].(*strLit); !ok {
			// A string of one value is that value as text.
			return &binary{line: s.line, op: ".", x: &strLit{line: s.line}, y: parts[0]}
		}
		return parts[0]
	}
	x := parts[0]
	for _, p := range parts[1:] {
		x = &binary{line: s.line, op: ".", x: x, y: p}
	}
	return x
}

// matchBrace is the index of the } that closes the { at open, or -1.
func matchBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
