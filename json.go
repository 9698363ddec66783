package wechatpay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// marshalJSON encodes a request body as encoding/json does with HTML
// escaping off (sorted map keys, the same string escapes), but for the
// option maps most requests carry it writes straight into one buffer:
// encoding/json spends a dozen allocations on a two-key map through
// reflection. Values it does not know go to encoding/json.
func marshalJSON(v any) ([]byte, error) {
	return appendMarshalJSON(make([]byte, 0, 256), v)
}

// appendMarshalJSON is marshalJSON appending to dst.
func appendMarshalJSON(dst []byte, v any) ([]byte, error) {
	if out, ok := appendJSON(dst, v, 0); ok {
		return out, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// maxJSONDepth keeps the fast path from recursing without end; deeper
// values (and cycles) go to encoding/json, which reports cycles.
const maxJSONDepth = 32

// appendJSON appends v, or reports false when v holds a type the fast path
// leaves to encoding/json.
func appendJSON(dst []byte, v any, depth int) ([]byte, bool) {
	if depth > maxJSONDepth {
		return dst, false
	}
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case string:
		return appendJSONString(dst, v), true
	case bool:
		return strconv.AppendBool(dst, v), true
	case int:
		return strconv.AppendInt(dst, int64(v), 10), true
	case int64:
		return strconv.AppendInt(dst, v, 10), true
	case int32:
		return strconv.AppendInt(dst, int64(v), 10), true
	case uint:
		return strconv.AppendUint(dst, uint64(v), 10), true
	case uint64:
		return strconv.AppendUint(dst, v, 10), true
	case uint32:
		return strconv.AppendUint(dst, uint64(v), 10), true
	case json.Number:
		if v == "" || !json.Valid([]byte(v)) {
			return dst, false
		}
		return append(dst, v...), true
	case M:
		return appendJSONObject(dst, v, depth)
	case map[string]string:
		var keys [16]string
		sorted := appendSortedKeys(keys[:0], v)
		dst = append(dst, '{')
		for i, k := range sorted {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = appendJSONString(dst, v[k])
		}
		return append(dst, '}'), true
	case []any:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendJSONArray(dst, len(v), func(i int) any { return v[i] }, depth)
	case []M:
		if v == nil {
			return append(dst, "null"...), true
		}
		return appendJSONArray(dst, len(v), func(i int) any { return v[i] }, depth)
	case []string:
		if v == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, s := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']'), true
	}
	return dst, false
}

func appendJSONObject(dst []byte, m M, depth int) ([]byte, bool) {
	if m == nil {
		return append(dst, "null"...), true
	}
	var keys [16]string
	sorted := appendSortedKeys(keys[:0], m)
	dst = append(dst, '{')
	for i, k := range sorted {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		var ok bool
		if dst, ok = appendJSON(dst, m[k], depth+1); !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

func appendJSONArray(dst []byte, n int, at func(int) any, depth int) ([]byte, bool) {
	dst = append(dst, '[')
	for i := range n {
		if i > 0 {
			dst = append(dst, ',')
		}
		var ok bool
		if dst, ok = appendJSON(dst, at(i), depth+1); !ok {
			return dst, false
		}
	}
	return append(dst, ']'), true
}

// appendSortedKeys appends the keys of m to dst in order; a caller with a
// small stack array avoids allocating.
func appendSortedKeys[V any](dst []string, m map[string]V) []string {
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst)
	return dst
}

// appendJSONString quotes s exactly as encoding/json does without HTML
// escaping: short escapes for \b \f \n \r \t, \u00XX for other control
// characters, \ufffd for invalid UTF-8, and \u2028 \u2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// invalidUTF8 finds a string in v, a key or a value, that is not valid
// UTF-8, and returns where it is ("detail.goods_detail[0].goods_name").
// encoding/json would send such a string with U+FFFD in place of its bad
// bytes: text in another encoding (GBK) changed without a word.
func invalidUTF8(v reflect.Value, path string, depth int) (string, bool) {
	if depth > 2*maxJSONDepth || !v.IsValid() {
		return "", false
	}
	at := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.String:
		return path, !utf8.ValidString(v.String())
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return "", false
		}
		return invalidUTF8(v.Elem(), path, depth+1)
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if k.Kind() == reflect.String && !utf8.ValidString(k.String()) {
				return at(strconv.QuoteToASCII(k.String())) + " (a key)", true
			}
			if p, bad := invalidUTF8(iter.Value(), at(fmt.Sprint(k.Interface())), depth+1); bad {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // bytes are sent as base64
		}
		for i := range v.Len() {
			if p, bad := invalidUTF8(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1); bad {
				return p, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if p, bad := invalidUTF8(v.Field(i), at(name), depth+1); bad {
				return p, true
			}
		}
	}
	return "", false
}
