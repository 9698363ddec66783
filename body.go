package wechatpay

import (
	"io"

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
	req.BodyStream, req.BodyLength = r, n
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
