package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Decode reads the reply into v. A JSON reply (APIv3) is unmarshalled as
// encoding/json does, into a model of package api/... or any other value.
// An APIv2 reply's verified Fields go into a struct by its xml tags
// (`xml:"out_trade_no"`: strings, integers, floats and booleans), or into a
// *map[string]string. A reply without a body (204) is an error: there is
// nothing to decode.
func (r *Response) Decode(v any) error {
	if r.Fields != nil {
		return decodeFields(r.Fields, v)
	}
	if len(r.Body) == 0 {
		return fmt.Errorf("decode: the %d reply has no body", r.StatusCode)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

func decodeFields(fields map[string]string, v any) error {
	if m, ok := v.(*map[string]string); ok {
		out := make(map[string]string, len(fields))
		for k, s := range fields {
			out[k] = s
		}
		*m = out
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return errors.New("decode: an APIv2 reply decodes into a pointer to a struct with xml tags, or a *map[string]string")
	}
	st := rv.Elem()
	for i := 0; i < st.NumField(); i++ {
		f := st.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		s, ok := fields[name]
		if !ok {
			continue
		}
		fv := st.Field(i)
		var err error
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(s)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			var n int64
			if n, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
				fv.SetInt(n)
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			var n uint64
			if n, err = strconv.ParseUint(strings.TrimSpace(s), 10, 64); err == nil {
				fv.SetUint(n)
			}
		case reflect.Float32, reflect.Float64:
			var x float64
			if x, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
				fv.SetFloat(x)
			}
		case reflect.Bool:
			var b bool
			if b, err = strconv.ParseBool(strings.TrimSpace(s)); err == nil {
				fv.SetBool(b)
			}
		default:
			return fmt.Errorf("decode: field %s is a %s; APIv2 fields are text, numbers or booleans", f.Name, fv.Type())
		}
		if err != nil {
			return fmt.Errorf("decode: field %s (%q): %w", name, s, err)
		}
	}
	return nil
}
