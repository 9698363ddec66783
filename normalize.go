package wechatpay

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Normalize returns a URI template as Chain writes it, each segment
// spelled by the wechatpay-php Builder's rule:
//
//   - A leading capital letter is lowered and any other capital letter
//     becomes '-' and its lower case: "merchantService" becomes
//     "merchant-service".
//   - A whole segment "_name_" becomes the expression "{name}". Its name
//     is kept as written: the PHP Builder would turn "_openId_" into
//     "{open-id}", a variable nobody passes.
//   - Text inside braces is never altered; a '/' inside braces
//     ("{/list*}") separates no segments.
//   - A segment the catalog spells with capitals ("addInstitutionsub", see
//     catalogLiteral in tree_gen.go) is kept: WeChat Pay's own spelling
//     must reach the wire.
//
// A leading "/" is dropped. Tools such as the porter use Normalize to name
// the endpoint a chain reaches.
func Normalize(template string) string {
	template = strings.TrimPrefix(template, "/")
	if m := normalized.Load(); m != nil {
		if n, ok := (*m)[template]; ok {
			return n
		}
	}
	n := normalizePath(template)
	remember(template, n)
	return n
}

// normalized remembers what Normalize made of the templates it has seen:
// programs name the same few endpoints over and over, and a lookup is
// cheaper than a scan. The map is replaced, never changed, so readers
// need no lock; it stops growing at maxNormalized entries, so templates
// built from data cannot make it grow without bound.
var (
	normalized   atomic.Pointer[map[string]string]
	normalizedMu sync.Mutex
)

const maxNormalized = 1024

func remember(template, n string) {
	normalizedMu.Lock()
	defer normalizedMu.Unlock()
	var old map[string]string
	if p := normalized.Load(); p != nil {
		old = *p
	}
	if len(old) >= maxNormalized {
		return
	}
	m := make(map[string]string, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[template] = n
	normalized.Store(&m)
}

// normalizePath is Normalize without its memory. It returns tmpl itself
// when no segment changes.
func normalizePath(tmpl string) string {
	changes, extra := pathGrowth(tmpl)
	if !changes {
		return tmpl
	}
	var b strings.Builder
	b.Grow(len(tmpl) + extra)
	for i := 0; i <= len(tmpl); {
		end := segmentEnd(tmpl, i)
		writeSegment(&b, tmpl[i:end])
		if end < len(tmpl) {
			b.WriteByte('/')
		}
		i = end + 1
	}
	return b.String()
}

// pathGrowth reports whether normalizePath changes tmpl and at most how many
// bytes it adds, in one pass, so that normalizePath allocates once or not at
// all.
func pathGrowth(tmpl string) (changes bool, extra int) {
	depth, start := 0, 0 // start is where the current segment starts
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if !normalizeStops[c] {
			continue
		}
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth = max(depth-1, 0)
		case depth > 0:
		case c == '/':
			changes = changes || isPlaceholder(tmpl[start:i])
			start = i + 1
		default: // a capital letter
			changes = true
			if i > start {
				extra++
			}
		}
	}
	return changes || isPlaceholder(tmpl[start:]), extra
}

// segmentEnd returns the index of the first '/' at or after i that is not
// inside braces, or len(tmpl).
func segmentEnd(tmpl string, i int) int {
	depth := 0
	for ; i < len(tmpl); i++ {
		switch tmpl[i] {
		case '{':
			depth++
		case '}':
			depth = max(depth-1, 0)
		case '/':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// isPlaceholder reports whether seg is a whole "_name_" segment.
func isPlaceholder(seg string) bool {
	return len(seg) >= 3 && seg[0] == '_' && seg[len(seg)-1] == '_'
}

// writeSegment writes the normalized form of seg to b.
func writeSegment(b *strings.Builder, seg string) {
	if isPlaceholder(seg) {
		b.WriteByte('{')
		b.WriteString(seg[1 : len(seg)-1])
		b.WriteByte('}')
		return
	}
	if catalogLiteral(seg) {
		b.WriteString(seg)
		return
	}
	depth := 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c == '{':
			depth++
		case c == '}':
			depth = max(depth-1, 0)
		case depth == 0 && 'A' <= c && c <= 'Z':
			if i > 0 {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// normalizeStops are the bytes pathGrowth looks at.
var normalizeStops = func() (set [256]bool) {
	for _, c := range []byte("{}/ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		set[c] = true
	}
	return set
}()
