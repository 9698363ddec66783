package wechatpay

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// A header option that cannot be sent is a RequestError whichever
// transport is configured, and nothing reaches the server.
func TestInvalidHeaderOptionRefusedOnBothTransports(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close()
		}
	}()
	for _, tr := range []struct {
		name string
		doer transport.Doer
	}{
		{"fasthttp", transport.NewFastHTTP(transport.FastHTTPOptions{Timeout: 2 * time.Second})},
		{"net/http", &transport.NetHTTP{}},
	} {
		cfg := testConfig(tr.doer)
		cfg.BaseURL = "http://" + ln.Addr().String() + "/"
		client, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []any{
			M{"Host\t": "evil.example"},
			map[string]string{"X\x00Y": "1"},
			http.Header{"Ünicode": {"1"}},
			M{"X-Trace": "a\x00b"},
			M{"X-Trace": "a\x01b"},
			map[string]string{"X-Trace": "a\r\nHost: evil.example"},
		} {
			_, err := client.Chain("v3/certificates").Get(context.Background(), M{"headers": h})
			var rerr *RequestError
			if !errors.As(err, &rerr) || !errors.Is(err, transport.ErrInvalidHeader) {
				t.Errorf("%s, headers %q: %v; want a RequestError wrapping ErrInvalidHeader", tr.name, h, err)
			}
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("%d connections reached the server", n)
	}
}
