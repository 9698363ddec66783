// Package catalog holds the facts about every known WeChat Pay merchant
// endpoint (endpoints.tsv: protocol, method, path, mTLS, signed response,
// path parameters, body type, host) and answers which endpoint a request
// goes to. The client consults it at run time; generators read it too.
package catalog

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

//go:embed endpoints.tsv
var tsv string

// Endpoint is one row of the catalog.
type Endpoint struct {
	Protocol       string // "v3" or "v2"
	Method         string
	Path           string // chain form: v3 wire path, or "v2/" + v2 wire path; placeholders as {name}
	MTLS           bool   // v2: needs the merchant client certificate
	SignedResponse bool   // false: the success response carries no signature
	PathParams     []string
	Content        string // json, xml, multipart or none
	Host           string // empty: api.mch.weixin.qq.com
	Summary        string
}

type node struct {
	literal   map[string]*node
	param     *node // any {placeholder} segment
	endpoints map[string]*Endpoint
}

var load = sync.OnceValues(func() ([]Endpoint, *node) {
	eps, err := Parse(tsv)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	root := &node{}
	for i := range eps {
		ep := &eps[i]
		n := root
		for _, seg := range strings.Split(ep.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
				continue
			}
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			next := n.literal[seg]
			if next == nil {
				next = &node{}
				n.literal[seg] = next
			}
			n = next
		}
		if n.endpoints == nil {
			n.endpoints = map[string]*Endpoint{}
		}
		n.endpoints[ep.Method] = ep
	}
	return eps, root
})

// All returns every endpoint, in the file's order (by path, then method).
func All() []Endpoint {
	eps, _ := load()
	return eps
}

// Lookup finds the endpoint of a method and an expanded chain path (no
// leading "/"; a query is ignored). A literal segment wins over a
// placeholder, as a server router would decide.
func Lookup(method, path string) (Endpoint, bool) {
	_, root := load()
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if ep := lookup(root, method, path); ep != nil {
		return *ep, true
	}
	return Endpoint{}, false
}

func lookup(n *node, method, path string) *Endpoint {
	seg, rest, more := strings.Cut(path, "/")
	var next *Endpoint
	if child := n.literal[seg]; child != nil {
		if next = descend(child, method, rest, more); next != nil {
			return next
		}
	}
	if n.param != nil && seg != "" {
		return descend(n.param, method, rest, more)
	}
	return nil
}

func descend(n *node, method, rest string, more bool) *Endpoint {
	if !more {
		return n.endpoints[method]
	}
	return lookup(n, method, rest)
}

// Parse reads a catalog file and checks every line's shape.
func Parse(text string) ([]Endpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	const header = "protocol\tmethod\tpath\tmtls\tsigned_response\tpath_params\tcontent\thost\tsummary"
	if len(lines) == 0 || lines[0] != header {
		return nil, fmt.Errorf("catalog: first line is not the header %q", header)
	}
	eps := make([]Endpoint, 0, len(lines)-1)
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 9 {
			return nil, fmt.Errorf("catalog: line %d has %d fields, want 9", i+2, len(f))
		}
		ep := Endpoint{
			Protocol: f[0], Method: f[1], Path: f[2],
			MTLS: f[3] == "yes", SignedResponse: f[4] == "yes",
			Content: f[6], Host: f[7], Summary: f[8],
		}
		if f[5] != "" {
			ep.PathParams = strings.Split(f[5], ",")
		}
		if ep.Protocol != "v3" && ep.Protocol != "v2" {
			return nil, fmt.Errorf("catalog: line %d: protocol %q", i+2, ep.Protocol)
		}
		eps = append(eps, ep)
	}
	return eps, nil
}
