package port

import (
	"fmt"
	"strings"
)

// The syntax tree of the PHP and JavaScript the porter reads: expressions
// and a few statements, enough for chain calls and their callbacks.

type expr interface{ pos() int }

type (
	strLit struct {
		line   int
		v      string
		interp bool
	}
	numLit struct {
		line int
		v    string
	}
	// ident is a JS variable, a PHP constant or function name, or one of
	// true, false, null, undefined.
	ident struct {
		line int
		name string
	}
	// phpVar is $name.
	phpVar struct {
		line int
		name string
	}
	// arrayLit is a PHP array or a JS array or object literal.
	arrayLit struct {
		line   int
		object bool // JS {...}
		items  []item
	}
	// member is x->name, x.name, x[index] or x->{index}.
	member struct {
		line  int
		x     expr
		name  string // for ->name and .name
		index expr   // for [index] and ->{index}
	}
	call struct {
		line int
		fn   expr
		args []expr
	}
	// staticCall is \Class::method(args).
	staticCall struct {
		line   int
		class  string
		method string
		args   []expr
	}
	cast struct {
		line int
		typ  string
		x    expr
	}
	unary struct {
		line int
		op   string
		x    expr
	}
	binary struct {
		line int
		op   string
		x, y expr
	}
	funcLit struct {
		line   int
		params []expr // phpVar, ident, or an object/array pattern
		body   []stmt // a block body
		result expr   // an expression body (fn() => x, (x) => x)
	}
	// cond is c ? a : b.
	cond struct {
		line    int
		c, a, b expr
	}
	// opaque is something parsed but not understood (new X()).
	opaque struct {
		line int
		what string
	}
)

// item is an element of an array or object literal.
type item struct {
	key       expr // nil for a list element
	value     expr
	shorthand bool // JS { name }
	spread    bool // ...x
}

func (e *strLit) pos() int     { return e.line }
func (e *numLit) pos() int     { return e.line }
func (e *ident) pos() int      { return e.line }
func (e *phpVar) pos() int     { return e.line }
func (e *arrayLit) pos() int   { return e.line }
func (e *member) pos() int     { return e.line }
func (e *call) pos() int       { return e.line }
func (e *staticCall) pos() int { return e.line }
func (e *cast) pos() int       { return e.line }
func (e *unary) pos() int      { return e.line }
func (e *binary) pos() int     { return e.line }
func (e *funcLit) pos() int    { return e.line }
func (e *opaque) pos() int     { return e.line }
func (e *cond) pos() int       { return e.line }

// stmt is a statement of a snippet or of a callback body.
type stmt struct {
	line   int
	kind   string // "expr", "assign" (PHP $x = e, JS const x = e), "return", "echo", or "opaque"
	target expr   // assign: the variable or pattern
	x      expr
	args   []expr // echo
	text   string // opaque: what it was
}

// syntaxError stops a parse.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// parser is a recursive-descent parser over a scanner.
type parser struct {
	s     *scanner
	tok   lexeme
	ahead []lexeme
	php   bool
}

func newParser(src string, off, line int, php bool) *parser {
	p := &parser{s: &scanner{src: src, pos: off, line: line, php: php}, php: php}
	p.tok = p.s.next()
	return p
}

func (p *parser) advance() {
	if len(p.ahead) > 0 {
		p.tok, p.ahead = p.ahead[0], p.ahead[1:]
		return
	}
	p.tok = p.s.next()
}

// peek returns the lexeme n places after the current one.
func (p *parser) peek(n int) lexeme {
	for len(p.ahead) < n {
		p.ahead = append(p.ahead, p.s.next())
	}
	return p.ahead[n-1]
}

func (p *parser) fail(format string, args ...any) {
	panic(&syntaxError{line: p.tok.line, msg: fmt.Sprintf(format, args...)})
}

func (p *parser) is(text string) bool {
	return p.tok.kind == tPunct && p.tok.text == text
}

func (p *parser) isWord(word string) bool {
	return p.tok.kind == tIdent && p.tok.text == word
}

func (p *parser) expect(text string) {
	if !p.is(text) {
		p.fail("want %q, found %s", text, describe(p.tok))
	}
	p.advance()
}

func describe(t lexeme) string {
	switch t.kind {
	case tEOF:
		return "end of text"
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tVar:
		return "$" + t.text
	}
	return fmt.Sprintf("%q", t.text)
}

// parse runs f, turning a syntax error into an error.
func parse[T any](f func() T) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*syntaxError)
			if !ok {
				panic(r)
			}
			err = se
		}
	}()
	return f(), nil
}

// statement parses one top-level statement of a snippet. A JS statement
// may end without ";".
func (p *parser) statement() stmt {
	line := p.tok.line
	if !p.php && (p.isWord("const") || p.isWord("let") || p.isWord("var")) {
		p.advance()
		target := p.unaryExpr()
		p.expect("=")
		x := p.expression()
		p.optional(";")
		return stmt{line: line, kind: "assign", target: target, x: x}
	}
	if p.isWord("echo") || p.isWord("print") && p.php {
		p.advance()
		args := []expr{p.expression()}
		for p.is(",") {
			p.advance()
			args = append(args, p.expression())
		}
		p.expectEnd()
		return stmt{line: line, kind: "echo", args: args}
	}
	if p.isWord("return") {
		p.advance()
		var x expr
		if !p.is(";") && !p.is("}") {
			x = p.expression()
		}
		p.expectEnd()
		return stmt{line: line, kind: "return", x: x}
	}
	x := p.expression()
	if p.is("=") {
		p.advance()
		v := p.expression()
		p.expectEnd()
		return stmt{line: line, kind: "assign", target: x, x: v}
	}
	p.expectEnd()
	return stmt{line: line, kind: "expr", x: x}
}

// expectEnd ends a statement: ";" in PHP; in JS also a "}" or the end of
// the code.
func (p *parser) expectEnd() {
	if p.php {
		p.expect(";")
		return
	}
	p.optional(";")
}

func (p *parser) optional(text string) {
	if p.is(text) {
		p.advance()
	}
}

// block parses "{ statements }"; a statement it cannot read is kept as
// opaque and skipped up to the next ";" at its level.
func (p *parser) block() []stmt {
	p.expect("{")
	var out []stmt
	for !p.is("}") {
		if p.tok.kind == tEOF {
			p.fail("unclosed block")
		}
		line := p.tok.line
		st, err := parse(p.statement)
		if err != nil {
			p.skipStatement()
			out = append(out, stmt{line: line, kind: "opaque", text: err.(*syntaxError).msg})
			continue
		}
		out = append(out, st)
	}
	p.advance()
	return out
}

// skipStatement skips to just after the next ";" at this level, or to
// the "}" that closes it; it always moves past at least one token unless
// that token is the "}".
func (p *parser) skipStatement() {
	depth := 0
	for p.tok.kind != tEOF {
		switch {
		case p.is("{") || p.is("(") || p.is("["):
			depth++
		case p.is("}") && depth == 0:
			return
		case p.is("}") || p.is(")") || p.is("]"):
			depth = max(depth-1, 0) // a stray ")" or "]" is skipped
		case p.is(";") && depth == 0:
			p.advance()
			return
		}
		p.advance()
	}
}

// Binary operators by precedence, loosest first.
var binaryLevels = [][]string{
	{"??"},
	{"||", "or"},
	{"&&", "and"},
	{"|"},
	{"===", "!==", "==", "!="},
	{"<", ">", "<=", ">="},
	{"+", "-", "."},
	{"*", "/", "%"},
}

func (p *parser) expression() expr {
	x := p.binaryExpr(0)
	if p.is("?") {
		line := p.tok.line
		p.advance()
		if p.php && p.is(":") { // $a ?: $b
			p.advance()
			return &binary{line: line, op: "?:", x: x, y: p.expression()}
		}
		a := p.expression()
		p.expect(":")
		return &cond{line: line, c: x, a: a, b: p.expression()}
	}
	return x
}

func (p *parser) binaryExpr(level int) expr {
	if level == len(binaryLevels) {
		return p.unaryExpr()
	}
	x := p.binaryExpr(level + 1)
	for {
		op := ""
		for _, o := range binaryLevels[level] {
			if (p.tok.kind == tPunct || p.tok.kind == tIdent) && p.tok.text == o && (o != "." || p.php) {
				op = o
			}
		}
		if op == "" {
			return x
		}
		line := p.tok.line
		p.advance()
		x = &binary{line: line, op: op, x: x, y: p.binaryExpr(level + 1)}
	}
}

func (p *parser) unaryExpr() expr {
	line := p.tok.line
	switch {
	case p.is("!") || p.is("-") || p.is("+"):
		op := p.tok.text
		p.advance()
		return &unary{line: line, op: op, x: p.unaryExpr()}
	case p.isWord("await") && !p.php:
		p.advance()
		return p.unaryExpr()
	case p.isWord("new"):
		p.advance()
		p.postfix(p.primary())
		return &opaque{line: line, what: "a new expression"}
	}
	return p.postfix(p.primary())
}

func (p *parser) postfix(x expr) expr {
	for {
		line := p.tok.line
		switch {
		case p.is("->") || p.is("?->"):
			p.advance()
			switch {
			case p.tok.kind == tIdent:
				x = &member{line: line, x: x, name: p.tok.text}
				p.advance()
			case p.is("{"):
				p.advance()
				idx := p.expression()
				p.expect("}")
				x = &member{line: line, x: x, index: idx}
			default:
				p.fail("want a property name after ->, found %s", describe(p.tok))
			}
		case !p.php && (p.is(".") || p.is("?.")):
			p.advance()
			if p.tok.kind != tIdent {
				p.fail("want a property name after '.', found %s", describe(p.tok))
			}
			x = &member{line: line, x: x, name: p.tok.text}
			p.advance()
		case p.is("[") && p.php && p.peek(1).kind == tPunct && p.peek(1).text == "]":
			p.advance()
			p.advance()
			x = &member{line: line, x: x, index: &opaque{line: line, what: "[]"}} // $list[] = ...
		case p.is("["):
			p.advance()
			idx := p.expression()
			p.expect("]")
			x = &member{line: line, x: x, index: idx}
		case p.is("("):
			x = &call{line: line, fn: x, args: p.arguments()}
		case p.is("::") && p.php:
			class := ""
			if id, ok := x.(*ident); ok {
				class = id.name
			}
			p.advance()
			if p.tok.kind == tVar { // a static property: self::$instance
				x = &member{line: line, x: x, name: "$" + p.tok.text}
				p.advance()
				continue
			}
			name := p.tok.text
			p.advance()
			if !p.is("(") {
				return &opaque{line: line, what: "a class constant " + class + "::" + name}
			}
			x = &staticCall{line: line, class: class, method: name, args: p.arguments()}
		default:
			return x
		}
	}
}

func (p *parser) arguments() []expr {
	p.expect("(")
	var args []expr
	for !p.is(")") {
		if p.is("...") {
			p.fail("spread arguments are not supported")
		}
		args = append(args, p.expression())
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expect(")")
	return args
}

func (p *parser) primary() expr {
	t := p.tok
	switch t.kind {
	case tString:
		p.advance()
		return &strLit{line: t.line, v: t.text, interp: t.interp}
	case tNumber:
		p.advance()
		return &numLit{line: t.line, v: t.text}
	case tVar:
		p.advance()
		return &phpVar{line: t.line, name: t.text}
	case tIdent:
		switch {
		case t.text == "function" || t.text == "static" && p.peek(1).text == "function" || t.text == "fn" && p.php:
			return p.phpFunction()
		case t.text == "async" && !p.php:
			p.advance()
			return p.primary()
		case t.text == "array" && p.php && p.peek(1).text == "(":
			p.advance()
			return p.arrayLiteral("(", ")")
		case !p.php && p.peek(1).kind == tPunct && p.peek(1).text == "=>":
			p.advance()
			p.advance()
			return p.arrowBody(t.line, []expr{&ident{line: t.line, name: t.text}})
		}
		p.advance()
		return &ident{line: t.line, name: t.text}
	case tPunct:
		switch t.text {
		case "[":
			return p.arrayLiteral("[", "]")
		case "{":
			if p.php {
				break
			}
			return p.objectLiteral()
		case "(":
			if p.php && p.peek(1).kind == tIdent && p.peek(2).text == ")" && isCast(p.peek(1).text) {
				p.advance()
				typ := p.tok.text
				p.advance()
				p.advance()
				return &cast{line: t.line, typ: typ, x: p.unaryExpr()}
			}
			if !p.php && p.isArrowAhead() {
				return p.arrow()
			}
			p.advance()
			x := p.expression()
			p.expect(")")
			return x
		}
	}
	p.fail("unexpected %s", describe(t))
	return nil
}

func isCast(s string) bool {
	switch strings.ToLower(s) {
	case "string", "int", "integer", "float", "double", "bool", "boolean", "array", "object":
		return true
	}
	return false
}

// isArrowAhead reports whether the "(" at hand opens the parameters of an
// arrow function: its matching ")" is followed by "=>". Parameter lists
// are short, so it looks no further than maxArrowParams tokens, which
// keeps nested parentheses from making parsing quadratic.
func (p *parser) isArrowAhead() bool {
	const maxArrowParams = 256
	depth := 0
	for i := 0; i < maxArrowParams; i++ {
		t := p.tok
		if i > 0 {
			t = p.peek(i)
		}
		switch {
		case t.kind == tEOF:
			return false
		case t.kind == tPunct && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tPunct && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
			if depth == 0 {
				next := p.peek(i + 1)
				return next.kind == tPunct && next.text == "=>"
			}
		}
	}
	return false
}

func (p *parser) arrow() expr {
	line := p.tok.line
	params := p.arguments()
	p.expect("=>")
	return p.arrowBody(line, params)
}

func (p *parser) arrowBody(line int, params []expr) expr {
	if p.is("{") {
		return &funcLit{line: line, params: params, body: p.block()}
	}
	return &funcLit{line: line, params: params, result: p.expression()}
}

// phpFunction parses static function(T $x) use ($y) { ... } and
// fn($x) => expr.
func (p *parser) phpFunction() expr {
	line := p.tok.line
	if p.isWord("static") {
		p.advance()
	}
	arrow := p.isWord("fn")
	p.advance()
	p.expect("(")
	var params []expr
	for !p.is(")") {
		if p.tok.kind == tIdent || p.is("?") {
			p.advance() // a type
			continue
		}
		if p.tok.kind != tVar {
			p.fail("want a parameter, found %s", describe(p.tok))
		}
		params = append(params, &phpVar{line: p.tok.line, name: p.tok.text})
		p.advance()
		if p.is(",") {
			p.advance()
		}
	}
	p.advance()
	if p.isWord("use") {
		p.advance()
		p.arguments()
	}
	if p.is(":") { // a return type
		p.advance()
		p.advance()
	}
	if arrow {
		p.expect("=>")
		return &funcLit{line: line, params: params, result: p.expression()}
	}
	return &funcLit{line: line, params: params, body: p.block()}
}

// arrayLiteral parses a PHP [k => v, v] or array(...), or a JS [v, ...].
func (p *parser) arrayLiteral(open, close string) expr {
	line := p.tok.line
	p.expect(open)
	a := &arrayLit{line: line}
	for !p.is(close) {
		var it item
		if p.is("...") {
			p.advance()
			it.spread = true
		}
		v := p.expression()
		if p.php && p.is("=>") {
			p.advance()
			it.key, v = v, p.expression()
		}
		it.value = v
		a.items = append(a.items, it)
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expect(close)
	return a
}

// objectLiteral parses a JS { k: v, 'k': v, k, ...x }.
func (p *parser) objectLiteral() expr {
	line := p.tok.line
	p.expect("{")
	a := &arrayLit{line: line, object: true}
	for !p.is("}") {
		var it item
		kl := p.tok.line
		switch {
		case p.is("..."):
			p.advance()
			it.spread = true
			it.value = p.expression()
		case p.tok.kind == tIdent && (p.peek(1).text == "," || p.peek(1).text == "}" || p.peek(1).text == "="):
			it.key = &strLit{line: kl, v: p.tok.text}
			it.value = &ident{line: kl, name: p.tok.text}
			it.shorthand = true
			p.advance()
			if p.is("=") { // a default in a pattern
				p.advance()
				p.expression()
			}
		case p.tok.kind == tIdent || p.tok.kind == tString || p.tok.kind == tNumber:
			it.key = &strLit{line: kl, v: p.tok.text}
			p.advance()
			if p.is("(") {
				p.fail("methods in object literals are not supported")
			}
			p.expect(":")
			it.value = p.expression()
		case p.is("["):
			p.advance()
			it.key = p.expression()
			p.expect("]")
			p.expect(":")
			it.value = p.expression()
		default:
			p.fail("unexpected %s in an object literal", describe(p.tok))
		}
		a.items = append(a.items, it)
		if !p.is(",") {
			break
		}
		p.advance()
	}
	p.expect("}")
	return a
}
