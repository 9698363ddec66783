package catalog

import (
	"regexp"
	"strings"
	"testing"
)

func TestCatalogCounts(t *testing.T) {
	eps := All()
	if len(eps) != 1154 {
		t.Fatalf("%d rows, want 1154", len(eps))
	}
	count := map[string]int{}
	for _, ep := range eps {
		count[ep.Protocol]++
		if ep.MTLS {
			count["mtls"]++
		}
		if !ep.SignedResponse {
			count["unsigned"]++
		}
		if strings.Count(ep.Path, "{") != len(ep.PathParams) {
			t.Errorf("%s %s: %d placeholders, %d params", ep.Method, ep.Path, strings.Count(ep.Path, "{"), len(ep.PathParams))
		}
	}
	want := map[string]int{"v3": 1018, "v2": 136, "mtls": 57, "unsigned": 30}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d, want %d", k, count[k], n)
		}
	}
}

// Every row is found by its own path, with its placeholders filled in.
func TestLookupFindsEveryRow(t *testing.T) {
	for _, ep := range All() {
		path := ep.Path
		for _, p := range ep.PathParams {
			path = strings.Replace(path, "{"+p+"}", "X"+p, 1)
		}
		got, ok := Lookup(ep.Method, path+"?a=b")
		if !ok {
			t.Errorf("%s %s: not found", ep.Method, path)
			continue
		}
		// Only rows of one shape can be confused (the catalog's one case:
		// {applyment_id} and {business_code} under v3/apply4subject/applyment).
		if shape(got.Path) != shape(ep.Path) || got.SignedResponse != ep.SignedResponse || got.MTLS != ep.MTLS {
			t.Errorf("%s %s: found %s", ep.Method, path, got.Path)
		}
	}
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

func shape(path string) string { return placeholder.ReplaceAllString(path, "{}") }

func TestLookupPrefersLiterals(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "v3/merchant-service/images/upload", "v3/merchant-service/images/upload"},
		{"GET", "v3/merchant-service/images/abc", "v3/merchant-service/images/{media_id}"},
		{"POST", "v3/applyment4sub/applyment/", "v3/applyment4sub/applyment/"},
		{"POST", "v2/secapi/pay/facepayreverse", "v2/secapi/pay/facepayreverse"},
	} {
		got, ok := Lookup(tc.method, tc.path)
		if !ok || got.Path != tc.want {
			t.Errorf("%s %s: %q %v, want %q", tc.method, tc.path, got.Path, ok, tc.want)
		}
	}
	for _, miss := range [][2]string{{"GET", "v3/pay/transactions/out-trade-no/1/reverse"}, {"POST", "v3/nope"}, {"POST", "v3/applyment4sub/applyment"}} {
		if ep, ok := Lookup(miss[0], miss[1]); ok {
			t.Errorf("%v: found %s", miss, ep.Path)
		}
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for _, bad := range []string{"", "protocol\tmethod\n", strings.SplitN(tsv, "\n", 2)[0] + "\nv3\tGET\n", strings.SplitN(tsv, "\n", 2)[0] + "\nv9\tGET\tp\tno\tyes\t\tnone\t\ts\n"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Lookup("POST", "v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse"); !ok {
			b.Fatal("not found")
		}
	}
}
