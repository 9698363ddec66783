// Package media builds the bodies of WeChat Pay's upload APIs
// (v3/merchant/media/upload, v3/merchant/media/video_upload,
// v3/marketing/favor/media/image-upload, v3/merchant-service/images/upload
// and the other multipart endpoints of the catalog, and APIv2's
// v2/secapi/mch/uploadmedia).
//
// Such a body is multipart/form-data with two parts: "meta", the JSON
// {"filename":...,"sha256":...}, and "file", the file itself. The request
// signature covers the meta JSON alone, so the file is never read into
// memory to be signed: a File from a path is hashed in one pass over the
// file and streamed from it in a second.
//
//	resp, err := client.Chain("v3/merchant/media/upload").Post(ctx, wechatpay.M{
//		"body": media.FromFile("/srv/upload/storefront.jpg"),
//	})
//	mediaID := resp.Get("media_id").String()
//
// The same File goes up to APIv2's image upload, whose form the client
// builds from it (see File.Form): mch_id, media_hash (the MD5 of the file,
// taken in the same pass as its SHA-256), sign_type and sign, then the file
// in the part "media".
package media

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// File is a file to upload. It implements wechatpay.Body, so it goes in
// the "body" option of a request. A File is immutable and may be sent any
// number of times, concurrently too, except one made by FromReader from an
// io.ReadSeeker, which is read from that reader and so is sent once at a
// time.
//
// The constructors do not return errors, so that a File fits in an option
// map; a File that could not be read reports why in Err, and a request
// carrying it fails before anything is sent.
type File struct {
	name     string
	fileType string
	sum      string // hex SHA-256 of the content
	md5      string // hex MD5 of the content, the media_hash of APIv2
	size     int64
	meta     []byte

	boundary       string
	prefix, suffix []byte // the multipart framing around the content

	// open returns the content, positioned at its start, and what to
	// close when done (nil for a reader the caller owns).
	open func() (io.ReadSeeker, io.Closer, error)
	err  error
}

// FromFile hashes the file at path now and streams it when the request
// is sent. The uploaded name is the base name of path, and the file type
// follows its extension (see TypeByExtension). If the file changes in
// between, the request fails rather than send content that does not match
// its signed hash.
func FromFile(path string) *File {
	f, err := os.Open(path)
	if err != nil {
		return failed(filepath.Base(path), err)
	}
	defer f.Close()
	h := newHasher()
	size, err := io.Copy(h, f)
	if err != nil {
		return failed(filepath.Base(path), err)
	}
	return newFile(filepath.Base(path), h, size, func() (io.ReadSeeker, io.Closer, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return f, f, nil
	})
}

// FromBytes uploads data under name. data is not copied: do not change it
// until the requests carrying the File are done.
func FromBytes(name string, data []byte) *File {
	h := newHasher()
	h.Write(data)
	return newFile(name, h, int64(len(data)), func() (io.ReadSeeker, io.Closer, error) {
		return bytes.NewReader(data), nil, nil
	})
}

// FromReader uploads what r holds under name. An io.ReadSeeker (an
// *os.File, say) is hashed from its current position to its end now and
// read again from that position when the request is sent; it is not
// closed. Any other reader is read into memory now, since the hash has to
// be known before the content is sent.
func FromReader(name string, r io.Reader) *File {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(r)
		if err != nil {
			return failed(name, err)
		}
		return FromBytes(name, data)
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return failed(name, err)
	}
	h := newHasher()
	size, err := io.Copy(h, rs)
	if err != nil {
		return failed(name, err)
	}
	return newFile(name, h, size, func() (io.ReadSeeker, io.Closer, error) {
		return offsetSeeker{rs, start}, nil, nil
	})
}

// offsetSeeker makes the position a reader had when it was hashed offset
// zero.
type offsetSeeker struct {
	io.ReadSeeker
	start int64
}

func (o offsetSeeker) Seek(offset int64, whence int) (int64, error) {
	if whence != io.SeekStart {
		return 0, errors.New("media: only absolute seeks")
	}
	n, err := o.ReadSeeker.Seek(o.start+offset, io.SeekStart)
	return n - o.start, err
}

func failed(name string, err error) *File {
	return &File{name: name, err: fmt.Errorf("media: %s: %w", name, err)}
}

// hasher takes the SHA-256 and the MD5 of the content in one pass.
type hasher struct {
	sha, md hash.Hash
}

func newHasher() *hasher { return &hasher{sha: sha256.New(), md: md5.New()} }

func (h *hasher) Write(p []byte) (int, error) {
	h.sha.Write(p)
	return h.md.Write(p)
}

func newFile(name string, h *hasher, size int64, open func() (io.ReadSeeker, io.Closer, error)) *File {
	sum := hex.EncodeToString(h.sha.Sum(nil))
	f := &File{name: name, fileType: TypeByExtension(name), sum: sum, md5: hex.EncodeToString(h.md.Sum(nil)), size: size, open: open}
	if name == "" || strings.ContainsAny(name, "\r\n\x00") {
		f.err = fmt.Errorf("media: file name %q is empty or holds a line break", name)
		return f
	}
	f.meta = marshalMeta(name, sum)
	f.boundary = newBoundary()
	f.prefix = []byte("--" + f.boundary + "\r\n" +
		"Content-Disposition: form-data; name=\"meta\"\r\n" +
		"Content-Type: application/json\r\n\r\n" +
		string(f.meta) + "\r\n" +
		"--" + f.boundary + "\r\n" +
		"Content-Disposition: form-data; name=\"file\"; filename=\"" + quoteEscaper.Replace(name) + "\"\r\n" +
		"Content-Type: " + f.fileType + "\r\n\r\n")
	f.suffix = []byte("\r\n--" + f.boundary + "--\r\n")
	return f
}

func newBoundary() string {
	var b [15]byte
	rand.Read(b[:])
	return "wechatpay-" + hex.EncodeToString(b[:])
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// marshalMeta writes the meta JSON as WeChat Pay's examples do: filename
// first, no HTML escaping.
func marshalMeta(name, sum string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(struct {
		Filename string `json:"filename"`
		SHA256   string `json:"sha256"`
	}{name, sum})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Err reports why the File could not be read, or nil.
func (f *File) Err() error { return f.err }

// Filename returns the name sent in the meta JSON and the file part.
func (f *File) Filename() string { return f.name }

// SHA256 returns the hex SHA-256 of the content, as sent in the meta JSON.
func (f *File) SHA256() string { return f.sum }

// MD5 returns the lower-case hex MD5 of the content, the media_hash of
// APIv2's image upload.
func (f *File) MD5() string { return f.md5 }

// Size returns the length of the content in bytes.
func (f *File) Size() int64 { return f.size }

// FileType returns the Content-Type of the file part.
func (f *File) FileType() string { return f.fileType }

// ContentType returns the Content-Type of the whole body,
// multipart/form-data with its boundary.
func (f *File) ContentType() string { return "multipart/form-data; boundary=" + f.boundary }

// SignedBody returns the meta JSON, which the request signature covers.
func (f *File) SignedBody() []byte { return f.meta }

// Open returns the multipart body and its length. The content is opened
// on the first read.
func (f *File) Open() (io.ReadCloser, int64, error) {
	if f.err != nil {
		return nil, 0, f.err
	}
	return &body{f: f}, int64(len(f.prefix)) + f.size + int64(len(f.suffix)), nil
}

// ErrChanged reports content that no longer matches the hash taken when
// the File was made.
var ErrChanged = errors.New("media: the file changed after it was hashed")
