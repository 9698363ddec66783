package wechatpay

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/chaintree"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/node"
	"github.com/wxpay-go/wechatpay/transport"
)

var loadTree = sync.OnceValues(func() (*chaintree.Tree, error) {
	return chaintree.Build(catalog.All())
})

func testTree(t *testing.T) *chaintree.Tree {
	t.Helper()
	tree, err := loadTree()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// wireRequest is what a request looks like on the wire, for comparison.
type wireRequest struct {
	Method, URL, Protocol string
}

// errRecorded ends every recorded exchange: only the request matters.
var errRecorded = errors.New("recorded")

// wireRecorder records what reaches Config.Transport.
type wireRecorder struct {
	mu   sync.Mutex
	sent []wireRequest
}

func (r *wireRecorder) Do(_ context.Context, req *transport.Request) (*transport.Response, error) {
	protocol := "v2"
	if strings.HasPrefix(req.Header.Get("Authorization"), "WECHATPAY2-SHA256-RSA2048 ") {
		protocol = "v3"
	}
	r.mu.Lock()
	r.sent = append(r.sent, wireRequest{req.Method, withoutNonce(req.URL()), protocol})
	r.mu.Unlock()
	return nil, errRecorded
}

// withoutNonce drops the nonce and signature of an APIv2 GET query, which
// differ on every request.
func withoutNonce(u string) string {
	path, query, ok := strings.Cut(u, "?")
	if !ok {
		return u
	}
	var keep []string
	for _, kv := range strings.Split(query, "&") {
		if !strings.HasPrefix(kv, "nonce_str=") && !strings.HasPrefix(kv, "sign=") {
			keep = append(keep, kv)
		}
	}
	return path + "?" + strings.Join(keep, "&")
}

func (r *wireRecorder) take() []wireRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	sent := r.sent
	r.sent = nil
	return sent
}

// merchantCertificate is a self-signed stand-in for the merchant API
// certificate that "security" requests present.
func merchantCertificate(t *testing.T) *tls.Certificate {
	t.Helper()
	key := loadTestKey()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// rowOptions fills a row's placeholders with values that tell them apart,
// and gives it a body of its kind.
func rowOptions(ep catalog.Endpoint) M {
	o := M{}
	for _, p := range ep.PathParams {
		o[p] = "P-" + p
	}
	switch {
	case ep.Protocol == "v2" && ep.Content == "multipart":
		o["body"] = media.FromBytes("idcard.jpg", []byte("\xff\xd8\xff\xe0 a JPEG"))
		o["security"] = true
	case ep.Protocol == "v2":
		o["xml"] = M{"appid": "wxd678efh567hg6787", "out_trade_no": "1217752501201407033233368018"}
		if ep.MTLS {
			o["security"] = true
		}
	case ep.Content == "json":
		o["json"] = M{"appid": "wxd678efh567hg6787"}
	}
	return o
}

// typedNode walks the typed tree to the node of path by reflection, one
// generated method per segment.
func typedNode(t *testing.T, tree *chaintree.Tree, client *Client, path string) reflect.Value {
	t.Helper()
	var chain []*chaintree.Node
	for n := tree.Lookup(path); n != nil; n = n.Parent {
		chain = append(chain, n)
	}
	slices.Reverse(chain)
	v := reflect.ValueOf(client)
	for _, n := range chain {
		m := v.MethodByName(n.Method)
		if !m.IsValid() {
			t.Fatalf("%s: %s has no method %s", path, v.Type(), n.Method)
		}
		v = m.Call(nil)[0]
	}
	return v
}

// For every catalog row, the typed chain and Chain(path) put the same
// method, URL and protocol on the wire, or fail alike before sending.
func TestTypedChainMatchesStringChain(t *testing.T) {
	tree := testTree(t)
	rec := &wireRecorder{}
	cfg := testConfig(rec)
	cfg.BackupURL = "-"
	cfg.Secret = "192006250b4c09247ec02edce69f6a2d"
	cfg.Merchant = merchantCertificate(t)
	client, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sent := map[string]int{}
	for _, ep := range catalog.All() {
		opts := rowOptions(ep)
		node := typedNode(t, tree, client, ep.Path)
		verb, ok := tree.Lookup(ep.Path).Verb(ep.Method)
		if !ok {
			t.Fatalf("%s %s: no verb in the tree", ep.Method, ep.Path)
		}
		if got := node.MethodByName("String").Call(nil)[0].String(); got != ep.Path {
			t.Errorf("typed node String() = %q, want %q", got, ep.Path)
		}
		out := node.MethodByName(verb).Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(opts)})
		typedErr, _ := out[1].Interface().(error)
		typed := rec.take()

		byString := client.Chain(ep.Path)
		send := map[string]func(context.Context, ...M) (*Response, error){
			"GET": byString.Get, "POST": byString.Post, "PUT": byString.Put, "PATCH": byString.Patch, "DELETE": byString.Delete,
		}[ep.Method]
		_, stringErr := send(ctx, opts)
		str := rec.take()

		if !slices.Equal(typed, str) {
			t.Errorf("%s %s: typed sent %v, Chain(path) sent %v", ep.Method, ep.Path, typed, str)
		}
		if fmt.Sprint(typedErr) != fmt.Sprint(stringErr) {
			t.Errorf("%s %s: typed error %v, Chain(path) error %v", ep.Method, ep.Path, typedErr, stringErr)
		}
		if len(str) == 0 {
			if ep.Protocol == "v3" {
				t.Errorf("%s %s: nothing sent: %v", ep.Method, ep.Path, stringErr)
			}
			continue
		}
		sent[ep.Protocol]++
		w := str[0]
		wire := strings.TrimPrefix(ep.Path, "v2/")
		for _, p := range ep.PathParams {
			wire = strings.Replace(wire, "{"+p+"}", "P-"+p, 1)
		}
		path, _, _ := strings.Cut(w.URL, "?")
		okURL := path == DefaultBaseURL+wire || ep.Host != "" && path == "https://"+ep.Host+"/"+wire
		if !okURL || w.Method != ep.Method || w.Protocol != ep.Protocol {
			t.Errorf("%s %s: sent %v", ep.Method, ep.Path, w)
		}
	}
	t.Logf("rows on the wire: v3 %d, v2 %d", sent["v3"], sent["v2"])
	if sent["v3"] != 1018 {
		t.Errorf("%d v3 rows reached the wire, want 1018", sent["v3"])
	}
	if sent["v2"] != 136 {
		t.Errorf("%d v2 rows reached the wire, want 136", sent["v2"])
	}
}

// Each node offers exactly its children, the HTTP methods the catalog
// lists for it, Chain and String: a path or verb the catalog does not
// have does not compile.
func TestTypedNodesOfferOnlyCatalogMethods(t *testing.T) {
	tree := testTree(t)
	client := &Client{}
	nodes := 0
	tree.Walk(func(n *chaintree.Node) {
		nodes++
		typ := typedNode(t, tree, client, n.Path).Type()
		want := []string{"Chain", "String"}
		for _, c := range n.Children {
			want = append(want, c.Method)
		}
		for _, v := range n.Verbs {
			want = append(want, v.Name)
		}
		var got []string
		for i := range typ.NumMethod() {
			got = append(got, typ.Method(i).Name)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s (%s): methods %v, want %v", n.Path, typ, got, want)
		}
	})
	reverse := reflect.TypeOf(client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse())
	if _, ok := reverse.MethodByName("Get"); ok {
		t.Error("the reverse endpoint offers Get")
	}
	if typ := reflect.TypeOf(client.V3()); typ.Kind() != reflect.Struct || typ.Size() != reflect.TypeOf((*node.Client)(nil)).Elem().Size() {
		t.Errorf("a node is %s of %d bytes; want a struct holding only the node.Client", typ, typ.Size())
	}
	t.Logf("%d nodes", nodes)
}

func TestBuildingATypedChainAllocatesNothing(t *testing.T) {
	client := &Client{}
	allocs := testing.AllocsPerRun(100, func() {
		n := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse()
		if n.String() == "" {
			t.Fatal("empty template")
		}
	})
	if allocs != 0 {
		t.Errorf("building a typed chain: %v allocations, want 0", allocs)
	}
}

func TestTypedChainEscapeHatch(t *testing.T) {
	client := &Client{}
	for _, tc := range []struct{ got, want string }{
		{client.V3().Pay().Transactions().Chain("outTradeNo/_out_trade_no_/reverse").String(), "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"},
		{client.V3().MerchantService().Chain("complaintsV2").String(), "v3/merchant-service/complaints-v2"},
		{client.V3().Applyment4sub().Applyment().Chain("").String(), client.V3().Applyment4sub().Applyment().Empty_().String()},
		{client.V2().Secapi().Mch().AddInstitutionsub().String(), "v2/secapi/mch/addInstitutionsub"},
		{client.V3().Papay().InsuranceSign().Policy_periods().String(), "v3/papay/insurance-sign/policy_periods"},
		{client.V3().Papay().InsuranceSign().PolicyPeriods().String(), "v3/papay/insurance-sign/policy-periods"},
		{client.V3().Marketing().MembercardOpen().PhonenumberMember().Import().String(), "v3/marketing/membercard-open/phonenumber-member/import"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// Every catalog path, copied from the documentation with or without its
// leading "/", is its own template: capitals and trailing slashes reach
// the wire as written, while PHP-style names are still normalized.
func TestCatalogPathsAreVerbatimTemplates(t *testing.T) {
	client := &Client{}
	for _, ep := range catalog.All() {
		for _, in := range []string{ep.Path, "/" + ep.Path} {
			if got := client.Chain(in).String(); got != ep.Path {
				t.Errorf("Chain(%q) = %q", in, got)
			}
		}
	}
	for in, want := range map[string]string{
		"v3/merchantService/complaintsV2":                 "v3/merchant-service/complaints-v2",
		"v2/secapi/mch/addInstitutionsub":                 "v2/secapi/mch/addInstitutionsub",
		"v2/secapi/mch/AddInstitutionsub":                 "v2/secapi/mch/add-institutionsub", // not the catalog's spelling
		"v3/applyment4sub/applyment/":                     "v3/applyment4sub/applyment/",
		"v3/pay/transactions/outTradeNo/_out_trade_no_/x": "v3/pay/transactions/out-trade-no/{out_trade_no}/x",
	} {
		if got := client.Chain(in).String(); got != want {
			t.Errorf("Chain(%q) = %q, want %q", in, got, want)
		}
	}

	rec := &wireRecorder{}
	cfg := testConfig(rec)
	cfg.BackupURL = "-"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Chain("/v3/applyment4sub/applyment/").Post(context.Background(), M{"json": M{"business_code": "1"}})
	c.Chain("/v3/ecommerce/applyments/").Post(context.Background(), M{"json": M{"out_request_no": "1"}})
	got := rec.take()
	want := []wireRequest{
		{"POST", "https://api.mch.weixin.qq.com/v3/applyment4sub/applyment/", "v3"},
		{"POST", "https://api.mch.weixin.qq.com/v3/ecommerce/applyments/", "v3"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("sent %v, want %v", got, want)
	}
}

// The generated files are what the generator makes of the catalog now.
func TestTreeIsFresh(t *testing.T) {
	root, nodes, err := chaintree.GenerateFiles("internal/catalog/endpoints.tsv", "tree_gen.go", "node/node_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"tree_gen.go": root, "node/node_gen.go": nodes} {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate", name)
		}
	}
}

// Several option maps reach the wire merged as Chain(path) merges them,
// later keys winning: the typed verbs merge before handing over one map.
func TestTypedChainMergesOptionsLikeChain(t *testing.T) {
	rec := &wireRecorder{}
	cfg := testConfig(rec)
	cfg.BackupURL = "-"
	client, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := M{"out_trade_no": "first", "json": M{"mchid": "1230000109"}}
	second := M{"out_trade_no": "1217752501201407033233368018"}
	client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(ctx, first, second)
	client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Get(ctx)
	typed := rec.take()
	client.Chain(seedTemplate).Post(ctx, first, second)
	client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx)
	str := rec.take()
	if len(typed) != 1 || !slices.Equal(typed, str) {
		t.Errorf("typed sent %v, Chain(path) sent %v", typed, str)
	}
	if len(typed) > 0 && !strings.Contains(typed[0].URL, "/1217752501201407033233368018/") {
		t.Errorf("sent %v: the later map did not win", typed[0])
	}
}

// BenchmarkTypedChain walks the seed's typed chain: no allocations.
func BenchmarkTypedChain(b *testing.B) {
	client := newBenchClient(b, "http://127.0.0.1:1/")
	b.ReportAllocs()
	for b.Loop() {
		n := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse()
		if n.String() == "" {
			b.Fatal("empty template")
		}
	}
}

// BenchmarkTypedRequest is BenchmarkRequest through the typed chain, the
// chain walked on every request.
func BenchmarkTypedRequest(b *testing.B) {
	url := startPresignedServer(b)
	client := newBenchClient(b, url)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(ctx, seedOptions)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
}
