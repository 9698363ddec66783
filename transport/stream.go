package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// A streamed response may take far longer than any sensible per-request
// timeout (a bill file can be gigabytes), while fasthttp applies a
// request's deadline to the whole exchange, body included. Streamed
// requests therefore go through a second fasthttp client whose
// connections carry an idle timeout instead: each read and each write must
// make progress within the configured timeout, and the context alone
// bounds the whole transfer. Its pool is separate, so a long download
// never holds a connection the API calls need.

// newStreamClient returns the fasthttp client for streamed responses.
func newStreamClient(tlsConfig *tls.Config, o FastHTTPOptions) *fasthttp.Client {
	idle := o.Timeout
	return &fasthttp.Client{
		TLSConfig:                 tlsConfig,
		MaxConnsPerHost:           o.MaxConnsPerHost,
		NoDefaultUserAgentHeader:  true,
		DisablePathNormalizing:    true,
		MaxIdemponentCallAttempts: 1,
		StreamResponseBody:        true,
		ReadBufferSize:            16 << 10,
		ConfigureClient: func(hc *fasthttp.HostClient) error {
			https := hc.IsTLS
			hc.Dial = func(addr string) (net.Conn, error) {
				ctx, cancel := context.WithTimeout(context.Background(), idle)
				defer cancel()
				conn, err := dialVia(ctx, o.Proxy, https, addr)
				if err != nil {
					return nil, err
				}
				return &idleConn{Conn: conn, idle: idle}, nil
			}
			return nil
		},
	}
}

// idleConn gives every read and write its own deadline, and ignores the
// deadlines fasthttp would set for the whole exchange.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
	return c.Conn.Write(p)
}

func (c *idleConn) SetDeadline(time.Time) error      { return nil }
func (c *idleConn) SetReadDeadline(time.Time) error  { return nil }
func (c *idleConn) SetWriteDeadline(time.Time) error { return nil }

// doStream sends a request whose response body is handed over as a
// stream. The pooled request and response live until the stream is
// closed.
func (t *FastHTTP) doStream(ctx context.Context, req *Request, freq *fasthttp.Request, fresp *fasthttp.Response) (*Response, error) {
	fresp.StreamBody = true
	if ctx.Done() == nil {
		return t.startStream(ctx, req, freq, fresp)
	}
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := t.startStream(ctx, req, freq, fresp)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-ctx.Done():
		// Whatever arrives later is nobody's: close it.
		go func() {
			if r := <-done; r.resp != nil {
				r.resp.BodyStream.Close()
			}
		}()
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: ctx.Err()}
	}
}

// startStream waits for the response header and wraps the body.
func (t *FastHTTP) startStream(ctx context.Context, req *Request, freq *fasthttp.Request, fresp *fasthttp.Response) (*Response, error) {
	if err := t.stream.Do(freq, fresp); err != nil {
		fasthttp.ReleaseRequest(freq)
		fasthttp.ReleaseResponse(fresp)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err, Retryable: retryable(err)}
	}
	resp := &Response{StatusCode: fresp.StatusCode(), Header: convertHeader(&fresp.Header)}
	body := fresp.BodyStream()
	if body == nil {
		// No body to stream (a 204, say): what little there is was read.
		resp.BodyStream = io.NopCloser(bytes.NewReader(append([]byte(nil), fresp.Body()...)))
		fasthttp.ReleaseRequest(freq)
		fasthttp.ReleaseResponse(fresp)
		return resp, nil
	}
	s := &fastStream{ctx: ctx, body: body, freq: freq, fresp: fresp}
	if ctx.Done() != nil {
		// Cancelling the context interrupts a read in progress.
		s.stop = context.AfterFunc(ctx, func() {
			if rc, ok := body.(fasthttp.ReadCloserWithError); ok {
				rc.CloseWithError(ctx.Err())
			}
		})
	}
	resp.BodyStream = s
	return resp, nil
}

// errClosed is what reading a stream after Close returns.
var errClosed = errors.New("transport: read on a closed response body")

// fastStream is a fasthttp response body being read off the connection.
// It releases the connection and the pooled objects when closed, or when
// read to the end.
type fastStream struct {
	ctx    context.Context
	body   io.Reader
	freq   *fasthttp.Request
	fresp  *fasthttp.Response
	stop   func() bool
	closed atomic.Bool
	eof    atomic.Bool
	once   sync.Once
}

func (s *fastStream) Read(p []byte) (int, error) {
	if s.closed.Load() {
		if s.eof.Load() {
			return 0, io.EOF
		}
		return 0, errClosed
	}
	n, err := s.body.Read(p)
	switch {
	case err == io.EOF:
		s.eof.Store(true)
		s.Close()
	case err != nil && s.ctx.Err() != nil:
		err = s.ctx.Err()
	}
	return n, err
}

// Close stops the transfer if it is not over and frees the connection. It
// may be called from another goroutine than Read, and more than once.
func (s *fastStream) Close() error {
	s.once.Do(func() {
		s.closed.Store(true)
		if s.stop != nil {
			s.stop()
		}
		// fasthttp interrupts a read in progress and waits for it before
		// the connection is pooled or dropped.
		s.fresp.CloseBodyStream()
		fasthttp.ReleaseResponse(s.fresp)
		fasthttp.ReleaseRequest(s.freq)
	})
	return nil
}

// streamLength converts a body length for fasthttp, where -1 means
// chunked.
func streamLength(n int64) int {
	if n < 0 || n > math.MaxInt {
		return -1
	}
	return int(n)
}

// closeBodyStream closes a request's stream that will not be sent.
func closeBodyStream(req *Request) {
	if c, ok := req.BodyStream.(io.Closer); ok {
		c.Close()
	}
}
