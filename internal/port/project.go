package port

import (
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// A whole project: Project walks a PHP or JS/TS application, ports every
// chain call of every source file on its own, and reports what it found,
// so that a migration plan can start from it: the endpoints the
// application uses, and at each call site what was ported and what was
// lost.

// Report is what Project made of a project.
type Report struct {
	Files     []FileReport `json:"files"`     // the source files with call sites, by path
	Endpoints []Endpoint   `json:"endpoints"` // the endpoints called, by template and method
	CallSites int          `json:"call_sites"`
	Ported    int          `json:"ported"` // call sites ported with nothing lost
	Lost      int          `json:"lost"`   // call sites with something lost
}

// FileReport is one source file's call sites, and the Go made of them:
// one function per call site, in package ported.
type FileReport struct {
	Path      string     `json:"path"` // slash-separated, relative to the project
	Language  string     `json:"language"`
	GoFile    string     `json:"go_file"` // the name of its Go file
	CallSites []CallSite `json:"call_sites"`
	Code      []byte     `json:"-"`
}

// CallSite is one chain call of a source file.
type CallSite struct {
	Line     int          `json:"line"`
	Method   string       `json:"method,omitempty"`   // "" when the call could not be read
	Endpoint string       `json:"endpoint,omitempty"` // the URI template
	Typed    bool         `json:"typed,omitempty"`    // the Go uses the typed tree
	Func     string       `json:"func,omitempty"`     // the Go function, "" when nothing was ported
	Inputs   []Input      `json:"inputs,omitempty"`   // the Go function's parameters
	Lost     []Diagnostic `json:"lost,omitempty"`     // what was not ported, with why
}

// Input is a value a call site takes from the application, which the
// port cannot know (a request parameter, a config helper, a method's
// result): a parameter of the call site's Go function, which the caller
// passes.
type Input struct {
	Name string `json:"name"`
	Type string `json:"type"`
	From string `json:"from"` // what it stands for in the source
}

// Endpoint is an endpoint the project calls, and where.
type Endpoint struct {
	Method   string   `json:"method"`
	Template string   `json:"endpoint"`
	Sites    []string `json:"sites"` // path:line
}

// sourceExts are the files Project reads, by extension.
var sourceExts = map[string]string{
	".php": "PHP", ".js": "Node", ".mjs": "Node", ".cjs": "Node", ".jsx": "Node",
	".ts": "Node", ".mts": "Node", ".cts": "Node", ".tsx": "Node",
}

// skipDirs are the directories of dependencies and tools, not the
// application's code.
var skipDirs = map[string]bool{"vendor": true, "node_modules": true, "dist": true, "build": true}

// Project ports the PHP, JS and TS files of fsys, leaving out vendor/,
// node_modules/, dist/, build/, hidden directories and .d.ts files.
func Project(fsys fs.FS, opts Options) (*Report, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (skipDirs[name] || strings.HasPrefix(name, ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if sourceExts[path.Ext(name)] != "" && !strings.HasSuffix(name, ".d.ts") && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	rep := &Report{}
	funcs := map[string]bool{}
	goFiles := map[string]bool{}
	for _, p := range paths {
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		fr, err := portFile(p, src, opts, funcs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if len(fr.CallSites) == 0 {
			continue
		}
		fr.GoFile = goFileName(p, goFiles)
		rep.Files = append(rep.Files, fr)
	}
	rep.tally()
	return rep, nil
}

// portFile ports each chain call of one file into a function of its own.
func portFile(p string, src []byte, opts Options, funcs map[string]bool) (FileReport, error) {
	fr := FileReport{Path: p, Language: sourceExts[path.Ext(p)]}
	whole, err := Convert(src, opts)
	if err != nil && !errors.Is(err, ErrNoSnippet) {
		return fr, err
	}
	imports := map[string]bool{}
	var bodies strings.Builder
	placed := map[Diagnostic]bool{}
	enclosing := enclosingFuncs(string(src), fr.Language == "PHP")
	for n := 1; n <= whole.found; n++ {
		o := opts
		o.only = n
		res, err := Convert(src, o)
		if err != nil && !errors.Is(err, ErrNoSnippet) {
			return fr, err
		}
		for _, d := range res.Diagnostics {
			placed[d] = true
		}
		if len(res.Snippets) == 0 {
			// Found, and not ported at all: its diagnostic says why.
			site := CallSite{Lost: res.Diagnostics}
			if len(res.Diagnostics) > 0 {
				site.Line = res.Diagnostics[0].Line
			}
			fr.CallSites = append(fr.CallSites, site)
			continue
		}
		sn := res.Snippets[0]
		site := CallSite{Line: sn.Line, Method: sn.Method, Endpoint: sn.Template, Typed: sn.Typed, Lost: res.Diagnostics}
		site.Func = siteFuncName(enclosing(sn.Line), sn.Line, p, funcs)
		for _, path := range res.Imports {
			imports[path] = true
		}
		imports[modulePath] = true // for the *wechatpay.Client parameter
		imports["context"] = true
		_, body, _ := strings.Cut(string(res.Code), "\n")
		body, site.Inputs = takeInputs(body)
		fmt.Fprintf(&bodies, "\n// %s ports %s:%d: %s %s.\n", site.Func, p, sn.Line, sn.Method, sn.Template)
		params := []string{"ctx context.Context", "client *wechatpay.Client"}
		for _, in := range site.Inputs {
			fmt.Fprintf(&bodies, "// %s is %s.\n", in.Name, commentText(in.From))
			params = append(params, in.Name+" "+in.Type)
		}
		for _, d := range site.Lost {
			fmt.Fprintf(&bodies, "// Not ported: %s\n", commentText(d.String()))
		}
		fmt.Fprintf(&bodies, "func %s(%s) {\n%s}\n", site.Func, strings.Join(params, ", "), body)
		fr.CallSites = append(fr.CallSites, site)
	}
	// What the whole file reports and no call alone does is a chain call
	// that could not be read.
	for _, d := range whole.Diagnostics {
		if !placed[d] {
			fr.CallSites = append(fr.CallSites, CallSite{Line: d.Line, Lost: []Diagnostic{d}})
		}
	}
	slices.SortStableFunc(fr.CallSites, func(a, b CallSite) int { return a.Line - b.Line })
	if bodies.Len() == 0 {
		return fr, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Code ported from %s by wxpay port; review it before use.\n\npackage ported\n\nimport (\n", p)
	paths := make([]string, 0, len(imports))
	for path := range imports {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		fmt.Fprintf(&b, "\t%q\n", path)
	}
	b.WriteString(")\n")
	b.WriteString(bodies.String())
	code, err := format.Source([]byte(b.String()))
	if err != nil {
		return fr, fmt.Errorf("port: the Go made is not valid (please report it): %w", err)
	}
	fr.Code = code
	return fr, nil
}

// inputDecl is the declaration the porter writes for a value it cannot
// know: a zero value and what it stands for.
var inputDecl = regexp.MustCompile(`^([A-Za-z_]\w*) := (""|0|int64\(0\)|0\.0|false|wechatpay\.M\{\}|any\(nil\)) // (?:TODO: set |port: )(.*)$`)

var zeroTypes = map[string]string{`""`: "string", "0": "int", "int64(0)": "int64", "0.0": "float64", "false": "bool", "wechatpay.M{}": "wechatpay.M", "any(nil)": "any"}

// takeInputs takes the declarations of unknown values out of the head of
// a call site's statements, to make them its function's parameters.
func takeInputs(body string) (string, []Input) {
	lines := strings.SplitAfter(body, "\n")
	var keep []string
	var inputs []Input
	head := true
	for _, line := range lines {
		if strings.HasPrefix(line, "// PHP, line ") || strings.HasPrefix(line, "// Node, line ") {
			head = false
		}
		if m := inputDecl.FindStringSubmatch(strings.TrimSuffix(line, "\n")); head && m != nil {
			inputs = append(inputs, Input{Name: m[1], Type: zeroTypes[m[2]], From: m[3]})
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, ""), inputs
}

var (
	phpFuncDecl = regexp.MustCompile(`\bfunction\s+&?([A-Za-z_]\w*)\s*\(`)
	// A JS function declaration or a method: function name(, async
	// name(...) {, name(...) {, but not if (...) { and the like.
	jsFuncDecl = regexp.MustCompile(`(?m)(?:\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(|^\s*(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*(?::\s*[^{;=]+)?\{|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b|\([^()]*\)\s*(?::\s*[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>))`)
	jsKeywords = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "catch": true, "function": true, "return": true, "with": true}
)

// enclosingFuncs gives, for a line, the name of the last function or
// method declared at or above it ("" if none): the call site's function
// in the source, which names its Go function.
func enclosingFuncs(src string, php bool) func(line int) string {
	type decl struct {
		line int
		name string
	}
	var decls []decl
	re := jsFuncDecl
	if php {
		re = phpFuncDecl
	}
	for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
		name := ""
		for i := 2; i+1 < len(m); i += 2 {
			if m[i] >= 0 {
				name = src[m[i]:m[i+1]]
				break
			}
		}
		if name == "" || jsKeywords[name] {
			continue
		}
		decls = append(decls, decl{1 + strings.Count(src[:m[0]], "\n"), name})
	}
	return func(line int) string {
		name := ""
		for _, d := range decls {
			if d.line <= line {
				name = d.name
			}
		}
		return name
	}
}

// siteFuncName names a call site's Go function after its function in the
// source and its line (refundLine42), else after its file; each name is
// used once in the package.
func siteFuncName(source string, line int, file string, taken map[string]bool) string {
	base := lowerFirst(goIdent(strings.TrimPrefix(source, "__")))
	if source == "" || base == "v" {
		base = lowerFirst(fileIdent(file))
	}
	name := base + "Line" + strconv.Itoa(line)
	if taken[name] {
		name = lowerFirst(fileIdent(file)) + upperFirst(name)
	}
	for i := 2; taken[name]; i++ {
		name = base + "Line" + strconv.Itoa(line) + "_" + strconv.Itoa(i)
	}
	taken[name] = true
	return name
}

// fileIdent makes a Go identifier of a file's path: app/Services/Pay.php
// gives appServicesPay.
func fileIdent(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	var b strings.Builder
	up := false
	for _, r := range p {
		switch {
		case unicode.IsLetter(r) && r < 0x80 || unicode.IsDigit(r) && r < 0x80 && b.Len() > 0:
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = b.Len() > 0
		}
	}
	if b.Len() == 0 {
		return "source"
	}
	return b.String()
}

// goFileName names a source file's Go file: its path with "_" for "/"
// and the extension as part of the name, in lower case, unique.
func goFileName(p string, taken map[string]bool) string {
	var b strings.Builder
	for _, r := range strings.ToLower(p) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), "_")
	if strings.HasSuffix(name, "_test") {
		name += "_"
	}
	out := name + ".go"
	for i := 2; taken[out]; i++ {
		out = name + "_" + strconv.Itoa(i) + ".go"
	}
	taken[out] = true
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tally counts the call sites and lists the endpoints.
func (r *Report) tally() {
	byKey := map[[2]string]*Endpoint{}
	for _, f := range r.Files {
		for _, s := range f.CallSites {
			r.CallSites++
			if len(s.Lost) == 0 {
				r.Ported++
			} else {
				r.Lost++
			}
			if s.Method == "" {
				continue
			}
			k := [2]string{s.Endpoint, s.Method}
			e := byKey[k]
			if e == nil {
				e = &Endpoint{Method: s.Method, Template: s.Endpoint}
				byKey[k] = e
			}
			e.Sites = append(e.Sites, fmt.Sprintf("%s:%d", f.Path, s.Line))
		}
	}
	for _, e := range byKey {
		r.Endpoints = append(r.Endpoints, *e)
	}
	slices.SortFunc(r.Endpoints, func(a, b Endpoint) int {
		if c := strings.Compare(a.Template, b.Template); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
}

// Text writes the report for a person: per file, each call site with
// what was lost there and why; then the endpoints the project calls.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d call sites in %d files: %d ported, %d with something lost\n", r.CallSites, len(r.Files), r.Ported, r.Lost)
	for _, f := range r.Files {
		fmt.Fprintf(&b, "\n%s (%s, Go in %s)\n", f.Path, f.Language, f.GoFile)
		for _, s := range f.CallSites {
			what := "(not read)"
			if s.Method != "" {
				what = s.Method + " " + s.Endpoint
			}
			status := "ported"
			if len(s.Lost) > 0 {
				status = fmt.Sprintf("%d lost", len(s.Lost))
			}
			fn := ""
			if s.Func != "" {
				fn = " -> " + s.Func
			}
			fmt.Fprintf(&b, "  %s:%d  %s  %s%s\n", f.Path, s.Line, what, status, fn)
			for _, in := range s.Inputs {
				fmt.Fprintf(&b, "      input %s %s: %s\n", in.Name, in.Type, in.From)
			}
			for _, d := range s.Lost {
				fmt.Fprintf(&b, "      %s\n", d)
			}
		}
	}
	if len(r.Endpoints) > 0 {
		b.WriteString("\nEndpoints:\n")
		for _, e := range r.Endpoints {
			fmt.Fprintf(&b, "  %-6s %s  (%s)\n", e.Method, e.Template, strings.Join(e.Sites, ", "))
		}
	}
	return b.String()
}
