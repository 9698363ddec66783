package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// badHeaders are names and values that would put something other than the
// request's headers on the wire.
var badHeaders = []struct {
	name, key, value string
}{
	{"tab in name", "Host\t", "evil.example"},
	{"space in name", "X Y", "1"},
	{"NUL in name", "X\x00Y", "1"},
	{"non-ASCII name", "Ünicode", "1"},
	{"colon in name", "X:Y", "1"},
	{"empty name", "", "1"},
	{"NUL in value", "X-Trace", "a\x00b"},
	{"control byte in value", "X-Trace", "a\x01b"},
	{"DEL in value", "X-Trace", "a\x7fb"},
	{"line break in value", "X-Trace", "a\r\nHost: evil.example"},
}

// silentListener accepts connections on 127.0.0.1 and counts the bytes
// that arrive, answering nothing.
func silentListener(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var got atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				buf := make([]byte, 4096)
				for {
					n, err := conn.Read(buf)
					got.Add(int64(n))
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/", &got
}

// Both transports refuse a header that cannot be sent before anything
// goes on the wire, with an error that is not retried.
func TestTransportsRefuseInvalidHeaders(t *testing.T) {
	base, received := silentListener(t)
	for _, tr := range []struct {
		name string
		doer Doer
	}{
		{"fasthttp", NewFastHTTP(FastHTTPOptions{Timeout: 2 * time.Second})},
		{"net/http", &NetHTTP{}},
	} {
		for _, tc := range badHeaders {
			t.Run(tr.name+"/"+tc.name, func(t *testing.T) {
				req := &Request{Method: "GET", BaseURL: base, URI: "v3/certificates", Header: http.Header{tc.key: {tc.value}}}
				resp, err := tr.doer.Do(context.Background(), req)
				var terr *Error
				if resp != nil || !errors.As(err, &terr) || terr.Retryable || !errors.Is(err, ErrInvalidHeader) {
					t.Fatalf("resp %v, err %v; want a non-retryable *Error wrapping ErrInvalidHeader", resp, err)
				}
			})
		}
	}
	time.Sleep(50 * time.Millisecond) // let a stray write, were there one, arrive
	if n := received.Load(); n != 0 {
		t.Fatalf("%d bytes reached the server", n)
	}
}

func TestCheckHeader(t *testing.T) {
	for _, ok := range [][2]string{
		{"X-Trace", "a b\tc"},
		{"Wechatpay-Serial", "PUB_KEY_ID_0112"},
		{"X-Name", "商户"}, // obs-text: bytes from 0x80 pass
		{"X~!#$%&'*+-.^_`|", ""},
	} {
		if err := CheckHeader(ok[0], ok[1]); err != nil {
			t.Errorf("CheckHeader(%q, %q): %v", ok[0], ok[1], err)
		}
	}
	for _, tc := range badHeaders {
		if err := CheckHeader(tc.key, tc.value); !errors.Is(err, ErrInvalidHeader) {
			t.Errorf("%s: CheckHeader(%q, %q) = %v", tc.name, tc.key, tc.value, err)
		}
	}
}
