// Package openapi reads the OpenAPI description of WeChat Pay's request and
// reply bodies (openapi.json, written by ./importer from the upstream YAML),
// repairs the description's known defects, applies the reviewed corrections
// in overlay.json, and hands the generator one clean model per operation.
//
// Repairs are rules, applied to every operation (Stats counts each):
//   - a `required` name the object has no property for is dropped;
//   - a `type` that is not an OpenAPI type (an example value written as the
//     type, "int", "uint64", "string ") becomes the type it stands for,
//     else string;
//   - `tag:` is read as `tags:` and `require:` as `required:`; spaces inside a property name are removed
//     ("payer _currency" is payer_currency);
//   - properties written one level too shallow (schemas beside
//     `properties:`) become that object's properties;
//   - an enum value of the wrong JSON kind becomes the field's kind
//     (organization_type, a string, lists 2401 as "2401");
//   - a `pattern` written /between slashes/ loses them; one that still does
//     not compile is dropped;
//   - an array without `items` holds values of any kind;
//   - `number` becomes integer unless its format is float or double: WeChat
//     Pay's amounts are integers of fen and its counts are integers;
//   - a string whose example or description says RFC 3339 gets the format
//     date-time, and an example second of 60 becomes 59;
//   - a path parameter declared `in: query` (its name is a placeholder of the
//     path) is a path parameter.
//
// Corrections that are facts about one operation (a property under the wrong
// parent, a typo in an enum) live in overlay.json, each with its reason.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed openapi.json
var description []byte

//go:embed overlay.json
var overlayJSON []byte

// Operation is one method on one path, with its bodies.
type Operation struct {
	Protocol    string // "v3" or "v2"
	Method      string
	Path        string // as the catalog writes it: v3/..., v2/..., hk/v3/...
	Summary     string
	Description string
	Tags        []string
	Deprecated  bool

	PathParams []*Param
	Query      []*Param
	Headers    []*Param
	Form       []*Param // multipart/form-data fields of an upload
	Body       *Schema  // the JSON body (v3) or the XML fields (v2); nil without one
	Reply      *Schema  // the 200 reply; nil without one
	Status     int      // the success status the description gives: 200, 204, 202, ...
}

// Key is "METHOD path", the catalog's identity of an operation.
func (op *Operation) Key() string { return op.Method + " " + op.Path }

// Param is a path, query, header or form parameter.
type Param struct {
	Name     string
	Required bool
	Schema   *Schema
}

// Schema is one value's description. Kind is "object", "array", "string",
// "integer", "number", "boolean", "file", or "" (any JSON value).
type Schema struct {
	Kind        string
	Format      string
	Description string
	Example     json.RawMessage
	Enum        []string // values as their JSON text, in order
	MaxLength   int
	Pattern     string
	Nullable    bool
	JSONText    bool // x-json: a string that carries JSON (APIv2)
	Properties  []*Property
	Items       *Schema
}

// Property is a named member of an object schema.
type Property struct {
	Name     string
	Required bool
	Schema   *Schema
}

// Prop returns the property called name, or nil.
func (s *Schema) Prop(name string) *Property {
	if s == nil {
		return nil
	}
	for _, p := range s.Properties {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Stats counts what Load repaired, by rule.
type Stats map[string]int

// Load returns every operation of the description, repaired and corrected,
// sorted as the catalog is (by path, then method).
func Load() ([]*Operation, Stats, error) {
	return load(description, overlayJSON)
}

func load(desc, overlay []byte) ([]*Operation, Stats, error) {
	var file struct {
		Operations []struct {
			Protocol  string          `json:"protocol"`
			Method    string          `json:"method"`
			Path      string          `json:"path"`
			Operation json.RawMessage `json:"operation"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(desc, &file); err != nil {
		return nil, nil, fmt.Errorf("openapi.json: %w", err)
	}
	st := Stats{}
	ops := make([]*Operation, 0, len(file.Operations))
	for _, f := range file.Operations {
		op, err := readOperation(f.Protocol, f.Method, f.Path, f.Operation, st)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", f.Method, f.Path, err)
		}
		ops = append(ops, op)
	}
	if err := applyOverlay(ops, overlay, st); err != nil {
		return nil, nil, err
	}
	for _, op := range ops {
		for _, s := range []*Schema{op.Body, op.Reply} {
			walk(s, func(s *Schema) { fixRequired(s, st) })
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, st, nil
}

type rawParam struct {
	Name     string          `json:"name"`
	In       string          `json:"in"`
	Required bool            `json:"required"`
	Require  bool            `json:"require"` // a misspelling the description has 13 times
	Schema   json.RawMessage `json:"schema"`
}

func readOperation(protocol, method, path string, raw json.RawMessage, st Stats) (*Operation, error) {
	var r struct {
		Summary     string                     `json:"summary"`
		Description string                     `json:"description"`
		Tags        []string                   `json:"tags"`
		Tag         []string                   `json:"tag"`
		Deprecated  bool                       `json:"deprecated"`
		Parameters  []json.RawMessage          `json:"parameters"`
		Responses   map[string]json.RawMessage `json:"responses"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	op := &Operation{Protocol: protocol, Method: method, Path: path, Summary: r.Summary,
		Description: r.Description, Tags: r.Tags, Deprecated: r.Deprecated}
	if len(r.Tag) > 0 {
		st["tag read as tags"]++
		op.Tags = append(op.Tags, r.Tag...)
	}
	for _, pr := range r.Parameters {
		var p rawParam
		if err := json.Unmarshal(pr, &p); err != nil {
			return nil, err
		}
		if p.In == "body" {
			s, err := readSchema(p.Schema, st)
			if err != nil {
				return nil, fmt.Errorf("body: %w", err)
			}
			op.Body = s
			continue
		}
		s, err := readSchema(pr, st) // a non-body parameter is its own schema
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		if p.Require {
			st["require read as required"]++
		}
		param := &Param{Name: p.Name, Required: p.Required || p.Require, Schema: s}
		switch p.In {
		case "path":
			op.PathParams = append(op.PathParams, param)
		case "query":
			if strings.Contains(path, "{"+p.Name+"}") {
				st["path parameter declared in query"]++
				op.PathParams = append(op.PathParams, param)
			} else {
				op.Query = append(op.Query, param)
			}
		case "header":
			op.Headers = append(op.Headers, param)
		case "formData":
			op.Form = append(op.Form, param)
		}
	}
	codes := make([]string, 0, len(r.Responses))
	for c := range r.Responses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		n, err := strconv.Atoi(c)
		if err != nil || n < 200 || n > 299 {
			continue
		}
		op.Status = n
		var resp struct {
			Schema json.RawMessage `json:"schema"`
		}
		if err := json.Unmarshal(r.Responses[c], &resp); err != nil {
			return nil, err
		}
		if len(resp.Schema) > 0 && n != 204 {
			s, err := readSchema(resp.Schema, st)
			if err != nil {
				return nil, fmt.Errorf("reply: %w", err)
			}
			op.Reply = s
		}
		break
	}
	return op, nil
}

var schemaKeys = map[string]bool{
	"type": true, "format": true, "description": true, "example": true, "enum": true,
	"maxLength": true, "pattern": true, "nullable": true, "x-json": true, "properties": true,
	"items": true, "required": true, "in": true, "name": true, "schema": true,
}

func readSchema(raw json.RawMessage, st Stats) (*Schema, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	s := &Schema{}
	str := func(k string) string {
		var v string
		if b, ok := m[k]; ok {
			if json.Unmarshal(b, &v) != nil {
				v = strings.Trim(string(b), `"`)
			}
		}
		return v
	}
	s.Format = str("format")
	if t := str("type"); t == "number" && (s.Format == "float" || s.Format == "double") {
		s.Kind = "number" // a real decimal, said so by its format
	} else {
		s.Kind = kindOf(t, st)
	}
	s.Description = strings.TrimSpace(str("description"))
	s.Pattern = str("pattern")
	if ex, ok := m["example"]; ok && string(ex) != "null" {
		s.Example = ex
	}
	if b, ok := m["maxLength"]; ok {
		s.MaxLength, _ = strconv.Atoi(strings.Trim(string(b), `"`))
	}
	_ = json.Unmarshal(m["nullable"], &s.Nullable)
	_ = json.Unmarshal(m["x-json"], &s.JSONText)
	if b, ok := m["enum"]; ok {
		var vals []json.RawMessage
		if err := json.Unmarshal(b, &vals); err != nil {
			return nil, fmt.Errorf("enum: %w", err)
		}
		for _, v := range vals {
			s.Enum = append(s.Enum, string(v))
		}
	}
	var required []string
	if b, ok := m["required"]; ok && b[0] == '[' {
		if err := json.Unmarshal(b, &required); err != nil {
			return nil, fmt.Errorf("required: %w", err)
		}
	}
	var props []struct {
		Name   string          `json:"name"`
		Schema json.RawMessage `json:"schema"`
	}
	if b, ok := m["properties"]; ok && string(b) != "null" {
		if err := json.Unmarshal(b, &props); err != nil {
			return nil, fmt.Errorf("properties: %w", err)
		}
	}
	// Properties written one level too shallow sit beside "properties:" as
	// keys that are schemas themselves; they are this object's properties
	// (the overlay moves those that belong to another object).
	var stray []string
	for k, v := range m {
		if !schemaKeys[k] && len(v) > 0 && v[0] == '{' && strings.Contains(string(v), `"type"`) {
			stray = append(stray, k)
		}
	}
	sort.Strings(stray) // map order is lost; sorted is at least stable
	for _, k := range stray {
		st["properties one level too shallow"]++
		props = append(props, struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
		}{k, m[k]})
	}
	for _, p := range props {
		ps, err := readSchema(p.Schema, st)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if ps == nil {
			ps = &Schema{}
		}
		name := p.Name
		if strings.Contains(name, " ") {
			st["space in property name"]++
			name = strings.ReplaceAll(name, " ", "")
		}
		s.Properties = append(s.Properties, &Property{Name: name, Schema: ps})
	}
	if len(props) > 0 && s.Kind == "" {
		s.Kind = "object"
	}
	if b, ok := m["items"]; ok {
		it, err := readSchema(b, st)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		s.Items = it
	}
	if s.Kind == "array" && s.Items == nil {
		st["array without items"]++
		s.Items = &Schema{}
	}
	for _, r := range required {
		if p := s.Prop(r); p != nil {
			p.Required = true
		} else if s.Kind == "object" {
			s.Properties = append(s.Properties, &Property{Name: r, Required: true, Schema: nil}) // dropped by fixRequired after the overlay
		}
	}
	repairScalar(s, st)
	return s, nil
}

// kindOf maps a description's type to a Kind, repairing the invalid ones.
func kindOf(t string, st Stats) string {
	switch t {
	case "object", "array", "string", "integer", "boolean", "file", "":
		return t
	case "number":
		st["number read as integer"]++
		return "integer"
	}
	st["invalid type"]++
	switch strings.TrimSpace(t) {
	case "int", "uint64", "int64", "uint", "int32":
		return "integer"
	}
	return "string"
}

var rfc3339 = regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)"$`)

func repairScalar(s *Schema, st Stats) {
	if s.Kind == "string" && s.Format != "date-time" {
		if rfc3339.Match(s.Example) || strings.Contains(strings.ToLower(s.Description), "rfc3339") ||
			strings.EqualFold(s.Format, "rfc3339") {
			st["time field given format date-time"]++
			s.Format = "date-time"
		}
	}
	if s.Format == "date-time" && strings.Contains(string(s.Example), ":60") {
		st["example second 60 made 59"]++
		s.Example = json.RawMessage(strings.Replace(string(s.Example), ":60", ":59", 1))
	}
	if strings.HasPrefix(s.Pattern, "/") && strings.HasSuffix(s.Pattern, "/") && len(s.Pattern) > 1 {
		st["pattern slashes removed"]++
		s.Pattern = s.Pattern[1 : len(s.Pattern)-1]
	}
	if s.Pattern != "" {
		if _, err := regexp.Compile(s.Pattern); err != nil {
			st["pattern that does not compile dropped"]++
			s.Pattern = ""
		}
	}
	for i, v := range s.Enum {
		switch {
		case s.Kind == "string" && !strings.HasPrefix(v, `"`):
			st["enum value of the wrong kind"]++
			s.Enum[i] = strconv.Quote(v)
		case s.Kind == "integer" && strings.HasPrefix(v, `"`):
			st["enum value of the wrong kind"]++
			s.Enum[i] = strings.Trim(v, `"`)
		}
	}
}

// fixRequired drops required names that no property answers (kept as
// placeholders until the overlay had its chance to add the property).
func fixRequired(s *Schema, st Stats) {
	kept := s.Properties[:0]
	for _, p := range s.Properties {
		if p.Schema == nil {
			st["required name without a property"]++
			continue
		}
		kept = append(kept, p)
	}
	s.Properties = kept
}

// walk calls f on s and every schema inside it.
func walk(s *Schema, f func(*Schema)) {
	if s == nil {
		return
	}
	f(s)
	for _, p := range s.Properties {
		walk(p.Schema, f)
	}
	walk(s.Items, f)
}

// Walk calls f on s and every schema inside it, with its place
// ("amount.total", "detail.goods_detail[]").
func Walk(s *Schema, place string, f func(place string, s *Schema)) {
	if s == nil {
		return
	}
	f(place, s)
	for _, p := range s.Properties {
		Walk(p.Schema, join(place, p.Name), f)
	}
	if s.Items != nil {
		Walk(s.Items, place+"[]", f)
	}
}

func join(place, name string) string {
	if place == "" {
		return name
	}
	return place + "." + name
}
