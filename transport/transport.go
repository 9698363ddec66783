// Package transport holds the request and response types that travel
// through the client's middleware, and the two transports that put them on
// the wire: fasthttp (the default) and net/http.
//
// A middleware is any Doer that wraps another Doer, in the manner of an
// http.RoundTripper: the APIv3 signer and verifier in package signer are
// built that way, and so can a user's own (tracing, a remote signing
// service, a recorder in tests).
package transport

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// DefaultMaxResponseBytes bounds a response body when no limit is set.
const DefaultMaxResponseBytes = 16 << 20

// DefaultTimeout bounds one attempt when neither the caller's context nor
// the configuration sets a shorter deadline.
const DefaultTimeout = 30 * time.Second

// Request is one HTTP request as the protocol layers see it.
//
// BaseURL and URI are kept apart because the APIv3 signature covers the
// request target exactly as sent (the path below the host plus the query),
// while the backup-domain retry swaps only the host part.
type Request struct {
	Method  string
	BaseURL string // scheme, host and an optional path prefix, ending in "/"
	URI     string // the path below BaseURL with its query, no leading "/"
	Header  http.Header
	Body    []byte

	// BodyStream, when set, is sent instead of Body: BodyLength bytes, or
	// until EOF when BodyLength is negative. A transport reads it once and
	// closes it if it is an io.Closer. It is signed over SignedBody.
	BodyStream io.Reader
	BodyLength int64
	// SignedBody, when set (and always with a BodyStream), is what the
	// APIv3 signature covers in place of the body: the meta JSON of a
	// media upload.
	SignedBody []byte
	// StreamResponse asks for the response body as it arrives, in
	// Response.BodyStream, instead of in memory: bill files can be
	// gigabytes.
	StreamResponse bool

	// Unsigned marks an endpoint whose successful response carries no
	// signature (bill files, complaint images). Verifiers skip it.
	Unsigned bool
	// Security asks for the merchant client certificate (APIv2 "security").
	Security bool
	// Nonceless tells the APIv2 signer not to add a nonce_str (the
	// "nonceless" option, for the few endpoints that take none).
	Nonceless bool
}

// Target returns the request target as it goes on the wire and into the
// APIv3 signature: the path of BaseURL, the URI, and a leading "/".
func (r *Request) Target() string {
	return BasePath(r.BaseURL) + r.URI
}

// URL returns the absolute URL of the request.
func (r *Request) URL() string {
	return r.BaseURL + r.URI
}

// BasePath returns the path of an absolute base URL, "/" at least: the
// part of a request target that comes before Request.URI.
func BasePath(base string) string {
	_, rest, ok := strings.Cut(base, "://")
	if !ok {
		return "/"
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return "/"
}

// Response is a received HTTP response with its whole body, or with a
// stream of it when the request asked for one.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// BodyStream is the body of a response to a StreamResponse request,
	// to be read and closed; Body is nil then. A transport that cannot
	// stream leaves it nil and fills Body instead.
	BodyStream io.ReadCloser
	// Fields are the fields of an APIv2 XML reply, after its verification:
	// what transformer.ToMap reads from Body. nil for any other reply.
	Fields map[string]string
}

// Get reads one value of the reply: with a gjson path from a JSON body, or
// the field of that name of an APIv2 reply (Fields), as a string.
func (r *Response) Get(path string) gjson.Result {
	if r.Fields != nil {
		v, ok := r.Fields[path]
		if !ok {
			return gjson.Result{}
		}
		raw, _ := json.Marshal(v) // a string always encodes
		return gjson.Result{Type: gjson.String, Str: v, Raw: string(raw)}
	}
	return gjson.GetBytes(r.Body, path)
}

// OK reports whether the response is a success: a 2xx status. A reply
// that is not is not verified, and reaches the caller as an error.
func (r *Response) OK() bool {
	return r.StatusCode >= 200 && r.StatusCode <= 299
}

// Doer sends a request and returns its response: a transport puts it on
// the wire, a middleware changes what passes and hands it to the next
// Doer, in the manner of net/http's RoundTripper.
//
// Do must not change the Request it is given, its Header map nor the
// slices the map holds, Body or SignedBody: the caller owns them, may
// read them again once Do returns (to retry on the backup domain, to log
// the target), and may share them between calls. A middleware that sends
// something else (a signer adding Authorization, an APIv2 signer adding
// sign) passes on a copy, cloning what it changes: a shallow copy of the
// Request, and of the Header map before setting a header in it. The one
// exception is BodyStream, which can be read only once: the transport
// reads it, and closes it if it is an io.Closer, whatever the outcome.
//
// Do returns a response whenever one arrived, whatever its status: a
// status that is not a success (Response.OK) is the caller's to judge,
// and a middleware passes it on without verifying it. A non-nil error
// means no usable response: a *Error from a transport, a
// *signer.VerifyError from a verifier, or the error of a middleware that
// refused the request. Do must be safe for concurrent use, and must
// return once ctx is done.
type Doer interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}

// DoerFunc adapts a function to a Doer.
type DoerFunc func(ctx context.Context, req *Request) (*Response, error)

// Do calls f.
func (f DoerFunc) Do(ctx context.Context, req *Request) (*Response, error) { return f(ctx, req) }

// Middleware wraps a Doer in another.
type Middleware func(next Doer) Doer
