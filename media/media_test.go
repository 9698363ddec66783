package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func TestTypeByExtension(t *testing.T) {
	for name, want := range map[string]string{
		"a.jpg": "image/jpeg", "B.JPEG": "image/jpeg", "c.png": "image/png", "d.bmp": "image/bmp",
		"e.gif": "image/gif", "f.mp4": "video/mp4", "g.avi": "video/x-msvideo", "h.wmv": "video/x-ms-wmv",
		"i.mpeg": "video/mpeg", "j.mov": "video/quicktime", "k.mkv": "video/x-matroska", "l.flv": "video/x-flv",
		"m.f4v": "video/x-f4v", "n.m4v": "video/x-m4v", "o.rmvb": "application/vnd.rn-realmedia-vbr",
		"p.pdf": "application/pdf", "q.ofd": "application/ofd", "r.csv": "text/csv", "s.zip": "application/zip",
		"noext": "application/octet-stream", "t.heic": "application/octet-stream",
	} {
		if got := media.TypeByExtension(name); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
}

// parts reads a body back as a server would.
func parts(t *testing.T, f *media.File) (meta []byte, file []byte, fileHeader map[string]string) {
	t.Helper()
	r, n, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(raw)) != n {
		t.Fatalf("body is %d bytes, Open said %d", len(raw), n)
	}
	_, params, err := mime.ParseMediaType(f.ContentType())
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	var names []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		names = append(names, p.FormName())
		switch p.FormName() {
		case "meta":
			meta = data
			if ct := p.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("meta Content-Type %q", ct)
			}
		case "file":
			file = data
			fileHeader = map[string]string{"filename": p.FileName(), "type": p.Header.Get("Content-Type")}
		}
	}
	if diff := cmp.Diff([]string{"meta", "file"}, names); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	return meta, file, fileHeader
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Every source makes the same body: the signed meta JSON, then the file.
func TestSources(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 100000) // 1.6 MB
	dir := t.TempDir()
	path := filepath.Join(dir, "门店照片.jpg")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	// A file read from an offset: what comes before is not part of it.
	prefixed := filepath.Join(dir, "prefixed")
	os.WriteFile(prefixed, append([]byte("HEADER"), content...), 0o600)
	pf, err := os.Open(prefixed)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	pf.Seek(6, io.SeekStart)

	wantMeta := `{"filename":"门店照片.jpg","sha256":"` + sum(content) + `"}`
	for name, f := range map[string]*media.File{
		"FromFile":          media.FromFile(path),
		"FromBytes":         media.FromBytes("门店照片.jpg", content),
		"FromReader":        media.FromReader("门店照片.jpg", iotest.HalfReader(bytes.NewReader(content))),
		"FromReader seeker": media.FromReader("门店照片.jpg", pf),
	} {
		t.Run(name, func(t *testing.T) {
			if f.Err() != nil {
				t.Fatal(f.Err())
			}
			if string(f.SignedBody()) != wantMeta || f.SHA256() != sum(content) || f.Size() != int64(len(content)) || f.Filename() != "门店照片.jpg" {
				t.Fatalf("meta %s size %d", f.SignedBody(), f.Size())
			}
			for range 2 { // a File may be sent again
				meta, file, hdr := parts(t, f)
				if string(meta) != wantMeta || !bytes.Equal(file, content) {
					t.Fatalf("meta %s, file %d bytes, match %v", meta, len(file), bytes.Equal(file, content))
				}
				if diff := cmp.Diff(map[string]string{"filename": "门店照片.jpg", "type": "image/jpeg"}, hdr); diff != "" {
					t.Errorf("file part (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// A body can be rewound, to be sent again to the backup domain.
func TestBodySeek(t *testing.T) {
	f := media.FromBytes("a.png", []byte(strings.Repeat("x", 10000)))
	r, _, _ := f.Open()
	first, _ := io.ReadAll(r)
	r.Close()
	s := r.(io.Seeker)
	for _, off := range []int64{0, 100, int64(len(first)) - 5} {
		if _, err := s.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		again, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(again, first[off:]) {
			t.Fatalf("from %d: %d bytes, %v", off, len(again), err)
		}
	}
}

// A file that changes between hashing and sending fails the read that
// would finish it, rather than send content its meta does not describe.
func TestChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.mp4")
	os.WriteFile(path, []byte("original content"), 0o600)
	for name, change := range map[string][]byte{
		"same length": []byte("altered content!"),
		"shorter":     []byte("short"),
	} {
		f := media.FromFile(path)
		os.WriteFile(path, change, 0o600)
		r, _, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(r)
		r.Close()
		if !errors.Is(err, media.ErrChanged) {
			t.Errorf("%s: %v, want ErrChanged", name, err)
		}
		os.WriteFile(path, []byte("original content"), 0o600)
	}
}

func TestFileErrors(t *testing.T) {
	for name, f := range map[string]*media.File{
		"missing":   media.FromFile(filepath.Join(t.TempDir(), "nope.jpg")),
		"bad name":  media.FromBytes("a\r\nb.jpg", []byte("x")),
		"no name":   media.FromBytes("", []byte("x")),
		"bad input": media.FromReader("a.jpg", iotest.ErrReader(errors.New("disk on fire"))),
	} {
		if f.Err() == nil {
			t.Errorf("%s: no error", name)
		}
		if _, _, err := f.Open(); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}

	srv := wxpaytest.NewServer()
	defer srv.Close()
	_, err := srv.Client().Chain("v3/merchant/media/upload").Post(context.Background(), wechatpay.M{"body": media.FromFile("/nonexistent/a.jpg")})
	var rerr *wechatpay.RequestError
	if !errors.As(err, &rerr) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%v, want a RequestError wrapping ErrNotExist", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Each upload endpoint of the test server takes the body, checks the
// signature over the meta and the file's hash, and keeps the file; over
// both transports.
func TestUploadEndToEnd(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	video := bytes.Repeat([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p'}, 512<<10) // 4 MiB
	path := filepath.Join(t.TempDir(), "intro.mp4")
	if err := os.WriteFile(path, video, 0o600); err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	netCfg := srv.Config()
	netCfg.Transport = &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	netClient, err := wechatpay.New(netCfg)
	if err != nil {
		t.Fatal(err)
	}

	for name, client := range map[string]*wechatpay.Client{"fasthttp": srv.Client(), "net/http": netClient} {
		for _, tc := range []struct {
			endpoint string
			file     *media.File
			field    string
			content  []byte
		}{
			{"v3/merchant/media/upload", media.FromBytes("storefront.jpg", []byte("\xff\xd8\xff jpeg")), "media_id", []byte("\xff\xd8\xff jpeg")},
			{"v3/merchant/media/video_upload", media.FromFile(path), "media_id", video},
			{"v3/marketing/favor/media/image-upload", media.FromBytes("logo.png", []byte("\x89PNG")), "media_url", []byte("\x89PNG")},
			{"v3/merchant-service/images/upload", media.FromBytes("proof.bmp", []byte("BM")), "media_id", []byte("BM")},
		} {
			srv.Reset()
			resp, err := client.Chain(tc.endpoint).Post(context.Background(), wechatpay.M{"body": tc.file})
			if err != nil {
				t.Fatalf("%s %s: %v", name, tc.endpoint, err)
			}
			id := resp.Get(tc.field).String()
			ups := srv.Uploads()
			last := ups[len(ups)-1]
			if id == "" || last.ID != id || last.Filename != tc.file.Filename() || !bytes.Equal(last.Content, tc.content) || last.FileType != tc.file.FileType() {
				t.Errorf("%s %s: answered %s; server kept %q %q %d bytes", name, tc.endpoint, resp.Body, last.Filename, last.FileType, len(last.Content))
			}
			for _, r := range srv.Requests() {
				if r.Err != nil {
					t.Errorf("%s %s: server refused: %v", name, tc.endpoint, r.Err)
				}
			}
		}
	}
}

// rawBody is a hand-made upload body, to send what the media package
// never would.
type rawBody struct {
	contentType string
	signed      []byte
	data        []byte
}

func (b rawBody) ContentType() string { return b.contentType }
func (b rawBody) SignedBody() []byte  { return b.signed }
func (b rawBody) Open() (io.ReadCloser, int64, error) {
	return io.NopCloser(bytes.NewReader(b.data)), int64(len(b.data)), nil
}

func multipartBody(meta string, file []byte) rawBody {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="meta"`}
	h["Content-Type"] = []string{"application/json"}
	p, _ := w.CreatePart(h)
	p.Write([]byte(meta))
	fw, _ := w.CreateFormFile("file", "a.jpg")
	fw.Write(file)
	w.Close()
	return rawBody{contentType: w.FormDataContentType(), signed: []byte(meta), data: buf.Bytes()}
}

// The server catches a file that is not the one its meta describes, and a
// meta that is not the one that was signed.
func TestTamperedUpload(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	meta := `{"filename":"a.jpg","sha256":"` + sum([]byte("the real photo")) + `"}`
	swapped := multipartBody(meta, []byte("another photo"))
	_, err := client.Chain("v3/merchant/media/upload").Post(ctx, wechatpay.M{"body": swapped})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "PARAM_ERROR" || !strings.Contains(apiErr.Message, "sha256") {
		t.Errorf("swapped file: %v", err)
	}

	forged := multipartBody(meta, []byte("the real photo"))
	forged.signed = []byte(`{"filename":"b.jpg","sha256":"` + sum([]byte("the real photo")) + `"}`)
	_, err = client.Chain("v3/merchant/media/upload").Post(ctx, wechatpay.M{"body": forged})
	if !errors.As(err, &apiErr) || apiErr.Code != "SIGN_ERROR" {
		t.Errorf("meta not the signed one: %v", err)
	}

	// And the client refuses to send a file that changed in memory after
	// it was hashed.
	data := []byte("the real photo")
	f := media.FromBytes("a.jpg", data)
	data[0] = 'T'
	_, err = client.Chain("v3/merchant/media/upload").Post(ctx, wechatpay.M{"body": f})
	if !errors.Is(err, media.ErrChanged) {
		t.Errorf("changed bytes: %v", err)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("the server kept %d uploads", n)
	}
}
