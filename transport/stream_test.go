package transport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// pattern is an endless, cheap, non-repeating-looking byte source.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.off*7 + p.off>>9)
		p.off++
	}
	return len(b), nil
}

func patternSum(n int64) string {
	h := sha256.New()
	io.Copy(h, io.LimitReader(&pattern{}, n))
	return hex.EncodeToString(h.Sum(nil))
}

// streamServer serves /big?n=N (N pattern bytes; chunked if &chunked),
// /echo (the length and SHA-256 of the request body), /stall (a little,
// then nothing), /slow (20 pieces 50 ms apart) and /empty (204).
func streamServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		}
		io.Copy(w, io.LimitReader(&pattern{}, n))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Fprintf(w, "%d %s %d", n, hex.EncodeToString(h.Sum(nil)), r.ContentLength)
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		for range 20 {
			w.Write([]byte("0123456789"))
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
		}
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func transports(timeout time.Duration) map[string]transport.Doer {
	return map[string]transport.Doer{
		"fasthttp": transport.NewFastHTTP(transport.FastHTTPOptions{Timeout: timeout}),
		"net/http": &transport.NetHTTP{},
	}
}

func get(srv *httptest.Server, uri string) *transport.Request {
	return &transport.Request{Method: "GET", BaseURL: srv.URL + "/", URI: uri, Header: http.Header{}, StreamResponse: true}
}

// A streamed response is handed over as it arrives: reading 32 MiB costs
// a small fraction of that in allocations, and more than the 16 MiB an
// in-memory response may hold.
func TestStreamResponseBody(t *testing.T) {
	srv := streamServer(t)
	const n = 32 << 20
	want := patternSum(n)
	for name, doer := range transports(0) {
		for _, chunked := range []string{"", "&chunked=1"} {
			t.Run(name+chunked, func(t *testing.T) {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				resp, err := doer.Do(context.Background(), get(srv, "big?n="+strconv.Itoa(n)+chunked))
				if err != nil {
					t.Fatal(err)
				}
				if resp.Body != nil || resp.BodyStream == nil {
					t.Fatalf("Body %d bytes, BodyStream %v", len(resp.Body), resp.BodyStream)
				}
				h := sha256.New()
				got, err := io.Copy(h, resp.BodyStream)
				resp.BodyStream.Close()
				runtime.ReadMemStats(&after)
				if err != nil || got != n || hex.EncodeToString(h.Sum(nil)) != want {
					t.Fatalf("read %d bytes, %v; digest match %v", got, err, hex.EncodeToString(h.Sum(nil)) == want)
				}
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > n/8 {
					t.Errorf("streaming %d bytes allocated %d bytes", n, alloc)
				}
			})
		}
	}
}

// A request body given as a stream reaches the server whole, with its
// length or chunked.
func TestStreamRequestBody(t *testing.T) {
	srv := streamServer(t)
	const n = 8<<20 + 3
	want := patternSum(n)
	for name, doer := range transports(0) {
		for _, length := range []int64{n, -1} {
			t.Run(fmt.Sprint(name, length), func(t *testing.T) {
				closed := false
				req := &transport.Request{Method: "POST", BaseURL: srv.URL + "/", URI: "echo", Header: http.Header{},
					BodyStream: &closeTracker{Reader: io.LimitReader(&pattern{}, n), closed: &closed}, BodyLength: length}
				resp, err := doer.Do(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				wantReply := fmt.Sprintf("%d %s %d", n, want, length)
				if string(resp.Body) != wantReply {
					t.Fatalf("server saw %q, want %q", resp.Body, wantReply)
				}
				if !closed {
					t.Error("the transport did not close the body stream")
				}
			})
		}
	}
}

type closeTracker struct {
	io.Reader
	closed *bool
}

func (c *closeTracker) Close() error { *c.closed = true; return nil }

// Cancelling the context interrupts a read in progress and reports the
// context's error.
func TestStreamCancel(t *testing.T) {
	srv := streamServer(t)
	for name, doer := range transports(0) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			resp, err := doer.Do(ctx, get(srv, "stall"))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.BodyStream.Close()
			if _, err := io.ReadFull(resp.BodyStream, make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			go cancel()
			_, err = io.Copy(io.Discard, resp.BodyStream)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("read after cancel: %v, want context.Canceled", err)
			}
		})
	}
}

// Closing a stream before its end frees it; later reads fail.
func TestStreamCloseEarly(t *testing.T) {
	srv := streamServer(t)
	for name, doer := range transports(0) {
		t.Run(name, func(t *testing.T) {
			for range 3 { // the freed connection or a new one serves the next
				resp, err := doer.Do(context.Background(), get(srv, "big?n=10000000"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(resp.BodyStream, make([]byte, 4096)); err != nil {
					t.Fatal(err)
				}
				if err := resp.BodyStream.Close(); err != nil {
					t.Fatal(err)
				}
				if _, err := resp.BodyStream.Read(make([]byte, 10)); err == nil {
					t.Fatal("read after Close succeeded")
				}
			}
		})
	}
}

// With fasthttp, the configured timeout bounds each wait for data, not the
// whole transfer: a body that keeps coming is read to its end however
// long it takes, and one that stops is cut off.
func TestStreamIdleTimeout(t *testing.T) {
	srv := streamServer(t)
	doer := transport.NewFastHTTP(transport.FastHTTPOptions{Timeout: time.Second})

	resp, err := doer.Do(context.Background(), get(srv, "slow"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.BodyStream)
	if err != nil || len(body) != 200 {
		t.Fatalf("slow body: %d bytes, %v", len(body), err)
	}

	resp, err = doer.Do(context.Background(), get(srv, "stall"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.BodyStream.Close()
	n, err := io.Copy(io.Discard, resp.BodyStream)
	if err == nil || n != 1000 {
		t.Fatalf("stalled body: %d bytes, %v; want 1000 and a timeout", n, err)
	}
}

// A response without a body still comes as a (empty) stream.
func TestStreamEmpty(t *testing.T) {
	srv := streamServer(t)
	for name, doer := range transports(0) {
		t.Run(name, func(t *testing.T) {
			resp, err := doer.Do(context.Background(), get(srv, "empty"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.BodyStream)
			resp.BodyStream.Close()
			if resp.StatusCode != 204 || len(body) != 0 || err != nil {
				t.Fatalf("%d %q %v", resp.StatusCode, body, err)
			}
		})
	}
}

// A request that is not streamed still has its body in memory.
func TestNoStreamUnchanged(t *testing.T) {
	srv := streamServer(t)
	for name, doer := range transports(0) {
		t.Run(name, func(t *testing.T) {
			req := get(srv, "big?n=1000")
			req.StreamResponse = false
			resp, err := doer.Do(context.Background(), req)
			if err != nil || len(resp.Body) != 1000 || resp.BodyStream != nil {
				t.Fatalf("%v %d %v", err, len(resp.Body), resp.BodyStream)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Length"), "1000") {
				t.Errorf("Content-Length %q", resp.Header.Get("Content-Length"))
			}
		})
	}
}
