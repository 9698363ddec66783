package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// fasthttp does not say how far an exchange got before it failed, and that
// decides whether a request may be sent again: not at all once a byte of
// the response arrived, and only with care once the whole request was
// written. Its connections are therefore exchangeConns, which record both,
// and which a response finds again through its LocalAddr.

// exchangeConn is one connection of the fasthttp transport. It sits above
// TLS, so the handshake and TLS records other than data count for
// nothing.
type exchangeConn struct {
	net.Conn
	idle     *idleCheck // of the TCP connection, under TLS if any
	mu       sync.Mutex
	reading  bool // the request was written in full and its response is being read
	answered bool // a byte of the response arrived
}

// errIdleClosed is what writing to a pooled connection returns when the
// server closed it while it was idle: nothing was written, so the request
// may go out again on another connection, whatever its method.
var errIdleClosed = errors.New("the server closed the idle connection")

func (c *exchangeConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	next := c.reading
	if next { // the first write of the next exchange on this connection
		c.reading, c.answered = false, false
	}
	c.mu.Unlock()
	// fasthttp has no reader on an idle connection to see the server
	// close it, as net/http has: look before writing on one.
	if next && c.idle.closedWhileIdle() {
		return 0, errIdleClosed
	}
	return c.Conn.Write(p)
}

func (c *exchangeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.reading = true
	if n > 0 {
		c.answered = true
	}
	c.mu.Unlock()
	return n, err
}

// progress reports whether the current exchange wrote the whole request,
// and whether a byte of its response arrived.
func (c *exchangeConn) progress() (sent, answered bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reading, c.answered
}

// LocalAddr leads from a fasthttp response (Response.LocalAddr) back to
// its connection.
func (c *exchangeConn) LocalAddr() net.Addr { return exchangeAddr{c.Conn.LocalAddr(), c} }

type exchangeAddr struct {
	net.Addr
	conn *exchangeConn
}

// tlsExchangeConn is an exchangeConn over TLS. fasthttp takes a connection
// with a Handshake method for one that is TLS already.
type tlsExchangeConn struct {
	*exchangeConn
	tls *tls.Conn
}

func (c tlsExchangeConn) Handshake() error { return c.tls.Handshake() }

// progressOf finds how far the exchange of a fasthttp response got; false,
// false if nothing was connected.
func progressOf(fresp *fasthttp.Response) (sent, answered bool) {
	if a, ok := fresp.LocalAddr().(exchangeAddr); ok {
		return a.conn.progress()
	}
	return false, false
}

// dialer opens the connections of one fasthttp host client: TCP, directly
// or through a proxy, then TLS if the host is https.
type dialer struct {
	tlsConfig *tls.Config // nil for plain http
	proxy     proxyFunc
}

// configure installs the dialer on a fasthttp host client.
func configure(tlsConfig *tls.Config, proxy proxyFunc) func(hc *fasthttp.HostClient) error {
	return func(hc *fasthttp.HostClient) error {
		d := &dialer{proxy: proxy}
		if hc.IsTLS {
			cfg := &tls.Config{}
			if tlsConfig != nil {
				cfg = tlsConfig.Clone()
			}
			if cfg.ServerName == "" {
				host, _, err := net.SplitHostPort(hc.Addr)
				if err != nil {
					host = hc.Addr
				}
				cfg.ServerName = host
			}
			d.tlsConfig = cfg
		}
		hc.DialTimeout = d.dialTimeout
		return nil
	}
}

func (d *dialer) dialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	if timeout <= 0 {
		timeout = fasthttp.DefaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	raw, err := dialVia(ctx, d.proxy, d.tlsConfig != nil, addr)
	if err != nil {
		return nil, err
	}
	if d.tlsConfig == nil {
		return &exchangeConn{Conn: raw, idle: newIdleCheck(raw)}, nil
	}
	tc := tls.Client(raw, d.tlsConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tlsExchangeConn{&exchangeConn{Conn: tc, idle: newIdleCheck(raw)}, tc}, nil
}
