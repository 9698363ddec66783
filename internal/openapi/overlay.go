package openapi

import (
	"encoding/json"
	"fmt"
	"strings"
)

// A correction is one reviewed fix of the description, for one operation.
// Place names a value: "body" or "reply", then property names joined by
// dots, "[]" for an array's items ("reply.data[].user_information.state").
//
//   - move: the property at Place moves into the object at To (it was
//     indented under the wrong parent);
//   - set: the schema at Place takes the fields given in Schema (kind,
//     enum, maxLength, format) and Required when it is set;
//   - add: a property named by the last element of Place, described by
//     Schema, is added to the object before it;
//   - delete: the property at Place is removed.
type correction struct {
	Operation string          `json:"operation"` // "GET v3/..."
	Action    string          `json:"action"`
	Place     string          `json:"place"`
	To        string          `json:"to,omitempty"`
	Schema    json.RawMessage `json:"schema,omitempty"`
	Required  *bool           `json:"required,omitempty"`
	Reason    string          `json:"reason"`
}

func applyOverlay(ops []*Operation, data []byte, st Stats) error {
	var list []correction
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("overlay.json: %w", err)
	}
	byKey := make(map[string]*Operation, len(ops))
	for _, op := range ops {
		byKey[op.Key()] = op
	}
	for i, c := range list {
		if err := c.apply(byKey[c.Operation], st); err != nil {
			return fmt.Errorf("overlay.json[%d] (%s %s %s): %w", i, c.Action, c.Operation, c.Place, err)
		}
		st["overlay: "+c.Action]++
	}
	return nil
}

func (c correction) apply(op *Operation, st Stats) error {
	if op == nil {
		return fmt.Errorf("no such operation")
	}
	if strings.TrimSpace(c.Reason) == "" {
		return fmt.Errorf("a correction needs its reason")
	}
	parent, name, err := locate(op, c.Place)
	if err != nil {
		return err
	}
	switch c.Action {
	case "move":
		p := parent.Prop(name)
		if p == nil {
			return fmt.Errorf("no property %q", name)
		}
		to, err := schemaAt(op, c.To)
		if err != nil {
			return err
		}
		if to.Kind != "object" {
			return fmt.Errorf("%s is not an object", c.To)
		}
		remove(parent, name)
		if old := to.Prop(name); old != nil {
			old.Schema = p.Schema // a required placeholder waiting for it
		} else {
			to.Properties = append(to.Properties, p)
		}
	case "set":
		p := parent.Prop(name)
		if p == nil || p.Schema == nil {
			return fmt.Errorf("no property %q", name)
		}
		if len(c.Schema) > 0 {
			patch, err := readSchema(c.Schema, Stats{})
			if err != nil {
				return err
			}
			mergeSchema(p.Schema, patch)
		}
		if c.Required != nil {
			p.Required = *c.Required
		}
	case "add":
		s, err := readSchema(c.Schema, st)
		if err != nil || s == nil {
			return fmt.Errorf("schema: %v", err)
		}
		if old := parent.Prop(name); old != nil && old.Schema != nil {
			return fmt.Errorf("property %q exists", name)
		} else if old != nil {
			old.Schema = s
		} else {
			parent.Properties = append(parent.Properties, &Property{Name: name, Schema: s, Required: c.Required != nil && *c.Required})
		}
	case "delete":
		if parent.Prop(name) == nil {
			return fmt.Errorf("no property %q", name)
		}
		remove(parent, name)
	default:
		return fmt.Errorf("unknown action")
	}
	return nil
}

func mergeSchema(dst, patch *Schema) {
	if patch.Kind != "" {
		dst.Kind = patch.Kind
	}
	if patch.Format != "" {
		dst.Format = patch.Format
	}
	if patch.Enum != nil {
		dst.Enum = patch.Enum
	}
	if patch.MaxLength != 0 {
		dst.MaxLength = patch.MaxLength
	}
	if patch.Example != nil {
		dst.Example = patch.Example
	}
	if patch.Description != "" {
		dst.Description = patch.Description
	}
}

func remove(s *Schema, name string) {
	kept := s.Properties[:0]
	for _, p := range s.Properties {
		if p.Name != name {
			kept = append(kept, p)
		}
	}
	s.Properties = kept
}

// locate returns the object holding the last element of place, and its name.
func locate(op *Operation, place string) (*Schema, string, error) {
	i := strings.LastIndexByte(place, '.')
	if i < 0 {
		return nil, "", fmt.Errorf("place %q names no property", place)
	}
	parent, err := schemaAt(op, place[:i])
	if err != nil {
		return nil, "", err
	}
	return parent, place[i+1:], nil
}

// schemaAt returns the schema at place.
func schemaAt(op *Operation, place string) (*Schema, error) {
	parts := strings.Split(place, ".")
	var s *Schema
	root, items := strings.CutSuffix(parts[0], "[]")
	switch root {
	case "body":
		s = op.Body
	case "reply":
		s = op.Reply
	default:
		return nil, fmt.Errorf("place %q starts with neither body nor reply", place)
	}
	if items && s != nil {
		s = s.Items
	}
	for _, part := range parts[1:] {
		name, items := strings.CutSuffix(part, "[]")
		p := s.Prop(name)
		if p == nil || p.Schema == nil {
			return nil, fmt.Errorf("no %q in %q", name, place)
		}
		s = p.Schema
		if items {
			s = s.Items
		}
	}
	if s == nil {
		return nil, fmt.Errorf("nothing at %q", place)
	}
	return s, nil
}
