package transformer

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBytes bounds the input of ToMap. APIv2 replies and callbacks are a few
// kilobytes; anything larger is refused before it is read.
const MaxBytes = 4 << 20

// SyntaxError is input ToMap refuses: malformed XML, a DTD, an undefined
// entity, invalid UTF-8, or a document over MaxBytes. Offset counts bytes
// of the input after characters illegal in XML were stripped.
type SyntaxError struct {
	Offset int
	Reason string
}

func (e *SyntaxError) Error() string {
	return "transformer: XML at byte " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// ToMap reads an APIv2 document into its fields: one entry per child of
// the root element (whatever the root is called), keyed by element name.
// A field's value is its text, with CDATA sections unwrapped and character
// references decoded; a field that holds elements gets its raw inner XML,
// as the APIv2 signature covers it. An empty element is "".
//
// Comments, processing instructions and an XML declaration are skipped;
// attributes are ignored. A DOCTYPE is refused, so neither external
// entities nor entity expansion can happen, and only the five predefined
// entities and character references are decoded. Characters XML 1.0 does
// not allow (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF)
// are stripped first, as the PHP SDK does; invalid UTF-8 is an error, as
// is a field that appears twice, text beside the fields, or anything after
// the root element.
func ToMap(data []byte) (map[string]string, error) {
	if len(data) > MaxBytes {
		return nil, &SyntaxError{Offset: MaxBytes, Reason: "document is larger than " + strconv.Itoa(MaxBytes) + " bytes"}
	}
	s, err := sanitize(data)
	if err != nil {
		return nil, err
	}
	p := parser{s: s}
	return p.document()
}

// sanitize checks the encoding, strips the characters XML forbids and
// normalizes line ends, copying only when something changes.
func sanitize(data []byte) (string, error) {
	for i := 0; i < len(data); {
		// Eight bytes at a time while they are all printable ASCII: no
		// byte below 0x20 and none with the high bit set.
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			if (x-0x2020202020202020)&^x&0x8080808080808080 != 0 || x&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 || c == '\t' || c == '\n' {
				i++
				continue
			}
			return sanitizeSlow(data, i)
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return "", &SyntaxError{Offset: i, Reason: "input is not valid UTF-8"}
		}
		if !legalRune(r) {
			return sanitizeSlow(data, i)
		}
		i += size
	}
	return string(data), nil
}

func sanitizeSlow(data []byte, from int) (string, error) {
	out := make([]byte, from, len(data))
	copy(out, data[:from])
	for i := from; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\r':
				out = append(out, '\n')
				if i+1 < len(data) && data[i+1] == '\n' {
					i++
				}
			case c >= 0x20 || c == '\t' || c == '\n':
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return "", &SyntaxError{Offset: i, Reason: "input is not valid UTF-8"}
		}
		if legalRune(r) {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return string(out), nil
}

type parser struct {
	s string
	i int
}

func (p *parser) fail(reason string) error {
	return &SyntaxError{Offset: p.i, Reason: reason}
}

func (p *parser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) document() (map[string]string, error) {
	p.i = len(p.s) - len(strings.TrimPrefix(p.s, "\uFEFF"))
	if err := p.misc(true); err != nil {
		return nil, err
	}
	if p.i >= len(p.s) {
		if strings.TrimSpace(p.s) == "" {
			return nil, p.fail("document is empty")
		}
		return nil, p.fail("document has no root element")
	}
	if p.s[p.i] != '<' {
		return nil, p.fail("document does not start with an element")
	}
	p.i++
	root, selfClosing, err := p.startTag()
	if err != nil {
		return nil, err
	}
	// Every field ends with a '/' (in "</name>" or "/>"); text seldom
	// holds one. Counting a byte is cheap.
	fields := make(map[string]string, min(strings.Count(p.s, "/"), 64))
	if !selfClosing {
		if err := p.rootContent(root, fields); err != nil {
			return nil, err
		}
	}
	if err := p.misc(false); err != nil {
		return nil, err
	}
	if p.i < len(p.s) {
		return nil, p.fail("content after the root element")
	}
	return fields, nil
}

// misc skips whitespace, comments and processing instructions outside the
// root element. A DOCTYPE is refused.
func (p *parser) misc(prolog bool) error {
	for {
		p.skipSpace()
		rest := p.s[p.i:]
		switch {
		case strings.HasPrefix(rest, "<?"):
			if err := p.pi(prolog); err != nil {
				return err
			}
		case strings.HasPrefix(rest, "<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case strings.HasPrefix(rest, "<!DOCTYPE"), strings.HasPrefix(rest, "<!doctype"):
			return p.fail("a DOCTYPE is not allowed (no DTD, no entity declarations)")
		case strings.HasPrefix(rest, "<!"):
			return p.fail("markup declarations are not allowed")
		default:
			return nil
		}
	}
}

// pi skips a processing instruction. The XML declaration may only name
// UTF-8.
func (p *parser) pi(prolog bool) error {
	end := strings.Index(p.s[p.i+2:], "?>")
	if end < 0 {
		return p.fail("processing instruction is not closed")
	}
	body := p.s[p.i+2 : p.i+2+end]
	if prolog && (strings.HasPrefix(body, "xml ") || body == "xml") {
		if _, enc, ok := strings.Cut(body, "encoding="); ok && len(enc) > 2 {
			q := enc[0]
			if v, _, ok := strings.Cut(enc[1:], string(q)); ok && !strings.EqualFold(v, "utf-8") && !strings.EqualFold(v, "utf8") {
				return p.fail("encoding " + strconv.Quote(v) + " is not supported; WeChat Pay documents are UTF-8")
			}
		}
	}
	p.i += 2 + end + 2
	return nil
}

func (p *parser) comment() error {
	end := strings.Index(p.s[p.i+4:], "-->")
	if end < 0 {
		return p.fail("comment is not closed")
	}
	p.i += 4 + end + 3
	return nil
}

// startTag reads a start tag after its '<': the name, the attributes
// (checked, then ignored) and the closing '>' or '/>'.
func (p *parser) startTag() (name string, selfClosing bool, err error) {
	if name, err = p.name(); err != nil {
		return "", false, err
	}
	for {
		space := p.i
		p.skipSpace()
		if p.i >= len(p.s) {
			return "", false, p.fail("start tag <" + name + "> is not closed")
		}
		switch p.s[p.i] {
		case '>':
			p.i++
			return name, false, nil
		case '/':
			if !strings.HasPrefix(p.s[p.i:], "/>") {
				return "", false, p.fail("stray '/' in start tag <" + name + ">")
			}
			p.i += 2
			return name, true, nil
		}
		if p.i == space {
			return "", false, p.fail("attributes of <" + name + "> must be separated by space")
		}
		if _, err := p.name(); err != nil {
			return "", false, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return "", false, p.fail("attribute without a value in <" + name + ">")
		}
		p.i++
		p.skipSpace()
		if p.i >= len(p.s) || (p.s[p.i] != '"' && p.s[p.i] != '\'') {
			return "", false, p.fail("attribute value is not quoted in <" + name + ">")
		}
		q := p.s[p.i]
		end := strings.IndexByte(p.s[p.i+1:], q)
		if end < 0 {
			return "", false, p.fail("attribute value is not closed in <" + name + ">")
		}
		value := p.s[p.i+1 : p.i+1+end]
		if strings.IndexByte(value, '<') >= 0 {
			return "", false, p.fail("'<' in an attribute value of <" + name + ">")
		}
		if strings.IndexByte(value, '&') >= 0 {
			if _, err := p.decode(value, nil, true); err != nil {
				return "", false, err
			}
		}
		p.i += 1 + end + 1
	}
}

// name reads an element or attribute name.
func (p *parser) name() (string, error) {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c < utf8.RuneSelf {
			if c == '_' || c == ':' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') ||
				(p.i > start && (c == '-' || c == '.' || ('0' <= c && c <= '9'))) {
				p.i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(p.s[p.i:])
		if !unicode.IsLetter(r) && (p.i == start || !(unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == 0xB7)) {
			break
		}
		p.i += size
	}
	if p.i == start {
		return "", p.fail("expected a name")
	}
	return p.s[start:p.i], nil
}

// rootContent reads the fields up to the root's end tag.
func (p *parser) rootContent(root string, fields map[string]string) error {
	for {
		j := strings.IndexByte(p.s[p.i:], '<')
		if j < 0 {
			p.i = len(p.s)
			return p.fail("<" + root + "> is not closed")
		}
		if strings.TrimLeft(p.s[p.i:p.i+j], " \t\n") != "" {
			return p.fail("text beside the fields of <" + root + ">")
		}
		p.i += j
		rest := p.s[p.i:]
		switch {
		case strings.HasPrefix(rest, "</"):
			return p.endTag(root)
		case strings.HasPrefix(rest, "<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case strings.HasPrefix(rest, "<?"):
			if err := p.pi(false); err != nil {
				return err
			}
		case strings.HasPrefix(rest, "<![CDATA["):
			return p.fail("text beside the fields of <" + root + ">")
		case strings.HasPrefix(rest, "<!"):
			return p.fail("markup declarations are not allowed")
		default:
			p.i++
			start := p.i - 1
			name, selfClosing, err := p.startTag()
			if err != nil {
				return err
			}
			value := ""
			if !selfClosing {
				if value, err = p.field(name); err != nil {
					return err
				}
			}
			if _, dup := fields[name]; dup {
				p.i = start
				return p.fail("field <" + name + "> appears twice")
			}
			fields[name] = value
		}
	}
}

// endTag reads "</name>" and checks the name.
func (p *parser) endTag(want string) error {
	p.i += 2
	got, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '>' {
		return p.fail("end tag </" + got + "> is not closed")
	}
	if got != want {
		return p.fail("end tag </" + got + "> does not close <" + want + ">")
	}
	p.i++
	return nil
}

// closesAt reports whether "</name>" starts at i, and where it ends.
func (p *parser) closesAt(i int, name string) (int, bool) {
	s := p.s
	if i+3+len(name) > len(s) || s[i] != '<' || s[i+1] != '/' || s[i+2:i+2+len(name)] != name {
		return 0, false
	}
	j := i + 2 + len(name)
	for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
		j++
	}
	if j < len(s) && s[j] == '>' {
		return j + 1, true
	}
	return 0, false
}

// field reads the content of a field up to its end tag. The common
// shapes, plain text or one CDATA section, come back as substrings of the
// input without copying.
func (p *parser) field(name string) (string, error) {
	start := p.i
	j := strings.IndexByte(p.s[start:], '<')
	if j >= 0 {
		text := p.s[start : start+j]
		if end, ok := p.closesAt(start+j, name); ok && strings.IndexByte(text, '&') < 0 {
			p.i = end
			return text, nil
		}
		if j == 0 && strings.HasPrefix(p.s[start:], "<![CDATA[") {
			if k := strings.Index(p.s[start+9:], "]]>"); k >= 0 {
				if end, ok := p.closesAt(start+9+k+3, name); ok {
					p.i = end
					return p.s[start+9 : start+9+k], nil
				}
			}
		}
	}
	return p.mixed(name)
}

// mixed reads a field in full: text, entities, several CDATA sections and
// comments make a decoded text value; any child element makes the value
// the raw inner XML, checked for well-formedness.
func (p *parser) mixed(name string) (string, error) {
	start := p.i
	var text []byte
	var stack []string
	for {
		j := strings.IndexByte(p.s[p.i:], '<')
		if j < 0 {
			p.i = len(p.s)
			return "", p.fail("<" + name + "> is not closed")
		}
		chunk := p.s[p.i : p.i+j]
		var err error
		text, err = p.decode(chunk, text, stack != nil)
		if err != nil {
			return "", err
		}
		p.i += j
		rest := p.s[p.i:]
		switch {
		case strings.HasPrefix(rest, "</"):
			tagStart := p.i
			if len(stack) == 0 {
				if err := p.endTag(name); err != nil {
					return "", err
				}
				if stack != nil {
					return p.s[start:tagStart], nil
				}
				return string(text), nil
			}
			if err := p.endTag(stack[len(stack)-1]); err != nil {
				return "", err
			}
			stack = stack[:len(stack)-1]
		case strings.HasPrefix(rest, "<!--"):
			if err := p.comment(); err != nil {
				return "", err
			}
		case strings.HasPrefix(rest, "<![CDATA["):
			k := strings.Index(rest[9:], "]]>")
			if k < 0 {
				return "", p.fail("CDATA section is not closed")
			}
			if stack == nil {
				text = append(text, rest[9:9+k]...)
			}
			p.i += 9 + k + 3
		case strings.HasPrefix(rest, "<?"):
			if err := p.pi(false); err != nil {
				return "", err
			}
		case strings.HasPrefix(rest, "<!"):
			return "", p.fail("markup declarations are not allowed")
		default:
			p.i++
			child, selfClosing, err := p.startTag()
			if err != nil {
				return "", err
			}
			if stack == nil {
				stack = make([]string, 0, 4)
			}
			if !selfClosing {
				if len(stack)+2 > MaxDepth {
					return "", p.fail("elements nest deeper than " + strconv.Itoa(MaxDepth) + " levels")
				}
				stack = append(stack, child)
			}
		}
	}
}

// decode appends text with its entity and character references resolved.
// With check set it only checks them and leaves dst as is.
func (p *parser) decode(s string, dst []byte, check bool) ([]byte, error) {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			if !check {
				dst = append(dst, s...)
			}
			return dst, nil
		}
		if !check {
			dst = append(dst, s[:i]...)
		}
		s = s[i+1:]
		end := strings.IndexByte(s, ';')
		if end < 0 || end > 16 {
			return nil, p.fail("'&' does not start an entity or character reference (write &amp;)")
		}
		ref := s[:end]
		s = s[end+1:]
		var r rune
		switch ref {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		case "apos":
			r = '\''
		default:
			n, ok := charRef(ref)
			if !ok {
				return nil, p.fail("entity &" + ref + "; is not defined (only the five predefined entities and character references are)")
			}
			r = n
		}
		if !check {
			dst = utf8.AppendRune(dst, r)
		}
	}
}

// charRef decodes "#123" or "#x7B" to a character XML allows.
func charRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !legalRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}
