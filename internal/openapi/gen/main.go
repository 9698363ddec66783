// Command gen writes the typed request and reply models of every operation
// (api/<protocol>/<prefix>/models.go, one package per path prefix) from the
// repaired description internal/openapi loads. It runs from api/doc.go:
//
//	//go:generate go run ../internal/openapi/gen
//
// The naming rule (documented for users in api/doc.go) is applied here and
// tested in gen_test.go.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/openapi"
)

func main() {
	out := flag.String("out", ".", "the api/ folder")
	flag.Parse()
	files, err := generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*out, files); err != nil {
		log.Fatal(err)
	}
}

// write replaces every generated file under dir with files, removing
// generated files (and their folders) no longer produced.
func write(dir string, files map[string][]byte) error {
	old, err := generatedFiles(dir)
	if err != nil {
		return err
	}
	for _, name := range old {
		if _, ok := files[name]; !ok {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return err
			}
			_ = os.Remove(filepath.Dir(filepath.Join(dir, name))) // only if now empty
		}
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generatedFiles lists the files under dir that this command writes.
func generatedFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b := d.Name(); b == "models.go" || b == "doc.go" && p != filepath.Join(dir, "doc.go") {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	return names, err
}

// model is one operation with the names the generator gave it.
type model struct {
	op      *openapi.Operation
	dir     string // folder under api/
	name    string // DomesticRefundsPost
	rest    []string
	request *openapi.Schema // body, or the query of a GET/DELETE
	query   *openapi.Schema // the query of an operation that also has a body
}

// generate returns the generated files by path under api/.
func generate() (map[string][]byte, error) {
	ops, _, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, ep := range catalog.All() {
		known[ep.Method+" "+ep.Path] = true
	}
	var kept []*openapi.Operation
	for _, op := range ops {
		if known[op.Key()] { // the catalog decides what is an operation
			kept = append(kept, op)
		}
	}
	models, err := name(kept)
	if err != nil {
		return nil, err
	}
	byDir := map[string][]*model{}
	for _, m := range models {
		byDir[m.dir] = append(byDir[m.dir], m)
	}
	files := map[string][]byte{}
	for dir, ms := range byDir {
		src, err := writePackage(dir, ms)
		if err != nil {
			return nil, fmt.Errorf("api/%s: %w", dir, err)
		}
		files[dir+"/models.go"] = src
	}
	return files, nil
}

// name places every operation in its package and gives it a name: the
// literal path segments after the package's prefix (TransactionsOutTradeNoReverse);
// where two operations of a package share it, each of them adds its method
// (DomesticRefundsPost, DomesticRefundsGet); where that is still shared,
// each adds its path parameters (...ByOutRefundNo).
func name(ops []*openapi.Operation) ([]*model, error) {
	count := map[string]int{}
	for _, op := range ops {
		count[prefixOf(op.Path)]++
	}
	big := map[string]bool{}
	for p, n := range count {
		if n > splitAbove {
			big[p] = true
		}
	}
	var models []*model
	for _, op := range ops {
		dir, used := packageOf(op.Path, big)
		seg := strings.Split(op.Path, "/")
		m := &model{op: op, dir: dir, rest: seg[used:]}
		var b strings.Builder
		for _, s := range m.rest {
			if !isParam(s) {
				b.WriteString(camel(s))
			}
		}
		m.name = b.String()
		if m.name == "" {
			m.name = camel(seg[used-1])
		}
		m.name = exported("Op", m.name)
		m.request, m.query = bodies(op)
		models = append(models, m)
	}
	steps := []func(*model) string{
		func(m *model) string { return m.name + camel(strings.ToLower(m.op.Method)) },
		func(m *model) string {
			var ps []string
			for _, s := range m.rest {
				if isParam(s) {
					ps = append(ps, camel(strings.Trim(s, "{}")))
				}
			}
			if len(ps) == 0 {
				return m.name
			}
			return m.name + "By" + strings.Join(ps, "And")
		},
	}
	for _, step := range steps {
		groups := map[string][]*model{}
		for _, m := range models {
			groups[m.dir+"."+m.name] = append(groups[m.dir+"."+m.name], m)
		}
		for _, g := range groups {
			if len(g) > 1 {
				for _, m := range g {
					m.name = step(m)
				}
			}
		}
	}
	seen := map[string]*model{}
	for _, m := range models {
		k := m.dir + "." + m.name
		if o, ok := seen[k]; ok {
			return nil, fmt.Errorf("%s and %s are both named %s", o.op.Key(), m.op.Key(), k)
		}
		seen[k] = m
	}
	return models, nil
}

// bodies returns what an operation's request type describes: its body,
// else (GET, DELETE, or a POST without one) its query; and the query beside
// a body.
func bodies(op *openapi.Operation) (request, query *openapi.Schema) {
	var q *openapi.Schema
	if len(op.Query) > 0 {
		q = &openapi.Schema{Kind: "object"}
		for _, p := range op.Query {
			q.Properties = append(q.Properties, &openapi.Property{Name: p.Name, Required: p.Required, Schema: p.Schema})
		}
	}
	if op.Body != nil && len(op.Body.Properties) > 0 {
		return op.Body, q
	}
	return q, nil
}

// writePackage writes the models.go of one package.
func writePackage(dir string, ms []*model) ([]byte, error) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].op.Key() < ms[j].op.Key() })
	p := newPkg(dir, ms[0].op.Protocol)
	for _, m := range ms {
		if m.request != nil {
			p.reserve(m.name + "Request")
		}
		if m.query != nil {
			p.reserve(m.name + "Query")
		}
		if m.op.Reply != nil && len(m.op.Reply.Properties) > 0 {
			p.reserve(m.name + "Response")
		}
	}
	for _, m := range ms {
		for _, t := range m.tops() {
			p.collect(t.schema)
		}
	}
	p.settle()
	for _, m := range ms {
		for _, t := range m.tops() {
			p.top(t.name, t.what, m, t.schema)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/openapi/gen from the OpenAPI description; DO NOT EDIT.\n\n")
	p.packageDoc(&b, ms)
	fmt.Fprintf(&b, "package %s\n\n", p.name)
	if p.usesRaw {
		b.WriteString("import \"encoding/json\"\n\n")
	}
	b.Write(p.body.Bytes())
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gofmt: %w\n%s", err, b.Bytes())
	}
	return src, nil
}

type top struct {
	name, what string
	schema     *openapi.Schema
}

func (m *model) tops() []top {
	var ts []top
	if m.request != nil {
		what := "body"
		if m.request != m.op.Body {
			what = "query"
		}
		ts = append(ts, top{m.name + "Request", what, m.request})
	}
	if m.query != nil {
		ts = append(ts, top{m.name + "Query", "query", m.query})
	}
	if m.op.Reply != nil && len(m.op.Reply.Properties) > 0 {
		ts = append(ts, top{m.name + "Response", "reply", m.op.Reply})
	}
	return ts
}

func (p *pkg) packageDoc(b *bytes.Buffer, ms []*model) {
	fmt.Fprintf(b, "// Package %s holds the request and reply bodies of the WeChat Pay operations\n", p.name)
	fmt.Fprintf(b, "// under %s/ (see the package api for how they are named and used):\n//\n", strings.Join(strings.Split(pathPrefix(ms[0]), "/"), "/"))
	for _, m := range ms {
		var types []string
		for _, t := range m.tops() {
			types = append(types, t.name)
		}
		if len(types) == 0 {
			types = []string{"(no body)"}
		}
		fmt.Fprintf(b, "//   - %s %s: %s (%s)\n", m.op.Method, m.op.Path, strings.Join(types, ", "), oneLine(m.op.Summary))
	}
}

func pathPrefix(m *model) string {
	seg := strings.Split(m.op.Path, "/")
	return strings.Join(seg[:len(seg)-len(m.rest)], "/")
}
