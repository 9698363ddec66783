package chaintree

import (
	"go/token"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/catalog"
)

func TestMethodName(t *testing.T) {
	for seg, want := range map[string]string{
		"pay":               "Pay",
		"out-trade-no":      "OutTradeNo",
		"{out_trade_no}":    "OutTradeNo_",
		"applyment_id":      "ApplymentId",
		"{applyment_id}":    "ApplymentId_",
		"applyment4sub":     "Applyment4sub",
		"complaints-v2":     "ComplaintsV2",
		"addInstitutionsub": "AddInstitutionsub",
		"v3":                "V3",
		"":                  "Empty_",
		"import":            "Import",
		"return":            "Return",
		"close":             "Close",
		"delete":            "Delete",
		"recover":           "Recover",
	} {
		if got := MethodName(seg); got != want {
			t.Errorf("MethodName(%q) = %q, want %q", seg, got, want)
		}
	}
}

func endpoints(rows ...string) []catalog.Endpoint {
	var eps []catalog.Endpoint
	for _, r := range rows {
		method, path, _ := strings.Cut(r, " ")
		eps = append(eps, catalog.Endpoint{Protocol: "v3", Method: method, Path: path})
	}
	return eps
}

func TestBuildRefusesClashes(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows []string
		want string
	}{
		{"dash and underscore", []string{"GET v3/a/b-c", "GET v3/a/b_c"}, `segments "b-c" and "b_c" both give method BC; if the "_" spelling`},
		{"case", []string{"GET v3/a/bC", "GET v3/a/BC"}, `both give method BC`},
		{"digits", []string{"GET v3/a/v-2", "GET v3/a/v2"}, `both give method V2`},
		{"child named like a verb", []string{"DELETE v3/a", "POST v3/a/delete"}, `segment "delete" gives method Delete, which the node already has`},
		{"child named String", []string{"GET v3/a/string"}, `gives method String, which the node already has`},
		{"child named Chain", []string{"GET v3/a/chain"}, `gives method Chain`},
		{"not an identifier", []string{"GET v3/a/b.c"}, `not an exported Go identifier`},
		{"digit first", []string{"GET v3/a/2b"}, `not an exported Go identifier`},
		{"flattened type names", []string{"GET v3/ab/c", "GET v3/ab-c"}, `type V3AbC names both`},
		{"twice", []string{"GET v3/a", "GET v3/a"}, `listed twice`},
		{"stale exception", []string{"GET v3/papay/insurance-sign/policy_periods"}, `keepUnderscores lists v3/papay/insurance-sign/policy_periods, which resolves no clash`},
	} {
		keep := map[string]bool{}
		if tc.name == "stale exception" {
			keep = keepUnderscores
		}
		_, err := build(endpoints(tc.rows...), keep)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestBuildAllowsWhatCannotClash(t *testing.T) {
	tree, err := Build(endpoints(
		"GET v3/a/out-trade-no/{out_trade_no}", // literal and placeholder of one name
		"GET v3/a/{x}", "GET v3/a/{y}",         // several placeholders under one parent
		"POST v3/a/",                          // trailing slash
		"POST v3/a/delete", "GET v3/a/import", // no DELETE on v3/a
		"GET v3/papay/insurance-sign/policy-periods", "GET v3/papay/insurance-sign/policy_periods",
	))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"v3/a/out-trade-no/{out_trade_no}":       "V3AOutTradeNoOutTradeNo_",
		"v3/a/{x}":                               "V3AX_",
		"v3/a/{y}":                               "V3AY_",
		"v3/a/":                                  "V3AEmpty_",
		"v3/a/delete":                            "V3ADelete",
		"v3/papay/insurance-sign/policy-periods": "V3PapayInsuranceSignPolicyPeriods",
		"v3/papay/insurance-sign/policy_periods": "V3PapayInsuranceSignPolicy_periods",
	}
	for path, typ := range want {
		if n := tree.Lookup(path); n == nil || n.Type != typ {
			t.Errorf("%s: %+v, want type %s", path, n, typ)
		}
	}
	if got := tree.Lookup("v3/a/out-trade-no/{out_trade_no}").Expr(); got != "V3().A().OutTradeNo().OutTradeNo_()" {
		t.Errorf("Expr = %q", got)
	}
}

// The real catalog builds, every name is an exported identifier, and the
// known clash is resolved by its rule.
func TestCatalogTree(t *testing.T) {
	tree, err := Build(catalog.All())
	if err != nil {
		t.Fatal(err)
	}
	nodes, children, verbs := tree.Stats()
	if verbs != len(catalog.All()) || nodes != children+len(tree.Roots) {
		t.Errorf("nodes %d, children %d, verbs %d", nodes, children, verbs)
	}
	tree.Walk(func(n *Node) {
		if !token.IsExported(n.Method) || !token.IsIdentifier(n.Type) {
			t.Errorf("%s: method %q, type %q", n.Path, n.Method, n.Type)
		}
	})
	if got := tree.CapitalLiterals(); strings.Join(got, ",") != "addInstitutionsub,modifyInstitutionsub,queryInstitutionsub" {
		t.Errorf("CapitalLiterals = %v", got)
	}
	var roots []string
	for _, r := range tree.Roots {
		roots = append(roots, r.Method)
	}
	if strings.Join(roots, ",") != "Global,Hk,V2,V3" {
		t.Errorf("roots %v", roots)
	}
}

func TestGenerateRefusesDeclaredNames(t *testing.T) {
	tree, err := build(endpoints("GET v3/client", "GET new-v3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Generate(tree, Options{
		Source:      "x.tsv",
		Root:        Declared{Names: map[string]bool{"catalogLiteral": true}, ClientMethods: map[string]bool{"V3": true}},
		Nodes:       Declared{Names: map[string]bool{"V3Client": true}},
		NodePackage: "example.com/m/node",
	})
	for _, want := range []string{
		"V3Client (v3/client) clashes with a declaration of the node package",
		"entry method Client.V3 (v3) clashes with a method of Client",
		"constructor NewV3 (v3) clashes with the type of new-v3",
		"catalogLiteral is declared by the root package already",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestGenerate(t *testing.T) {
	tree, err := build(endpoints("GET v3/client", "POST v3/client/{id}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	root, nodes, err := Generate(tree, Options{Source: "x.tsv", NodePackage: "example.com/m/node"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"// Code generated by internal/chaintree/gentree from x.tsv. DO NOT EDIT.",
		"package wechatpay",
		`import "example.com/m/node"`,
		"func catalogLiteral(seg string) bool {",
		"func (c *Client) V3() node.V3 { return node.NewV3((*nodeClient)(c)) }",
	} {
		if !strings.Contains(string(root), want) {
			t.Errorf("root file lacks %q:\n%s", want, root)
		}
	}
	for _, want := range []string{
		"// Code generated by internal/chaintree/gentree from x.tsv. DO NOT EDIT.",
		"package node",
		"func NewV3(c Client) V3 { return V3{c} }",
		"type V3Client struct{ c Client }",
		`func (V3Client) String() string { return "v3/client" }`,
		"func (n V3Client) Id_() V3ClientId_ { return V3ClientId_{n.c} }",
		"func (n V3Client) Get(ctx context.Context, opts ...map[string]any) (*transport.Response, error) {",
		`return send(ctx, n.c, "POST", "v3/client/{id}", opts)`,
	} {
		if !strings.Contains(string(nodes), want) {
			t.Errorf("node file lacks %q:\n%s", want, nodes)
		}
	}
}
