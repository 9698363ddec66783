package media

import (
	"fmt"
	"io"
	"strings"
)

// Field is a text part of a Form.
type Field struct {
	Name, Value string
}

// Form is a multipart/form-data body of text fields followed by a File:
// the body of APIv2's image upload (v2/secapi/mch/uploadmedia), whose
// fields are mch_id, media_hash, sign_type and sign and whose file part is
// "media". The client builds it from the File given as the "body" option
// and signs the fields itself, so a Form is not a wechatpay.Body: it has
// no part an APIv3 signature could cover.
type Form struct {
	f File // the File with the form's framing around its content
}

// Form returns a multipart/form-data body of fields, in the order given,
// and then the content of f in a part called name, with f's file name and
// file type. Like f, the Form is streamed from f's source, checked against
// f's hash on the way out, and may be sent any number of times.
func (f *File) Form(name string, fields ...Field) *Form {
	m := &Form{f: *f}
	if f.err != nil {
		return m
	}
	m.f.meta = nil
	for _, n := range append([]string{name}, fieldNames(fields)...) {
		if n == "" || strings.ContainsAny(n, "\r\n\x00\"") {
			m.f.err = fmt.Errorf("media: form field name %q is empty or holds a line break or a quote", n)
			return m
		}
	}
	m.f.boundary = newBoundary()
	var b strings.Builder
	for _, fd := range fields {
		b.WriteString("--" + m.f.boundary + "\r\n" +
			"Content-Disposition: form-data; name=\"" + fd.Name + "\"\r\n\r\n" +
			fd.Value + "\r\n")
	}
	b.WriteString("--" + m.f.boundary + "\r\n" +
		"Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + quoteEscaper.Replace(f.name) + "\"\r\n" +
		"Content-Type: " + f.fileType + "\r\n\r\n")
	m.f.prefix = []byte(b.String())
	m.f.suffix = []byte("\r\n--" + m.f.boundary + "--\r\n")
	return m
}

func fieldNames(fields []Field) []string {
	names := make([]string, len(fields))
	for i, fd := range fields {
		names[i] = fd.Name
	}
	return names
}

// Err reports why the Form cannot be sent (its File could not be read, a
// field name is not valid), or nil.
func (m *Form) Err() error { return m.f.err }

// ContentType returns the Content-Type of the body,
// multipart/form-data with its boundary.
func (m *Form) ContentType() string { return m.f.ContentType() }

// Open returns the body and its length, as File.Open does.
func (m *Form) Open() (io.ReadCloser, int64, error) { return m.f.Open() }
