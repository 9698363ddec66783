package wechatpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// The models of package api/... (or any struct) work in the options as maps
// do: a struct in "query" becomes its JSON fields, and a struct in "xml"
// becomes its xml-tagged fields. Both are turned into an M here, so the rest
// of the request path knows only maps.

// structQuery turns a struct (or pointer to one) given as "query" into an M
// by its JSON encoding: the json tags name the parameters, omitempty leaves
// zero values out. ok is false for anything that is not a struct.
func structQuery(v any) (M, bool, error) {
	if !isStruct(v) {
		return nil, false, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, true, err
	}
	var m M
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 64-bit integers stay exact
	if err := dec.Decode(&m); err != nil {
		return nil, true, err
	}
	for k, x := range m {
		switch x := x.(type) {
		case map[string]any, []any:
			return nil, true, fmt.Errorf("field %q is an object or a list; query parameters are plain values", k)
		case json.Number:
			m[k] = x.String()
		case nil:
			delete(m, k)
		}
	}
	return m, true, nil
}

// structFields turns a struct (or pointer to one) given as "xml" into an M of
// its xml-tagged fields: `xml:"name,omitempty"` leaves a zero value out.
// ok is false for anything that is not a struct.
func structFields(v any) (M, bool, error) {
	if !isStruct(v) {
		return nil, false, nil
	}
	rv := reflect.Indirect(reflect.ValueOf(v))
	m := make(M, rv.NumField())
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		tag := f.Tag.Get("xml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() || f.Anonymous {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := rv.Field(i)
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		switch fv.Kind() {
		case reflect.String:
			m[name] = fv.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			m[name] = strconv.FormatInt(fv.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			m[name] = strconv.FormatUint(fv.Uint(), 10)
		case reflect.Float32, reflect.Float64:
			m[name] = strconv.FormatFloat(fv.Float(), 'f', -1, 64)
		case reflect.Bool:
			m[name] = strconv.FormatBool(fv.Bool())
		default:
			return nil, true, fmt.Errorf("field %s is a %s; APIv2 fields are text, numbers or booleans", f.Name, fv.Type())
		}
	}
	return m, true, nil
}

func isStruct(v any) bool {
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		if reflect.ValueOf(v).IsNil() {
			return false
		}
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct
}
