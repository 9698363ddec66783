// Package port turns PHP (wechatpay-php) and Node (wechatpay-axios-plugin)
// chain calls into Go for this client: the typed tree when the path is in
// the endpoint catalog, Client.Chain otherwise.
//
//	res, err := port.Convert(src, port.Options{})
//	os.Stdout.Write(res.Code)
//	for _, d := range res.Diagnostics {
//		fmt.Println(d) // line 12: option "timeout" is not ported
//	}
//
// The source may be bare code or a whole documentation page (Markdown,
// text): each statement that starts with a chain (PHP
// $instance->v3->..., $instance->chain('...'), $instance['...'];
// JS wxpay.v3...., wxpay.chain('...')) and calls an HTTP method is a
// snippet. Sync and async forms port alike; a callback's printing or
// result is ported for the constructs the porting guide (docs/porting.md)
// lists, and everything else inside a snippet is reported with its line,
// as a Diagnostic and as a "// port:" comment in the code.
//
// The code is, by default, Go statements for a function body in which
// ctx (context.Context) and client (*wechatpay.Client) are in scope,
// preceded by one comment line listing the imports it needs:
//
//	// imports: "fmt" "github.com/wxpay-go/wechatpay" "log"
//	resp, err := client.V3().Pay()...Post(ctx, wechatpay.M{...})
//	if err != nil {
//		log.Fatal(err)
//	}
//
// Each snippet assigns resp, err (then resp2, err2, ...). Variables the
// snippets take from their surroundings (JS shorthand properties such as
// { appid }, PHP $variables) are declared first, with the value given in
// Options.Vars, else the literal the source last assigns to them before
// their first snippet ($outTradeNo = '1217...'; const appid = 'wx...'),
// else a zero placeholder marked TODO. With Options.Main the
// code is a whole program instead, which builds its client from the
// config file named by its -c flag (package configfile, the format of
// wxpay -c).
//
// The package is internal: its one user is the wxpay command, and its
// output format (the comments, the names it picks) changes as the porter
// learns more shapes, which a public API would freeze.
package port

import (
	"errors"
	"fmt"
	"go/format"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/chaintree"
)

// Options are the rare knobs of Convert; the zero value prints function
// body statements.
type Options struct {
	// Main prints a complete program instead of statements.
	Main bool
	// Vars gives values to the snippets' free variables, by their name in
	// the source (without PHP's "$"): a string, a number, a bool, nil, or
	// a map[string]any or []any of those, as encoding/json decodes them.
	Vars map[string]any

	only int // when not 0, port only the only-th chain call found (project.go)
}

// Result is what Convert made of a source.
type Result struct {
	Code        []byte       // gofmt-formatted Go
	Imports     []string     // the import paths Code needs, sorted
	Snippets    []Snippet    // the chain calls found, in source order
	Diagnostics []Diagnostic // what was not ported, in line order

	found int // the chain calls found, ported or not
}

// Snippet is one chain call that was ported.
type Snippet struct {
	Line     int    // where it starts in the source
	Language string // "PHP" or "Node"
	Method   string // the HTTP method
	Template string // the chain as a URI template
	Typed    bool   // the Go form uses the typed tree
	Resp     string // the Go variable holding its response: resp, resp2, ...
}

// Diagnostic is a construct that was not ported.
type Diagnostic struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (d Diagnostic) String() string { return fmt.Sprintf("line %d: %s", d.Line, d.Message) }

// ErrNoSnippet is the error of a source with no chain call in it.
var ErrNoSnippet = errors.New("port: no PHP or Node chain call found")

const modulePath = "github.com/wxpay-go/wechatpay"

var loadTree = sync.OnceValues(func() (*chaintree.Tree, error) {
	return chaintree.Build(catalog.All())
})

// Convert ports every snippet of src. The error is ErrNoSnippet when there
// is none; what could not be read or ported is in the Diagnostics.
func Convert(src []byte, opts Options) (Result, error) {
	tree, err := loadTree()
	if err != nil {
		return Result{}, err
	}
	found, diags := findSnippets(string(src))
	c := &converter{tree: tree, opts: opts, imports: map[string]bool{}, goNames: map[string]string{}, taken: map[string]bool{}, inputs: map[string]*freeVar{}}
	c.diags = diags
	if opts.only != 0 {
		c.diags = nil // the source's, not the one call's
	}
	c.lits = literalAssignments(string(src))
	c.arrays = arrayAssignments(string(src))
	c.encryptors = encryptors(string(src))
	c.media = mediaUtils(string(src))
	bodies := map[bool][]span{}
	done := map[span]bool{}
	calls := 0
	for _, sn := range found {
		if !sn.node {
			calls++
		}
		if opts.only != 0 {
			// One call site alone (project.go): the snippet itself.
			if !sn.node && opts.only == calls {
				c.snippet(sn)
			}
			continue
		}
		if _, ok := bodies[sn.php]; !ok {
			bodies[sn.php] = functionBodies(string(src), sn.php)
		}
		sp, in := innermost(bodies[sn.php], sn.off)
		switch {
		case in && done[sp]:
		case in && c.portFunction(string(src), sp, sn.php):
			done[sp] = true
		case sn.node:
		default:
			c.snippet(sn)
		}
	}
	res := Result{Snippets: c.snippets, found: calls}
	slices.SortStableFunc(c.diags, func(a, b Diagnostic) int { return a.Line - b.Line })
	res.Diagnostics = c.diags
	if len(c.snippets) == 0 {
		return res, ErrNoSnippet
	}
	body := c.body()
	for path := range c.imports {
		res.Imports = append(res.Imports, path)
	}
	sort.Strings(res.Imports)
	if opts.Main {
		res.Code, err = mainProgram(body, res.Imports)
	} else {
		res.Code, err = statements(body, res.Imports)
	}
	if err != nil {
		return res, fmt.Errorf("port: the Go made is not valid (please report it): %w", err)
	}
	return res, nil
}

// statements formats a function body and puts the imports line first.
func statements(body string, imports []string) ([]byte, error) {
	src := "package p\n\nfunc _() {\n" + body + "}\n"
	out, err := format.Source([]byte(src))
	if err != nil {
		return nil, err
	}
	text := string(out)
	text = text[strings.Index(text, "{\n")+2 : strings.LastIndex(text, "}")]
	var b strings.Builder
	b.WriteString("// imports:")
	for _, path := range imports {
		fmt.Fprintf(&b, " %q", path)
	}
	b.WriteByte('\n')
	for _, line := range strings.SplitAfter(text, "\n") {
		b.WriteString(strings.TrimPrefix(line, "\t"))
	}
	return []byte(b.String()), nil
}

// mainProgram wraps a body into a program that reads its client's config
// file from -c.
func mainProgram(body string, imports []string) ([]byte, error) {
	all := map[string]bool{"context": true, "flag": true, "log": true, modulePath + "/configfile": true}
	for _, path := range imports {
		all[path] = true
	}
	var std, mod []string
	for path := range all {
		if strings.HasPrefix(path, modulePath) {
			mod = append(mod, path)
		} else {
			std = append(std, path)
		}
	}
	sort.Strings(std)
	sort.Strings(mod)
	var b strings.Builder
	b.WriteString("// Command main sends the WeChat Pay requests ported from PHP or Node\n")
	b.WriteString("// chain calls, with the client configured by the file -c names (the\n")
	b.WriteString("// format of wxpay -c).\npackage main\n\nimport (\n")
	for _, path := range std {
		fmt.Fprintf(&b, "\t%q\n", path)
	}
	b.WriteByte('\n')
	for _, path := range mod {
		fmt.Fprintf(&b, "\t%q\n", path)
	}
	b.WriteString(")\n\nfunc main() {\n")
	b.WriteString("\tconfig := flag.String(\"c\", \"config.json\", \"client config file (JSON, as wxpay -c reads it)\")\n")
	b.WriteString("\tflag.Parse()\n")
	b.WriteString("\tclient, err := configfile.Load(*config)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n")
	b.WriteString("\tctx := context.Background()\n\n")
	b.WriteString(body)
	b.WriteString("}\n")
	return format.Source([]byte(b.String()))
}

// found is a snippet as read from the source.
type found struct {
	php    bool
	line   int
	off    int  // where it starts in the source
	node   bool // a chain node kept in a variable, not a call
	stmt   stmt
	follow []stmt       // later statements that use what the snippet assigned
	notes  []Diagnostic // what around the snippet is not ported
}

// A chain starts at an SDK instance, which application code reaches
// through properties, static properties and method calls
// ($this->app->instance, self::$instanceV3, $this->getClient(),
// this.wxpay): the receiver before the first v2/v3/hk/global segment,
// chain() call or ['v3/...'] index.
var (
	phpReceiver = `(?:(?:self|static|parent|[A-Z]\w*)::)?\$[A-Za-z_]\w*(?:\s*(?:->|::|\?->)\s*\$?[A-Za-z_]\w*(?:\s*\([^()]*\))?)*?`
	phpStart    = regexp.MustCompile(`(?:\$[A-Za-z_]\w*\s*=\s*|return\s+)?` + phpReceiver + `\s*(?:->\s*(?:v2|v3|hk|global|chain)\b|->\s*\{|\[\s*['"]/?(?:v2|v3|hk|global)\b)`)
	jsReceiver  = "\\b[A-Za-z_$][\\w$]*(?:\\s*\\??\\.\\s*[A-Za-z_$][\\w$]*(?:\\s*\\([^()]*\\))?)*?"
	jsStart     = regexp.MustCompile("(?:(?:const|let|var)\\s+(?:[A-Za-z_$][\\w$]*|\\{[^;=]*\\})\\s*=\\s*)?(?:(?:return|await)\\s+)*" + jsReceiver + "\\s*(?:\\.\\s*(?:v2|v3|hk|global)\\b|\\.\\s*chain\\s*\\(|\\[\\s*['\"`]/?(?:v2|v3|hk|global))")
)

// findSnippets finds the chain statements of a source, in order. A
// statement that starts like a chain but cannot be read is reported.
func findSnippets(src string) ([]found, []Diagnostic) {
	type candidate struct {
		off int
		php bool
	}
	var cands []candidate
	for _, m := range phpStart.FindAllStringIndex(src, -1) {
		cands = append(cands, candidate{m[0], true})
	}
	for _, m := range jsStart.FindAllStringIndex(src, -1) {
		if m[0] > 0 && src[m[0]-1] == '$' {
			continue // PHP's $instance[...]
		}
		cands = append(cands, candidate{m[0], false})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].off < cands[j].off })

	var out []found
	var diags []Diagnostic
	consumed := 0
	for _, cd := range cands {
		if cd.off < consumed {
			continue
		}
		line := 1 + strings.Count(src[:cd.off], "\n")
		p := newParser(src, cd.off, line, cd.php)
		st, err := parse(p.statement)
		var inside *Diagnostic
		if err != nil {
			// A chain that is an argument, or the body of an arrow
			// function passed as one: retry(fn() => $this->...->post()).
			q := newParser(src, cd.off, line, cd.php)
			x, xerr := parse(q.expression)
			if xerr != nil || !(q.is(")") || q.is(",")) {
				diags = append(diags, Diagnostic{line, "cannot read this chain call: " + err.(*syntaxError).msg})
				consumed = p.tok.off
				continue
			}
			st, p = stmt{line: line, kind: "expr", x: x}, q
			inside = &Diagnostic{line, "the call is an argument of a call, or in a function given as one: it is ported as a direct call, and what is done with its result is not"}
		}
		if !isChainCall(st) {
			// $builder = $this->instance->v3->pay; its function may
			// call a verb on it later.
			out = append(out, found{php: cd.php, line: line, off: cd.off, node: true})
			continue
		}
		f := found{php: cd.php, line: line, off: cd.off, stmt: st}
		if inside != nil {
			f.notes = append(f.notes, *inside)
		}
		end := p.tok.off
		names := assigned(st)
		for len(names) > 0 {
			q := newParser(src, end, 1+strings.Count(src[:end], "\n"), cd.php)
			next, err := parse(q.statement)
			if err != nil || !uses(next, names) || q.tok.off <= end {
				break
			}
			f.follow = append(f.follow, next)
			end = q.tok.off
			// What a follow-up assigns is followed too: $a = toArray(...);
			// then print_r($a['x']).
			maps.Copy(names, assigned(next))
		}
		// A try block's catch handles what the Go code handles with
		// log.Fatal: say so rather than drop it silently.
		q := &scanner{src: src, pos: end, line: 1 + strings.Count(src[:end], "\n"), php: cd.php}
		if t := q.next(); t.kind == tPunct && t.text == "}" {
			if c := q.next(); c.kind == tIdent && c.text == "catch" {
				f.notes = append(f.notes, Diagnostic{c.line, "the catch block is not ported: an error ends the program (log.Fatal)"})
			}
		}
		out = append(out, f)
		consumed = end
	}
	return out, diags
}

// isChainCall reports whether a statement calls an HTTP method (or then,
// wait) on something.
func isChainCall(st stmt) bool {
	if st.kind != "expr" && st.kind != "assign" && st.kind != "return" {
		return false
	}
	c, ok := st.x.(*call)
	if !ok {
		return false
	}
	m, ok := c.fn.(*member)
	return ok && m.index == nil && m.name != ""
}

// assigned lists the names a statement binds: $response, or the names
// of a JS const pattern.
func assigned(st stmt) map[string]bool {
	if st.kind != "assign" {
		return nil
	}
	names := map[string]bool{}
	var walk func(e expr)
	walk = func(e expr) {
		switch e := e.(type) {
		case *phpVar:
			names["$"+e.name] = true
		case *ident:
			names[e.name] = true
		case *arrayLit:
			for _, it := range e.items {
				walk(it.value)
			}
		}
	}
	walk(st.target)
	return names
}

// uses reports whether a statement mentions one of names.
func uses(st stmt, names map[string]bool) bool {
	read := map[string]bool{}
	varsOf(st.x, read)
	for _, a := range st.args {
		varsOf(a, read)
	}
	for name := range read {
		if names[name] {
			return true
		}
	}
	return false
}
