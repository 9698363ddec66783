// Package chaintree turns the endpoint catalog into the typed chain tree:
// one node per path prefix, each with the Go names of the method that
// reaches it and of its type. Package gentree writes the tree as Go code:
// the node types in package node, the entry methods in the root package.
//
// The naming rule (docs/chain.md):
//
//   - A literal segment is CamelCased: "-" and "_" split words and each
//     word's first letter is upper-cased ("out-trade-no" -> OutTradeNo,
//     "applyment_id" -> ApplymentId, "addInstitutionsub" ->
//     AddInstitutionsub). Go keywords and predeclared names ("import",
//     "close") are no problem: the result is capitalized.
//   - A placeholder "{out_trade_no}" is CamelCased the same way and gets a
//     trailing "_": OutTradeNo_. PHP's "_out_trade_no_" ports mechanically
//     (drop the leading "_", CamelCase), and since a CamelCased literal has
//     no "_", a placeholder can never take a literal's name.
//   - The empty segment of a trailing slash ("v3/applyment4sub/applyment/")
//     is Empty_, PHP's "_empty_".
//   - The one known clash of literal siblings, "policy-periods" and
//     "policy_periods" under v3/papay/insurance-sign, is resolved by letting
//     the "_" spelling keep its underscores: PolicyPeriods and
//     Policy_periods. Such a name has a "_" but does not end in one, so it
//     meets neither a CamelCased literal nor a placeholder. The rule applies
//     only to the paths listed in keepUnderscores: any other clash fails
//     the build, for a person to decide.
//   - A node's type is the concatenation of the method names from the root:
//     V3PayTransactionsOutTradeNoOutTradeNo_Reverse.
package chaintree

import (
	"errors"
	"fmt"
	"go/token"
	"slices"
	"sort"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/catalog"
)

// Node is one path prefix of the catalog.
type Node struct {
	Segment  string // as in the catalog: "pay", "{out_trade_no}", or "" for a trailing slash
	Path     string // the template up to and including Segment
	Method   string // the Go method that reaches the node from its parent (or from *Client)
	Type     string // the Go type of the node
	Parent   *Node  // nil for a first segment
	Children []*Node
	Verbs    []Verb // the endpoints at Path, in the order GET POST PUT PATCH DELETE
}

// Verb is an endpoint: an HTTP method of a node.
type Verb struct {
	Name     string // the Go method: Get, Post, Put, Patch, Delete
	Endpoint catalog.Endpoint
}

// Tree is the whole typed tree.
type Tree struct {
	Roots  []*Node // first segments, sorted by Method
	byPath map[string]*Node
	keep   map[string]bool // keepUnderscores
}

// keepUnderscores lists the nodes whose literal segment keeps its
// underscores in its method name, to resolve a clash with a sibling that
// CamelCases alike. Every entry must resolve a clash that exists.
var keepUnderscores = map[string]bool{
	"v3/papay/insurance-sign/policy_periods": true, // sibling of policy-periods
}

// verbNames maps HTTP methods to Go method names, in output order.
var verbNames = []struct{ method, name string }{
	{"GET", "Get"}, {"POST", "Post"}, {"PUT", "Put"}, {"PATCH", "Patch"}, {"DELETE", "Delete"},
}

// nodeMethods are the methods every node has besides its children.
var nodeMethods = []string{"Chain", "String"}

// Build builds the tree and checks every name: a clash, or a name that is
// not an exported Go identifier, is an error listing every such problem.
func Build(eps []catalog.Endpoint) (*Tree, error) {
	return build(eps, keepUnderscores)
}

// build is Build with another list of exceptions, for tests.
func build(eps []catalog.Endpoint, keep map[string]bool) (*Tree, error) {
	t := &Tree{byPath: map[string]*Node{}, keep: keep}
	for _, ep := range eps {
		n, err := t.add(ep.Path)
		if err != nil {
			return nil, err
		}
		name := verbName(ep.Method)
		if name == "" {
			return nil, fmt.Errorf("%s %s: unknown HTTP method", ep.Method, ep.Path)
		}
		for _, v := range n.Verbs {
			if v.Name == name {
				return nil, fmt.Errorf("%s %s: listed twice", ep.Method, ep.Path)
			}
		}
		n.Verbs = append(n.Verbs, Verb{Name: name, Endpoint: ep})
	}
	errs := t.nameChildren("", t.Roots, nil)
	t.Walk(func(n *Node) {
		slices.SortFunc(n.Verbs, func(a, b Verb) int { return verbRank(a.Name) - verbRank(b.Name) })
		errs = append(errs, t.nameChildren(n.Path, n.Children, reservedOf(n))...)
		if n.Parent == nil {
			n.Type = n.Method
		} else {
			n.Type = n.Parent.Type + n.Method
		}
	})
	for path := range t.keep {
		if n := t.byPath[path]; n == nil || !clashesWithSibling(t, n) {
			errs = append(errs, fmt.Errorf("keepUnderscores lists %s, which resolves no clash: remove it", path))
		}
	}
	types := map[string]string{}
	t.Walk(func(n *Node) {
		if other, ok := types[n.Type]; ok {
			errs = append(errs, fmt.Errorf("type %s names both %q and %q", n.Type, other, n.Path))
		}
		types[n.Type] = n.Path
	})
	if err := errors.Join(sortErrors(errs)...); err != nil {
		return nil, err
	}
	return t, nil
}

// add returns the node of path, creating it and its parents.
func (t *Tree) add(path string) (*Node, error) {
	if path == "" || strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path %q: want a path without a leading slash", path)
	}
	var parent *Node
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		p := strings.Join(segs[:i+1], "/")
		n := t.byPath[p]
		if n == nil {
			n = &Node{Segment: seg, Path: p, Parent: parent}
			t.byPath[p] = n
			if parent == nil {
				t.Roots = append(t.Roots, n)
			} else {
				parent.Children = append(parent.Children, n)
			}
		}
		parent = n
	}
	return parent, nil
}

// nameChildren gives each child its method name and reports clashes
// between siblings, or with the methods the parent already has.
func (t *Tree) nameChildren(parent string, children []*Node, reserved []string) []error {
	var errs []error
	byName := map[string]*Node{}
	for _, c := range children {
		c.Method = MethodName(c.Segment)
		if t.keep[c.Path] {
			c.Method = upperFirst(c.Segment)
		}
		if !token.IsIdentifier(c.Method) || !token.IsExported(c.Method) {
			errs = append(errs, fmt.Errorf("%s: segment %q gives %q, not an exported Go identifier", where(parent), c.Segment, c.Method))
			continue
		}
		if slices.Contains(reserved, c.Method) {
			errs = append(errs, fmt.Errorf("%s: segment %q gives method %s, which the node already has", where(parent), c.Segment, c.Method))
		}
		if other, ok := byName[c.Method]; ok {
			errs = append(errs, clash(parent, other, c))
			continue
		}
		byName[c.Method] = c
	}
	sort.Slice(children, func(i, j int) bool { return children[i].Method < children[j].Method })
	return errs
}

// clash describes two siblings with one method name.
func clash(parent string, a, b *Node) error {
	hint := ""
	if strings.ReplaceAll(a.Segment, "_", "-") == strings.ReplaceAll(b.Segment, "_", "-") {
		hint = "; if the \"_\" spelling should keep its underscores, add its path to keepUnderscores"
	}
	return fmt.Errorf("%s: segments %q and %q both give method %s%s", where(parent), a.Segment, b.Segment, a.Method, hint)
}

func where(parent string) string {
	if parent == "" {
		return "first segments"
	}
	return "under " + parent
}

// clashesWithSibling reports whether n's segment CamelCases like a
// sibling's.
func clashesWithSibling(t *Tree, n *Node) bool {
	siblings := t.Roots
	if n.Parent != nil {
		siblings = n.Parent.Children
	}
	for _, s := range siblings {
		if s != n && MethodName(s.Segment) == MethodName(n.Segment) {
			return true
		}
	}
	return false
}

// reservedOf lists the methods a node has besides its children.
func reservedOf(n *Node) []string {
	r := slices.Clone(nodeMethods)
	for _, v := range n.Verbs {
		r = append(r, v.Name)
	}
	return r
}

// MethodName is the Go method for a catalog segment: CamelCase for a
// literal, CamelCase and a trailing "_" for a {placeholder}, Empty_ for the
// empty segment. It does not know the keepUnderscores exceptions; Tree
// holds the final names.
func MethodName(seg string) string {
	if seg == "" {
		return "Empty_"
	}
	if name, ok := strings.CutPrefix(seg, "{"); ok {
		return camel(strings.TrimSuffix(name, "}")) + "_"
	}
	return camel(seg)
}

// camel upper-cases the first letter of each word; words are separated by
// "-" or "_", and the rest of each word is kept as written.
func camel(s string) string {
	var b strings.Builder
	up := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteByte(c)
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func verbName(method string) string {
	for _, v := range verbNames {
		if v.method == method {
			return v.name
		}
	}
	return ""
}

func verbRank(name string) int {
	for i, v := range verbNames {
		if v.name == name {
			return i
		}
	}
	return len(verbNames)
}

func sortErrors(errs []error) []error {
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

// Walk calls f for every node, parents before children, in method-name
// order.
func (t *Tree) Walk(f func(*Node)) {
	var walk func([]*Node)
	walk = func(nodes []*Node) {
		for _, n := range nodes {
			f(n)
			walk(n.Children)
		}
	}
	walk(t.Roots)
}

// Lookup returns the node of a catalog path ("v3/pay/transactions"), or nil.
func (t *Tree) Lookup(path string) *Node {
	return t.byPath[path]
}

// Verb returns the Go method name of an HTTP method if the node's
// endpoints include it.
func (n *Node) Verb(method string) (string, bool) {
	for _, v := range n.Verbs {
		if v.Endpoint.Method == method {
			return v.Name, true
		}
	}
	return "", false
}

// Expr is the typed chain from a client to the node, without the client:
// "V3().Pay().Transactions()".
func (n *Node) Expr() string {
	var parts []string
	for ; n != nil; n = n.Parent {
		parts = append(parts, n.Method+"()")
	}
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}

// CapitalLiterals returns the literal segments that have an upper-case
// letter, sorted: the PHP normalization would change them, so the client
// keeps them as written.
func (t *Tree) CapitalLiterals() []string {
	set := map[string]bool{}
	t.Walk(func(n *Node) {
		if !strings.HasPrefix(n.Segment, "{") && strings.ToLower(n.Segment) != n.Segment {
			set[n.Segment] = true
		}
	})
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
