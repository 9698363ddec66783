package port

import (
	"regexp"
	"strconv"
	"strings"
)

// A snippet's variables often get their values a few lines above it, in
// the same example: $outTradeNo = '1217752501201407033233368018'; or
// const appid = 'wxd678efh567hg6787'. Those plain literal assignments
// give the ported variables their values instead of a TODO placeholder.

// literal is the value a variable is given in the source: a string, a
// number as written, true, false or null.
type literal struct {
	line int
	goV  string // the value as Go
}

var (
	phpAssign = regexp.MustCompile(`\$([A-Za-z_]\w*)\s*=`)
	jsAssign  = regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=`)
)

// literalAssignments finds the assignments of one literal to a variable,
// by the variable's source name (PHP's without "$"), in source order.
func literalAssignments(src string) map[string][]literal {
	out := map[string][]literal{}
	find := func(re *regexp.Regexp, php bool) {
		for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
			end := m[1]
			if end < len(src) && (src[end] == '=' || src[end] == '>') {
				continue // ==, =>
			}
			name := src[m[2]:m[3]]
			line := 1 + strings.Count(src[:m[0]], "\n")
			s := &scanner{src: src, pos: end, line: line, php: php}
			if v, ok := readLiteral(s); ok {
				out[name] = append(out[name], literal{line: line, goV: v})
			}
		}
	}
	find(phpAssign, true)
	find(jsAssign, false)
	return out
}

// readLiteral reads a literal that makes up a whole statement, as Go.
func readLiteral(s *scanner) (string, bool) {
	t := s.next()
	var v string
	switch {
	case t.kind == tString && !t.interp:
		v = strconv.Quote(t.text)
	case t.kind == tNumber:
		v = goNumber(t.text)
	case t.kind == tPunct && t.text == "-":
		n := s.next()
		if n.kind != tNumber {
			return "", false
		}
		v = "-" + goNumber(n.text)
	case t.kind == tIdent && (t.text == "true" || t.text == "false"):
		v = t.text
	case t.kind == tIdent && (t.text == "null" || t.text == "NULL"):
		v = "nil"
	default:
		return "", false
	}
	end := s.next()
	switch {
	case end.kind == tPunct && end.text == ";":
		return v, true
	case !s.php && (end.kind == tEOF || end.line > t.line):
		return v, true // JS without semicolons
	}
	return "", false
}

// valueBefore is the last literal assigned to source before line, if any.
func valueBefore(lits map[string][]literal, source string, line int) (literal, bool) {
	var found literal
	ok := false
	for _, l := range lits[source] {
		if l.line < line {
			found, ok = l, true
		}
	}
	return found, ok
}
