package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
)

// NetHTTP sends requests through a net/http client, for proxies, tracing
// round trippers and anything else built on net/http.
type NetHTTP struct {
	Client           *http.Client // http.DefaultClient if nil
	MaxResponseBytes int          // DefaultMaxResponseBytes if zero
}

// Do sends req with the net/http client.
func (t *NetHTTP) Do(ctx context.Context, req *Request) (*Response, error) {
	if err := checkHeaders(req.Header); err != nil {
		closeBodyStream(req)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err}
	}
	var body io.Reader
	if req.BodyStream != nil {
		body = req.BodyStream
	} else if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL(), body)
	if err != nil {
		closeBodyStream(req)
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err}
	}
	if req.BodyStream != nil {
		hreq.ContentLength = max(req.BodyLength, -1)
		if hreq.ContentLength == 0 {
			closeBodyStream(req)
			hreq.Body = http.NoBody
		}
	}
	// Keep the target byte for byte: url.URL would re-encode the path. An
	// Opaque that starts with a single "/" is sent as is, in origin form.
	path, query, _ := strings.Cut(req.Target(), "?")
	hreq.URL.Opaque, hreq.URL.RawQuery = path, query
	for k, vs := range req.Header {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	if ua := req.Header.Get("User-Agent"); ua == "" {
		hreq.Header.Set("User-Agent", "") // no Go-http-client default: the caller decides
	}
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	var p progress
	hreq = hreq.WithContext(httptrace.WithClientTrace(hreq.Context(), p.trace()))
	hresp, err := client.Do(hreq)
	if err != nil {
		sent, answered := p.get()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, &Error{Method: req.Method, URL: req.URL(), Err: ctxErr, Sent: sent}
		}
		retry := !answered && retryable(err)
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // its text repeats the URL, query and all
		}
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err, Retryable: retry, Sent: sent}
	}
	if req.StreamResponse {
		return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, BodyStream: hresp.Body}, nil
	}
	defer hresp.Body.Close()
	limit := t.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, int64(limit)+1))
	if err != nil {
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: err, Sent: true}
	}
	if len(data) > limit {
		return nil, &Error{Method: req.Method, URL: req.URL(), Err: fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit), Sent: true}
	}
	return &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: data}, nil
}

// progress records how far a net/http exchange got, from its trace: the
// facts the backup-domain retry decides on. A RoundTripper that reports
// nothing (one that is not an http.Transport) counts as having sent the
// request: nothing says it did not.
type progress struct {
	mu                     sync.Mutex
	traced, sent, answered bool
}

func (p *progress) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			p.mu.Lock()
			p.traced = true
			p.mu.Unlock()
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			p.mu.Lock()
			p.sent = p.sent || info.Err == nil
			p.mu.Unlock()
		},
		GotFirstResponseByte: func() {
			p.mu.Lock()
			p.answered = true
			p.mu.Unlock()
		},
	}
}

// get reports whether the whole request was written and whether a byte
// of a response arrived.
func (p *progress) get() (sent, answered bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent || !p.traced, p.answered
}
