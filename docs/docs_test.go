// Package docs_test compiles the Go code of the documentation: every
// ```go block of docs/*.md and README.md. The convention (docs/README.md):
//
//   - a block that starts with "package" (after comments) is a file;
//   - any other block is the body of
//     func(ctx context.Context, client *wechatpay.Client, err error) error:
//     statements that may use ctx, client and err and may return an error.
//     Its imports are inferred from the package names it uses (the
//     standard library's common ones and this module's packages), or
//     listed on a first line "// imports: "fmt" ...", the form wxpay port
//     prints. A first line "// given: w http.ResponseWriter, r
//     *http.Request" adds parameters, for a fragment that shows calls on
//     values made elsewhere; the variables the block declares at its top
//     level need not be used.
//
// Code that is not meant to compile goes in a block of another language
// (```text). All blocks build in one "go build" of a temporary module; a
// compile error names the Markdown file and line.
package docs_test

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/tempmodule"
)

// block is one ```go block.
type block struct {
	file string // relative to the repository
	line int    // of the first line of code
	code string
}

// goBlocks extracts the ```go blocks of a Markdown file.
func goBlocks(path, name string) ([]block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []block
	var cur *block
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			info := strings.Fields(strings.TrimPrefix(trimmed, "```"))
			if len(info) > 0 && info[0] == "go" {
				cur = &block{file: name, line: n + 1}
				b.Reset()
			} else {
				cur = &block{} // another language: skip to its end
			}
		case cur != nil && trimmed == "```":
			if cur.file != "" {
				cur.code = b.String()
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return out, sc.Err()
}

var packageClause = regexp.MustCompile(`(?m)^package\s+\w+`)

// isFile reports whether a block is a whole file: "package" before any
// code.
func isFile(code string) bool {
	for _, line := range strings.Split(code, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		return packageClause.MatchString(t)
	}
	return false
}

// stdPackages are the standard library packages a body snippet may use
// without listing them.
var stdPackages = map[string]string{
	"bytes": "bytes", "context": "context", "errors": "errors", "fmt": "fmt", "io": "io", "log": "log",
	"os": "os", "strings": "strings", "time": "time", "sync": "sync", "sort": "sort", "strconv": "strconv",
	"http": "net/http", "url": "net/url", "json": "encoding/json", "rsa": "crypto/rsa", "tls": "crypto/tls",
	"x509": "crypto/x509", "httptest": "net/http/httptest", "slog": "log/slog",
}

// modulePackages maps the name of each package of the module to its
// import path.
func modulePackages(root string) (map[string]string, error) {
	pkgs := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "internal" || name == "cmd") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module (bench)
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil || f.Name.Name == "main" {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		imp := tempmodule.ModulePath
		if rel != "." {
			imp += "/" + filepath.ToSlash(rel)
		}
		pkgs[f.Name.Name] = imp
		return nil
	})
	return pkgs, err
}

// bodyFile wraps a body snippet into a file of package pkg.
func bodyFile(b block, pkg string, known map[string]string) (string, error) {
	imports := map[string]string{"context": "context", "wechatpay": tempmodule.ModulePath} // name -> path
	params := "ctx context.Context, client *wechatpay.Client, err error"
	listed := false
	for _, line := range strings.Split(b.code, "\n") {
		line = strings.TrimSpace(line)
		if paths, ok := strings.CutPrefix(line, "// imports:"); ok {
			listed = true
			for _, q := range strings.Fields(paths) {
				path, err := strconv.Unquote(q)
				if err != nil {
					return "", fmt.Errorf("%s:%d: bad imports line: %v", b.file, b.line, err)
				}
				imports[path[strings.LastIndex(path, "/")+1:]] = path
			}
			continue
		}
		if given, ok := strings.CutPrefix(line, "// given:"); ok {
			params += ", " + strings.TrimSpace(given)
			continue
		}
		break
	}
	src := "package p\nfunc _(" + params + ") {\n" + b.code + "\n}\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("%s:%d: %v", b.file, b.line, err)
	}
	fn := f.Decls[0].(*ast.FuncDecl)
	// The variables the snippet declares at its top level count as used:
	// a fragment shows calls, not what is done with every result.
	var declared []string
	for _, st := range fn.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						declared = append(declared, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					for _, id := range spec.(*ast.ValueSpec).Names {
						if id.Name != "_" {
							declared = append(declared, id.Name)
						}
					}
				}
			}
		}
	}
	if !listed {
		// Infer the imports: the names used as package qualifiers that the
		// snippet does not declare itself.
		local := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							local[id.Name] = true
						}
					}
				}
			case *ast.ValueSpec:
				for _, id := range n.Names {
					local[id.Name] = true
				}
			case *ast.Field:
				for _, id := range n.Names {
					local[id.Name] = true
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && !local[id.Name] && known[id.Name] != "" {
					imports[id.Name] = known[id.Name]
				}
			}
			return true
		})
	}
	names := make([]string, 0, len(imports))
	for name := range imports {
		names = append(names, name)
	}
	sort.Strings(names)
	var w strings.Builder
	fmt.Fprintf(&w, "package %s\n\nimport (\n", pkg)
	for _, name := range names {
		fmt.Fprintf(&w, "\t%s %q\n", name, imports[name])
	}
	fmt.Fprintf(&w, ")\n\nfunc snippet(%s) error {\n//line %s:%d\n%s\n", params, b.file, b.line, b.code)
	for _, name := range declared {
		fmt.Fprintf(&w, "_ = %s\n", name)
	}
	w.WriteString("return nil\n}\n")
	return w.String(), nil
}

func TestGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the documentation's code")
	}
	root, err := tempmodule.Root()
	if err != nil {
		t.Fatal(err)
	}
	known, err := modulePackages(root)
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range stdPackages {
		known[name] = path
	}
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(root, "README.md"))
	m := tempmodule.New(t)
	n := 0
	for _, page := range pages {
		name, _ := filepath.Rel(root, page)
		blocks, err := goBlocks(page, filepath.ToSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			n++
			pkg := fmt.Sprintf("b%03d", n)
			var src string
			if isFile(b.code) {
				src = fmt.Sprintf("//line %s:%d\n%s", b.file, b.line, b.code)
			} else if src, err = bodyFile(b, pkg, known); err != nil {
				t.Error(err)
				continue
			}
			m.Write(t, pkg+"/block.go", []byte(src))
		}
	}
	if n < 20 {
		t.Fatalf("only %d go blocks found", n)
	}
	if out, err := m.Go("build", "./..."); err != nil {
		t.Fatalf("the documentation's Go does not build:\n%s", out)
	}
	t.Logf("%d go blocks of %d pages build", n, len(pages))
}
