// Package transformer converts between Go values and the XML documents of
// WeChat Pay APIv2: ToXML writes a request body, ToMap reads a reply or a
// callback into its fields.
//
// The documents are flat: a root element (<xml> when written) holding one
// element per field. ToXML also writes nested maps, slices and structs, as
// the PHP SDK's Transformer::toXml does; ToMap hands a nested field back as
// its raw inner XML, which is what an APIv2 signature covers.
//
// ToMap is safe on hostile input: there is no DTD processing at all (a
// DOCTYPE is refused, so external entities and entity expansion cannot
// happen), characters that XML 1.0 does not allow are stripped as the PHP
// SDK does, input over MaxBytes is refused unread, and malformed input is a
// *SyntaxError.
package transformer

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of elements, in ToXML (a map that contains
// itself) and in ToMap.
const MaxDepth = 64

// itemTag is written for keys that are not valid element names, such as
// the indexes of a slice, as the PHP SDK does.
const itemTag = "item"

// ToXML writes v as an APIv2 document: <xml>, one element per field,
// </xml>, with no declaration and no indentation.
//
// v is a map with string keys (map[string]string, map[string]any and so
// wechatpay.M), a struct or a pointer to one (fields named by their `xml`
// tags, "-" skipped, ",omitempty" honoured), or a slice. Values may nest
// maps, slices and structs; scalars are written as text: strings, bools,
// integers, floats, and anything implementing encoding.TextMarshaler or
// fmt.Stringer. Map keys come out sorted, struct fields in declaration
// order. A key that is not a valid element name (a slice index, "1", "a b")
// is written as <item>.
//
// A value holding '<', '>', '&' or '"' is wrapped in CDATA; a carriage
// return is written as &#13; so that it survives XML line-end
// normalization. A value that is not valid UTF-8, or holds a character XML
// 1.0 cannot carry (U+0000, U+0001, ...), is an error: silently dropping
// it would change what gets signed.
func ToXML(v any) ([]byte, error) {
	w := writer{buf: make([]byte, 0, 512)}
	w.buf = append(w.buf, "<xml>"...)
	if err := w.root(v); err != nil {
		return nil, err
	}
	return append(w.buf, "</xml>"...), nil
}

type writer struct {
	buf []byte
}

// root writes the fields of the top-level value.
func (w *writer) root(v any) error {
	switch v := v.(type) {
	case nil:
		return nil
	case map[string]string:
		return w.stringMap(v)
	case map[string]any:
		return w.anyMap(v, 1)
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map, reflect.Struct, reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			break
		}
		return w.children(rv, 1)
	}
	return fmt.Errorf("transformer: ToXML wants a map, a struct or a slice, not %T", v)
}

// stringMap is the common flat case, without reflection.
func (w *writer) stringMap(m map[string]string) error {
	var arr [32]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.element(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) anyMap(m map[string]any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("transformer: values nest deeper than %d levels (a map that contains itself?)", MaxDepth)
	}
	var arr [32]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.value(k, m[k], depth); err != nil {
			return err
		}
	}
	return nil
}

// value writes one field whose value is of any type.
func (w *writer) value(key string, v any, depth int) error {
	if s, ok := scalarText(v); ok {
		return w.element(key, s)
	}
	switch v := v.(type) {
	case map[string]any:
		w.open(key)
		if err := w.anyMap(v, depth+1); err != nil {
			return err
		}
		w.close(key)
		return nil
	case map[string]string:
		w.open(key)
		if err := w.stringMap(v); err != nil {
			return err
		}
		w.close(key)
		return nil
	}
	return w.reflectValue(key, reflect.ValueOf(v), depth)
}

func (w *writer) reflectValue(key string, rv reflect.Value, depth int) error {
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return w.element(key, "")
		}
		rv = rv.Elem()
	}
	if rv.CanInterface() {
		if s, ok := scalarText(rv.Interface()); ok {
			return w.element(key, s)
		}
	}
	switch rv.Kind() {
	case reflect.String:
		return w.element(key, rv.String())
	case reflect.Bool:
		return w.element(key, strconv.FormatBool(rv.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return w.element(key, strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return w.element(key, strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		return w.element(key, strconv.FormatFloat(rv.Float(), 'f', -1, rv.Type().Bits()))
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return w.element(key, string(rv.Bytes()))
		}
	case reflect.Map, reflect.Struct, reflect.Array:
	default:
		return fmt.Errorf("transformer: value of %q is a %s, which has no XML form", key, rv.Type())
	}
	if depth+1 > MaxDepth {
		return fmt.Errorf("transformer: values nest deeper than %d levels (a map that contains itself?)", MaxDepth)
	}
	w.open(key)
	if err := w.children(rv, depth+1); err != nil {
		return err
	}
	w.close(key)
	return nil
}

// children writes the fields of a map, struct, slice or array.
func (w *writer) children(rv reflect.Value, depth int) error {
	switch rv.Kind() {
	case reflect.Map:
		return w.reflectMap(rv, depth)
	case reflect.Struct:
		return w.structFields(rv, depth)
	default: // slice or array
		for i := range rv.Len() {
			if err := w.reflectValue(itemTag, rv.Index(i), depth); err != nil {
				return err
			}
		}
		return nil
	}
}

func (w *writer) reflectMap(rv reflect.Value, depth int) error {
	type entry struct {
		key   string
		order int64 // integer keys sort numerically
		value reflect.Value
	}
	var entries []entry
	iter := rv.MapRange()
	for iter.Next() {
		k := iter.Key()
		for k.Kind() == reflect.Interface && !k.IsNil() {
			k = k.Elem()
		}
		e := entry{value: iter.Value()}
		switch k.Kind() {
		case reflect.String:
			e.key = k.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			e.key, e.order = itemTag, k.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			e.key, e.order = itemTag, int64(k.Uint())
		default:
			return fmt.Errorf("transformer: map keys must be strings or integers, not %s", k.Type())
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(min(max(a.order-b.order, -1), 1))
	})
	for _, e := range entries {
		if err := w.reflectValue(e.key, e.value, depth); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) structFields(rv reflect.Value, depth int) error {
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == "XMLName" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omitEmpty := false
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				omitEmpty = true
			default:
				return fmt.Errorf("transformer: field %s: xml tag option %q is not supported (fields are elements)", f.Name, o)
			}
		}
		fv := rv.Field(i)
		if f.Anonymous && name == "" {
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Pointer {
				continue // a nil embedded struct has no fields to write
			}
			if fv.Kind() == reflect.Struct {
				if err := w.structFields(fv, depth); err != nil {
					return err
				}
				continue
			}
			if !f.IsExported() {
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if omitEmpty && fv.IsZero() {
			continue
		}
		if err := w.reflectValue(name, fv, depth); err != nil {
			return err
		}
	}
	return nil
}

// scalarText formats the values that are written as text.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case nil:
		return "", true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	case uint:
		return strconv.FormatUint(uint64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case uint32:
		return strconv.FormatUint(uint64(v), 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), true
	case []byte:
		return string(v), true
	case encoding.TextMarshaler:
		b, err := v.MarshalText()
		if err != nil {
			return "", false
		}
		return string(b), true
	case fmt.Stringer:
		return v.String(), true
	}
	return "", false
}

func (w *writer) open(key string) {
	w.buf = append(w.buf, '<')
	w.buf = appendName(w.buf, key)
	w.buf = append(w.buf, '>')
}

func (w *writer) close(key string) {
	w.buf = append(w.buf, '<', '/')
	w.buf = appendName(w.buf, key)
	w.buf = append(w.buf, '>')
}

// element writes <key>text</key>.
func (w *writer) element(key, text string) error {
	w.open(key)
	var err error
	if w.buf, err = appendText(w.buf, key, text); err != nil {
		return err
	}
	w.close(key)
	return nil
}

func appendName(dst []byte, key string) []byte {
	if ValidName(key) {
		return append(dst, key...)
	}
	return append(dst, itemTag...)
}

// ValidName reports whether key can be an element name as written: a
// letter or '_', then letters, digits, '.', '_', ':' or '-' (the PHP SDK's
// rule, after Symfony's XmlEncoder). ToXML writes any other key as <item>.
func ValidName(key string) bool {
	if key == "" {
		return false
	}
	for i, r := range key {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '.' || r == ':' || r == '-' || ('0' <= r && r <= '9')):
		default:
			return false
		}
	}
	return true
}

// appendText writes a value, in CDATA when it holds a character that would
// otherwise need escaping.
func appendText(dst []byte, key, s string) ([]byte, error) {
	cdata := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '<' || c == '>' || c == '&' || c == '"':
				cdata = true
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
				return nil, fmt.Errorf("transformer: value of %q holds U+%04X, which XML 1.0 cannot carry", key, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, fmt.Errorf("transformer: value of %q is not valid UTF-8 (byte %d)", key, i)
		}
		if !legalRune(r) {
			return nil, fmt.Errorf("transformer: value of %q holds U+%04X, which XML 1.0 cannot carry", key, r)
		}
		i += size
	}
	if !cdata {
		for {
			i := strings.IndexByte(s, '\r')
			if i < 0 {
				return append(dst, s...), nil
			}
			dst = append(dst, s[:i]...)
			dst = append(dst, "&#13;"...)
			s = s[i+1:]
		}
	}
	// CDATA cannot hold "]]>" nor keep a raw CR: close the section around
	// them.
	dst = append(dst, "<![CDATA["...)
	for {
		i := strings.IndexAny(s, "]\r")
		if i < 0 {
			break
		}
		switch {
		case s[i] == '\r':
			dst = append(dst, s[:i]...)
			dst = append(dst, "]]>&#13;<![CDATA["...)
			s = s[i+1:]
		case strings.HasPrefix(s[i:], "]]>"):
			dst = append(dst, s[:i+2]...)
			dst = append(dst, "]]><![CDATA["...)
			s = s[i+2:]
		default:
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
		}
	}
	dst = append(dst, s...)
	return append(dst, "]]>"...), nil
}

// legalRune reports whether XML 1.0 allows r in a document (its Char
// production).
func legalRune(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	case r < 0x10000:
		return false
	}
	return r <= 0x10FFFF
}
