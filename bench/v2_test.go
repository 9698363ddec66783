package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-pay/gopay"
	"github.com/go-pay/gopay/wechat"
	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// The APIv2 comparison: the order query (查询订单) v2/pay/orderquery
// through this module's client and through github.com/go-pay/gopay's
// wechat package, against one loopback server that answers every request
// with the same MD5-signed XML reply (signed once, in advance). Both
// clients sign their request with MD5 and check the reply's sign: ours in
// its verifier middleware, gopay's through wechat.VerifySign, which its
// callers must call themselves. Both hand back the reply's fields as a
// map.
const (
	v2Key        = "192006250b4c09247ec02edce69f6a2d"
	v2AppID      = "wx2421b1c4370ec43b"
	v2MchID      = "10000100"
	v2OutTradeNo = "1415757673"
)

// v2ReplyFields is an order query reply as the documentation shows it.
var v2ReplyFields = map[string]string{
	"return_code": "SUCCESS", "return_msg": "OK", "appid": v2AppID, "mch_id": v2MchID,
	"device_info": "1000", "nonce_str": "TN55wO9Pba5yENl8", "result_code": "SUCCESS",
	"openid": "oUpF8uN95-Ptaags6E_roPHg7AG0", "is_subscribe": "Y", "trade_type": "MICROPAY",
	"bank_type": "CCB_DEBIT", "total_fee": "1", "fee_type": "CNY", "transaction_id": "1008450740201411110005820873",
	"out_trade_no": v2OutTradeNo, "attach": "订单额外描述", "time_end": "20141111170043", "trade_state": "SUCCESS",
	"cash_fee": "1",
}

// v2Reply returns the reply body, every string in CDATA as WeChat Pay
// writes them, signed, or tampered with after signing.
func v2Reply(tamper bool) []byte {
	fields := map[string]string{}
	for k, v := range v2ReplyFields {
		fields[k] = v
	}
	sig, err := xmlsign.Sign(fields, v2Key, xmlsign.MD5)
	if err != nil {
		panic(err)
	}
	fields["sign"] = sig
	if tamper {
		fields["total_fee"] = "100"
	}
	var b strings.Builder
	b.WriteString("<xml>")
	for _, k := range sortedKeys(fields) {
		if k == "total_fee" || k == "cash_fee" {
			b.WriteString("<" + k + ">" + fields[k] + "</" + k + ">")
			continue
		}
		b.WriteString("<" + k + "><![CDATA[" + fields[k] + "]]></" + k + ">")
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// v2Server answers POST /pay/orderquery with a fixed reply.
type v2Server struct {
	URL    string // ending in "/"
	reply  []byte
	record bool
	mu     sync.Mutex
	bodies []string
}

func startV2Server(tb testing.TB, tamper, record bool) *v2Server {
	tb.Helper()
	s := &v2Server{reply: v2Reply(tamper), record: record}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: s.handle}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Shutdown() })
	s.URL = "http://" + ln.Addr().String() + "/"
	return s
}

func (s *v2Server) handle(ctx *fasthttp.RequestCtx) {
	if string(ctx.Path()) != "/pay/orderquery" || !ctx.IsPost() {
		ctx.SetStatusCode(fasthttp.StatusNotFound)
		return
	}
	if s.record {
		s.mu.Lock()
		s.bodies = append(s.bodies, string(ctx.PostBody()))
		s.mu.Unlock()
	}
	ctx.SetContentType("text/plain")
	ctx.SetBody(s.reply)
}

// v2Send makes the order query once and returns the verified reply's
// fields.
type v2Send func(ctx context.Context) (map[string]string, error)

func oursV2(tb testing.TB, baseURL string) v2Send {
	tb.Helper()
	c, err := wechatpay.New(wechatpay.Config{MchID: v2MchID, Secret: v2Key, BaseURL: baseURL})
	if err != nil {
		tb.Fatal(err)
	}
	node := c.Chain("v2/pay/orderquery")
	return func(ctx context.Context) (map[string]string, error) {
		resp, err := node.Post(ctx, wechatpay.M{"xml": wechatpay.M{
			"appid": v2AppID, "mch_id": v2MchID, "out_trade_no": v2OutTradeNo,
		}})
		if err != nil {
			return nil, err
		}
		return transformer.ToMap(resp.Body)
	}
}

func theirsV2(tb testing.TB, baseURL string) v2Send {
	tb.Helper()
	c := wechat.NewClient(v2AppID, v2MchID, v2Key, true)
	c.BaseURL = strings.TrimSuffix(baseURL, "/")
	return func(ctx context.Context) (map[string]string, error) {
		bm := make(gopay.BodyMap)
		bm.Set("nonce_str", signer.Nonce()).Set("out_trade_no", v2OutTradeNo)
		_, resBm, err := c.QueryOrder(ctx, bm)
		if err != nil {
			return nil, err
		}
		ok, err := wechat.VerifySign(v2Key, wechat.SignType_MD5, resBm)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("gopay: reply sign does not verify")
		}
		fields := make(map[string]string, len(resBm))
		for k := range resBm {
			fields[k] = resBm.GetString(k)
		}
		return fields, nil
	}
}

func v2Request(tb testing.TB, client func(testing.TB, string) v2Send) func() error {
	s := startV2Server(tb, false, false)
	do := client(tb, s.URL)
	ctx := context.Background()
	return func() error {
		fields, err := do(ctx)
		if err != nil {
			return err
		}
		if fields["out_trade_no"] != v2OutTradeNo || fields["trade_state"] != "SUCCESS" {
			return fmt.Errorf("reply fields %v", fields)
		}
		return nil
	}
}

// BenchmarkV2Ours is one verified order query through this module.
func BenchmarkV2Ours(b *testing.B) { benchmarkV2(b, oursV2) }

// BenchmarkV2Theirs is one verified order query through gopay.
func BenchmarkV2Theirs(b *testing.B) { benchmarkV2(b, theirsV2) }

func benchmarkV2(b *testing.B, client func(testing.TB, string) v2Send) {
	op := v2Request(b, client)
	b.ReportAllocs()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// Both clients put an equivalent, correctly signed request on the wire
// and accept the reply.
func TestV2BothSendTheOrderQuery(t *testing.T) {
	for name, client := range map[string]func(testing.TB, string) v2Send{"ours": oursV2, "theirs": theirsV2} {
		t.Run(name, func(t *testing.T) {
			s := startV2Server(t, false, true)
			fields, err := client(t, s.URL)(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if fields["transaction_id"] != v2ReplyFields["transaction_id"] {
				t.Fatalf("reply %v", fields)
			}
			if len(s.bodies) != 1 {
				t.Fatalf("%d requests", len(s.bodies))
			}
			sent, err := transformer.ToMap([]byte(s.bodies[0]))
			if err != nil {
				t.Fatalf("%v: %s", err, s.bodies[0])
			}
			if sent["appid"] != v2AppID || sent["mch_id"] != v2MchID || sent["out_trade_no"] != v2OutTradeNo ||
				len(sent["nonce_str"]) != 32 || len(sent["sign"]) != 32 || xmlsign.Verify(sent, v2Key) != nil {
				t.Fatalf("request %s", s.bodies[0])
			}
		})
	}
}

// Both clients refuse a reply altered after it was signed.
func TestV2BothRejectTamperedReply(t *testing.T) {
	for name, client := range map[string]func(testing.TB, string) v2Send{"ours": oursV2, "theirs": theirsV2} {
		t.Run(name, func(t *testing.T) {
			s := startV2Server(t, true, false)
			if fields, err := client(t, s.URL)(context.Background()); err == nil {
				t.Fatalf("accepted %v", fields)
			}
		})
	}
}

// TestCompareV2 prints the APIv2 benchmarks side by side, as medians of
// -rounds rounds run in alternating order. Opt-in, like TestCompare.
func TestCompareV2(t *testing.T) {
	if !*compare && os.Getenv("BENCH_COMPARE") != "1" {
		t.Skip("opt-in: go test -run TestCompareV2 -compare")
	}
	names := [2]string{"V2Ours", "V2Theirs"}
	benches := [2]func(*testing.B){BenchmarkV2Ours, BenchmarkV2Theirs}
	var results [2][]testing.BenchmarkResult
	for round := range *rounds {
		for k := range benches {
			i := (round + k) % len(benches)
			r := testing.Benchmark(benches[i])
			if r.N == 0 {
				t.Fatalf("%s failed", names[i])
			}
			results[i] = append(results[i], r)
			t.Logf("round %d %-8s %s %s", round+1, names[i], r, r.MemString())
		}
	}
	w := os.Stdout
	fmt.Fprintf(w, "\n%s %s/%s, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "\nAPIv2 order query, testing.Benchmark, medians of %d rounds\n", *rounds)
	fmt.Fprintf(w, "%-12s %12s %10s %10s\n", "", "ns/op", "B/op", "allocs/op")
	var med [2][3]float64
	for i, rs := range results {
		med[i] = [3]float64{medianOf(rs, nsPerOp), medianOf(rs, bytesPerOp), medianOf(rs, allocsPerOp)}
		fmt.Fprintf(w, "%-12s %12.0f %10.0f %10.0f\n", names[i], med[i][0], med[i][1], med[i][2])
	}
	fmt.Fprintf(w, "%-12s %12s %10s %10s\n", "ours/theirs", ratio(med[0][0], med[1][0]), ratio(med[0][1], med[1][1]), ratio(med[0][2], med[1][2]))
	fmt.Fprintf(w, "\ntarget: ours/theirs at most 0.50 in ns/op and 0.33 in allocs/op\n")
}
