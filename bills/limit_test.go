package bills_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// bomb is a gzip file of size zero bytes: a few kilobytes that inflate to
// size.
func bomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for left := size; left > 0; left -= len(zeros) {
		zw.Write(zeros[:min(left, len(zeros))])
	}
	zw.Close()
	return buf.Bytes()
}

// countWriter counts what reaches the caller's writer, and keeps none of
// it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// limitClients returns a client of each transport whose BaseURL is base
// (a plain http server on this machine), keyed by srv, with the download
// limit set.
func limitClients(t testing.TB, srv *wxpaytest.Server, base string, limit int64) map[string]*wechatpay.Client {
	t.Helper()
	out := map[string]*wechatpay.Client{}
	for name, tr := range map[string]transport.Doer{"fasthttp": nil, "net/http": &transport.NetHTTP{Client: &http.Client{}}} {
		cfg := srv.Config()
		cfg.BaseURL, cfg.MaxDownloadBytes, cfg.Transport = base, limit, tr
		c, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = c
	}
	return out
}

// A bill that inflates past Config.MaxDownloadBytes, or a file longer than
// it, stops at the limit with a DownloadTooLargeError: the caller's writer
// gets the bytes up to the limit and not one more.
func TestDownloadLimit(t *testing.T) {
	const limit = 1 << 20
	gz := bomb(t, 8<<20)
	raw := bytes.Repeat([]byte("a,b,c\n"), 1<<20) // 6 MiB
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("token") {
		case "bomb":
			w.Write(gz)
		case "gzip-encoded":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
		default:
			w.Write(raw)
		}
	}))
	defer files.Close()
	srv := wxpaytest.NewServer()
	defer srv.Close()
	for name, client := range limitClients(t, srv, files.URL, limit) {
		for _, token := range []string{"bomb", "gzip-encoded", "raw"} {
			var w countWriter
			link := bills.Link{DownloadURL: files.URL + "/v3/billdownload/file?token=" + token, HashType: "SHA1", HashValue: "00"}
			_, err := bills.Fetch(context.Background(), client, &w, link)
			var tooLarge *wechatpay.DownloadTooLargeError
			if !errors.As(err, &tooLarge) || tooLarge.Limit != limit || !errors.Is(err, transport.ErrBodyTooLarge) {
				t.Errorf("%s %s: %v, want a DownloadTooLargeError", name, token, err)
			}
			if w.n != limit {
				t.Errorf("%s %s: %d bytes reached the writer, want %d", name, token, w.n, limit)
			}
		}

		// Client.DownloadURL holds any file to the limit too, and does not
		// name the query (a download token) in its error.
		resp, err := client.DownloadURL(context.Background(), files.URL+"/v3/billdownload/file?token=raw")
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.BodyStream)
		resp.BodyStream.Close()
		var tooLarge *wechatpay.DownloadTooLargeError
		if !errors.As(err, &tooLarge) || n != limit || tooLarge.What != "v3/billdownload/file" {
			t.Errorf("%s DownloadURL: %d bytes, %v", name, n, err)
		}
	}
}

// BenchmarkDownloadBomb fetches a 256 MiB gzip bomb under a 1 MiB limit:
// the bytes and allocations per operation stay those of a small file.
func BenchmarkDownloadBomb(b *testing.B) {
	gz := bomb(b, 256<<20)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(gz) }))
	defer files.Close()
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := limitClients(b, srv, files.URL, 1<<20)["fasthttp"]
	link := bills.Link{DownloadURL: files.URL + "/v3/billdownload/file?token=bomb", HashType: "SHA1", HashValue: "00"}
	b.ReportAllocs()
	for b.Loop() {
		var w countWriter
		if _, err := bills.Fetch(context.Background(), client, &w, link); !errors.Is(err, transport.ErrBodyTooLarge) {
			b.Fatal(err)
		}
	}
}
