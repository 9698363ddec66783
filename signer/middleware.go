package signer

import (
	"context"
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// Signer is the APIv3 signing middleware: it passes Next a copy of each
// request with the Authorization header set, leaving the request itself
// as it was (transport.Doer). It signs again on every call, so a retried
// request gets a fresh timestamp and nonce.
type Signer struct {
	MchID  string
	Serial string        // merchant API certificate serial number
	Key    crypto.Signer // merchant API private key, or an HSM/KMS signer
	Next   transport.Doer

	Now func() time.Time // time.Now if nil; for tests
}

// Do signs req and sends it through Next.
func (s *Signer) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var nonce [NonceLength]byte
	fillNonce(&nonce)
	ts := now().Unix()
	var buf [1024]byte
	msg := appendRequestMessage(buf[:0], req.Method, transport.BasePath(req.BaseURL), req.URI, ts, string(nonce[:]), signedBody(req))
	auth, err := authorization(s.MchID, s.Serial, s.Key, msg, ts, string(nonce[:]))
	if err != nil {
		return nil, err
	}
	// The request is the caller's (transport.Doer): Next gets a copy
	// with a header map of its own; the values are shared, unchanged.
	// One allocation holds the copy and the new value.
	signed := &signedRequest{Request: *req, auth: [1]string{auth}}
	signed.Header = make(map[string][]string, len(req.Header)+1)
	for k, vs := range req.Header {
		signed.Header[k] = vs
	}
	signed.Header["Authorization"] = signed.auth[:]
	return s.Next.Do(ctx, &signed.Request)
}

// signedRequest is a request with room for its Authorization value.
type signedRequest struct {
	transport.Request
	auth [1]string
}

// Keys finds the platform public key named by a serial: a platform
// certificate serial number or a public key id (PUB_KEY_ID_...).
type Keys interface {
	PublicKey(serial string) (*rsa.PublicKey, bool)
}

// StaticKeys is a fixed set of platform keys.
type StaticKeys map[string]*rsa.PublicKey

// PublicKey looks serial up.
func (k StaticKeys) PublicKey(serial string) (*rsa.PublicKey, bool) {
	key, ok := k[serial]
	return key, ok && key != nil
}

// DefaultWindow is how far a response timestamp may be from the local
// clock, as WeChat Pay documents.
const DefaultWindow = 300 * time.Second

// Verifier is the APIv3 response verification middleware. A successful
// (2xx) response must carry the four Wechatpay-* headers, a timestamp
// within Window of the local clock, a serial known to Keys, and a valid
// signature; otherwise Do returns a *VerifyError and no response. Requests
// marked Unsigned, and error responses, pass through unchecked: callers
// treat the latter as errors anyway.
//
// Overseas statements (hk/v3/statements, v3/global/statements) are signed
// over {"sha1":"<Wechatpay-Statement-Sha1>"} instead of their body; the
// body is then checked against that digest too. A streamed body signed
// over itself is read into memory, up to transport.DefaultMaxResponseBytes,
// to be verified.
type Verifier struct {
	Keys   Keys
	Next   transport.Doer
	Window time.Duration    // DefaultWindow if zero
	Now    func() time.Time // time.Now if nil; for tests
}

// Do sends req through Next and verifies the response.
func (v *Verifier) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	resp, err := v.Next.Do(ctx, req)
	if err != nil || req.Unsigned || !resp.OK() {
		return resp, err
	}
	if err := v.verify(req, resp); err != nil {
		if resp.BodyStream != nil {
			resp.BodyStream.Close()
		}
		return nil, &VerifyError{Method: req.Method, Target: req.Target(), Err: err}
	}
	return resp, nil
}

// Check verifies a signed message given its headers (through get, such as
// http.Header.Get) and body. Callbacks use it too.
func (v *Verifier) Check(get func(string) string, body []byte) error {
	timestamp, nonce := get(HeaderTimestamp), get(HeaderNonce)
	signature, serial := get(HeaderSignature), get(HeaderSerial)
	for _, h := range [...]struct{ name, value string }{
		{HeaderTimestamp, timestamp}, {HeaderNonce, nonce},
		{HeaderSignature, signature}, {HeaderSerial, serial},
	} {
		if h.value == "" {
			return fmt.Errorf("%w %s", ErrMissingHeader, h.name)
		}
	}
	if strings.HasPrefix(signature, "WECHATPAY/SIGNTEST/") {
		return ErrSignTest
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not a Unix time", ErrStale, HeaderTimestamp, timestamp)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	window := v.Window
	if window <= 0 {
		window = DefaultWindow
	}
	if skew := now().Unix() - ts; skew > int64(window/time.Second) || -skew > int64(window/time.Second) {
		return fmt.Errorf("%w: %s %d is %ds from the local clock (limit %s)", ErrStale, HeaderTimestamp, ts, skew, window)
	}
	if v.Keys == nil {
		return fmt.Errorf("%w: no platform keys configured (serial %s)", ErrUnknownSerial, serial)
	}
	key, ok := v.Keys.PublicKey(serial)
	if !ok {
		return fmt.Errorf("%w %s", ErrUnknownSerial, serial)
	}
	var buf [1024]byte
	return Verify(key, appendResponseMessage(buf[:0], timestamp, nonce, body), signature)
}

// Reasons a verification fails, for errors.Is.
var (
	ErrMissingHeader = errors.New("missing header")
	ErrStale         = errors.New("timestamp out of window")
	ErrUnknownSerial = errors.New("unknown platform serial")
	// ErrSignTest marks a WECHATPAY/SIGNTEST/ probe signature, which WeChat
	// Pay sends on purpose to see whether merchants verify.
	ErrSignTest = errors.New("WECHATPAY/SIGNTEST/ probe signature")
)

// VerifyError is a response that failed verification. Its body is not
// handed to the caller.
type VerifyError struct {
	Method string
	Target string
	Err    error
}

func (e *VerifyError) Error() string {
	return e.Method + " " + strings.TrimPrefix(e.Target, "/") + ": response verification failed: " + e.Err.Error()
}

func (e *VerifyError) Unwrap() error { return e.Err }
