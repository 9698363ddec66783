package wechatpay_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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

// rawServer is a TCP server on 127.0.0.1 that reads each request in full
// (its header and Content-Length body) and then plays a fault.
type rawServer struct {
	ln       net.Listener
	mu       sync.Mutex
	received int
	conns    []net.Conn
}

func newRawServer(t *testing.T, fault func(conn net.Conn)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, conn)
			s.mu.Unlock()
			go func() {
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					conn.Close()
					return
				}
				if _, err := io.Copy(io.Discard, req.Body); err != nil {
					conn.Close()
					return
				}
				s.mu.Lock()
				s.received++
				s.mu.Unlock()
				fault(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *rawServer) URL() string { return "http://" + s.ln.Addr().String() + "/" }

func (s *rawServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// reset closes a connection with a TCP reset.
func reset(conn net.Conn) {
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

// The backup-domain fault table: how the primary fails, and whether the
// request then goes to the backup domain, for a POST that moves money and
// for a GET query, on both transports. docs/errors.md ("Where a request is
// sent again") states the policy this holds the client to.
func TestFaultBackupDomain(t *testing.T) {
	const header = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n" +
		"Request-Id: 08F78BB5AF0610D7C11E\r\nWechatpay-Nonce: nonce\r\nWechatpay-Timestamp: 1700000000\r\n" +
		"Wechatpay-Serial: PUB_KEY_ID_1\r\nWechatpay-Signature: c2lnbmF0dXJl\r\n\r\n"
	for _, fc := range []struct {
		name string
		// fault is what the primary does with a request it read in full;
		// nil: no primary listens at all (connection refused).
		fault      func(conn net.Conn)
		postResent bool // a POST goes to the backup too
		getResent  bool
		notResent  bool // the POST's error says it was not resent (ErrNotResent)
	}{
		{name: "refused", postResent: true, getResent: true},
		{name: "closed before answering", fault: func(c net.Conn) { c.Close() }, getResent: true, notResent: true},
		{name: "reset before answering", fault: reset, getResent: true, notResent: true},
		{name: "no answer", fault: func(net.Conn) {}, getResent: true, notResent: true},
		{name: "half a status line, then reset", fault: func(c net.Conn) { io.WriteString(c, "HTTP/1.1 2"); reset(c) }},
		{name: "signed headers, then reset", fault: func(c net.Conn) { io.WriteString(c, header+`{"prepay_id":`); reset(c) }},
		{name: "signed headers, then closed", fault: func(c net.Conn) { io.WriteString(c, header+`{"prepay_id":`); c.Close() }},
		{name: "signed headers, then nothing", fault: func(c net.Conn) { io.WriteString(c, header+`{"prepay_id":`) }},
	} {
		for _, tr := range transports {
			t.Run(fc.name+"/"+tr.name, func(t *testing.T) {
				t.Parallel()
				srv := wxpaytest.NewServer()
				defer srv.Close()
				cfg := srv.Config()
				var primaryURL string
				var primary *rawServer
				if fc.fault != nil {
					primary = newRawServer(t, fc.fault)
					primaryURL = primary.URL()
				} else {
					closed, _ := net.Listen("tcp", "127.0.0.1:0")
					primaryURL = "http://" + closed.Addr().String() + "/"
					closed.Close()
				}
				cfg.BaseURL, cfg.BackupURL = primaryURL, srv.URL
				cfg.Timeout = 300 * time.Millisecond
				cfg.Transport = tr.new(cfg)
				if n, ok := cfg.Transport.(*transport.NetHTTP); ok {
					n.Client.Timeout = cfg.Timeout
				}
				client, err := wechatpay.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()

				_, err = client.Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": wechatpay.M{
					"appid": srv.AppID, "mchid": srv.MchID, "description": "fault", "out_trade_no": "FAULT-1",
					"notify_url": "https://example.com/notify", "amount": wechatpay.M{"total": 1},
				}})
				check(t, "POST", err, srv, primary, fc.postResent, fc.notResent)

				srv.Reset()
				before := 0
				if primary != nil {
					before = primary.count()
				}
				_, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
					"out_trade_no": "FAULT-1", "query": wechatpay.M{"mchid": srv.MchID},
				})
				if primary != nil && primary.count()-before != 1 {
					t.Errorf("GET: the primary received %d requests, want 1", primary.count()-before)
				}
				check(t, "GET", err, srv, nil, fc.getResent, false)
			})
		}
	}
}

// check holds one call of the backup-domain fault table to what it
// expects: the primary received it once (if it listens), the backup
// received it once if resent and never otherwise, and a request not resent
// fails with a TransportError that says why.
func check(t *testing.T, method string, err error, backup *wxpaytest.Server, primary *rawServer, resent, notResent bool) {
	t.Helper()
	if primary != nil && primary.count() != 1 {
		t.Errorf("%s: the primary received %d requests, want 1", method, primary.count())
	}
	got := len(backup.Requests())
	var terr *wechatpay.TransportError
	switch {
	case resent && got != 1:
		t.Errorf("%s: the backup received %d requests, want 1 (%v)", method, got, err)
	case resent && errors.As(err, &terr):
		t.Errorf("%s: resent, but %v", method, err)
	case !resent && got != 0:
		t.Errorf("%s: the backup received %d requests, want none", method, got)
	case !resent && !errors.As(err, &terr):
		t.Errorf("%s: %T %v, want a TransportError", method, err, err)
	case !resent && notResent != errors.Is(err, wechatpay.ErrNotResent):
		t.Errorf("%s: %v; want ErrNotResent %v", method, err, notResent)
	case !resent && !notResent && terr.Retryable:
		t.Errorf("%s: %v is Retryable once the primary answered", method, err)
	}
}

// A failed exchange's error text leaves out the query string, which
// carries merchant and order numbers: error text ends up in logs, and the
// Logger promises never to log a query.
func TestFaultErrorTextHasNoQuery(t *testing.T) {
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + closed.Addr().String() + "/"
	closed.Close()
	noAnswer := newRawServer(t, func(c net.Conn) { c.Close() })
	for _, tr := range transports {
		for _, base := range []string{refused, noAnswer.URL()} {
			srv := wxpaytest.NewServer()
			cfg := srv.Config()
			cfg.BaseURL = base
			cfg.Transport = tr.new(cfg)
			client, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
				"out_trade_no": "ORDER-1", "query": wechatpay.M{"mchid": srv.MchID},
			})
			var terr *wechatpay.TransportError
			if !errors.As(err, &terr) || strings.Contains(err.Error(), "mchid=") || strings.Contains(err.Error(), "?") {
				t.Errorf("%s %s: %v", tr.name, base, err)
			}
			srv.Close()
		}
	}
}

// APIv2's queries are POSTs: one the primary received and never answered
// goes to the backup domain like an APIv3 GET, while a micropay, which
// charges the buyer's code, does not.
func TestFaultBackupDomainV2(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			srv := wxpaytest.NewServer()
			defer srv.Close()
			primary := newRawServer(t, func(c net.Conn) { c.Close() })
			cfg := srv.V2Config()
			cfg.BaseURL, cfg.BackupURL = primary.URL(), srv.URL
			cfg.Transport = tr.new(cfg)
			client, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			_, err = client.Chain("v2/pay/micropay").Post(ctx, wechatpay.M{"xml": wechatpay.M{
				"appid": srv.V2AppID, "mch_id": srv.V2MchID, "body": "fault", "out_trade_no": "FAULT-V2",
				"total_fee": "1", "spbill_create_ip": "127.0.0.1", "auth_code": "134567890123456789",
			}})
			check(t, "micropay", err, srv, primary, false, true)
			srv.Reset()
			_, err = client.Chain("v2/pay/orderquery").Post(ctx, wechatpay.M{"xml": wechatpay.M{
				"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "FAULT-V2",
			}})
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("orderquery: the backup received %d requests, want 1 (%v)", n, err)
			}
			var terr *wechatpay.TransportError
			if errors.As(err, &terr) {
				t.Errorf("orderquery: %v", err)
			}
		})
	}
}
