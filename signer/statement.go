package signer

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/wxpay-go/wechatpay/transport"
)

// HeaderStatementSHA1 carries the SHA-1 of an overseas statement's plain
// text, which the response signature covers in place of the body.
const HeaderStatementSHA1 = "Wechatpay-Statement-Sha1"

// ErrDigestMismatch reports a body that does not match the digest its
// signature covers.
var ErrDigestMismatch = errors.New("body does not match its signed digest")

// signedBody is what a request signature covers: the body, or SignedBody
// in its place (always so for a streamed body, which cannot be read
// twice).
func signedBody(req *transport.Request) []byte {
	if req.SignedBody != nil || req.BodyStream != nil {
		return req.SignedBody
	}
	return req.Body
}

// verify checks a successful response to req.
func (v *Verifier) verify(req *transport.Request, resp *transport.Response) error {
	if isStatement(req) {
		if digest := resp.Header.Get(HeaderStatementSHA1); digest != "" {
			return v.checkStatement(resp, digest)
		}
	}
	if resp.BodyStream != nil {
		if err := readStream(resp); err != nil {
			return err
		}
	}
	return v.Check(resp.Header.Get, resp.Body)
}

// isStatement tells the two overseas statement endpoints, however the
// base URL splits their path.
func isStatement(req *transport.Request) bool {
	path, _, _ := strings.Cut(req.URI, "?")
	if !strings.HasSuffix(path, "/statements") {
		return false
	}
	target := transport.BasePath(req.BaseURL) + path
	return target == "/hk/v3/statements" || target == "/v3/global/statements"
}

// readStream reads a streamed body that is signed over itself into
// memory, since it must be whole before its signature can be checked.
func readStream(resp *transport.Response) error {
	body, err := io.ReadAll(io.LimitReader(resp.BodyStream, transport.DefaultMaxResponseBytes+1))
	resp.BodyStream.Close()
	if err != nil {
		return err
	}
	if len(body) > transport.DefaultMaxResponseBytes {
		return fmt.Errorf("%w: a body signed over itself must fit in %d bytes to be verified", transport.ErrBodyTooLarge, transport.DefaultMaxResponseBytes)
	}
	resp.Body = body
	resp.BodyStream = io.NopCloser(bytes.NewReader(body))
	return nil
}

// checkStatement verifies the signature over the statement digest, then
// holds the body to that digest: at once for a body in memory, as it is
// read for a stream. The digest is of the plain text, so a gzip-encoded
// stream is handed over decoded, as net/http does.
func (v *Verifier) checkStatement(resp *transport.Response, digest string) error {
	if len(digest) != 2*sha1.Size || !isHex(digest) {
		return fmt.Errorf("%w: %s %q is not a hex SHA-1", ErrDigestMismatch, HeaderStatementSHA1, digest)
	}
	if err := v.Check(resp.Header.Get, []byte(`{"sha1":"`+digest+`"}`)); err != nil {
		return err
	}
	gzipped := strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip")
	if resp.BodyStream == nil {
		d := &digestReader{src: io.NopCloser(bytes.NewReader(resp.Body)), gzipped: gzipped, want: digest}
		_, err := io.Copy(io.Discard, d)
		return err
	}
	resp.BodyStream = &digestReader{src: resp.BodyStream, gzipped: gzipped, want: digest}
	if gzipped {
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// digestReader hashes what it hands over and fails the read that reaches
// the end if the hash is not the one wanted.
type digestReader struct {
	src     io.ReadCloser
	gzipped bool
	want    string

	r   io.Reader // src, or a gzip reader over it, made on first read
	h   hash.Hash
	err error // sticky
}

func (d *digestReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.r == nil {
		d.h = sha1.New()
		d.r = d.src
		if d.gzipped {
			zr, err := gzip.NewReader(d.src)
			if err != nil {
				d.err = fmt.Errorf("statement: %w", err)
				return 0, d.err
			}
			d.r = zr
		}
	}
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF {
		var sum [sha1.Size]byte
		if got := hex.EncodeToString(d.h.Sum(sum[:0])); !strings.EqualFold(got, d.want) {
			err = fmt.Errorf("%w: %s is %s, the body's SHA-1 is %s", ErrDigestMismatch, HeaderStatementSHA1, d.want, got)
		}
	}
	if err != nil {
		d.err = err
	}
	return n, err
}

func (d *digestReader) Close() error { return d.src.Close() }
