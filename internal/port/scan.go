package port

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexeme.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // a name: foo, \WeChatPay\Transformer, true
	tVar            // PHP: $name (text without the "$")
	tString         // text is the decoded value
	tNumber         // text as written
	tPunct          // an operator or bracket
	tBad            // a character or literal the scanner cannot read
)

type lexeme struct {
	kind   tokKind
	text   string
	interp bool // a string with interpolation ("$x" in PHP, `${x}` in JS)
	line   int
	off    int // byte offset in the source
}

// scanner reads PHP or JavaScript tokens on demand, so that it can start
// in the middle of a Markdown page and stop where the code does.
type scanner struct {
	src  string
	pos  int
	line int
	php  bool
}

// puncts are the multi-byte operators, longest first.
var puncts = []string{"===", "!==", "...", "?->", "->", "=>", "::", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", ".=", "+=", "-="}

func (s *scanner) next() lexeme {
	s.skipSpace()
	start, line := s.pos, s.line
	mk := func(kind tokKind, text string) lexeme {
		return lexeme{kind: kind, text: text, line: line, off: start}
	}
	if s.pos >= len(s.src) {
		return mk(tEOF, "")
	}
	c := s.src[s.pos]
	switch {
	case c == '$' && s.php:
		s.pos++
		n := s.name()
		if n == "" {
			return mk(tBad, "$")
		}
		return mk(tVar, n)
	case c == '\\' && s.php, isNameStart(c, s.php):
		return mk(tIdent, s.name())
	case c >= '0' && c <= '9' || c == '.' && s.pos+1 < len(s.src) && isDigit(s.src[s.pos+1]):
		for s.pos < len(s.src) && (isNameByte(s.src[s.pos], false) || s.src[s.pos] == '.') {
			s.pos++
		}
		return mk(tNumber, s.src[start:s.pos])
	case c == '\'' || c == '"' || c == '`' && !s.php:
		v, interp, ok := s.quoted(c)
		if !ok {
			return mk(tBad, s.src[start:s.pos])
		}
		t := mk(tString, v)
		t.interp = interp
		return t
	}
	for _, p := range puncts {
		if strings.HasPrefix(s.src[s.pos:], p) {
			s.pos += len(p)
			return mk(tPunct, p)
		}
	}
	if strings.IndexByte("()[]{},;:=.+-*/%!<>?&|^~@", c) >= 0 {
		s.pos++
		return mk(tPunct, string(c))
	}
	_, size := utf8.DecodeRuneInString(s.src[s.pos:])
	s.pos += size
	return mk(tBad, s.src[start:s.pos])
}

// skipSpace skips white space and comments.
func (s *scanner) skipSpace() {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '\n':
			s.line++
			s.pos++
		case c == ' ' || c == '\t' || c == '\r':
			s.pos++
		case strings.HasPrefix(s.src[s.pos:], "//") || c == '#' && s.php && !strings.HasPrefix(s.src[s.pos:], "#["):
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
		case strings.HasPrefix(s.src[s.pos:], "/*"):
			end := strings.Index(s.src[s.pos+2:], "*/")
			if end < 0 {
				end = len(s.src) - s.pos - 2
			}
			comment := s.src[s.pos : s.pos+2+end]
			s.line += strings.Count(comment, "\n")
			s.pos = min(s.pos+4+end, len(s.src))
		default:
			return
		}
	}
}

// name reads an identifier; in PHP it may be namespace-qualified.
func (s *scanner) name() string {
	start := s.pos
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if isNameByte(c, s.php) || c == '\\' && s.php {
			s.pos++
			continue
		}
		break
	}
	return s.src[start:s.pos]
}

// quoted reads a string literal and decodes its escapes.
func (s *scanner) quoted(q byte) (string, bool, bool) {
	s.pos++ // the opening quote
	var b strings.Builder
	interp := false
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == q:
			s.pos++
			return b.String(), interp, true
		case c == '\n' && q != '`':
			return "", false, false
		case c == '\n':
			s.line++
		case c == '$' && (s.php && q == '"' || q == '`' && strings.HasPrefix(s.src[s.pos:], "${")):
			interp = true
		case c == '\\' && s.pos+1 < len(s.src):
			s.pos++
			e := s.src[s.pos]
			if s.php && q == '\'' {
				if e != '\\' && e != '\'' {
					b.WriteByte('\\')
				}
				b.WriteByte(e)
				s.pos++
				continue
			}
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if r, n := unicodeEscape(s.src[s.pos+1:]); n > 0 {
					b.WriteRune(r)
					s.pos += n
				} else {
					b.WriteString(`\u`)
				}
			default:
				b.WriteByte(e)
			}
			s.pos++
			continue
		}
		b.WriteByte(c)
		s.pos++
	}
	return "", false, false
}

// unicodeEscape reads what follows \u: XXXX, or {X...} as PHP 7 and
// ES2015 write a code point.
func unicodeEscape(s string) (rune, int) {
	if hex, ok := strings.CutPrefix(s, "{"); ok {
		end := strings.IndexByte(hex, '}')
		if end < 1 || end > 6 {
			return 0, 0
		}
		n, err := strconv.ParseUint(hex[:end], 16, 32)
		if err != nil || n > utf8.MaxRune {
			return 0, 0
		}
		return rune(n), end + 2
	}
	if len(s) < 4 {
		return 0, 0
	}
	n, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(n), 4
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isNameStart(c byte, php bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80 || c == '$' && !php
}

func isNameByte(c byte, php bool) bool {
	return isNameStart(c, php) || isDigit(c)
}
