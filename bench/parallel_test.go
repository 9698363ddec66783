package bench

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// goroutines is how many goroutines share one client in the throughput
// benchmarks: a busy service's worth of concurrent calls.
const goroutines = 64

// BenchmarkParallelSignVerify is the throughput floor: sign+verify (as in
// BenchmarkSignVerify) from 64 goroutines at once. A client can go no
// faster than its cryptography.
func BenchmarkParallelSignVerify(b *testing.B) { benchmarkParallel(b, signVerify()) }

// BenchmarkParallelOurs is the seed request from 64 goroutines sharing one
// client of this module.
func BenchmarkParallelOurs(b *testing.B) { benchmarkParallel(b, request(b, ours)) }

// BenchmarkParallelTheirs is the seed request from 64 goroutines sharing
// one client of the official SDK.
func BenchmarkParallelTheirs(b *testing.B) { benchmarkParallel(b, request(b, theirs)) }

// benchmarkParallel runs op from 64 goroutines (b.SetParallelism counts
// in multiples of GOMAXPROCS) and reports requests per second.
func benchmarkParallel(b *testing.B, op func() error) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((goroutines + procs - 1) / procs)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// TestCompareParallel prints the three throughput benchmarks side by side
// as medians of rounds run in rotating order, and each client's requests
// per second as a share of the floor's. Opt-in, like TestCompare: it
// takes a while and asserts nothing.
func TestCompareParallel(t *testing.T) {
	if !*compare && os.Getenv("BENCH_COMPARE") != "1" {
		t.Skip("opt-in: go test -run TestCompareParallel -compare")
	}
	names := [3]string{"SignVerify", "Ours", "Theirs"}
	benches := [3]func(*testing.B){BenchmarkParallelSignVerify, BenchmarkParallelOurs, BenchmarkParallelTheirs}
	var perSecond [3][]float64
	var allocs [3][]float64
	for round := range *rounds {
		for k := range benches {
			i := (round + k) % len(benches)
			r := testing.Benchmark(benches[i])
			if r.N == 0 {
				t.Fatalf("%s failed", names[i])
			}
			perSecond[i] = append(perSecond[i], float64(r.N)/r.T.Seconds())
			allocs[i] = append(allocs[i], float64(r.AllocsPerOp()))
			t.Logf("round %d %-10s %s %s", round+1, names[i], r, r.MemString())
		}
	}
	w := os.Stdout
	fmt.Fprintf(w, "\n%s %s/%s, GOMAXPROCS=%d, %d goroutines\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), goroutines)
	fmt.Fprintf(w, "\nb.RunParallel, medians of %d rounds\n", *rounds)
	fmt.Fprintf(w, "%-12s %12s %10s %12s\n", "", "req/s", "allocs/op", "x floor")
	floor := median(perSecond[0])
	for i := range names {
		rps := median(perSecond[i])
		fmt.Fprintf(w, "%-12s %12.0f %10.0f %12s\n", names[i], rps, median(allocs[i]), ratio(rps, floor))
	}
	fmt.Fprintf(w, "\nx floor = requests per second / sign+verify per second; target: ours >= 0.96\n")
}
