package port

import (
	"encoding/json"
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/internal/chaintree"
	"github.com/wxpay-go/wechatpay/internal/schema"
)

// converter ports the snippets of one source into one function body.
type converter struct {
	tree     *chaintree.Tree
	opts     Options
	imports  map[string]bool
	diags    []Diagnostic
	snippets []Snippet
	code     strings.Builder // the snippets' statements
	sink     string          // the Go path of the snippet's 'sink' option, if any (media.go)

	// Free variables, in order of first use: source name -> Go name.
	free    []*freeVar
	goNames map[string]string
	taken   map[string]bool
	lits    map[string][]literal   // literal assignments in the source, by variable
	arrays  map[string][]arrayStep // array assignments in the source, by variable
	line    int                    // the line of the snippet being ported
	php     bool                   // the snippet being ported is PHP
	inputs  map[string]*freeVar    // the values computed in ways the port cannot follow, by their source
	pre     strings.Builder        // statements that compute the snippet's values, written before it
	hint    string                 // the key of the value being ported
	op      *schema.Operation      // the description of the snippet's request, if any

	shapeIndex map[string]string // catalog paths by shape (path.go)
	locals     map[string]goExpr // the variables of the function being ported (function.go)

	// Sensitive fields (encrypt.go).
	encryptors       map[string]string      // closures that call Rsa::encrypt -> their key variable
	encryptKey       string                 // the Go name of the key, once a field is encrypted
	encryptKeySource string                 // the key's name in the source
	media            map[string]mediaSource // MediaUtil variables (media.go)
}

type freeVar struct {
	source, goName string
	typ            string // the Go type of its first use (see goExpr)
	line           int    // of the first snippet that uses it
	note           string // an input: what it stands for in the source
}

func (c *converter) report(line int, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{line, fmt.Sprintf(format, args...)})
}

// request is a chain call taken apart.
type request struct {
	segs    []string // property names, and the strings of chain('...') and ['...']
	verb    string   // get, post, put, patch, delete
	args    []expr
	thens   []expr
	catches []expr
	holes   []expr // the values of the path's computed segments, {_p0}, {_p1}, ...
	query   []item // what the path's ?query names
	after   expr   // what the call's result is given to: ->getBody()->getContents() of respVar
}

// respVar stands for the response in request.after.
const respVar = "\x00resp"

var verbs = map[string]bool{"get": true, "post": true, "put": true, "patch": true, "delete": true}

// unchain takes a call apart from the outside in: wait, then and catch
// calls, the HTTP method call, and the segments down to the root object.
func (c *converter) unchain(e expr, php bool) (*request, error) {
	r := &request{}
	// ->post([...])->getBody()->getContents(): the calls on the result.
	if inner, after, ok := verbInside(e, php); ok {
		e, r.after = inner, after
	}
peel:
	for {
		cl, ok := e.(*call)
		if !ok {
			break
		}
		m, ok := cl.fn.(*member)
		if !ok || m.index != nil {
			break
		}
		switch {
		case m.name == "wait" && php:
		case m.name == "then":
			if len(cl.args) > 0 {
				r.thens = append([]expr{cl.args[0]}, r.thens...)
			}
			if len(cl.args) > 1 {
				r.catches = append(r.catches, cl.args[1])
			}
		case m.name == "catch" || m.name == "otherwise" && php:
			r.catches = append(r.catches, cl.args...)
		default:
			break peel
		}
		e = m.x
	}
	cl, ok := e.(*call)
	if !ok {
		return nil, fmt.Errorf("no HTTP method is called")
	}
	m, _ := cl.fn.(*member)
	name := m.name
	if php {
		name = strings.TrimSuffix(name, "Async")
	}
	switch {
	case verbs[strings.ToLower(name)] && m.index == nil:
		r.verb, r.args, e = strings.ToLower(name), cl.args, m.x
	case !php && m.index == nil && m.name != "chain":
		// The Node SDK's shorthand: calling a node posts to it.
		r.verb, r.args, e = "post", cl.args, m
	default:
		return nil, fmt.Errorf("no HTTP method is called")
	}
	// The parts from the verb's receiver inwards; the chain is the
	// innermost part that starts one and all the parts outside it, and
	// what is inside it is the application's way to its SDK instance.
	var parts []expr
	for {
		parts = append(parts, e)
		switch x := e.(type) {
		case *member:
			e = x.x
			continue
		case *call:
			if fm, ok := x.fn.(*member); ok {
				e = fm.x
				continue
			}
		}
		break
	}
	root := parts[len(parts)-1]
	start := -1
	for i := len(parts) - 2; i >= 0; i-- {
		if startsChain(parts[i]) {
			start = i
			break
		}
	}
	if start < 0 {
		// A variable that is the instance itself names no v2/v3 root
		// segment: wxpay.v2.pay.micropay was caught above, but a bare
		// $instance->some->thing is taken as written.
		switch root.(type) {
		case *phpVar, *ident:
		default:
			return nil, fmt.Errorf("the chain does not start at a variable")
		}
		start = len(parts) - 2
	}
	if start < 0 {
		return nil, fmt.Errorf("a chain without segments")
	}
	for i := start; i >= 0; i-- {
		switch x := parts[i].(type) {
		case *member:
			seg := x.name
			if x.index != nil {
				seg = c.pathText(r, x.index)
			}
			r.segs = append(r.segs, seg)
		case *call:
			fm := x.fn.(*member)
			if fm.name != "chain" || len(x.args) != 1 {
				return nil, fmt.Errorf("a call in the chain that is not chain('...')")
			}
			text := c.pathText(r, x.args[0])
			if path, query, ok := strings.Cut(text, "?"); ok {
				text = path
				r.query = c.pathQuery(r, query, x.line)
			}
			r.segs = append(r.segs, text)
		}
	}
	return r, nil
}

// verbInside finds the HTTP method call of a chain under the calls and
// properties its result is read with, and gives that reading with
// respVar in place of the call.
func verbInside(e expr, php bool) (expr, expr, bool) {
	var path []expr // from e inwards
	x := e
	for {
		if isVerbCall(x, php) {
			break
		}
		path = append(path, x)
		switch y := x.(type) {
		case *member:
			x = y.x
			continue
		case *call:
			if m, ok := y.fn.(*member); ok && m.index == nil {
				if m.name == "then" || m.name == "wait" || m.name == "catch" || m.name == "otherwise" {
					return nil, nil, false
				}
				x = m.x
				continue
			}
		}
		return nil, nil, false
	}
	if len(path) == 0 {
		return nil, nil, false
	}
	var placeholder expr = &ident{line: x.pos(), name: respVar}
	if php {
		placeholder = &phpVar{line: x.pos(), name: respVar}
	}
	// Rebuild the reading from the inside out.
	inner := placeholder
	for i := len(path) - 1; i >= 0; i-- {
		switch y := path[i].(type) {
		case *member:
			cp := *y
			cp.x = inner
			inner = &cp
		case *call:
			m := *y.fn.(*member)
			m.x = inner
			cp := *y
			cp.fn = &m
			inner = &cp
		}
	}
	return x, inner, true
}

// isVerbCall reports whether e calls an HTTP method on a chain.
func isVerbCall(e expr, php bool) bool {
	cl, ok := e.(*call)
	if !ok {
		return false
	}
	m, ok := cl.fn.(*member)
	if !ok || m.index != nil {
		return false
	}
	name := strings.ToLower(m.name)
	if php {
		name = strings.TrimSuffix(name, "async")
	}
	if !verbs[name] {
		return false
	}
	for x := m.x; ; {
		if startsChain(x) {
			return true
		}
		switch y := x.(type) {
		case *member:
			x = y.x
			continue
		case *call:
			if fm, ok := y.fn.(*member); ok {
				x = fm.x
				continue
			}
		}
		return false
	}
}

// startsChain reports whether a part of a chain starts one: a v2, v3, hk
// or global property, a chain() call, or an index with a path in it.
func startsChain(e expr) bool {
	switch x := e.(type) {
	case *member:
		name := x.name
		if x.index != nil {
			s, ok := x.index.(*strLit)
			if !ok {
				return false
			}
			name, _, _ = strings.Cut(strings.TrimPrefix(s.v, "/"), "/")
		}
		switch name {
		case "v2", "v3", "hk", "global":
			return true
		}
	case *call:
		fm, ok := x.fn.(*member)
		return ok && fm.name == "chain" && fm.index == nil
	}
	return false
}

// template joins the segments and normalizes them as this client's Chain
// does; PHP's "_empty_" is the empty last segment of a trailing slash.
func (c *converter) template(segs []string) string {
	var parts []string
	for _, s := range segs {
		for _, seg := range splitSegments(strings.TrimPrefix(s, "/")) {
			if seg == "_empty_" {
				seg = ""
			}
			if len(seg) > 2 && seg[0] == '$' && seg[len(seg)-1] == '$' {
				seg = "{" + seg[1:len(seg)-1] + "}" // Node's $out_trade_no$
			}
			parts = append(parts, seg)
		}
	}
	return wechatpay.Normalize(strings.Join(parts, "/"))
}

// splitSegments splits at "/" outside braces.
func splitSegments(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth = max(depth-1, 0)
		case '/':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// templateVars lists the {names} of a template.
func templateVars(tmpl string) map[string]bool {
	vars := map[string]bool{}
	for _, seg := range splitSegments(tmpl) {
		for {
			i := strings.IndexByte(seg, '{')
			j := strings.IndexByte(seg, '}')
			if i < 0 || j < i {
				break
			}
			for _, name := range strings.Split(strings.TrimLeft(seg[i+1:j], "+#./;?&"), ",") {
				name, _, _ = strings.Cut(strings.TrimSuffix(name, "*"), ":")
				vars[name] = true
			}
			seg = seg[j+1:]
		}
	}
	return vars
}

// option is one key of the Go option map.
type option struct{ key, value string }

// snippet ports one snippet.
func (c *converter) snippet(f found) {
	c.snippetTo(&c.code, f)
}

// snippetTo ports one snippet, written to out.
func (c *converter) snippetTo(out *strings.Builder, f found) {
	c.line, c.php = f.line, f.php
	c.pre.Reset()
	c.sink = ""
	lang := "Node"
	if f.php {
		lang = "PHP"
	}
	r, err := c.unchain(f.stmt.x, f.php)
	if err != nil {
		c.report(f.line, "not ported: %v", err)
		return
	}
	mark := len(c.diags)
	for _, d := range f.notes {
		c.report(d.Line, "%s", d.Message)
	}
	n := len(c.snippets) + 1
	suffix := ""
	if n > 1 {
		suffix = strconv.Itoa(n)
	}
	tmpl, holes := c.nameHoles(c.template(r.segs), r.holes)
	sn := Snippet{Line: f.line, Language: lang, Method: strings.ToUpper(r.verb), Template: tmpl, Resp: "resp" + suffix}
	errName := "err" + suffix
	chainExpr := fmt.Sprintf("client.Chain(%q)", sn.Template)
	if strings.HasPrefix(sn.Template, "{") && len(holes) > 0 {
		// The whole path, or its start, is computed: the string itself,
		// not a variable whose slashes the client would escape.
		chainExpr = "client.Chain(" + c.dynamicPath(sn.Template, holes) + ")"
		holes = nil
	}
	verb := strings.ToUpper(r.verb[:1]) + r.verb[1:]
	if node := c.tree.Lookup(sn.Template); node != nil {
		if name, ok := node.Verb(sn.Method); ok {
			chainExpr, verb, sn.Typed = "client."+node.Expr(), name, true
		} else {
			c.report(f.line, "the catalog has no %s %s; sent through Client.Chain", sn.Method, sn.Template)
		}
	}
	c.op = schema.Lookup(sn.Method + " " + sn.Template)
	var opts []option
	for _, h := range holes {
		opts = append(opts, option{h.name, c.pathValue(h.value)})
	}
	whole := ""
	if f.php && len(r.args) == 1 {
		if _, ok := r.args[0].(*arrayLit); !ok {
			// The options array kept in a variable, built above or given.
			c.hint = ""
			if g := c.gen(r.args[0], "M", nil); g.typ == "M" {
				whole = g.code
				if len(opts) > 0 {
					c.report(f.line, "the path's variables are not ported: the options are a variable")
					opts = nil
				}
			}
		}
	}
	if whole != "" {
	} else if f.php {
		opts = append(opts, c.phpOptions(r, sn.Template)...)
	} else {
		opts = append(opts, c.jsOptions(r, sn.Template)...)
	}
	if len(r.query) > 0 {
		if slices.ContainsFunc(opts, func(o option) bool { return o.key == "query" }) {
			c.report(f.line, "the query in the path is not ported: the options have one too")
		} else {
			opts = append(opts, option{"query", c.optionValue("query", &arrayLit{line: f.line, object: !f.php, items: r.query})})
		}
	}

	chainExpr, verb, sn.Typed = c.sinkVerb(sn, chainExpr, verb, sn.Typed)
	w := new(strings.Builder) // the statements, which follow the header below
	w.WriteString(c.pre.String())
	fmt.Fprintf(w, "%s, %s := %s.%s(ctx", sn.Resp, errName, chainExpr, verb)
	if whole != "" {
		fmt.Fprintf(w, ", %s", whole)
	} else if len(opts) > 0 {
		c.imports[modulePath] = true
		w.WriteString(", wechatpay.M{\n")
		for _, o := range opts {
			fmt.Fprintf(w, "%q: %s,\n", o.key, o.value)
		}
		w.WriteString("}")
	}
	w.WriteString(")\n")
	c.imports["log"] = true
	fmt.Fprintf(w, "if %s != nil {\nlog.Fatal(%s)\n}\n", errName, errName)
	w.WriteString(c.sinkCode(sn.Resp, suffix, verb))

	// What the snippet does with the response.
	cb := &callback{c: c, resp: sn.Resp, err: errName, suffix: suffix, env: map[string]binding{}}
	if r.after != nil {
		cb.env["$"+respVar] = binding{kind: kResp}
		cb.env[respVar] = binding{kind: kResp}
	}
	if f.stmt.kind == "return" && len(r.thens) == 0 {
		// What the function returns is what the port prints.
		x := r.after
		if x == nil {
			x = &phpVar{line: f.line, name: respVar}
			cb.env["$"+respVar] = binding{kind: kResp}
		}
		cb.statement(stmt{line: f.line, kind: "return", x: x})
	}
	if f.stmt.kind == "assign" {
		switch len(r.thens) {
		case 0:
			if r.after != nil {
				if b, ok := cb.eval(r.after); ok {
					cb.bind(f.stmt.target, b)
				}
				break
			}
			cb.bind(f.stmt.target, binding{kind: kResp})
		case 1:
			cb.result = f.stmt.target
		default:
			c.report(f.line, "the variable assigned is the result of several callbacks; it is not ported")
		}
	}
	for i, t := range r.thens {
		if i > 0 {
			c.report(t.pos(), "only the first then callback is ported")
			break
		}
		cb.then(t)
	}
	for _, e := range r.catches {
		c.report(e.pos(), "the rejection callback is not ported: an error ends the program (log.Fatal)")
	}
	for _, st := range f.follow {
		cb.statement(st)
	}
	w.WriteString(cb.out.String())
	// Declared and not otherwise used, a variable would not compile.
	for _, name := range []string{sn.Resp, cb.fields} {
		if name != "" && !mentions(w.String(), name, 2) {
			fmt.Fprintf(w, "_ = %s\n", name)
		}
	}

	// The header names the snippet and what of it was not ported, so the
	// code says it too, not only the diagnostics.
	if out.Len() > 0 {
		out.WriteByte('\n')
	}
	fmt.Fprintf(out, "// %s, line %d\n", lang, f.line)
	notPorted := slices.Clone(c.diags[mark:])
	slices.SortStableFunc(notPorted, func(a, b Diagnostic) int { return a.Line - b.Line })
	for _, d := range notPorted {
		fmt.Fprintf(out, "// port: %s\n", commentText(d.String()))
	}
	out.WriteString(w.String())
	c.snippets = append(c.snippets, sn)
}

// Option keys the client knows, by their PHP spelling.
var phpOptionKeys = map[string]bool{
	"json": true, "xml": true, "query": true, "headers": true, "body": true,
	"base_uri": true, "security": true, "nonceless": true,
}

func (c *converter) phpOptions(r *request, tmpl string) []option {
	if len(r.args) == 0 {
		return nil
	}
	if len(r.args) > 1 {
		c.report(r.args[1].pos(), "arguments after the options array are not ported")
	}
	arr, ok := r.args[0].(*arrayLit)
	if !ok {
		c.report(r.args[0].pos(), "the options are not an array literal; not ported")
		return nil
	}
	vars := templateVars(tmpl)
	var opts []option
	for _, it := range arr.items {
		key, ok := it.key.(*strLit)
		if !ok || it.spread {
			c.report(it.value.pos(), "an option without a literal key is not ported")
			continue
		}
		switch {
		case vars[key.v]:
			opts = append(opts, option{key.v, c.pathValue(it.value)})
		case key.v == "sink":
			c.sink = c.pathValue(it.value) // Guzzle's download to a file (media.go)
		case phpOptionKeys[key.v]:
			val, note := it.value, ""
			if key.v == "xml" || key.v == "query" {
				val, note = c.unsigned(val, tmpl) // literals.go
			}
			v := withNote(c.optionValue(key.v, val), note)
			if key.v == "headers" && strings.ReplaceAll(v, "\n", "") == "wechatpay.M{}" {
				continue // nothing left once the client's own headers are left out
			}
			opts = append(opts, option{key.v, v})
		default:
			c.report(key.line, "option %q is neither a variable of %s nor an option of this client; not ported", key.v, tmpl)
		}
	}
	return opts
}

// Node's config keys and the client's option for each.
var jsConfigKeys = map[string]string{
	"params": "query", "headers": "headers", "baseURL": "base_uri", "security": "security", "nonceless": "nonceless",
}

func (c *converter) jsOptions(r *request, tmpl string) []option {
	bodyKey := "json"
	if tmpl == "v2" || strings.HasPrefix(tmpl, "v2/") {
		bodyKey = "xml"
	}
	var data, config expr
	switch {
	case r.verb == "get" || r.verb == "delete":
		if len(r.args) > 0 {
			config = r.args[0]
		}
		if len(r.args) > 1 {
			c.report(r.args[1].pos(), "a second argument to %s is not ported", r.verb)
		}
	default:
		if len(r.args) > 0 {
			data = r.args[0]
		}
		if len(r.args) > 1 {
			config = r.args[1]
		}
		if len(r.args) > 2 {
			c.report(r.args[2].pos(), "arguments after the config are not ported")
		}
	}
	var opts, rest []option
	vars := templateVars(tmpl)
	if config != nil {
		obj, ok := config.(*arrayLit)
		if !ok || !obj.object {
			c.report(config.pos(), "the config is not an object literal; not ported")
		} else {
			for _, it := range obj.items {
				key, ok := it.key.(*strLit)
				if !ok || it.spread {
					c.report(it.value.pos(), "a config entry without a literal key is not ported")
					continue
				}
				switch {
				case vars[key.v]:
					opts = append(opts, option{key.v, c.pathValue(it.value)})
				case key.v == "data" && data == nil:
					data = it.value
				case jsConfigKeys[key.v] != "":
					k := jsConfigKeys[key.v]
					rest = append(rest, option{k, c.optionValue(k, it.value)})
				default:
					c.report(key.line, "config %q is neither a variable of %s nor an option of this client; not ported", key.v, tmpl)
				}
			}
		}
	}
	if data != nil {
		opts = append(opts, option{bodyKey, c.optionValue(bodyKey, data)})
	}
	return append(opts, rest...)
}

// pathValue ports the value of a path variable: text.
func (c *converter) pathValue(e expr) string {
	c.hint = ""
	return c.gen(e, "string", nil).code
}

// optionValue ports the value of an option: a map for json, xml, query
// and headers, described by the request's schema when there is one.
func (c *converter) optionValue(key string, e expr) string {
	c.hint = ""
	var node *schema.Node
	if c.op != nil {
		switch key {
		case "json", "xml":
			node = c.op.Body
		case "query":
			node = c.op.Query
		}
	}
	switch key {
	case "json", "xml", "query", "headers":
		return c.gen(e, "M", node).code
	case "security", "nonceless":
		return c.gen(e, "bool", nil).code
	case "base_uri":
		return c.gen(e, "string", nil).code
	}
	return c.gen(e, "", nil).code
}

// value ports a value of the source as a Go expression. isMap says the
// value is a whole option map (json, xml, query, headers), which a free
// variable's placeholder follows.
func (c *converter) value(e expr, isMap bool) string {
	want := ""
	if isMap {
		want = "M"
	}
	return c.gen(e, want, nil).code
}

// composite ports an array or object literal: one with keys is a
// wechatpay.M, a list a typed slice when its elements allow.
func (c *converter) composite(a *arrayLit, node *schema.Node) string {
	keyed := a.object || len(a.items) > 0 && a.items[0].key != nil
	var b strings.Builder
	if keyed {
		c.imports[modulePath] = true
		b.WriteString("wechatpay.M{")
		if len(a.items) > 0 {
			b.WriteByte('\n')
		}
		for _, it := range a.items {
			key, ok := it.key.(*strLit)
			if !ok || it.spread {
				c.report(it.value.pos(), "an entry without a literal key is not ported")
				continue
			}
			if method, _, ok := c.mediaCall(it.value); ok && method == "getContentType" {
				continue // the client sets an upload's multipart Content-Type
			}
			var sub *schema.Node
			if node != nil {
				sub = node.Prop(key.v)
			}
			hint := c.hint
			c.hint = key.v
			fmt.Fprintf(&b, "%q: %s,\n", key.v, c.gen(it.value, kindType(sub), sub).code)
			c.hint = hint
		}
		b.WriteByte('}')
		return b.String()
	}
	elems := make([]string, 0, len(a.items))
	kind := ""
	for i, it := range a.items {
		if it.key != nil || it.spread {
			c.report(it.value.pos(), "a list mixing keys and values is not ported")
			continue
		}
		k := "any"
		switch v := it.value.(type) {
		case *strLit:
			k = "string"
		case *arrayLit:
			if v.object || len(v.items) > 0 && v.items[0].key != nil {
				k = "M"
			}
		}
		if i == 0 {
			kind = k
		} else if kind != k {
			kind = "any"
		}
		var sub *schema.Node
		if node != nil {
			sub = node.Items
		}
		elems = append(elems, c.gen(it.value, kindType(sub), sub).code)
	}
	switch kind {
	case "string":
		b.WriteString("[]string{")
	case "M":
		b.WriteString("[]wechatpay.M{")
		for i, e := range elems {
			elems[i] = strings.TrimPrefix(e, "wechatpay.M")
		}
	default:
		b.WriteString("[]any{")
	}
	if len(elems) > 0 {
		b.WriteByte('\n')
		for _, e := range elems {
			b.WriteString(e)
			b.WriteString(",\n")
		}
	}
	b.WriteByte('}')
	return b.String()
}

// goNumber writes a PHP or JS number as Go.
func goNumber(s string) string {
	s = strings.ReplaceAll(s, "_", "")
	if strings.HasPrefix(s, ".") {
		s = "0" + s
	}
	return s
}

func describeExpr(e expr) string {
	switch e := e.(type) {
	case *call:
		if id, ok := e.fn.(*ident); ok {
			return "the call " + id.name + "()"
		}
		return "a method call"
	case *staticCall:
		return "the call " + e.class + "::" + e.method + "()"
	case *funcLit:
		return "a function"
	case *opaque:
		return e.what
	case *member:
		return "a property or index expression"
	case *cast:
		return "a (" + e.typ + ") cast"
	case *binary:
		return "the operator " + e.op
	case *unary:
		return "the operator " + e.op
	}
	return "an expression"
}

// freeVar returns the Go name of a variable the snippet takes from its
// surroundings, declaring it on first use.
func (c *converter) freeVar(source string, isMap bool) string {
	want := ""
	if isMap {
		want = "M"
	}
	return c.variable(source, want).code
}

// variable is freeVar with a type: the literal's the source assigns
// before the snippet, else the one the first use wants.
func (c *converter) variable(source, want string) goExpr {
	if name, ok := c.goNames[source]; ok {
		for _, v := range c.free {
			if v.goName == name {
				return goExpr{name, v.typ}
			}
		}
	}
	name := c.newName(goIdent(source))
	c.goNames[source] = name
	typ := want
	if _, ok := c.opts.Vars[source]; ok {
		typ = "any"
	} else if lit, ok := valueBefore(c.lits, source, c.line); ok && want != "M" {
		typ = literalGoType(lit.goV)
	}
	if typ == "" {
		typ = "string"
	}
	c.free = append(c.free, &freeVar{source: source, goName: name, typ: typ, line: c.line})
	return goExpr{name, typ}
}

// literalGoType is the type of a literal written as Go.
func literalGoType(v string) string {
	switch {
	case strings.HasPrefix(v, `"`):
		return "string"
	case v == "true" || v == "false":
		return "bool"
	case v == "nil":
		return "any"
	case strings.ContainsAny(v, ".eE") && !strings.HasPrefix(v, "0x"):
		return "float64"
	}
	return "int"
}

// newName takes a Go name for a variable of the ported code: name, or
// name with "Value" added until it clashes with nothing.
func (c *converter) newName(name string) string {
	for c.taken[name] || reservedNames[name] || token.IsKeyword(name) || predeclared[name] {
		name += "Value"
	}
	c.taken[name] = true
	return name
}

// forgetFree drops the free variables declared since mark, by an
// expression that was not written after all: declared and unused, they
// would not compile.
func (c *converter) forgetFree(mark int) {
	for _, v := range c.free[mark:] {
		if v.note != "" {
			delete(c.inputs, v.source)
		} else {
			delete(c.goNames, v.source)
		}
		delete(c.taken, v.goName)
	}
	c.free = c.free[:mark]
}

// reservedNames are the names the ported code uses itself.
var reservedNames = map[string]bool{
	"ctx": true, "client": true, "wechatpay": true, "fmt": true, "log": true, "context": true,
	"flag": true, "configfile": true, "transformer": true, "config": true, "err": true, "resp": true, "fields": true,
	"keys": true, "sensitive": true, "encrypt": true, "ciphertext": true, "text": true, "signer": true, "time": true,
	"media": true,
}

// predeclared are Go's predeclared identifiers.
var predeclared = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
		int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
		true false iota nil append cap clear close complex copy delete imag len make max min new panic
		print println real recover`) {
		m[name] = true
	}
	return m
}()

// goIdent turns out_trade_no into outTradeNo.
func goIdent(s string) string {
	var b strings.Builder
	up := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '_' || ch == '-' || ch == '$':
			up = b.Len() > 0
			continue
		case up && 'a' <= ch && ch <= 'z':
			ch -= 'a' - 'A'
		}
		up = false
		b.WriteByte(ch)
	}
	name := b.String()
	if name == "" || !token.IsIdentifier(name) && !token.IsKeyword(name) {
		return "v"
	}
	if strings.HasPrefix(name, "resp") || strings.HasPrefix(name, "err") || strings.HasPrefix(name, "fields") {
		return name + "Value"
	}
	return name
}

// body assembles the free variables' declarations and the snippets.
func (c *converter) body() string {
	var b strings.Builder
	if c.encryptKey != "" {
		b.WriteString(c.encryptHelper())
	}
	for _, v := range c.free {
		if val, ok := c.opts.Vars[v.source]; ok {
			fmt.Fprintf(&b, "%s := %s\n", v.goName, c.goValue(val))
			continue
		}
		if lit, ok := valueBefore(c.lits, v.source, v.line); ok && v.typ != "M" && v.note == "" {
			fmt.Fprintf(&b, "%s := %s // line %d\n", v.goName, lit.goV, lit.line)
			continue
		}
		zero := map[string]string{"int": "0", "int64": "int64(0)", "float64": "0.0", "bool": "false", "M": "wechatpay.M{}", "any": "any(nil)"}[v.typ]
		if zero == "" {
			zero = `""`
		}
		if v.typ == "M" {
			c.imports[modulePath] = true
		}
		if v.note != "" {
			fmt.Fprintf(&b, "%s := %s // port: %s\n", v.goName, zero, commentText(v.note))
			continue
		}
		fmt.Fprintf(&b, "%s := %s // TODO: set %s\n", v.goName, zero, commentText(v.source))
	}
	if len(c.free) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(c.code.String())
	return b.String()
}

// goValue writes a value of Options.Vars as Go.
func (c *converter) goValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case map[string]any:
		c.imports[modulePath] = true
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("wechatpay.M{\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "%q: %s,\n", k, c.goValue(v[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		kind := ""
		for i, e := range v {
			k := "any"
			switch e.(type) {
			case string:
				k = "string"
			case map[string]any:
				k = "M"
			}
			if i == 0 {
				kind = k
			} else if kind != k {
				kind = "any"
			}
		}
		var b strings.Builder
		switch kind {
		case "string":
			b.WriteString("[]string{\n")
		case "M":
			c.imports[modulePath] = true
			b.WriteString("[]wechatpay.M{\n")
		default:
			b.WriteString("[]any{\n")
		}
		for _, e := range v {
			s := c.goValue(e)
			if kind == "M" {
				s = strings.TrimPrefix(s, "wechatpay.M")
			}
			b.WriteString(s + ",\n")
		}
		b.WriteByte('}')
		return b.String()
	}
	return fmt.Sprintf("%#v", v)
}

// mentions reports whether the Go statements code use the identifier name
// at least n times, as the parser sees it (not in strings or comments). If
// code does not parse, it says yes: the formatter will report the code.
func mentions(code, name string, n int) bool {
	f, err := goparser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+code+"\n}\n", 0)
	if err != nil {
		return true
	}
	count := 0
	ast.Inspect(f, func(node ast.Node) bool {
		if id, ok := node.(*ast.Ident); ok && id.Name == name {
			count++
		}
		return count < n
	})
	return count >= n
}

// commentText makes text from the source fit on a Go comment line: one
// line, and valid UTF-8, which Go source must be.
func commentText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// formatterCall names the Formatter helper e calls without arguments, PHP
// \WeChatPay\Formatter::nonce() or Node Formatter.nonce(): "nonce",
// "timestamp", or "" for anything else.
func formatterCall(e expr) string {
	class, method, args := sdkCall(e)
	if class != "Formatter" || len(args) != 0 || method != "nonce" && method != "timestamp" {
		return ""
	}
	return method
}
