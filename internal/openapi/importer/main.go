// Command importer converts the OpenAPI 2.0 description of WeChat Pay
// (TheNorthMemory/wechatpay-openapi, YAML, one file per path) into the one
// JSON file the project keeps: ../openapi.json. It resolves every $ref and
// merges every allOf, keeps the order of properties (they become lists, as
// JSON objects have no order), and copies the upstream licence beside it.
//
// It is its own module because it needs a YAML parser that the main module
// does not. Everything else (repairs of known defects, the overlay of
// corrections, code generation) happens in the main module from the JSON, so
// neither CI nor the tests need the YAML source:
//
//	cd internal/openapi/importer && go run . -src ../../../../shared/openapi
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	src := flag.String("src", "../../../../shared/openapi", "the wechatpay-openapi checkout (holding LICENSE and docs/)")
	out := flag.String("out", "..", "the folder that receives openapi.json and LICENSE.openapi")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		log.Fatal(err)
	}
}

func run(src, out string) error {
	imp := &importer{docs: filepath.Join(src, "docs"), files: map[string]*yaml.Node{}}
	ops, err := imp.operations()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("{\"source\":\"TheNorthMemory/wechatpay-openapi docs/ (MIT, see LICENSE.openapi)\",\"operations\":[\n")
	for i, op := range ops {
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(op)
	}
	buf.WriteString("\n]}\n")
	if !json.Valid(buf.Bytes()) {
		return fmt.Errorf("importer wrote invalid JSON")
	}
	if err := os.WriteFile(filepath.Join(out, "openapi.json"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	lic, err := os.ReadFile(filepath.Join(src, "LICENSE"))
	if err != nil {
		return err
	}
	note := "The file openapi.json beside this one is derived from the OpenAPI description in\n" +
		"TheNorthMemory/wechatpay-openapi (docs/), which carries this licence:\n\n"
	return os.WriteFile(filepath.Join(out, "LICENSE.openapi"), append([]byte(note), lic...), 0o644)
}

type importer struct {
	docs  string
	files map[string]*yaml.Node // parsed documents by slash path under docs
}

// operations reads the swagger.yaml index (and any per-path file it does not
// reference yet) and returns one JSON object per operation, sorted by path
// then method, as the catalog is.
func (imp *importer) operations() ([][]byte, error) {
	index, err := imp.file("swagger.yaml")
	if err != nil {
		return nil, err
	}
	files := map[string]string{} // catalog path -> per-path file
	paths := mapValue(index, "paths")
	for i := 0; paths != nil && i+1 < len(paths.Content); i += 2 {
		key := strings.TrimPrefix(paths.Content[i].Value, "/")
		ref := mapValue(paths.Content[i+1], "$ref")
		if ref == nil {
			return nil, fmt.Errorf("swagger.yaml: path %s has no $ref", key)
		}
		file := path.Clean(ref.Value)
		if strings.HasPrefix(file, "v2/") {
			key = "v2/" + key
		}
		files[key] = file
	}
	referenced := map[string]bool{}
	for _, f := range files {
		referenced[f] = true
	}
	for _, top := range []string{"v2", "v3", "hk", "global"} {
		err := filepath.WalkDir(filepath.Join(imp.docs, top), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			rel, _ := filepath.Rel(imp.docs, p)
			rel = filepath.ToSlash(rel)
			if !referenced[rel] {
				files[strings.TrimSuffix(rel, ".yaml")] = rel
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ops [][]byte
	for _, key := range keys {
		doc, err := imp.file(files[key])
		if err != nil {
			return nil, err
		}
		protocol := "v3"
		if strings.HasPrefix(key, "v2/") {
			protocol = "v2"
		}
		methods := map[string]*yaml.Node{}
		var names []string
		for i := 0; i+1 < len(doc.Content); i += 2 {
			m := strings.ToUpper(doc.Content[i].Value)
			switch m {
			case "GET", "POST", "PUT", "PATCH", "DELETE":
				methods[m] = doc.Content[i+1]
				names = append(names, m)
			}
		}
		sort.Strings(names)
		for _, m := range names {
			var buf bytes.Buffer
			fmt.Fprintf(&buf, "{\"protocol\":%q,\"method\":%q,\"path\":%s,\"operation\":", protocol, m, quote(key))
			if err := imp.write(&buf, methods[m], files[key], "", 0); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, key, err)
			}
			buf.WriteByte('}')
			ops = append(ops, buf.Bytes())
		}
	}
	return ops, nil
}

// file parses one YAML document, once.
func (imp *importer) file(name string) (*yaml.Node, error) {
	if n, ok := imp.files[name]; ok {
		return n, nil
	}
	data, err := os.ReadFile(filepath.Join(imp.docs, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	imp.files[name] = n
	return n, nil
}

// resolve follows a $ref (file#/a/b, file#Name or #/a) from the file that holds it.
func (imp *importer) resolve(ref, from string) (*yaml.Node, string, error) {
	file, frag, _ := strings.Cut(ref, "#")
	switch {
	case file == "":
		file = from
	case strings.HasPrefix(file, "/"):
		file = strings.TrimPrefix(file, "/")
	default:
		file = path.Join(path.Dir(from), file)
	}
	n, err := imp.file(file)
	if err != nil {
		return nil, "", err
	}
	for _, part := range strings.Split(strings.Trim(frag, "/"), "/") {
		if part == "" {
			continue
		}
		next := mapValue(n, part)
		if next == nil {
			return nil, "", fmt.Errorf("$ref %s: no %q", ref, part)
		}
		n = next
	}
	return n, file, nil
}

const maxDepth = 40

// write writes n as JSON: references resolved, allOf merged, and the
// mapping under "properties" written as a list of {"name", "schema"}.
func (imp *importer) write(buf *bytes.Buffer, n *yaml.Node, file, key string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("references nest deeper than %d (a cycle?)", maxDepth)
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.MappingNode {
		if ref := mapValue(n, "$ref"); ref != nil {
			target, tfile, err := imp.resolve(ref.Value, file)
			if err != nil {
				return err
			}
			return imp.write(buf, target, tfile, key, depth+1)
		}
		if all := mapValue(n, "allOf"); all != nil {
			merged, err := imp.mergeAllOf(n, all, file, depth)
			if err != nil {
				return err
			}
			return imp.write(buf, merged, file, key, depth+1)
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		if key == "properties" {
			buf.WriteByte('[')
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					buf.WriteByte(',')
				}
				fmt.Fprintf(buf, "{\"name\":%s,\"schema\":", quote(n.Content[i].Value))
				if err := imp.write(buf, n.Content[i+1], file, "", depth); err != nil {
					return err
				}
				buf.WriteByte('}')
			}
			buf.WriteByte(']')
			return nil
		}
		buf.WriteByte('{')
		first := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if k == "x-last-updated-at" {
				continue // churn, not a fact about the body
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			buf.WriteString(quote(k))
			buf.WriteByte(':')
			if err := imp.write(buf, n.Content[i+1], file, k, depth); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := imp.write(buf, c, file, "", depth); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		buf.WriteString(scalar(n))
	default:
		buf.WriteString("null")
	}
	return nil
}

// mergeAllOf folds the parts of an allOf (and the node's own keys beside it)
// into one object schema: properties in order of appearance (a later part
// replaces an earlier property of the same name in place), required lists
// joined, the first description kept.
func (imp *importer) mergeAllOf(n, all *yaml.Node, file string, depth int) (*yaml.Node, error) {
	out := &yaml.Node{Kind: yaml.MappingNode}
	props := &yaml.Node{Kind: yaml.MappingNode}
	required := &yaml.Node{Kind: yaml.SequenceNode}
	seenReq := map[string]bool{}
	var parts []*yaml.Node
	for _, p := range all.Content {
		parts = append(parts, p)
	}
	own := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "allOf" {
			own.Content = append(own.Content, n.Content[i], n.Content[i+1])
		}
	}
	parts = append(parts, own)
	var fold func(p *yaml.Node, file string, depth int) error
	fold = func(p *yaml.Node, file string, depth int) error {
		if depth > maxDepth {
			return fmt.Errorf("allOf nests deeper than %d", maxDepth)
		}
		if ref := mapValue(p, "$ref"); ref != nil {
			t, tf, err := imp.resolve(ref.Value, file)
			if err != nil {
				return err
			}
			return fold(t, tf, depth+1)
		}
		if sub := mapValue(p, "allOf"); sub != nil {
			for _, s := range sub.Content {
				if err := fold(s, file, depth+1); err != nil {
					return err
				}
			}
		}
		for i := 0; i+1 < len(p.Content); i += 2 {
			k, v := p.Content[i].Value, p.Content[i+1]
			switch k {
			case "allOf", "$ref":
			case "properties":
				for j := 0; j+1 < len(v.Content); j += 2 {
					name := v.Content[j].Value
					val := imp.inline(v.Content[j+1], file)
					replaced := false
					for x := 0; x+1 < len(props.Content); x += 2 {
						if props.Content[x].Value == name {
							props.Content[x+1] = val
							replaced = true
						}
					}
					if !replaced {
						props.Content = append(props.Content, v.Content[j], val)
					}
				}
			case "required":
				for _, r := range v.Content {
					if !seenReq[r.Value] {
						seenReq[r.Value] = true
						required.Content = append(required.Content, r)
					}
				}
			default:
				if mapValue(out, k) == nil {
					out.Content = append(out.Content, p.Content[i], v)
				}
			}
		}
		return nil
	}
	for _, p := range parts {
		if err := fold(p, file, depth+1); err != nil {
			return nil, err
		}
	}
	if mapValue(out, "type") == nil {
		out.Content = append(out.Content, str("type"), str("object"))
	}
	if len(required.Content) > 0 {
		out.Content = append(out.Content, str("required"), required)
	}
	if len(props.Content) > 0 {
		out.Content = append(out.Content, str("properties"), props)
	}
	return out, nil
}

// inline returns v with every $ref in it rooted at docs/ ("/definitions/x.yaml#A"),
// so the property still resolves once it is moved into a schema that is
// written as if it sat in another file.
func (imp *importer) inline(v *yaml.Node, file string) *yaml.Node {
	if v.Kind != yaml.MappingNode && v.Kind != yaml.SequenceNode {
		return v
	}
	out := *v
	out.Content = make([]*yaml.Node, len(v.Content))
	for i, c := range v.Content {
		if v.Kind == yaml.MappingNode && i%2 == 1 && v.Content[i-1].Value == "$ref" {
			ref := c.Value
			f, frag, _ := strings.Cut(ref, "#")
			if f == "" {
				f = file
			} else if !strings.HasPrefix(f, "/") {
				f = path.Join(path.Dir(file), f)
			}
			out.Content[i] = str("/" + strings.TrimPrefix(f, "/") + "#" + frag)
			continue
		}
		out.Content[i] = imp.inline(c, file)
	}
	return &out
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalar writes a YAML scalar as the JSON value YAML gives it: quoted
// strings stay strings ('1230000109'), plain numbers and booleans stay
// numbers and booleans, so the repairs later see what the author wrote.
func scalar(n *yaml.Node) string {
	switch n.Tag {
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return n.Value
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return "true"
		case "false", "no", "off":
			return "false"
		}
	case "!!null":
		return "null"
	}
	return quote(n.Value)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
