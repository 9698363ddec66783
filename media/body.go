package media

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
)

// body is one sending of a File: the multipart framing with the content
// read from its source in between. The content is hashed again on its way
// out, and the read that ends it fails if it no longer matches the meta.
//
// It is an io.Seeker so that a request can be sent again to the backup
// domain, and Close only releases the source: a later read opens it
// again. A mutex orders Read, Seek and Close, which a transport may call
// from different goroutines.
type body struct {
	f *File

	mu     sync.Mutex
	pos    int64 // offset in the whole body
	src    io.ReadSeeker
	closer io.Closer
	synced bool      // src is positioned at pos
	h      hash.Hash // SHA-256 of the content read in order from its start
	hashed int64     // how much of the content h covers
}

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.f
	pre, size := int64(len(f.prefix)), f.size
	switch {
	case b.pos < pre:
		n := copy(p, f.prefix[b.pos:])
		b.pos += int64(n)
		return n, nil
	case b.pos < pre+size:
		return b.readContent(p, b.pos-pre)
	case b.pos < pre+size+int64(len(f.suffix)):
		n := copy(p, f.suffix[b.pos-pre-size:])
		b.pos += int64(n)
		return n, nil
	}
	return 0, io.EOF
}

// readContent reads the content from offset off.
func (b *body) readContent(p []byte, off int64) (int, error) {
	f := b.f
	if b.src == nil {
		src, closer, err := f.open()
		if err != nil {
			return 0, fmt.Errorf("media: %s: %w", f.name, err)
		}
		b.src, b.closer, b.synced = src, closer, false
	}
	if !b.synced {
		if _, err := b.src.Seek(off, io.SeekStart); err != nil {
			return 0, fmt.Errorf("media: %s: %w", f.name, err)
		}
		b.synced = true
	}
	if left := f.size - off; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.src.Read(p)
	if b.hashed == off {
		if b.h == nil {
			b.h = sha256.New()
		}
		b.h.Write(p[:n])
		b.hashed += int64(n)
	}
	b.pos += int64(n)
	off += int64(n)
	switch {
	case off == f.size:
		if b.hashed == f.size && hex.EncodeToString(b.h.Sum(nil)) != f.sum {
			return n, fmt.Errorf("%w: %s", ErrChanged, f.name)
		}
		return n, nil
	case errors.Is(err, io.EOF):
		return n, fmt.Errorf("%w: %s is shorter than the %d bytes hashed", ErrChanged, f.name, f.size)
	case err != nil:
		return n, fmt.Errorf("media: %s: %w", f.name, err)
	}
	return n, nil
}

// Seek moves to an offset of the whole body.
func (b *body) Seek(offset int64, whence int) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	total := int64(len(b.f.prefix)) + b.f.size + int64(len(b.f.suffix))
	switch whence {
	case io.SeekCurrent:
		offset += b.pos
	case io.SeekEnd:
		offset += total
	}
	if offset < 0 {
		return 0, errors.New("media: seek before the start of the body")
	}
	b.pos, b.synced = offset, false
	if offset <= int64(len(b.f.prefix)) {
		// The content will be read from its start again.
		b.h, b.hashed = nil, 0
	}
	return offset, nil
}

// Close releases the source. It may be called more than once.
func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var err error
	if b.closer != nil {
		err = b.closer.Close()
	}
	b.src, b.closer = nil, nil
	return err
}
