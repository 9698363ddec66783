package transport

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// FastHTTP is the default transport. It reuses connections per host and
// never rewrites the request target, so what is signed is what is sent.
type FastHTTP struct {
	client   *fasthttp.Client
	stream   *fasthttp.Client // for streamed responses; see stream.go
	timeout  time.Duration
	maxBytes int // of a response body, after un-gzipping
}

// FastHTTPOptions are the knobs of NewFastHTTP; the zero value is usable.
type FastHTTPOptions struct {
	TLSConfig        *tls.Config   // base TLS settings (root CAs, client certificates)
	Timeout          time.Duration // one attempt, when the context sets none sooner (each wait for data of a streamed one); DefaultTimeout if zero
	MaxResponseBytes int           // DefaultMaxResponseBytes if zero
	MaxConnsPerHost  int           // fasthttp's default if zero
	// Proxy chooses the proxy of each connection, as http.Transport.Proxy
	// does: http.ProxyFromEnvironment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)
	// if nil. Requests to this machine never go through it.
	Proxy func(*http.Request) (*url.URL, error)
}

// NewFastHTTP returns a fasthttp transport.
func NewFastHTTP(o FastHTTPOptions) *FastHTTP {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	var tlsConfig *tls.Config
	if o.TLSConfig != nil {
		tlsConfig = o.TLSConfig.Clone()
	}
	if o.Proxy == nil {
		o.Proxy = http.ProxyFromEnvironment
	}
	return &FastHTTP{
		timeout:  o.Timeout,
		maxBytes: o.MaxResponseBytes,
		stream:   newStreamClient(tlsConfig, o),
		client: &fasthttp.Client{
			ConfigureClient:               configure(tlsConfig, o.Proxy),
			MaxResponseBodySize:           o.MaxResponseBytes,
			MaxConnsPerHost:               o.MaxConnsPerHost,
			NoDefaultUserAgentHeader:      true,
			DisablePathNormalizing:        true,
			DisableHeaderNamesNormalizing: false,
			MaxIdemponentCallAttempts:     1, // the backup-domain middleware decides on retries
			ReadBufferSize:                8 << 10,
		},
	}
}

// Do sends req. The attempt ends at the context's deadline or after the
// configured timeout, whichever comes first; a cancelled context returns at
// once.
func (t *FastHTTP) Do(ctx context.Context, req *Request) (*Response, error) {
	deadline := time.Now().Add(t.timeout)
	ctxDeadline := false
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, ctxDeadline = d, true
	}
	if err := ctx.Err(); err != nil {
		closeBodyStream(req)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err}
	}
	if err := checkHeaders(req.Header); err != nil {
		closeBodyStream(req)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err}
	}

	freq := fasthttp.AcquireRequest()
	fresp := fasthttp.AcquireResponse()
	freq.Header.DisableNormalizing()
	freq.URI().DisablePathNormalizing = true
	var url [512]byte
	freq.SetRequestURIBytes(append(append(url[:0], req.BaseURL...), req.URI...))
	freq.Header.SetMethod(req.Method)
	for k, vs := range req.Header {
		for _, v := range vs {
			freq.Header.Add(k, v)
		}
	}
	if req.BodyStream != nil {
		freq.SetBodyStream(req.BodyStream, streamLength(req.BodyLength))
	} else if len(req.Body) > 0 {
		freq.SetBodyRaw(req.Body)
	}
	if req.StreamResponse {
		return t.doStream(ctx, req, freq, fresp)
	}
	// Ask for gzip as net/http does, and un-gzip the reply as it does,
	// unless the caller asked for an encoding itself: the verifier then
	// checks the signature over the JSON, which is what WeChat Pay signs
	// and what net/http and OkHttp (the Java SDK) hand their verifiers.
	gunzip := len(req.Header["Accept-Encoding"]) == 0
	if gunzip {
		freq.Header.Set("Accept-Encoding", "gzip")
	}

	if ctx.Done() == nil {
		err := t.do(freq, fresp, deadline)
		return t.finish(req, freq, fresp, gunzip, err)
	}
	// fasthttp's timer and the context's may fire in either order: a
	// timeout at the context's deadline is the context's.
	fromContext := func(err error) error {
		var terr *Error
		if ctxDeadline && errors.Is(err, fasthttp.ErrTimeout) && errors.As(err, &terr) {
			terr.Err, terr.Retryable = errors.Join(context.DeadlineExceeded, terr.Err), false
		}
		return err
	}
	// fasthttp cannot abort a request in flight: the goroutine owns the
	// pooled objects until the exchange ends, and the caller gets control
	// back as soon as its context is done.
	type result struct {
		resp *Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		err := t.do(freq, fresp, deadline)
		resp, err := t.finish(req, freq, fresp, gunzip, err)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, fromContext(r.err)
	case <-ctx.Done():
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: ctx.Err()}
	}
}

// do sends freq, again on another connection when the one it took from
// the pool turned out closed by the server before anything was written
// (a body stream, read once, is not sent again here).
func (t *FastHTTP) do(freq *fasthttp.Request, fresp *fasthttp.Response, deadline time.Time) error {
	err := t.client.DoDeadline(freq, fresp, deadline)
	for i := 0; i < maxIdleRetries && errors.Is(err, errIdleClosed) && !freq.IsBodyStream(); i++ {
		err = t.client.DoDeadline(freq, fresp, deadline)
	}
	return err
}

// maxIdleRetries bounds the connections tried after one closed while
// idle: a server that restarted closed every pooled connection.
const maxIdleRetries = 8

// finish converts the fasthttp response and releases the pooled objects.
func (t *FastHTTP) finish(req *Request, freq *fasthttp.Request, fresp *fasthttp.Response, gunzip bool, err error) (*Response, error) {
	defer fasthttp.ReleaseRequest(freq)
	defer fasthttp.ReleaseResponse(fresp)
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		err = fmt.Errorf("%w: %w", ErrBodyTooLarge, err)
	}
	if err != nil {
		sent, answered := progressOf(fresp)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err, Retryable: !answered && retryable(err), Sent: sent}
	}
	resp := &Response{StatusCode: fresp.StatusCode(), Header: convertHeader(&fresp.Header)}
	body := fresp.Body()
	if gunzip && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		plain, err := gunzipBody(body, t.maxBytes)
		if err != nil {
			return nil, &Error{Method: req.Method, URL: req.URL(), Err: err, Sent: true}
		}
		delete(resp.Header, "Content-Encoding")
		delete(resp.Header, "Content-Length")
		resp.Body = plain
		return resp, nil
	}
	if len(body) > 0 {
		resp.Body = append([]byte(nil), body...)
	}
	return resp, nil
}

// gunzipBody un-gzips a reply, up to limit bytes.
func gunzipBody(body []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the gzip reply is damaged: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("the gzip reply is damaged: %w", err)
	case len(plain) > limit:
		return nil, fmt.Errorf("%w: more than %d bytes once un-gzipped", ErrBodyTooLarge, limit)
	}
	return plain, nil
}

// convertHeader copies a fasthttp response header into an http.Header with
// two allocations for the values however many there are: one string
// holding every value, one []string, and the map. Well-known keys are
// interned.
func convertHeader(h *fasthttp.ResponseHeader) http.Header {
	n, size := 0, 0
	for k, v := range h.All() {
		n++
		size += len(v)
		if canonicalKey(k) == "" {
			size += len(k)
		}
	}
	var buf strings.Builder
	buf.Grow(size)
	for k, v := range h.All() {
		buf.Write(v)
		if canonicalKey(k) == "" {
			buf.Write(k)
		}
	}
	all := buf.String()
	values := make([]string, n)
	out := make(http.Header, n)
	i, off := 0, 0
	for k, v := range h.All() {
		values[i] = all[off : off+len(v)]
		off += len(v)
		key := canonicalKey(k)
		if key == "" {
			key = http.CanonicalHeaderKey(all[off : off+len(k)])
			off += len(k)
		}
		if prev, ok := out[key]; ok {
			out[key] = append(prev, values[i])
		} else {
			out[key] = values[i : i+1 : i+1]
		}
		i++
	}
	return out
}

// canonicalKey interns the headers WeChat Pay sends on every response.
func canonicalKey(k []byte) string {
	switch string(k) {
	case "Content-Type":
		return "Content-Type"
	case "Content-Length":
		return "Content-Length"
	case "Content-Encoding":
		return "Content-Encoding"
	case "Date":
		return "Date"
	case "Server":
		return "Server"
	case "Connection":
		return "Connection"
	case "Keep-Alive":
		return "Keep-Alive"
	case "Request-Id", "Request-ID":
		return "Request-Id"
	case "Wechatpay-Nonce":
		return "Wechatpay-Nonce"
	case "Wechatpay-Signature":
		return "Wechatpay-Signature"
	case "Wechatpay-Timestamp":
		return "Wechatpay-Timestamp"
	case "Wechatpay-Serial":
		return "Wechatpay-Serial"
	case "Wechatpay-Signature-Type":
		return "Wechatpay-Signature-Type"
	}
	return ""
}
