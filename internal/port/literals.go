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
// by the variable's source name (PHP's without "$"), in source order: PHP
// $name = literal; and JS const/let/var name = literal, with several
// declarators (const a = 'x', b = 2;).
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
			for {
				v, at, ok := readLiteral(s)
				if !ok {
					break
				}
				t := s.next()
				ends := t.kind == tPunct && t.text == ";" || !php && (t.kind == tEOF || t.line > at)
				more := !php && t.kind == tPunct && t.text == ","
				if !ends && !more {
					break // an expression that starts with a literal: 1 + 2
				}
				out[name] = append(out[name], literal{line: line, goV: v})
				if !more {
					break
				}
				id, eq := s.next(), s.next()
				if id.kind != tIdent || eq.kind != tPunct || eq.text != "=" {
					break
				}
				name, line = id.text, id.line
			}
		}
	}
	find(phpAssign, true)
	find(jsAssign, false)
	return out
}

// readLiteral reads one literal as Go: a string without interpolation, a
// number, true, false or null. at is the line it ends on.
func readLiteral(s *scanner) (v string, at int, ok bool) {
	t := s.next()
	switch {
	case t.kind == tString && !t.interp:
		return strconv.Quote(t.text), s.line, true
	case t.kind == tNumber:
		return goNumber(t.text), t.line, true
	case t.kind == tPunct && t.text == "-":
		n := s.next()
		if n.kind != tNumber {
			return "", 0, false
		}
		return "-" + goNumber(n.text), n.line, true
	case t.kind == tIdent && (t.text == "true" || t.text == "false"):
		return t.text, t.line, true
	case t.kind == tIdent && (t.text == "null" || t.text == "NULL"):
		return "nil", t.line, true
	}
	return "", 0, false
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
