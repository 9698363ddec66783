package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/openapi"
)

// TestGeneratedIsFresh fails when api/ differs from what the generator
// writes now: run `go generate ./api`.
func TestGeneratedIsFresh(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "..", "api")
	on, err := generatedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range on {
		if _, ok := files[name]; !ok {
			t.Errorf("api/%s is no longer generated: run go generate ./api", name)
		}
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("api/%s is stale: run go generate ./api", name)
		}
	}
}

func models(t *testing.T) []*model {
	t.Helper()
	ops, _, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, ep := range catalog.All() {
		known[ep.Method+" "+ep.Path] = true
	}
	var kept []*openapi.Operation
	for _, op := range ops {
		if known[op.Key()] {
			kept = append(kept, op)
		}
	}
	ms, err := name(kept)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestNames(t *testing.T) {
	ms := models(t)
	if len(ms) != 1154 {
		t.Fatalf("%d operations named, want the catalog's 1154", len(ms))
	}
	got := map[string]string{}
	for _, m := range ms {
		got[m.op.Key()] = m.dir + "." + m.name
	}
	for key, want := range map[string]string{
		"POST v3/pay/transactions/out-trade-no/{out_trade_no}/reverse":                "v3/pay.TransactionsOutTradeNoReverse",
		"POST v3/refund/domestic/refunds":                                             "v3/refund.DomesticRefundsPost",
		"GET v3/refund/domestic/refunds/{out_refund_no}":                              "v3/refund.DomesticRefundsGet",
		"POST v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse": "v3/ecommerce.CombinePapayTransactionsReverse",
		"POST v2/secapi/pay/reverse":                                                  "v2/secapi.PayReverse",
		"POST v3/marketing/busifavor/stocks":                                          "v3/marketing/busifavor.StocksPost",
		"GET hk/v3/certificates":                                                      "hk.Certificates",
	} {
		if got[key] != want {
			t.Errorf("%s is named %s, want %s", key, got[key], want)
		}
	}
}

// TestNameSteps counts how many operations each step of the naming rule
// settles, so a change of the rule (or of the description) shows here.
func TestNameSteps(t *testing.T) {
	steps := map[string]int{}
	for _, m := range models(t) {
		base := ""
		for _, s := range m.rest {
			if !isParam(s) {
				base += camel(s)
			}
		}
		switch {
		case strings.Contains(m.name, "By"):
			steps["by params"]++
		case m.name != exported("Op", base) && strings.HasSuffix(m.name, camel(strings.ToLower(m.op.Method))):
			steps["method"]++
		default:
			steps["segments"]++
		}
	}
	t.Logf("names settled by step: %v", steps)
	if steps["segments"] < 800 || steps["method"] == 0 || steps["by params"] == 0 {
		t.Errorf("steps %v: the rule no longer does what api/doc.go says", steps)
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"out_trade_no": "OutTradeNo", "appid": "AppID", "sub_mchid": "SubMchID", "SUCCESS": "Success",
		"REFUND.SUCCESS": "RefundSuccess", "notify_url": "NotifyURL", "out-trade-no": "OutTradeNo",
		"2401": "2401", "payerTotal": "PayerTotal",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPackagesAreDistinct(t *testing.T) {
	dirs := map[string]bool{}
	for _, m := range models(t) {
		dirs[m.dir] = true
	}
	names := map[string][]string{}
	for d := range dirs {
		parent := filepath.Dir(d)
		names[parent+"/"+pkgDir(filepath.Base(d))] = append(names[parent+"/"+pkgDir(filepath.Base(d))], d)
	}
	for k, ds := range names {
		if len(ds) > 1 {
			sort.Strings(ds)
			t.Errorf("%s: folders %v collide", k, ds)
		}
	}
	if len(dirs) < 100 {
		t.Errorf("%d packages", len(dirs))
	}
}
