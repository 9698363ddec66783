package wechatpay_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The fault tests: what the client does when the network, the server or
// the caller's input fails part way. Each row runs on both transports and
// counts what reached the primary and the backup domain. Run them under
// -race.

// transports are the two ways a client puts requests on the wire.
var transports = []struct {
	name string
	new  func(cfg wechatpay.Config) transport.Doer // nil: the default
}{
	{"fasthttp", func(wechatpay.Config) transport.Doer { return nil }},
	{"net/http", func(cfg wechatpay.Config) transport.Doer {
		return &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{
			TLSClientConfig: cfg.TLSConfig.Clone(), ForceAttemptHTTP2: false,
			TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
		}}}
	}},
}

// counter is a TCP listener on 127.0.0.1 that counts connections and
// closes them at once.
type counter struct {
	ln net.Listener
	mu sync.Mutex
	n  int
}

func newCounter(t *testing.T) *counter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &counter{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			c.n++
			c.mu.Unlock()
			conn.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return c
}

func (c *counter) URL() string { return "http://" + c.ln.Addr().String() + "/" }

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// A file that changes while it is being uploaded is the caller's input
// failing: a RequestError, not a TransportError, and not sent again to
// the backup domain.
func TestFaultBodyChanged(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			srv := wxpaytest.NewServer()
			defer srv.Close()
			backup := newCounter(t)
			cfg := srv.Config()
			cfg.BackupURL = backup.URL()
			cfg.Transport = tr.new(cfg)
			client, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				call func(f *media.File) error
			}{
				{"APIv3", func(f *media.File) error {
					_, err := client.Chain("v3/merchant/media/upload").Post(context.Background(), wechatpay.M{"body": f})
					return err
				}},
				{"APIv2", func(f *media.File) error {
					_, err := client.Chain("v2/secapi/mch/uploadmedia").Post(context.Background(), wechatpay.M{"security": true, "body": f})
					return err
				}},
			} {
				data := []byte("the real photo, long enough to be read in more than no time at all")
				f := media.FromBytes("a.jpg", data)
				data[len(data)-1] = 'X'
				err := tc.call(f)
				var reqErr *wechatpay.RequestError
				var terr *wechatpay.TransportError
				if !errors.As(err, &reqErr) || errors.As(err, &terr) || !errors.Is(err, media.ErrChanged) {
					t.Errorf("%s: %T %v, want a RequestError with ErrChanged", tc.name, err, err)
				}
			}
			if n := backup.count(); n != 0 {
				t.Errorf("the backup domain got %d connections", n)
			}
			if n := len(srv.Uploads()); n != 0 {
				t.Errorf("the server kept %d uploads", n)
			}
		})
	}
}
