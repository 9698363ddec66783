package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
)

// BenchmarkSignVerify is the cryptography every APIv3 request pays, in
// either client: an RSA-2048 signature over a fresh request message and
// the verification of a signed reply.
func BenchmarkSignVerify(b *testing.B) {
	op := signVerify()
	b.ReportAllocs()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOurs is one whole seed request through this module's client.
func BenchmarkOurs(b *testing.B) { benchmarkSend(b, ours) }

// BenchmarkTheirs is one whole seed request through the official SDK.
func BenchmarkTheirs(b *testing.B) { benchmarkSend(b, theirs) }

func benchmarkSend(b *testing.B, client func(testing.TB, string) send) {
	op := request(b, client)
	b.ReportAllocs()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

func signVerify() func() error {
	key := loadKey()
	r := signReply(time.Now(), replyBody)
	reqBody := []byte(`{"appid":"` + appID + `","mchid":"` + mchID + `"}`)
	return func() error {
		msg := signer.RequestMessage("POST", "/"+target, time.Now().Unix(), signer.Nonce(), reqBody)
		if _, err := signer.Sign(key, msg); err != nil {
			return err
		}
		return signer.Verify(&key.PublicKey, signer.ResponseMessage(r.timestamp, r.nonce, []byte(r.body)), r.signature)
	}
}

// request starts a server and returns one whole seed request through a
// client of it.
func request(tb testing.TB, client func(testing.TB, string) send) func() error {
	s := startServer(tb, nil, false)
	do := client(tb, s.URL)
	ctx := context.Background()
	want := []byte(replyBody)
	return func() error {
		body, err := do(ctx)
		if err != nil {
			return err
		}
		if !bytes.Equal(body, want) {
			return fmt.Errorf("reply body %q", body)
		}
		return nil
	}
}

var (
	compare     = flag.Bool("compare", false, "run TestCompare (also BENCH_COMPARE=1)")
	rounds      = flag.Int("rounds", 5, "TestCompare: rounds of the three benchmarks; the table shows medians")
	interleaved = flag.Int("interleaved", 1000, "TestCompare: requests of each kind timed one by one in turn")
)

// TestCompare prints the three benchmarks side by side, twice: as medians
// of interleaved testing.Benchmark rounds, and as median latencies of single
// operations timed one by one, the kinds taking turns. It is opt-in because it takes a while, and it
// asserts nothing: timings belong in a report, not in a pass/fail.
func TestCompare(t *testing.T) {
	if !*compare && os.Getenv("BENCH_COMPARE") != "1" {
		t.Skip("opt-in: go test -run TestCompare -compare")
	}
	names := [3]string{"SignVerify", "Ours", "Theirs"}
	benches := [3]func(*testing.B){BenchmarkSignVerify, BenchmarkOurs, BenchmarkTheirs}
	var results [3][]testing.BenchmarkResult
	for round := range *rounds {
		// Rotate the order so that no benchmark always runs first.
		for k := range benches {
			i := (round + k) % len(benches)
			r := testing.Benchmark(benches[i])
			if r.N == 0 {
				t.Fatalf("%s failed", names[i])
			}
			results[i] = append(results[i], r)
			t.Logf("round %d %-10s %s %s", round+1, names[i], r, r.MemString())
		}
	}

	w := os.Stdout
	fmt.Fprintf(w, "\n%s %s/%s, GOMAXPROCS=%d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "\ntesting.Benchmark, medians of %d rounds\n", *rounds)
	fmt.Fprintf(w, "%-12s %12s %10s %10s %16s %16s\n", "", "ns/op", "B/op", "allocs/op", "overhead ns/op", "overhead allocs")
	sv := results[0]
	var med [3][3]float64  // ns, B, allocs
	var over [3][2]float64 // ns, allocs: request - SignVerify in the same round
	for i, rs := range results {
		med[i] = [3]float64{medianOf(rs, nsPerOp), medianOf(rs, bytesPerOp), medianOf(rs, allocsPerOp)}
		if i == 0 {
			fmt.Fprintf(w, "%-12s %12.0f %10.0f %10.0f\n", names[i], med[i][0], med[i][1], med[i][2])
			continue
		}
		var dns, dallocs []float64
		for k, r := range rs {
			dns = append(dns, float64(r.NsPerOp()-sv[k].NsPerOp()))
			dallocs = append(dallocs, float64(r.AllocsPerOp()-sv[k].AllocsPerOp()))
		}
		over[i] = [2]float64{median(dns), median(dallocs)}
		fmt.Fprintf(w, "%-12s %12.0f %10.0f %10.0f %16.0f %16.0f\n", names[i], med[i][0], med[i][1], med[i][2], over[i][0], over[i][1])
	}
	fmt.Fprintf(w, "%-12s %12s %10s %10s %16s %16s\n", "ours/theirs",
		ratio(med[1][0], med[2][0]), ratio(med[1][1], med[2][1]), ratio(med[1][2], med[2][2]),
		ratio(over[1][0], over[2][0]), ratio(over[1][1], over[2][1]))

	lat, err := timeInTurn(t, *interleaved)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "\nsingle operations, in turns of %d of each kind, %d of each\n", max(1, *interleaved/10), *interleaved)
	fmt.Fprintf(w, "%-12s %12s %16s %12s %16s\n", "", "median ns", "median overhead", "mean ns", "mean overhead")
	var m [3][2]float64 // median, mean
	for i := range lat {
		m[i] = [2]float64{median(lat[i]), mean(lat[i])}
		if i == 0 {
			fmt.Fprintf(w, "%-12s %12.0f %16s %12.0f\n", names[i], m[i][0], "", m[i][1])
		} else {
			fmt.Fprintf(w, "%-12s %12.0f %16.0f %12.0f %16.0f\n", names[i], m[i][0], m[i][0]-m[0][0], m[i][1], m[i][1]-m[0][1])
		}
	}
	fmt.Fprintf(w, "%-12s %12s %16s %12s %16s\n", "ours/theirs",
		ratio(m[1][0], m[2][0]), ratio(m[1][0]-m[0][0], m[2][0]-m[0][0]),
		ratio(m[1][1], m[2][1]), ratio(m[1][1]-m[0][1], m[2][1]-m[0][1]))
	fmt.Fprintf(w, "\noverhead = request - SignVerify; target: ours/theirs overhead <= 0.50\n")
}

// timeInTurn runs n operations of each kind and returns every operation's
// latency in nanoseconds. The kinds take turns in blocks of n/blocks
// operations, in rotating order, each block after a GC: load from other
// processes then falls on the three alike, while what one client leaves
// behind (net/http's connection goroutines, garbage) is not timed against
// the next one, as it would be if single operations of the two clients
// alternated. A median ignores the operations that a burst of load
// happened to hit.
func timeInTurn(tb testing.TB, n int) ([3][]float64, error) {
	ops := [3]func() error{signVerify(), request(tb, ours), request(tb, theirs)}
	const blocks = 10
	per := max(1, n/blocks)
	var lat [3][]float64
	for b := range blocks {
		for j := range ops {
			i := (b + j) % len(ops)
			runtime.GC()
			for range per {
				start := time.Now()
				err := ops[i]()
				lat[i] = append(lat[i], float64(time.Since(start)))
				if err != nil {
					return lat, errors.Join(fmt.Errorf("operation %d", i), err)
				}
			}
		}
	}
	return lat, nil
}

func nsPerOp(r testing.BenchmarkResult) int64     { return r.NsPerOp() }
func bytesPerOp(r testing.BenchmarkResult) int64  { return r.AllocedBytesPerOp() }
func allocsPerOp(r testing.BenchmarkResult) int64 { return r.AllocsPerOp() }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

func medianOf(rs []testing.BenchmarkResult, f func(testing.BenchmarkResult) int64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = float64(f(r))
	}
	return median(xs)
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
