package main

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/openapi"
)

// pkg names and writes the types of one package. Nested objects and string
// enums are named after their field (Amount, TradeState) when every field of
// that name in the package has the same shape; otherwise each is named after
// its parent type too (DomesticRefundsPostRequestAmount).
type pkg struct {
	dir, name, protocol string
	reserved            map[string]bool           // the operations' own type names
	shapes              map[string]map[string]int // candidate name -> shape -> uses
	short               map[string]bool           // candidates that keep their short name
	emitted             map[string]string         // type name -> shape written under it
	body                bytes.Buffer
	pending             []func()
	usesRaw             bool
}

func newPkg(dir, protocol string) *pkg {
	return &pkg{dir: dir, name: path.Base(dir), protocol: protocol, reserved: map[string]bool{},
		shapes: map[string]map[string]int{}, short: map[string]bool{}, emitted: map[string]string{}}
}

func (p *pkg) reserve(name string) { p.reserved[name] = true }

// collect records the candidate names and shapes of the named types under s.
func (p *pkg) collect(s *openapi.Schema) {
	for _, prop := range p.fields(s) {
		p.collectValue(prop.Name, prop.Schema)
	}
}

func (p *pkg) collectValue(field string, s *openapi.Schema) {
	for s.Kind == "array" {
		s = s.Items
	}
	if !p.named(s) {
		return
	}
	c := candidate(field)
	if p.shapes[c] == nil {
		p.shapes[c] = map[string]int{}
	}
	p.shapes[c][p.shape(s)]++
	if s.Kind == "object" {
		p.collect(s)
	}
}

// settle decides which candidates keep their short name.
func (p *pkg) settle() {
	for c, shapes := range p.shapes {
		if len(shapes) == 1 && !p.reserved[c] {
			p.short[c] = true
		}
	}
}

// named says whether a value gets a named type: an object with properties
// (APIv3), or a string enum.
func (p *pkg) named(s *openapi.Schema) bool {
	if p.protocol == "v2" {
		return false // APIv2 fields are flat text
	}
	return s.Kind == "object" && len(s.Properties) > 0 || s.Kind == "string" && len(s.Enum) > 0
}

func candidate(field string) string { return exported("T", camel(field)) }

// shape is a canonical text of what a type holds, without descriptions.
func (p *pkg) shape(s *openapi.Schema) string {
	var b strings.Builder
	var walk func(s *openapi.Schema)
	walk = func(s *openapi.Schema) {
		switch {
		case s.Kind == "object" && len(s.Properties) > 0:
			b.WriteByte('{')
			for _, f := range p.fields(s) {
				b.WriteString(f.Name)
				if f.Required {
					b.WriteByte('!')
				}
				b.WriteByte(':')
				walk(f.Schema)
				b.WriteByte(',')
			}
			b.WriteByte('}')
		case s.Kind == "array":
			b.WriteByte('[')
			walk(s.Items)
			b.WriteByte(']')
		case len(s.Enum) > 0 && s.Kind == "string":
			b.WriteString("enum" + strings.Join(s.Enum, "|"))
		default:
			b.WriteString(s.Kind)
		}
	}
	walk(s)
	return b.String()
}

// fields are the properties a type has: APIv2 requests leave out what the
// client fills in itself (nonce_str, sign), and indexed names (goods_id_$n)
// have no field.
func (p *pkg) fields(s *openapi.Schema) []*openapi.Property {
	var out []*openapi.Property
	for _, f := range s.Properties {
		if strings.ContainsAny(f.Name, "$ ") || camel(f.Name) == "" {
			continue
		}
		if p.protocol == "v2" && (f.Name == "nonce_str" || f.Name == "sign") {
			continue
		}
		out = append(out, f)
	}
	return out
}

// typeName returns the name of the named type for field (under owner).
func (p *pkg) typeName(owner, field string, s *openapi.Schema) string {
	c := candidate(field)
	name := c
	if !p.short[c] {
		name = owner + c
	}
	sh := p.shape(s)
	for i := 2; ; i++ {
		prev, ok := p.emitted[name]
		if !ok && !p.reserved[name] || prev == sh {
			break
		}
		name = owner + c + strconv.Itoa(i)
	}
	if _, ok := p.emitted[name]; !ok {
		p.emitted[name] = sh
		p.pending = append(p.pending, func() { p.namedType(name, field, s) })
	}
	return name
}

// top writes an operation's request, query or reply type and everything it names.
func (p *pkg) top(name, what string, m *model, s *openapi.Schema) {
	p.emitted[name] = p.shape(s)
	var doc strings.Builder
	switch what {
	case "body":
		fmt.Fprintf(&doc, "%s is the body of %s %s", name, m.op.Method, m.op.Path)
	case "query":
		fmt.Fprintf(&doc, "%s holds the query parameters of %s %s", name, m.op.Method, m.op.Path)
	case "reply":
		fmt.Fprintf(&doc, "%s is the reply of %s %s", name, m.op.Method, m.op.Path)
	}
	if m.op.Summary != "" {
		fmt.Fprintf(&doc, " (%s)", oneLine(m.op.Summary))
	}
	doc.WriteString(".")
	if d, link := splitLink(m.op.Description); d != "" || link != "" {
		if d != "" {
			doc.WriteString("\n\n" + d)
		}
		if link != "" {
			doc.WriteString("\n\nOfficial documentation: " + link)
		}
	}
	if m.op.Deprecated {
		doc.WriteString("\n\nDeprecated: WeChat Pay marks this operation as deprecated.")
	}
	p.structType(name, doc.String(), s)
	p.flush()
}

func (p *pkg) flush() {
	for len(p.pending) > 0 {
		f := p.pending[0]
		p.pending = p.pending[1:]
		f()
	}
}

func (p *pkg) namedType(name, field string, s *openapi.Schema) {
	if s.Kind == "object" {
		doc := name + " is the value of " + field
		if d := oneLine(s.Description); d != "" {
			doc += ": " + d
		}
		p.structType(name, doc+".", s)
		return
	}
	p.enumType(name, field, s)
}

func (p *pkg) structType(name, doc string, s *openapi.Schema) {
	comment(&p.body, "", doc)
	fmt.Fprintf(&p.body, "type %s struct {\n", name)
	used := map[string]bool{}
	for _, f := range p.fields(s) {
		goName := exported("F", camel(f.Name))
		for used[goName] {
			goName += "_"
		}
		used[goName] = true
		typ := p.goType(name, f.Name, f.Schema)
		if d := fieldDoc(f); d != "" {
			comment(&p.body, "\t", d)
		}
		fmt.Fprintf(&p.body, "\t%s %s `%s`\n", goName, typ, p.tag(f, typ))
	}
	p.body.WriteString("}\n\n")
}

// goType is the Go type of a value: int64 for integers (money in fen),
// float64 for the few real decimals, string for text and times (RFC 3339,
// as sent), named types for objects and string enums, json.RawMessage for a
// value of any kind.
func (p *pkg) goType(owner, field string, s *openapi.Schema) string {
	if p.protocol == "v2" {
		switch s.Kind {
		case "integer":
			return "int64"
		case "number":
			return "float64"
		}
		return "string"
	}
	switch s.Kind {
	case "array":
		return "[]" + p.goType(owner, field, s.Items)
	case "integer":
		return "int64"
	case "number":
		return "float64"
	case "boolean":
		return "bool"
	case "string", "file":
		if len(s.Enum) > 0 && s.Kind == "string" {
			return p.typeName(owner, field, s)
		}
		return "string"
	case "object":
		if len(s.Properties) > 0 {
			return p.typeName(owner, field, s)
		}
	}
	p.usesRaw = true
	return "json.RawMessage"
}

// tag: optional fields are left out when zero (omitempty, omitzero for
// structs); required numbers and booleans are always sent, since 0 and
// false are values; a required string is left out when empty, so a check
// can say it is missing.
func (p *pkg) tag(f *openapi.Property, typ string) string {
	key := "json"
	if p.protocol == "v2" {
		key = "xml"
	}
	opt := ",omitempty"
	switch {
	case strings.HasPrefix(typ, "[]") || typ == "string" || typ == "json.RawMessage":
	case typ == "int64" || typ == "float64" || typ == "bool":
		if f.Required {
			opt = ""
		}
	case p.protocol == "v3" && f.Schema.Kind == "object":
		opt = ",omitzero"
		if f.Required {
			opt = ""
		}
	}
	return fmt.Sprintf(`%s:"%s%s"`, key, f.Name, opt)
}

func (p *pkg) enumType(name, field string, s *openapi.Schema) {
	doc := name + " is a value of " + field
	if d := oneLine(s.Description); d != "" {
		doc += ": " + d
	}
	comment(&p.body, "", doc+".")
	fmt.Fprintf(&p.body, "type %s string\n\n", name)
	fmt.Fprintf(&p.body, "// The values of %s.\nconst (\n", name)
	used := map[string]bool{}
	for _, v := range s.Enum {
		val, err := strconv.Unquote(v)
		if err != nil {
			val = v
		}
		c := name + camel(val)
		if camel(val) == "" {
			c = name + "V"
		}
		for used[c] {
			c += "_"
		}
		used[c] = true
		fmt.Fprintf(&p.body, "\t%s %s = %s\n", c, name, strconv.Quote(val))
	}
	p.body.WriteString(")\n\n")
}

func fieldDoc(f *openapi.Property) string {
	d := oneLine(f.Schema.Description)
	var attrs []string
	if f.Required {
		attrs = append(attrs, "required")
	}
	if f.Schema.MaxLength > 0 {
		attrs = append(attrs, fmt.Sprintf("at most %d bytes", f.Schema.MaxLength))
	}
	if f.Schema.Format == "date-time" {
		attrs = append(attrs, "RFC 3339")
	}
	if f.Schema.JSONText {
		attrs = append(attrs, "JSON text")
	}
	if len(attrs) > 0 {
		if d != "" {
			d += " "
		}
		d += "(" + strings.Join(attrs, ", ") + ")"
	}
	return d
}

var linkRE = regexp.MustCompile(`\[[^\]]*\]\((https?://[^)\s]+)\)`)

// splitLink takes the official documentation link out of a description.
func splitLink(d string) (text, link string) {
	if m := linkRE.FindStringSubmatch(d); m != nil {
		link = m[1]
	}
	text = strings.TrimSpace(linkRE.ReplaceAllString(d, ""))
	return oneLine(text), link
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// comment writes text as a // comment, wrapped near 100 columns.
func comment(b *bytes.Buffer, indent, text string) {
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			b.WriteString(indent + "//\n")
		}
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+len(w) > 96 {
				b.WriteString(indent + "// " + line + "\n")
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			b.WriteString(indent + "// " + line + "\n")
		}
	}
}
