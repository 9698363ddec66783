package wechatpay

import (
	"errors"
	"io"
	"sync"

	"github.com/wxpay-go/wechatpay/transport"
)

// Body is a request body that brings its own Content-Type and the part of
// it the APIv3 signature covers, such as a media upload from package
// media. Pass one as the "body" option: it is streamed, not read into
// memory.
type Body interface {
	// ContentType is sent as the Content-Type header.
	ContentType() string
	// SignedBody is what the request signature covers in place of the
	// body: the meta JSON of an upload.
	SignedBody() []byte
	// Open returns the body and its length in bytes, -1 if unknown. Each
	// request opens the body once, and the transport closes what Open
	// returned, maybe from another goroutine than the one reading it. A
	// reader that is also an io.Seeker can be sent again to the backup
	// domain.
	Open() (io.ReadCloser, int64, error)
}

// setBody sets the request body from the body option.
func setBody(req *transport.Request, v any) error {
	b, ok := v.(Body)
	if !ok {
		var err error
		req.Body, err = readBody(v)
		return err
	}
	r, n, err := b.Open()
	if err != nil {
		return err
	}
	req.BodyStream, req.BodyLength = &sourceBody{r: r}, n
	req.SignedBody = b.SignedBody()
	req.Header["Content-Type"] = []string{b.ContentType()}
	return nil
}

// rewind readies a request stream to be sent again, if it can be.
func rewind(r io.Reader) bool {
	s, ok := r.(io.Seeker)
	if !ok {
		return false
	}
	_, err := s.Seek(0, io.SeekStart)
	return err == nil
}

// sourceBody is a streamed request body that keeps the first error its
// source returned. A transport cannot tell a body that failed from a
// network that did; the caller's input failing (a file that changed after
// it was hashed, a disk error) is a RequestError, and sending it again to
// the backup domain would fail the same way.
type sourceBody struct {
	r   io.ReadCloser
	mu  sync.Mutex // Read and Close may run on the transport's goroutines
	err error
}

func (s *sourceBody) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	return n, err
}

func (s *sourceBody) Close() error { return s.r.Close() }

// Seek rewinds the source, if it can be, for the backup domain.
func (s *sourceBody) Seek(offset int64, whence int) (int64, error) {
	sk, ok := s.r.(io.Seeker)
	if !ok {
		return 0, errors.New("the body cannot be sent again")
	}
	return sk.Seek(offset, whence)
}

// failed returns the error the source returned, if any.
func (s *sourceBody) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// bodyFailed returns the error the request's body source returned, if it
// had one.
func bodyFailed(req *transport.Request) error {
	if s, ok := req.BodyStream.(*sourceBody); ok {
		return s.failed()
	}
	return nil
}

// bodyError turns a failed exchange whose body could not be read into the
// RequestError it is: the caller's input, not the network, failed.
func bodyError(req *transport.Request, template string, err error) error {
	if serr := bodyFailed(req); serr != nil {
		return &RequestError{Method: req.Method, Path: template,
			Reason: "the body failed while it was being sent (WeChat Pay refuses a body cut short; it was not sent again)", Err: serr}
	}
	return err
}
