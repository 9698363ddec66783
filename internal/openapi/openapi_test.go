package openapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	ops, st, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 1154 {
		t.Fatalf("%d operations, want at least the catalog's 1154", len(ops))
	}
	for _, rule := range []string{"required name without a property", "invalid type", "tag read as tags",
		"space in property name", "enum value of the wrong kind", "array without items",
		"number read as integer", "time field given format date-time", "path parameter declared in query",
		"properties one level too shallow", "pattern slashes removed"} {
		if st[rule] == 0 {
			t.Errorf("repair %q never applied: the rule is dead or the description changed", rule)
		}
	}
	t.Logf("repairs: %v", st)
	for _, op := range ops {
		Walk(op.Body, "body", func(place string, s *Schema) { checkRepaired(t, op, place, s) })
		Walk(op.Reply, "reply", func(place string, s *Schema) { checkRepaired(t, op, place, s) })
	}
}

func checkRepaired(t *testing.T, op *Operation, place string, s *Schema) {
	t.Helper()
	switch s.Kind {
	case "object", "array", "string", "integer", "number", "boolean", "file", "":
	default:
		t.Errorf("%s %s: kind %q", op.Key(), place, s.Kind)
	}
	for _, p := range s.Properties {
		if p.Schema == nil || strings.Contains(p.Name, " ") {
			t.Errorf("%s %s: property %q unrepaired", op.Key(), place, p.Name)
		}
	}
	if s.Kind == "array" && s.Items == nil {
		t.Errorf("%s %s: array without items", op.Key(), place)
	}
	for _, v := range s.Enum {
		if s.Kind == "string" && !strings.HasPrefix(v, `"`) {
			t.Errorf("%s %s: enum %s is not a string", op.Key(), place, v)
		}
		if v == `"SUCEESS"` {
			t.Errorf("%s %s: enum typo SUCEESS", op.Key(), place)
		}
	}
}

func find(t *testing.T, ops []*Operation, key string) *Operation {
	t.Helper()
	for _, op := range ops {
		if op.Key() == key {
			return op
		}
	}
	t.Fatalf("no operation %s", key)
	return nil
}

func TestOverlay(t *testing.T) {
	ops, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cards := find(t, ops, "GET v3/brand/partner/card-member/cards")
	card, err := schemaAt(cards, "reply.data[]")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"state", "create_time", "update_time"} {
		if card.Prop(name) == nil {
			t.Errorf("card has no %s after the overlay", name)
		}
	}
	user := card.Prop("user_information").Schema
	if user.Prop("state") != nil {
		t.Error("state still under user_information")
	}

	var list []correction
	if err := json.Unmarshal(overlayJSON, &list); err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if len(c.Reason) < 20 {
			t.Errorf("%s %s: reason %q says too little", c.Operation, c.Place, c.Reason)
		}
	}
}

func TestOverlayRefusesWhatItCannotApply(t *testing.T) {
	desc := []byte(`{"operations":[{"protocol":"v3","method":"POST","path":"v3/x","operation":{"parameters":[{"name":"_","in":"body","schema":{"type":"object","properties":[{"name":"a","schema":{"type":"string"}}]}}],"responses":{"200":{"schema":{"type":"object"}}}}}]}`)
	for _, bad := range []string{
		`[{"operation":"POST v3/y","action":"delete","place":"body.a","reason":"no such operation exists"}]`,
		`[{"operation":"POST v3/x","action":"delete","place":"body.b","reason":"no such property exists here"}]`,
		`[{"operation":"POST v3/x","action":"delete","place":"body.a","reason":""}]`,
		`[{"operation":"POST v3/x","action":"rename","place":"body.a","reason":"an action that is unknown"}]`,
		`[{"operation":"POST v3/x","action":"move","place":"body.a","to":"body.a","reason":"moving into a string"}]`,
	} {
		if _, _, err := load(desc, []byte(bad)); err == nil {
			t.Errorf("overlay %s applied", bad)
		}
	}
	ops, _, err := load(desc, []byte(`[{"operation":"POST v3/x","action":"set","place":"body.a","schema":{"type":"string","maxLength":8},"required":true,"reason":"a test correction of a field"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if p := ops[0].Body.Prop("a"); !p.Required || p.Schema.MaxLength != 8 {
		t.Errorf("set gave %+v %+v", p, p.Schema)
	}
}

func TestRepairs(t *testing.T) {
	desc := []byte(`{"operations":[{"protocol":"v3","method":"GET","path":"v3/x/{no}","operation":{"tag":["T"],"parameters":[
		{"name":"no","in":"query","type":"string","required":true},
		{"name":"offset","in":"query","type":"integer","require":true}],
		"responses":{"200":{"schema":{"type":"object","required":["ghost","amount"],"properties":[
		{"name":"amount","schema":{"type":"object","properties":null,"total":{"type":"number"},"currency":{"type":"string"}}},
		{"name":"payer _currency","schema":{"type":"20150806125346"}},
		{"name":"kind","schema":{"type":"string","enum":[2401,"X"]}},
		{"name":"list","schema":{"type":"array"}},
		{"name":"rate","schema":{"type":"number","format":"float"}},
		{"name":"at","schema":{"type":"string","example":"2018-06-08T10:34:60+08:00"}},
		{"name":"re","schema":{"type":"string","pattern":"/^[0-9]+$/"}}]}}}}}]}`)
	ops, _, err := load(desc, []byte(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	op := ops[0]
	if len(op.PathParams) != 1 || len(op.Query) != 1 || !op.Query[0].Required || op.Tags[0] != "T" {
		t.Errorf("params: path %d query %d tags %v", len(op.PathParams), len(op.Query), op.Tags)
	}
	r := op.Reply
	if r.Prop("ghost") != nil || !r.Prop("amount").Required {
		t.Error("required list not repaired")
	}
	amount := r.Prop("amount").Schema
	if amount.Prop("total") == nil || amount.Prop("total").Schema.Kind != "integer" || amount.Prop("currency") == nil {
		t.Errorf("shallow properties: %+v", amount.Properties)
	}
	if p := r.Prop("payer_currency"); p == nil || p.Schema.Kind != "string" {
		t.Error("property name with a space or its invalid type not repaired")
	}
	if got := r.Prop("kind").Schema.Enum; got[0] != `"2401"` {
		t.Errorf("enum %v", got)
	}
	if r.Prop("list").Schema.Items == nil || r.Prop("rate").Schema.Kind != "number" {
		t.Error("array items or float kind")
	}
	if at := r.Prop("at").Schema; at.Format != "date-time" || string(at.Example) != `"2018-06-08T10:34:59+08:00"` {
		t.Errorf("time %+v", at)
	}
	if re := r.Prop("re").Schema; re.Pattern != "^[0-9]+$" {
		t.Errorf("pattern %q", re.Pattern)
	}
}
