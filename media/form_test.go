package media_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func md5Sum(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// Every source takes the MD5 along with the SHA-256.
func TestMD5(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 10000)
	path := filepath.Join(t.TempDir(), "a.jpg")
	os.WriteFile(path, content, 0o600)
	for name, f := range map[string]*media.File{
		"FromFile":          media.FromFile(path),
		"FromBytes":         media.FromBytes("a.jpg", content),
		"FromReader":        media.FromReader("a.jpg", iotest.HalfReader(bytes.NewReader(content))),
		"FromReader seeker": media.FromReader("a.jpg", bytes.NewReader(content)),
	} {
		if f.MD5() != md5Sum(content) || f.SHA256() != sum(content) {
			t.Errorf("%s: MD5 %s SHA-256 %s", name, f.MD5(), f.SHA256())
		}
	}
	if got := media.FromBytes("empty.png", nil).MD5(); got != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("MD5 of nothing: %s", got)
	}
	if got := media.FromFile(filepath.Join(t.TempDir(), "nope.jpg")).MD5(); got != "" {
		t.Errorf("MD5 of a missing file: %q", got)
	}
}

// readForm reads a Form back as a server would.
func readForm(t *testing.T, m *media.Form) (names, values []string, file []byte, hdr map[string]string) {
	t.Helper()
	r, n, err := m.Open()
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
	mt, params, err := mime.ParseMediaType(m.ContentType())
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q", m.ContentType())
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return names, values, file, hdr
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		names = append(names, p.FormName())
		if p.FileName() != "" {
			file, hdr = data, map[string]string{"filename": p.FileName(), "type": p.Header.Get("Content-Type")}
		} else {
			values = append(values, string(data))
		}
	}
}

// A Form is the fields in order, then the file; it leaves its File as
// it was and can be sent again.
func TestForm(t *testing.T) {
	content := []byte("\xff\xd8\xff\xe0 a \"quoted\" JPEG\r\n--not-a-boundary")
	f := media.FromBytes(`证件 "正面".jpg`, content)
	m := f.Form("media", media.Field{Name: "mch_id", Value: "1900000109"}, media.Field{Name: "media_hash", Value: f.MD5()}, media.Field{Name: "empty"})
	if m.Err() != nil {
		t.Fatal(m.Err())
	}
	for range 2 {
		names, values, file, hdr := readForm(t, m)
		if diff := cmp.Diff([]string{"mch_id", "media_hash", "empty", "media"}, names); diff != "" {
			t.Fatalf("parts (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"1900000109", md5Sum(content), ""}, values); diff != "" {
			t.Fatalf("values (-want +got):\n%s", diff)
		}
		if !bytes.Equal(file, content) || hdr["filename"] != `证件 "正面".jpg` || hdr["type"] != "image/jpeg" {
			t.Fatalf("file %q %v", file, hdr)
		}
	}
	if m.ContentType() == f.ContentType() {
		t.Error("the Form shares the File's boundary")
	}
	meta, file, _ := parts(t, f)
	if !bytes.Equal(meta, f.SignedBody()) || !bytes.Equal(file, content) {
		t.Fatalf("the File changed: meta %s", meta)
	}
}

func TestFormErrors(t *testing.T) {
	missing := media.FromFile(filepath.Join(t.TempDir(), "nope.jpg"))
	good := media.FromBytes("a.jpg", []byte("x"))
	for name, m := range map[string]*media.Form{
		"missing file":   missing.Form("media"),
		"no part name":   good.Form(""),
		"bad part name":  good.Form("me\"dia"),
		"bad field name": good.Form("media", media.Field{Name: "a\r\nb", Value: "v"}),
		"no field name":  good.Form("media", media.Field{Value: "v"}),
	} {
		if m.Err() == nil {
			t.Errorf("%s: no error", name)
		}
		if _, _, err := m.Open(); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}
	if !errors.Is(missing.Form("media").Err(), os.ErrNotExist) {
		t.Error("the Form of a missing file hides why")
	}

	// A file that changes between hashing and sending fails the Form too.
	path := filepath.Join(t.TempDir(), "a.png")
	os.WriteFile(path, []byte("original content"), 0o600)
	m := media.FromFile(path).Form("media")
	os.WriteFile(path, []byte("altered content!"), 0o600)
	r, _, _ := m.Open()
	_, err := io.ReadAll(r)
	r.Close()
	if !errors.Is(err, media.ErrChanged) {
		t.Fatalf("%v, want ErrChanged", err)
	}
}

// The same File goes up to APIv2's image upload: the client builds its
// form, signs mch_id, media_hash and sign_type, and verifies the reply.
func Example_v2ImageUpload() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	img := media.FromBytes("idcard.jpg", []byte("\xff\xd8\xff\xe0 a JPEG"))
	resp, err := srv.V2Client().Chain("v2/secapi/mch/uploadmedia").Post(context.Background(), wechatpay.M{
		"security": true,
		"body":     img,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, _ := transformer.ToMap(resp.Body)
	fmt.Println(img.MD5(), reply["result_code"], reply["media_id"] != "")
	// Output: 1a6a96eb2ad062e77d4abdfac838abc0 SUCCESS true
}
