package port

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/chaintree"
)

// Application code builds paths: "v3/refund/domestic/refunds/{$no}",
// 'v3/pay/transactions/out-trade-no/' . $no . '/close', chain($path),
// wxpay.v3.pay.transactions.id[transactionId], a ?query at the end. Each
// computed part becomes a variable of the template, named as the catalog
// names it there, and its value is passed as that variable.

// pathText is the text of a path expression, with a placeholder {_pN}
// for each part whose value is not known when porting.
func (c *converter) pathText(r *request, e expr) string {
	var b strings.Builder
	var walk func(e expr)
	walk = func(e expr) {
		switch x := e.(type) {
		case *binary:
			if x.op == "." || x.op == "+" && !c.php {
				walk(x.x)
				walk(x.y)
				return
			}
		case *strLit:
			if x.interp {
				walk(c.interpolation(x))
				return
			}
			b.WriteString(x.v)
			return
		}
		if v, ok := c.static(e); ok {
			switch v := v.(type) {
			case string:
				b.WriteString(v)
				return
			case int64, float64:
				fmt.Fprint(&b, v)
				return
			}
		}
		fmt.Fprintf(&b, "{_p%d}", len(r.holes))
		r.holes = append(r.holes, e)
	}
	walk(e)
	return b.String()
}

// pathQuery takes apart the query of a path: a=1&b={_p0}.
func (c *converter) pathQuery(r *request, query string, line int) []item {
	var items []item
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		var value expr
		if n, ok := holeIndex(v); ok {
			value = r.holes[n]
		} else {
			text, err := url.QueryUnescape(v)
			if err != nil {
				text = v
			}
			value = &strLit{line: line, v: text}
		}
		items = append(items, item{key: &strLit{line: line, v: key}, value: value})
	}
	return items
}

// holeIndex reads {_pN}.
func holeIndex(s string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(s, "{_p%d}", &n); err != nil || fmt.Sprintf("{_p%d}", n) != s {
		return 0, false
	}
	return n, true
}

// hole is a computed segment with its template name.
type hole struct {
	name  string
	value expr
}

// nameHoles names the template's placeholders: as the catalog names the
// variable at that place of an endpoint of the same shape, else after
// the value (out_trade_no for $outTradeNo). Placeholders of a ?query are
// not in the template and need no name.
func (c *converter) nameHoles(tmpl string, values []expr) (string, []hole) {
	if len(values) == 0 {
		return tmpl, nil
	}
	segs := splitSegments(tmpl)
	var catalogSegs []string
	if path, ok := c.shapes()[shape(tmpl)]; ok {
		catalogSegs = splitSegments(path)
	}
	var out []hole
	used := templateVars(tmpl)
	for i, seg := range segs {
		n, ok := holeIndex(seg)
		if !ok {
			if strings.Contains(seg, "{_p") {
				// A placeholder inside a segment: its own name.
				for j := range values {
					ph := fmt.Sprintf("{_p%d}", j)
					if strings.Contains(seg, ph) {
						name := c.holeName(values[j], used)
						seg = strings.ReplaceAll(seg, ph, "{"+name+"}")
						out = append(out, hole{name, values[j]})
					}
				}
				segs[i] = seg
			}
			continue
		}
		name := ""
		if catalogSegs != nil {
			name = strings.Trim(catalogSegs[i], "{}")
			used[name] = true
		} else {
			name = c.holeName(values[n], used)
		}
		segs[i] = "{" + name + "}"
		out = append(out, hole{name, values[n]})
	}
	return strings.Join(segs, "/"), out
}

// holeName names a template variable after its value.
func (c *converter) holeName(e expr, used map[string]bool) string {
	name := snake(inputName(e))
	for used[name] {
		name += "_value"
	}
	used[name] = true
	return name
}

// snake turns outTradeNo into out_trade_no.
func snake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			ch += 'a' - 'A'
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// shape is a template with its variables' names left out.
func shape(tmpl string) string {
	segs := splitSegments(tmpl)
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1 {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// shapes maps the shape of each catalog path to the path; a shape two
// paths share is left out, since it does not say which names to use.
func (c *converter) shapes() map[string]string {
	if c.shapeIndex != nil {
		return c.shapeIndex
	}
	c.shapeIndex = map[string]string{}
	seen := map[string]int{}
	c.tree.Walk(func(n *chaintree.Node) {
		if len(n.Verbs) == 0 {
			return
		}
		s := shape(n.Path)
		seen[s]++
		c.shapeIndex[s] = n.Path
	})
	for s, n := range seen {
		if n > 1 {
			delete(c.shapeIndex, s)
		}
	}
	return c.shapeIndex
}

// dynamicPath is the Go string of a template whose variables are holes.
func (c *converter) dynamicPath(tmpl string, holes []hole) string {
	var parts []string
	rest := tmpl
	for _, h := range holes {
		before, after, ok := strings.Cut(rest, "{"+h.name+"}")
		if !ok {
			continue
		}
		if before != "" {
			parts = append(parts, strconv.Quote(before))
		}
		parts = append(parts, c.pathValue(h.value))
		rest = after
	}
	if rest != "" {
		parts = append(parts, strconv.Quote(rest))
	}
	return strings.Join(parts, " + ")
}
