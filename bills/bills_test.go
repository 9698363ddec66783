package bills_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// clients returns a client of srv over each transport.
func clients(t testing.TB, srv *wxpaytest.Server) map[string]*wechatpay.Client {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	cfg := srv.Config()
	cfg.Transport = &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	netClient, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*wechatpay.Client{"fasthttp": srv.Client(), "net/http": netClient}
}

func query(date, tar string) wechatpay.M {
	q := wechatpay.M{"bill_date": date}
	if tar != "" {
		q["tar_type"] = tar
	}
	return wechatpay.M{"query": q}
}

func TestDownloadEndToEnd(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(50)
	for name, client := range clients(t, srv) {
		for _, api := range []string{"v3/bill/tradebill", "v3/bill/fundflowbill"} {
			for _, tar := range []string{"", "GZIP"} {
				var buf bytes.Buffer
				link, n, err := bills.Download(context.Background(), client, &buf, api, query("2024-05-01", tar))
				if err != nil {
					t.Fatalf("%s %s %s: %v", name, api, tar, err)
				}
				sum := sha1.Sum(buf.Bytes())
				if n != int64(buf.Len()) || link.HashType != "SHA1" || link.HashValue != hex.EncodeToString(sum[:]) {
					t.Errorf("%s %s %s: %d bytes, link %+v", name, api, tar, n, link)
				}
				r := bills.NewReader(&buf)
				rows := 0
				for _, err := range r.All() {
					if err != nil {
						t.Fatal(err)
					}
					rows++
				}
				summary, err := r.Summary()
				if err != nil || rows != 50 || summary.Values()[0] != "50" {
					t.Errorf("%s %s %s: %d rows, summary %v, %v", name, api, tar, rows, summary.Values(), err)
				}
			}
		}
	}
	for _, r := range srv.Requests() {
		if r.Err != nil {
			t.Errorf("server refused %s: %v", r.Target, r.Err)
		}
	}
}

// A bill that does not match its announced digest is an error, plain or
// gzip.
func TestTamperedBill(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	for name, client := range clients(t, srv) {
		for _, tar := range []string{"", "GZIP"} {
			srv.CorruptNextFile()
			_, _, err := bills.Download(context.Background(), client, io.Discard, "v3/bill/tradebill", query("2024-05-01", tar))
			var derr *bills.DigestError
			if !errors.As(err, &derr) || !errors.Is(err, signer.ErrDigestMismatch) || derr.Got == derr.Want {
				t.Errorf("%s %s: %v, want a DigestError", name, tar, err)
			}
		}
	}
}

// Overseas statements: signed over their digest, the body held to it,
// plain or gzip-encoded, over both transports and both paths.
func TestStatementEndToEnd(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(20)
	for name, client := range clients(t, srv) {
		for _, api := range []string{"hk/v3/statements", "v3/global/statements"} {
			for _, enc := range []string{"", "gzip"} {
				opts := wechatpay.M{"query": wechatpay.M{"date": "20240501", "mchid": srv.MchID}}
				if enc != "" {
					opts["headers"] = wechatpay.M{"Accept-Encoding": enc}
				}
				var buf bytes.Buffer
				n, err := bills.Statement(context.Background(), client, &buf, api, opts)
				if err != nil {
					t.Fatalf("%s %s %s: %v", name, api, enc, err)
				}
				sum, err := bills.NewReader(&buf).Summary()
				if err != nil || n == 0 || sum.Get("总交易单数") != "20" {
					t.Errorf("%s %s %s: %d bytes, summary %v, %v", name, api, enc, n, sum.Values(), err)
				}

				srv.CorruptNextFile()
				_, err = bills.Statement(context.Background(), client, io.Discard, api, opts)
				if !errors.Is(err, signer.ErrDigestMismatch) {
					t.Errorf("%s %s %s tampered: %v", name, api, enc, err)
				}
			}
		}
	}
}

func TestDownloadErrors(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client := srv.Client()

	_, _, err := bills.Download(ctx, client, io.Discard, "v3/bill/tradebill", query(time.Now().AddDate(0, 0, 2).Format(time.DateOnly), ""))
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "NO_STATEMENT_EXIST" {
		t.Errorf("future date: %v", err)
	}
	if _, err := bills.Fetch(ctx, client, io.Discard, bills.Link{DownloadURL: srv.URL + "v3/billdownload/file?token=x", HashType: "SM3"}); err == nil {
		t.Error("SM3 link fetched")
	}
	_, err = bills.Fetch(ctx, client, io.Discard, bills.Link{DownloadURL: srv.URL + "v3/billdownload/file?token=unknown", HashType: "SHA1"})
	if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_REQUEST" {
		t.Errorf("unknown token: %v", err)
	}

	// An encrypted bill list is refused, not misread.
	cfg := srv.Config()
	cfg.Verifier = func(next transport.Doer) transport.Doer { return next }
	cfg.Transport = transport.DoerFunc(func(context.Context, *transport.Request) (*transport.Response, error) {
		return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(
			`{"download_bill_count":1,"download_bill_list":[{"bill_sequence":1,"download_url":"https://x/","encrypt_key":"k","hash_type":"SHA1","hash_value":"v","nonce":"n"}]}`)}, nil
	})
	fake, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bills.Download(ctx, fake, io.Discard, "v3/bill/sub-merchant-fundflowbill", wechatpay.M{"query": wechatpay.M{"sub_mchid": "1", "bill_date": "2024-05-01", "algorithm": "AEAD_AES_256_GCM"}}); !errors.Is(err, bills.ErrEncrypted) {
		t.Errorf("encrypted list: %v", err)
	}
}

// hashCounter takes a downloaded bill, hashing and counting it: the
// cheapest writer that still sees every byte.
type hashCounter struct {
	h hash.Hash
	n int64
}

func (w *hashCounter) Write(p []byte) (int, error) {
	w.h.Write(p)
	w.n += int64(len(p))
	return len(p), nil
}

// link asks a bill API for its link without downloading the bill.
func link(t testing.TB, client *wechatpay.Client, tar string) bills.Link {
	t.Helper()
	resp, err := client.Chain("v3/bill/tradebill").Get(context.Background(), query("2024-05-01", tar))
	if err != nil {
		t.Fatal(err)
	}
	return bills.Link{DownloadURL: resp.Get("download_url").String(), HashType: resp.Get("hash_type").String(), HashValue: resp.Get("hash_value").String()}
}

// rowsFor returns the row count of a trade bill of about size bytes.
func rowsFor(t testing.TB, srv *wxpaytest.Server, client *wechatpay.Client, size int64) int {
	srv.SetBillRows(1000)
	_, n, err := bills.Download(context.Background(), client, io.Discard, "v3/bill/tradebill", query("2024-04-30", ""))
	if err != nil {
		t.Fatal(err)
	}
	return int(size / (n / 1000))
}

// Downloading a 64 MiB bill, four times what the client holds in memory
// for a response, allocates a small fraction of it (20 MiB and a looser
// bound under the race detector): the file streams
// from the connection through gunzip and SHA-1 to the writer. (The
// server generates the bill as it sends it, in the same process, so its
// allocations count too.) The 1 GiB run is BenchmarkDownload.
func TestDownloadMemoryFlat(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	size, limit := int64(64<<20), int64(16)
	if raceEnabled {
		size, limit = 20<<20, 2
	}
	for name, client := range clients(t, srv) {
		srv.SetBillRows(rowsFor(t, srv, client, size))
		for _, tar := range []string{"", "GZIP"} {
			link := link(t, client, tar)
			w := &hashCounter{h: sha1.New()}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			n, err := bills.Fetch(context.Background(), client, w, link)
			runtime.ReadMemStats(&after)
			if err != nil || n < size*9/10 || n != w.n || hex.EncodeToString(w.h.Sum(nil)) != link.HashValue {
				t.Fatalf("%s %s: %d bytes, %v", name, tar, n, err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s %s: %d MiB bill, %d KiB allocated", name, tar, n>>20, alloc>>10)
			if alloc > uint64(n/limit) {
				t.Errorf("%s %s: a %d-byte bill allocated %d bytes", name, tar, n, alloc)
			}
		}
	}
}

// BenchmarkDownload streams generated trade bills of 64 MiB and 1 GiB,
// plain and gzip, from the built-in server through the client: MB/s of
// plain text, B/op allocated, and the peak heap in use while it runs.
// The server (same process) generates and compresses the file as it
// sends it, so its work is in the figures.
func BenchmarkDownload(b *testing.B) {
	for _, size := range []int64{64 << 20, 1 << 30} {
		for _, tar := range []string{"", "GZIP"} {
			name := fmt.Sprintf("%dMiB", size>>20)
			if tar != "" {
				name += "-gzip"
			}
			b.Run(name, func(b *testing.B) {
				srv := wxpaytest.NewServer()
				defer srv.Close()
				client := srv.Client()
				srv.SetBillRows(rowsFor(b, srv, client, size))
				link := link(b, client, tar)
				n, err := bills.Fetch(context.Background(), client, io.Discard, link)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(n)
				peak := watchHeap(b)
				b.ReportAllocs()
				for b.Loop() {
					w := &hashCounter{h: sha1.New()}
					if _, err := bills.Fetch(context.Background(), client, w, link); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// watchHeap samples HeapInuse until the benchmark ends and reports the
// highest value seen.
func watchHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(stop)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkReader parses a generated trade bill of 100,000 records.
func BenchmarkReader(b *testing.B) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(100000)
	var buf bytes.Buffer
	if _, _, err := bills.Download(context.Background(), srv.Client(), &buf, "v3/bill/tradebill", query("2024-05-01", "")); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := bills.NewReader(bytes.NewReader(data))
		n := 0
		for _, err := range r.All() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if sum, _ := r.Summary(); sum.Get("总交易单数") != strconv.Itoa(n) {
			b.Fatalf("%d records, summary %v", n, sum.Values())
		}
	}
}
