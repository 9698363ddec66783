package port

import (
	"fmt"
	"sort"
	"strings"
)

// Application code makes its calls inside functions: it builds the body
// above the call ($json = [...]; $json['amount'] = [...];), computes
// scalars, keeps a chain node in a variable, and calls inside if, switch
// and try. A function with a chain call in it is ported as a whole: the
// statements the calls depend on, as Go, in the control flow they are in;
// the rest of the function (logging, saving) is left out.

// span is a function body in the source: the offsets of its braces.
type span struct {
	open, close int
	line        int
}

// functionBodies finds the bodies of the source's functions and methods:
// PHP function name(...) {, function (...) use (...) {; JS name(...) {,
// function (...) {, (...) => {.
func functionBodies(src string, php bool) []span {
	s := &scanner{src: src, line: 1, php: php}
	var toks []lexeme
	for {
		t := s.next()
		if t.kind == tEOF {
			break
		}
		toks = append(toks, t)
	}
	type open struct {
		i    int
		fn   bool
		line int
	}
	var parens []int // indexes of open "(" tokens
	match := map[int]int{}
	var braces []open
	var out []span
	for i, t := range toks {
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(":
			parens = append(parens, i)
		case ")":
			if len(parens) > 0 {
				match[i] = parens[len(parens)-1]
				parens = parens[:len(parens)-1]
			}
		case "{":
			braces = append(braces, open{i, opensFunction(toks, i, match, php), t.line})
		case "}":
			if len(braces) == 0 {
				continue
			}
			b := braces[len(braces)-1]
			braces = braces[:len(braces)-1]
			if b.fn {
				out = append(out, span{toks[b.i].off, t.off, b.line})
			}
		}
	}
	return out
}

var notFunctions = map[string]bool{"if": true, "for": true, "foreach": true, "while": true, "switch": true, "catch": true, "with": true, "elseif": true}

// opensFunction reports whether the "{" at toks[i] opens a function body.
func opensFunction(toks []lexeme, i int, match map[int]int, php bool) bool {
	j := i - 1
	if j < 0 {
		return false
	}
	if !php && toks[j].kind == tPunct && toks[j].text == "=>" {
		return true
	}
	// A return type: ): string {, ): ?array {, ): Promise<void> {.
	for k := j; k >= 0 && k > j-8; k-- {
		if toks[k].kind == tPunct && toks[k].text == ")" {
			if k != j {
				between := toks[k+1 : j+1]
				if len(between) == 0 || between[0].text != ":" {
					break
				}
			}
			j = k
			break
		}
	}
	if toks[j].kind != tPunct || toks[j].text != ")" {
		return false
	}
	o, ok := match[j]
	if !ok || o == 0 {
		return false
	}
	before := toks[o-1]
	if php && before.kind == tIdent && before.text == "use" {
		// function (...) use (...) {
		return true
	}
	if before.kind == tIdent && before.text == "function" {
		return true
	}
	if before.kind != tIdent || notFunctions[before.text] {
		return false
	}
	if php {
		return o >= 2 && toks[o-2].kind == tIdent && toks[o-2].text == "function"
	}
	return true // a method, or function name(...)
}

// fstmt is a statement of a function body.
type fstmt struct {
	line   int
	kind   string // "simple", "if", "switch", "try", "loop"
	s      stmt   // simple
	op     string // simple assignment operator: "=", ".=", "+=", "-="
	conds  []expr // if: the conditions of if and each elseif
	bodies [][]fstmt
	els    []fstmt
	hasEls bool
	subj   expr // switch
	cases  []fcase
	body   []fstmt // try, loop
	catch  int     // try: the line of its catch, 0 if none
	iter   expr    // loop: what foreach or for-of walks
	key    expr
	val    expr
}

type fcase struct {
	vals []expr // nil for default
	body []fstmt
}

// funcBlock parses "{ statements }" of a function body.
func (p *parser) funcBlock() []fstmt {
	p.expect("{")
	var out []fstmt
	for !p.is("}") {
		if p.tok.kind == tEOF {
			p.fail("unclosed block")
		}
		out = append(out, p.funcStatement())
	}
	p.advance()
	return out
}

// body parses a block, or one statement.
func (p *parser) body() []fstmt {
	if p.is("{") {
		return p.funcBlock()
	}
	return []fstmt{p.funcStatement()}
}

func (p *parser) funcStatement() fstmt {
	line := p.tok.line
	switch {
	case p.isWord("if"):
		p.advance()
		st := fstmt{line: line, kind: "if"}
		p.expect("(")
		st.conds = append(st.conds, p.expression())
		p.expect(")")
		st.bodies = append(st.bodies, p.body())
		for {
			if p.isWord("elseif") || p.isWord("else") && p.peek(1).text == "if" {
				if p.isWord("else") {
					p.advance()
				}
				p.advance()
				p.expect("(")
				st.conds = append(st.conds, p.expression())
				p.expect(")")
				st.bodies = append(st.bodies, p.body())
				continue
			}
			if p.isWord("else") {
				p.advance()
				st.els, st.hasEls = p.body(), true
			}
			return st
		}
	case p.isWord("switch"):
		p.advance()
		st := fstmt{line: line, kind: "switch"}
		p.expect("(")
		st.subj = p.expression()
		p.expect(")")
		p.expect("{")
		for !p.is("}") {
			var fc fcase
			switch {
			case p.isWord("case"):
				p.advance()
				fc.vals = []expr{p.expression()}
			case p.isWord("default"):
				p.advance()
			default:
				p.fail("want case or default, found %s", describe(p.tok))
			}
			if !p.is(":") && !p.is(";") {
				p.fail("want ':' after a case")
			}
			p.advance()
			for !p.isWord("case") && !p.isWord("default") && !p.is("}") {
				if p.tok.kind == tEOF {
					p.fail("unclosed switch")
				}
				fc.body = append(fc.body, p.funcStatement())
			}
			st.cases = append(st.cases, fc)
		}
		p.advance()
		return st
	case p.isWord("try"):
		p.advance()
		st := fstmt{line: line, kind: "try", body: p.funcBlock()}
		for p.isWord("catch") {
			st.catch = p.tok.line
			p.advance()
			if p.is("(") {
				depth := 0
				for {
					if p.is("(") {
						depth++
					} else if p.is(")") {
						depth--
						if depth == 0 {
							p.advance()
							break
						}
					} else if p.tok.kind == tEOF {
						p.fail("unclosed catch")
					}
					p.advance()
				}
			}
			p.funcBlock()
		}
		if p.isWord("finally") {
			p.advance()
			st.body = append(st.body, p.funcBlock()...)
		}
		return st
	case p.isWord("foreach") && p.php:
		p.advance()
		st := fstmt{line: line, kind: "loop"}
		p.expect("(")
		st.iter = p.expression()
		if !p.isWord("as") {
			p.fail("want as in foreach")
		}
		p.advance()
		v := p.expression()
		if p.is("=>") {
			p.advance()
			st.key, v = v, p.expression()
		}
		st.val = v
		p.expect(")")
		st.body = p.body()
		return st
	case !p.php && p.isWord("for") && (p.peek(2).text == "const" || p.peek(2).text == "let") && p.peek(4).text == "of":
		p.advance()
		p.expect("(")
		p.advance()
		st := fstmt{line: line, kind: "loop", val: p.primary()}
		p.advance() // of
		st.iter = p.expression()
		p.expect(")")
		st.body = p.body()
		return st
	case p.isWord("for") || p.isWord("while") || p.isWord("do"):
		// Other loops are kept as statements not ported.
		p.advance()
		if p.is("(") {
			p.arguments()
		}
		body := p.body()
		return fstmt{line: line, kind: "loop", body: body}
	case p.isWord("break") || p.isWord("continue"):
		p.advance()
		if p.tok.kind == tNumber {
			p.advance()
		}
		p.optional(";")
		return fstmt{line: line, kind: "simple", s: stmt{line: line, kind: "opaque", text: "break"}}
	case p.isWord("throw"):
		p.skipStatement()
		return fstmt{line: line, kind: "simple", s: stmt{line: line, kind: "opaque", text: "throw"}}
	case p.is(";"):
		p.advance()
		return fstmt{line: line, kind: "simple", s: stmt{line: line, kind: "opaque", text: "empty"}}
	}
	start := p.tok.off
	st, err := parse(p.statement)
	if err == nil {
		return fstmt{line: line, kind: "simple", s: st, op: "="}
	}
	// $x .= 'y'; $n += 1;
	q := newParser(p.s.src, start, line, p.php)
	x, xerr := parse(q.expression)
	if xerr == nil && (q.is(".=") || q.is("+=") || q.is("-=")) {
		op := q.tok.text
		q.advance()
		v, verr := parse(q.expression)
		if verr == nil && (q.is(";") || !q.php) {
			q.optional(";")
			*p = *q
			return fstmt{line: line, kind: "simple", s: stmt{line: line, kind: "assign", target: x, x: v}, op: op}
		}
	}
	r := newParser(p.s.src, start, line, p.php)
	r.skipStatement()
	*p = *r
	return fstmt{line: line, kind: "simple", s: stmt{line: line, kind: "opaque", text: err.(*syntaxError).msg}}
}

// rootVar is the variable at the root of x, x->a, x['a'][], "" if none.
func rootVar(e expr) string {
	for {
		switch x := e.(type) {
		case *phpVar:
			return "$" + x.name
		case *ident:
			return x.name
		case *member:
			e = x.x
			continue
		}
		return ""
	}
}

// varsOf lists the variables an expression reads.
func varsOf(e expr, out map[string]bool) {
	var walk func(e expr)
	walk = func(e expr) {
		switch e := e.(type) {
		case nil:
		case *phpVar:
			out["$"+e.name] = true
		case *ident:
			out[e.name] = true
		case *arrayLit:
			for _, it := range e.items {
				walk(it.key)
				walk(it.value)
			}
		case *member:
			walk(e.x)
			walk(e.index)
		case *call:
			walk(e.fn)
			for _, a := range e.args {
				walk(a)
			}
		case *staticCall:
			for _, a := range e.args {
				walk(a)
			}
		case *cast:
			walk(e.x)
		case *unary:
			walk(e.x)
		case *binary:
			walk(e.x)
			walk(e.y)
		case *cond:
			walk(e.c)
			walk(e.a)
			walk(e.b)
		case *strLit:
			if e.interp {
				for _, name := range interpVars(e.v) {
					out[name] = true
				}
			}
		case *funcLit:
			walk(e.result)
			for _, st := range e.body {
				walk(st.x)
			}
		}
	}
	walk(e)
}

// interpVars are the names an interpolated string mentions: $x, ${x}.
func interpVars(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '{' {
			j++
		}
		k := j
		for k < len(s) && isNameByte(s[k], false) && s[k] != '$' {
			k++
		}
		if k > j {
			name := s[j:k]
			out = append(out, "$"+name, name)
		}
	}
	return out
}

// substitute replaces a root variable by the chain node it holds.
func substitute(e expr, aliases map[string]expr) expr {
	switch x := e.(type) {
	case *phpVar:
		if a, ok := aliases["$"+x.name]; ok {
			return a
		}
	case *ident:
		if a, ok := aliases[x.name]; ok {
			return a
		}
	case *member:
		cp := *x
		cp.x = substitute(x.x, aliases)
		return &cp
	case *call:
		if m, ok := x.fn.(*member); ok {
			cp := *x
			cp.fn = substitute(m, aliases)
			return &cp
		}
	}
	return e
}

// isChainNode reports whether e is a chain without a call of a verb:
// what $builder = $this->instance->v3->pay->transactions holds.
func isChainNode(e expr) bool {
	for x := e; ; {
		if startsChain(x) {
			return true
		}
		switch y := x.(type) {
		case *member:
			x = y.x
			continue
		case *call:
			if fm, ok := y.fn.(*member); ok && fm.name != "get" && fm.name != "post" {
				x = fm.x
				continue
			}
		}
		return false
	}
}

// chainCall reports whether the expression of a statement is a chain
// call this package ports.
func chainCall(e expr, php bool) bool {
	for {
		cl, ok := e.(*call)
		if !ok {
			break
		}
		m, ok := cl.fn.(*member)
		if !ok || m.index != nil || !(m.name == "then" || m.name == "wait" || m.name == "catch" || m.name == "otherwise") {
			break
		}
		e = m.x
	}
	if isVerbCall(e, php) {
		return true
	}
	if _, _, ok := verbInside(e, php); ok {
		return true
	}
	if !php {
		// Node's shorthand: calling a node posts to it.
		if cl, ok := e.(*call); ok {
			if m, ok := cl.fn.(*member); ok && m.index == nil && m.name != "chain" && isChainNode(m.x) {
				return true
			}
		}
	}
	return false
}

// nestedChain finds a chain call inside an argument of e: retry(fn() =>
// $this->app->v3->...->post([...])).
func nestedChain(e expr, php bool) expr {
	var found expr
	var walk func(e expr)
	walk = func(e expr) {
		if found != nil || e == nil {
			return
		}
		if chainCall(e, php) {
			found = e
			return
		}
		switch x := e.(type) {
		case *call:
			walk(x.fn)
			for _, a := range x.args {
				walk(a)
			}
		case *staticCall:
			for _, a := range x.args {
				walk(a)
			}
		case *member:
			walk(x.x)
		case *funcLit:
			walk(x.result)
			for _, st := range x.body {
				walk(st.x)
			}
		case *cast:
			walk(x.x)
		case *binary:
			walk(x.x)
			walk(x.y)
		}
	}
	walk(e)
	return found
}

// fnPort ports one function.
type fnPort struct {
	c       *converter
	php     bool
	aliases map[string]expr
	locals  map[string]bool // assigned in the function
	needed  map[string]bool // locals the calls depend on
	maps    map[string]bool // locals given string keys, so maps
	decls   []string        // var declarations hoisted to the top
}

// portFunction ports the function whose body is at sp; it reports false,
// porting nothing, when the body cannot be read.
func (c *converter) portFunction(src string, sp span, php bool) bool {
	p := newParser(src, sp.open, sp.line, php)
	body, err := parse(p.funcBlock)
	if err != nil {
		return false
	}
	fp := &fnPort{c: c, php: php, aliases: map[string]expr{}, locals: map[string]bool{}, needed: map[string]bool{}, maps: map[string]bool{}}
	fp.scan(body)
	if !fp.hasCall(body) {
		return false
	}
	fp.need(body)
	saved := c.locals
	c.locals = map[string]goExpr{}
	c.php = php
	defer func() { c.locals = saved }()
	code := fp.block(body, 0)
	if code == "" {
		return false
	}
	if c.code.Len() > 0 {
		c.code.WriteByte('\n')
	}
	sort.Strings(fp.decls)
	for _, d := range fp.decls {
		c.code.WriteString(d)
	}
	c.code.WriteString(code)
	return true
}

// scan finds the locals, chain nodes kept in variables, and maps.
func (fp *fnPort) scan(stmts []fstmt) {
	for _, st := range stmts {
		switch st.kind {
		case "simple":
			if st.s.kind != "assign" {
				continue
			}
			name := rootVar(st.s.target)
			if name == "" {
				continue
			}
			switch t := st.s.target.(type) {
			case *phpVar, *ident:
				if st.op == "=" && isChainNode(st.s.x) && !chainCall(st.s.x, fp.php) {
					fp.aliases[name] = substitute(st.s.x, fp.aliases)
					continue
				}
			case *member:
				if s, ok := t.index.(*strLit); ok && s.v != "" || t.index == nil && t.name != "" && !fp.php {
					fp.maps[name] = true
				}
			}
			fp.locals[name] = true
		case "loop":
			if st.val != nil {
				fp.locals[rootVar(st.val)] = true
			}
			if st.key != nil {
				fp.locals[rootVar(st.key)] = true
			}
			fp.scan(st.body)
		default:
			for _, b := range st.bodies {
				fp.scan(b)
			}
			fp.scan(st.els)
			for _, cs := range st.cases {
				fp.scan(cs.body)
			}
			fp.scan(st.body)
		}
	}
}

// isCall reports whether a simple statement makes a chain call.
func (fp *fnPort) isCall(st fstmt) (expr, bool) {
	x, _, ok := fp.callOf(st)
	return x, ok
}

// callOf is the chain call a simple statement makes, and whether it is
// nested in an argument.
func (fp *fnPort) callOf(st fstmt) (expr, bool, bool) {
	if st.kind != "simple" || st.s.kind == "opaque" || st.s.kind == "echo" || st.s.x == nil {
		return nil, false, false
	}
	if st.s.kind == "assign" && st.op != "=" {
		return nil, false, false
	}
	x := substitute(st.s.x, fp.aliases)
	if chainCall(x, fp.php) {
		return x, false, true
	}
	if n := nestedChain(x, fp.php); n != nil {
		return n, true, true
	}
	return nil, false, false
}

func (fp *fnPort) hasCall(stmts []fstmt) bool {
	for _, st := range stmts {
		if _, ok := fp.isCall(st); ok {
			return true
		}
		if fp.hasCall(st.body) || fp.hasCall(st.els) {
			return true
		}
		for _, b := range st.bodies {
			if fp.hasCall(b) {
				return true
			}
		}
		for _, cs := range st.cases {
			if fp.hasCall(cs.body) {
				return true
			}
		}
	}
	return false
}

// need finds the locals the calls depend on, and what those depend on,
// through the conditions of the statements around them.
func (fp *fnPort) need(body []fstmt) {
	for {
		before := len(fp.needed)
		fp.needIn(body)
		if len(fp.needed) == before {
			return
		}
	}
}

func (fp *fnPort) addVars(e expr) {
	vars := map[string]bool{}
	varsOf(e, vars)
	for v := range vars {
		if fp.locals[v] {
			fp.needed[v] = true
		}
	}
}

// needIn reports whether anything in stmts is ported.
func (fp *fnPort) needIn(stmts []fstmt) bool {
	any := false
	for _, st := range stmts {
		switch st.kind {
		case "simple":
			if x, ok := fp.isCall(st); ok {
				fp.addVars(x)
				any = true
				continue
			}
			if st.s.kind == "assign" && fp.needed[rootVar(st.s.target)] {
				fp.addVars(st.s.x)
				if m, ok := st.s.target.(*member); ok {
					fp.addVars(m.index)
				}
				any = true
			}
		case "if":
			in := false
			for _, b := range st.bodies {
				in = fp.needIn(b) || in
			}
			in = fp.needIn(st.els) || in
			if in {
				for _, c := range st.conds {
					fp.addVars(c)
				}
				any = true
			}
		case "switch":
			in := false
			for _, cs := range st.cases {
				in = fp.needIn(cs.body) || in
			}
			if in {
				fp.addVars(st.subj)
				any = true
			}
		case "try":
			any = fp.needIn(st.body) || any
		case "loop":
			if fp.needIn(st.body) {
				if st.iter != nil {
					fp.addVars(st.iter)
				}
				any = true
			}
		}
	}
	return any
}

// block ports statements; depth is how deep in Go blocks they are.
func (fp *fnPort) block(stmts []fstmt, depth int) string {
	c := fp.c
	var b strings.Builder
	for i := 0; i < len(stmts); i++ {
		st := stmts[i]
		c.line = st.line
		switch st.kind {
		case "simple":
			if x, nested, ok := fp.callOf(st); ok {
				f := found{php: fp.php, line: st.line, stmt: st.s}
				f.stmt.x = x
				if nested {
					// A call inside an argument: only the call is ported.
					f.stmt = stmt{line: st.line, kind: "expr", x: x}
					f.notes = append(f.notes, Diagnostic{st.line, "the call is an argument of a call, or in a function given as one: it is ported as a direct call, and what is done with its result is not"})
				}
				names := assigned(f.stmt)
				for names != nil && i+1 < len(stmts) && stmts[i+1].kind == "simple" && uses(stmts[i+1].s, names) {
					i++
					f.follow = append(f.follow, stmts[i].s)
					for k := range assigned(stmts[i].s) {
						names[k] = true
					}
				}
				c.snippetTo(&b, f)
				continue
			}
			if st.s.kind == "assign" && fp.needed[rootVar(st.s.target)] {
				b.WriteString(fp.assign(st, depth))
			}
		case "if":
			var parts []string
			for _, body := range st.bodies {
				parts = append(parts, fp.block(body, depth+1))
			}
			els := fp.block(st.els, depth+1)
			if strings.Join(parts, "")+els == "" {
				continue
			}
			for k, cnd := range st.conds {
				c.line = st.line
				g := c.gen(cnd, "bool", nil)
				b.WriteString(c.takePre())
				if k == 0 {
					fmt.Fprintf(&b, "if %s {\n", c.truth(g))
				} else {
					fmt.Fprintf(&b, "} else if %s {\n", c.truth(g))
				}
				b.WriteString(parts[k])
			}
			if els != "" {
				b.WriteString("} else {\n" + els)
			}
			b.WriteString("}\n")
		case "switch":
			var bodies []string
			all := ""
			for _, cs := range st.cases {
				body := fp.block(cs.body, depth+1)
				bodies = append(bodies, body)
				all += body
			}
			if all == "" {
				continue
			}
			subj := c.gen(st.subj, "", nil)
			b.WriteString(c.takePre())
			fmt.Fprintf(&b, "switch %s {\n", subj.code)
			var pending []string
			for k, cs := range st.cases {
				if cs.vals == nil {
					b.WriteString("default:\n" + bodies[k])
					continue
				}
				for _, v := range cs.vals {
					pending = append(pending, c.conv(c.gen(v, subj.typ, nil), subj.typ))
				}
				if len(cs.body) == 0 && k+1 < len(st.cases) {
					continue // falls through to the next case
				}
				fmt.Fprintf(&b, "case %s:\n%s", strings.Join(pending, ", "), bodies[k])
				pending = nil
			}
			b.WriteString("}\n")
		case "try":
			body := fp.block(st.body, depth)
			if body == "" {
				continue
			}
			if st.catch > 0 {
				c.report(st.catch, "the catch block is not ported: an error ends the program (log.Fatal)")
				fmt.Fprintf(&b, "// port: line %d: the catch block is not ported: an error ends the program (log.Fatal)\n", st.catch)
			}
			b.WriteString(body)
		case "loop":
			if st.iter == nil {
				if fp.hasCall(st.body) {
					c.report(st.line, "the loop is not ported: its body is ported once")
					fmt.Fprintf(&b, "// port: line %d: the loop is not ported: its body is ported once\n", st.line)
					b.WriteString(fp.block(st.body, depth))
				}
				continue
			}
			// The loop's variables before its body, which reads them.
			iter := c.gen(st.iter, "[]wechatpay.M", nil)
			elem := "M"
			if strings.HasPrefix(iter.typ, "[]") {
				elem = strings.TrimPrefix(strings.TrimPrefix(iter.typ, "[]"), "wechatpay.")
			}
			key := "_"
			if st.key != nil {
				key = c.newName(goIdent(strings.TrimPrefix(rootVar(st.key), "$")))
				c.locals[rootVar(st.key)] = goExpr{key, "int"}
			}
			val := c.newName(goIdent(strings.TrimPrefix(rootVar(st.val), "$")))
			c.locals[rootVar(st.val)] = goExpr{val, elem}
			body := fp.block(st.body, depth+1)
			if body == "" {
				continue
			}
			b.WriteString(c.takePre())
			fmt.Fprintf(&b, "for %s, %s := range %s {\n%s}\n", key, val, iter.code, body)
		}
	}
	return b.String()
}

// assign ports an assignment to a local the calls depend on.
func (fp *fnPort) assign(st fstmt, depth int) string {
	c := fp.c
	name := rootVar(st.s.target)
	switch t := st.s.target.(type) {
	case *phpVar, *ident:
		_ = t
		cur, declared := c.locals[name]
		want := ""
		if declared {
			want = cur.typ
		}
		if fp.maps[name] {
			want = "M"
		}
		var g goExpr
		if a, ok := st.s.x.(*arrayLit); ok && len(a.items) == 0 && want == "M" {
			c.imports[modulePath] = true
			g = goExpr{"wechatpay.M{}", "M"}
		} else {
			c.hint = strings.TrimPrefix(name, "$")
			mark := len(c.free)
			g = c.gen(st.s.x, want, nil)
			c.hint = ""
			if !declared && len(c.free) == mark+1 && c.free[mark].note != "" && c.free[mark].goName == g.code {
				// $order = Order::find($id): what it reads is an input
				// of its own, $order->out_trade_no.
				c.forgetFree(mark)
				return ""
			}
		}
		pre := c.takePre()
		switch {
		case declared && st.op == "=":
			return pre + fmt.Sprintf("%s = %s\n", cur.code, c.conv(g, cur.typ))
		case declared:
			op := st.op
			if op == ".=" {
				op = "+="
				return pre + fmt.Sprintf("%s += %s\n", cur.code, c.conv(g, "string"))
			}
			return pre + fmt.Sprintf("%s %s %s\n", cur.code, op, c.conv(g, cur.typ))
		}
		goName := c.newName(goIdent(strings.TrimPrefix(name, "$")))
		c.locals[name] = goExpr{goName, g.typ}
		if depth == 0 {
			return pre + fmt.Sprintf("%s := %s\n", goName, g.code)
		}
		fp.decls = append(fp.decls, fmt.Sprintf("var %s %s\n", goName, goType(g.typ)))
		return pre + fmt.Sprintf("%s = %s\n", goName, g.code)
	case *member:
		base, ok := c.locals[name]
		if !ok {
			c.report(st.line, "an assignment into %s, which is not built in this function, is not ported", show(t, fp.php))
			return ""
		}
		// The keys from the root out: $json['amount']['total'], $list[].
		var keys []expr
		var appendTo bool
		for x := expr(t); ; {
			m, ok := x.(*member)
			if !ok {
				break
			}
			switch {
			case m.index == nil && m.name != "" && !fp.php:
				keys = append([]expr{&strLit{line: m.line, v: m.name}}, keys...)
			case m.index == nil:
				c.report(st.line, "an assignment to a property is not ported")
				return ""
			default:
				if o, ok := m.index.(*opaque); ok && o.what == "[]" {
					if len(keys) > 0 || appendTo {
						c.report(st.line, "an append inside an array is not ported")
						return ""
					}
					appendTo = true
				} else {
					keys = append([]expr{m.index}, keys...)
				}
			}
			x = m.x
		}
		g := c.gen(st.s.x, "", nil)
		pre := c.takePre()
		if appendTo {
			if len(keys) > 0 {
				c.report(st.line, "an append inside an array is not ported")
				return ""
			}
			if base.typ == "any" || base.typ == "M" {
				c.report(st.line, "an append to something not a list is not ported")
				return ""
			}
			return pre + fmt.Sprintf("%s = append(%s, %s)\n", base.code, base.code, g.code)
		}
		if base.typ != "M" {
			c.report(st.line, "an assignment into a %s is not ported", base.typ)
			return ""
		}
		lhs := base.code
		for k, key := range keys {
			kg := c.gen(key, "string", nil)
			if k > 0 {
				c.imports[modulePath] = true
				lhs += ".(wechatpay.M)"
			}
			lhs += "[" + c.conv(kg, "string") + "]"
		}
		return pre + fmt.Sprintf("%s = %s\n", lhs, g.code)
	}
	return ""
}

// goType writes a goExpr type as Go.
func goType(t string) string {
	switch t {
	case "M":
		return "wechatpay.M"
	case "[]M":
		return "[]wechatpay.M"
	}
	return t
}

// takePre returns and clears the statements computed for a value.
func (c *converter) takePre() string {
	s := c.pre.String()
	c.pre.Reset()
	return s
}

// innermost is the innermost function body around off.
func innermost(spans []span, off int) (span, bool) {
	var best span
	ok := false
	for _, sp := range spans {
		if sp.open < off && off < sp.close && (!ok || sp.open > best.open) {
			best, ok = sp, true
		}
	}
	return best, ok
}
