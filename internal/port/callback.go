package port

import (
	"fmt"
	"strconv"
	"strings"
)

// What a name or expression of a callback stands for.
type bindKind uint8

const (
	kResp       bindKind = iota // the response (PHP ResponseInterface, axios response)
	kJSON                       // a value of the JSON body, at path ("" for the whole body)
	kBody                       // the body bytes ($response->getBody())
	kBodyString                 // the body as text ((string) $response->getBody())
	kHeaders                    // the response headers
	kGo                         // a Go expression
)

type binding struct {
	kind bindKind
	path string // kJSON: a gjson path
	code string // kGo: the expression
}

// callback ports what a snippet does with its response: a then callback
// and the statements that follow a sync call.
type callback struct {
	c      *converter
	resp   string // resp, resp2, ...
	err    string // err, err2, ...
	suffix string // "", "2", ...
	env    map[string]binding
	out    strings.Builder
	fields string // the Go variable of the XML fields, once made
	result expr   // what the then callback's result is assigned to ($res = ...->then(...)->wait()), if anything
}

// key is the env key of a name: PHP variables keep their "$".
func envKey(e expr) (string, bool) {
	switch e := e.(type) {
	case *phpVar:
		return "$" + e.name, true
	case *ident:
		return e.name, true
	}
	return "", false
}

// bind binds a parameter or an assignment target: a name, or a JS
// destructuring pattern such as { data: { appid }, status }.
func (cb *callback) bind(target expr, b binding) {
	if k, ok := envKey(target); ok {
		cb.env[k] = b
		return
	}
	obj, ok := target.(*arrayLit)
	if !ok || !obj.object {
		cb.c.report(target.pos(), "this parameter form is not ported")
		return
	}
	for _, it := range obj.items {
		key, ok := it.key.(*strLit)
		if !ok || it.spread {
			cb.c.report(it.value.pos(), "this pattern is not ported")
			continue
		}
		sub, ok := cb.field(b, key.v, key.line)
		if !ok {
			continue
		}
		cb.bind(it.value, sub)
	}
}

// field is b.name: a property of the response, of a JSON value, or a
// header.
func (cb *callback) field(b binding, name string, line int) (binding, bool) {
	switch b.kind {
	case kResp:
		switch name {
		case "data":
			return binding{kind: kJSON}, true
		case "status":
			return cb.goResp("%s.StatusCode"), true
		case "headers":
			return binding{kind: kHeaders}, true
		}
	case kJSON:
		if b.path != "" {
			name = b.path + "." + escapePath(name)
		} else {
			name = escapePath(name)
		}
		return binding{kind: kJSON, path: name}, true
	case kHeaders:
		return cb.goResp("%s.Header.Get(" + strconv.Quote(name) + ")"), true
	case kGo:
		if cb.fields != "" && b.code == cb.fields {
			return binding{kind: kGo, code: fmt.Sprintf("%s[%q]", cb.fields, name)}, true
		}
	}
	cb.c.report(line, "the property %q is not ported", name)
	return binding{}, false
}

func (cb *callback) goResp(format string) binding {
	return binding{kind: kGo, code: fmt.Sprintf(format, cb.resp)}
}

// escapePath escapes a key for a gjson path.
func escapePath(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if strings.IndexByte(`.*?|#@\`, key[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(key[i])
	}
	return b.String()
}

// then ports a then callback: its parameter is the response; what it
// prints is printed, what it returns is printed too (it is the result of
// the call).
func (cb *callback) then(e expr) {
	fn, ok := e.(*funcLit)
	if !ok {
		cb.c.report(e.pos(), "a then callback that is not a function literal is not ported")
		return
	}
	if len(fn.params) > 0 {
		cb.bind(fn.params[0], binding{kind: kResp})
	}
	if len(fn.params) > 1 {
		cb.c.report(fn.line, "callback parameters after the first are not ported")
	}
	for _, st := range fn.body {
		cb.statement(st)
	}
	if fn.result != nil {
		if c, ok := fn.result.(*call); ok && printers[calleeName(c.fn)] {
			cb.statement(stmt{line: fn.result.pos(), kind: "expr", x: c})
			return
		}
		cb.statement(stmt{line: fn.result.pos(), kind: "return", x: fn.result})
	}
}

// printers are the functions whose arguments are printed.
var printers = map[string]bool{"print_r": true, "var_dump": true, "var_export": true, "console.log": true, "console.info": true, "console.dir": true, "console.error": true}

func (cb *callback) statement(st stmt) {
	switch st.kind {
	case "echo":
		// echo x, PHP_EOL; prints a line, as fmt.Println does.
		args := st.args
		for len(args) > 1 {
			if id, ok := args[len(args)-1].(*ident); !ok || id.name != "PHP_EOL" {
				break
			}
			args = args[:len(args)-1]
		}
		cb.print(st.line, args...)
		return
	case "return":
		switch {
		case st.x == nil:
		case cb.result != nil:
			// The callback's result is the assigned variable's value:
			// the statements after the call use it.
			if b, ok := cb.eval(st.x); ok {
				cb.bind(cb.result, b)
			}
		default:
			cb.print(st.line, st.x)
		}
		return
	case "assign":
		mark := len(cb.c.free)
		b, ok := cb.eval(st.x)
		if !ok || b.kind == kGo {
			cb.c.forgetFree(mark)
		}
		if !ok {
			return
		}
		if b.kind == kGo && (cb.fields == "" || b.code != cb.fields) {
			cb.c.report(st.line, "an assignment of a computed value is not ported")
			return
		}
		cb.bind(st.target, b)
		return
	case "expr":
		if c, ok := st.x.(*call); ok && printers[calleeName(c.fn)] {
			if calleeName(c.fn) != "console.log" && len(c.args) > 1 {
				cb.c.report(st.line, "%s with a second argument is not ported", calleeName(c.fn))
				return
			}
			cb.print(st.line, c.args...)
			return
		}
		cb.c.report(st.line, "this statement is not ported")
	case "opaque":
		cb.c.report(st.line, "this statement is not ported: %s", st.text)
	}
}

func calleeName(e expr) string {
	switch e := e.(type) {
	case *ident:
		return e.name
	case *member:
		if id, ok := e.x.(*ident); ok && e.index == nil {
			return id.name + "." + e.name
		}
		if v, ok := e.x.(*phpVar); ok && e.index == nil {
			return "$" + v.name + "->" + e.name
		}
	}
	return ""
}

// print writes fmt.Println of the values.
func (cb *callback) print(line int, args ...expr) {
	mark := len(cb.c.free)
	var parts []string
	for _, a := range args {
		b, ok := cb.eval(a)
		if !ok {
			cb.c.forgetFree(mark)
			return
		}
		parts = append(parts, cb.render(b, true))
	}
	cb.c.imports["fmt"] = true
	fmt.Fprintf(&cb.out, "fmt.Println(%s)\n", strings.Join(parts, ", "))
}

// render writes a binding as a Go expression, for printing or as a value.
func (cb *callback) render(b binding, print bool) string {
	switch b.kind {
	case kGo:
		return b.code
	case kHeaders:
		return cb.resp + ".Header"
	case kJSON:
		if b.path != "" {
			return fmt.Sprintf("%s.Get(%q).String()", cb.resp, b.path)
		}
		if print {
			return "string(" + cb.resp + ".Body)"
		}
		return cb.resp + `.Get("@this").Value()`
	case kBody:
		if print {
			return "string(" + cb.resp + ".Body)"
		}
		return cb.resp + ".Body"
	case kBodyString, kResp:
		return "string(" + cb.resp + ".Body)"
	}
	return "nil"
}

// eval reads an expression of a callback.
func (cb *callback) eval(e expr) (binding, bool) {
	switch e := e.(type) {
	case *phpVar, *ident:
		k, _ := envKey(e)
		if b, ok := cb.env[k]; ok {
			return b, true
		}
		return binding{kind: kGo, code: cb.c.value(e, false)}, true
	case *strLit, *numLit:
		return binding{kind: kGo, code: cb.c.value(e, false)}, true
	case *member:
		base, ok := cb.eval(e.x)
		if !ok {
			return binding{}, false
		}
		name := e.name
		if e.index != nil {
			s, ok := e.index.(*strLit)
			if !ok {
				cb.c.report(e.line, "a computed index is not ported")
				return binding{}, false
			}
			name = s.v
		}
		return cb.field(base, name, e.line)
	case *call:
		return cb.evalCall(e)
	case *staticCall:
		if strings.HasSuffix(e.class, "Transformer") && e.method == "toArray" && len(e.args) == 1 {
			if b, ok := cb.eval(e.args[0]); ok && (b.kind == kBody || b.kind == kBodyString) {
				return binding{kind: kGo, code: cb.xmlFields()}, true
			}
		}
	case *cast:
		if b, ok := cb.eval(e.x); ok && strings.EqualFold(e.typ, "string") && (b.kind == kBody || b.kind == kBodyString) {
			return binding{kind: kBodyString}, true
		}
	case *unary:
		if e.op == "!" {
			if b, ok := cb.eval(e.x); ok {
				return binding{kind: kGo, code: "!" + cb.render(b, false)}, true
			}
			return binding{}, false
		}
	case *binary:
		op := map[string]string{"===": "==", "==": "==", "!==": "!=", "!=": "!=", "&&": "&&", "||": "||", "and": "&&", "or": "||",
			"<": "<", ">": ">", "<=": "<=", ">=": ">=", "+": "+", "-": "-", "*": "*", "/": "/", ".": "+"}[e.op]
		if op == "" {
			break
		}
		x, ok1 := cb.eval(e.x)
		y, ok2 := cb.eval(e.y)
		if !ok1 || !ok2 {
			return binding{}, false
		}
		return binding{kind: kGo, code: cb.render(x, false) + " " + op + " " + cb.render(y, false)}, true
	case *arrayLit:
		return cb.evalComposite(e)
	}
	cb.c.report(e.pos(), "%s is not ported", describeExpr(e))
	return binding{}, false
}

func (cb *callback) evalCall(e *call) (binding, bool) {
	if m, ok := e.fn.(*member); ok && m.index == nil {
		if k, ok := envKey(m.x); ok && !cb.bound(k) {
			cb.c.report(e.line, "the call %s() is not ported", calleeName(e.fn))
			return binding{}, false
		}
		base, ok := cb.eval(m.x)
		if !ok {
			return binding{}, false
		}
		arg := func() (string, bool) {
			if len(e.args) != 1 {
				return "", false
			}
			b, ok := cb.eval(e.args[0])
			return cb.render(b, false), ok
		}
		switch {
		case base.kind == kResp && m.name == "getBody":
			return binding{kind: kBody}, true
		case base.kind == kResp && m.name == "getStatusCode":
			return cb.goResp("%s.StatusCode"), true
		case base.kind == kResp && m.name == "getHeaders":
			return binding{kind: kHeaders}, true
		case base.kind == kResp && m.name == "getHeaderLine":
			if a, ok := arg(); ok {
				return cb.goResp("%s.Header.Get(" + a + ")"), true
			}
		case base.kind == kResp && m.name == "getHeader":
			if a, ok := arg(); ok {
				return cb.goResp("%s.Header.Values(" + a + ")"), true
			}
		case (base.kind == kBody || base.kind == kBodyString) && (m.name == "getContents" || m.name == "__toString"):
			return binding{kind: kBodyString}, true
		}
	}
	if id, ok := e.fn.(*ident); ok && id.name == "json_decode" && len(e.args) >= 1 {
		if b, ok := cb.eval(e.args[0]); ok && (b.kind == kBody || b.kind == kBodyString) {
			return binding{kind: kJSON}, true
		}
	}
	cb.c.report(e.line, "%s is not ported", describeExpr(e))
	return binding{}, false
}

func (cb *callback) bound(key string) bool {
	_, ok := cb.env[key]
	return ok
}

// xmlFields names the fields of an APIv2 XML reply, which the client has
// already read into Response.Fields, once per callback.
func (cb *callback) xmlFields() string {
	if cb.fields == "" {
		cb.fields = "fields" + cb.suffix
		fmt.Fprintf(&cb.out, "%s := %s.Fields\n", cb.fields, cb.resp)
	}
	return cb.fields
}

// evalComposite ports a literal built from the response, such as JS's
// ({ appid, mchid }) after destructuring.
func (cb *callback) evalComposite(a *arrayLit) (binding, bool) {
	keyed := a.object || len(a.items) > 0 && a.items[0].key != nil
	var b strings.Builder
	if keyed {
		cb.c.imports[modulePath] = true
		b.WriteString("wechatpay.M{\n")
	} else {
		b.WriteString("[]any{\n")
	}
	for _, it := range a.items {
		if it.spread || keyed && it.key == nil || !keyed && it.key != nil {
			cb.c.report(it.value.pos(), "this entry is not ported")
			return binding{}, false
		}
		v, ok := cb.eval(it.value)
		if !ok {
			return binding{}, false
		}
		if keyed {
			key, ok := it.key.(*strLit)
			if !ok {
				cb.c.report(it.value.pos(), "an entry without a literal key is not ported")
				return binding{}, false
			}
			fmt.Fprintf(&b, "%q: ", key.v)
		}
		b.WriteString(cb.render(v, false) + ",\n")
	}
	b.WriteByte('}')
	return binding{kind: kGo, code: b.String()}, true
}
