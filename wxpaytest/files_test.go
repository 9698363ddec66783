package wxpaytest_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// upload is a hand-made multipart body.
type upload struct {
	contentType string
	meta        []byte
	data        []byte
}

func (u upload) ContentType() string { return u.contentType }
func (u upload) SignedBody() []byte  { return u.meta }
func (u upload) Open() (io.ReadCloser, int64, error) {
	return io.NopCloser(bytes.NewReader(u.data)), int64(len(u.data)), nil
}

// multipartOf writes the named parts in order; a part named "file" gets
// the file name fileName.
func multipartOf(meta string, fileName string, parts ...string) upload {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+parts[i]+`"`)
		if parts[i] == "file" {
			h.Set("Content-Disposition", `form-data; name="file"; filename="`+fileName+`"`)
		}
		p, _ := w.CreatePart(h)
		p.Write([]byte(parts[i+1]))
	}
	w.Close()
	return upload{w.FormDataContentType(), []byte(meta), buf.Bytes()}
}

func TestUploadRefusals(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	meta := func(name string, content []byte) string {
		return string(media.FromBytes(name, content).SignedBody())
	}
	big := bytes.Repeat([]byte("x"), 3<<20)
	for name, tc := range map[string]struct {
		endpoint string
		opts     wechatpay.M
		want     string
	}{
		"gif":        {"v3/merchant/media/upload", wechatpay.M{"body": media.FromBytes("a.gif", []byte("GIF89a"))}, "file type"},
		"mp4 image":  {"v3/merchant-service/images/upload", wechatpay.M{"body": media.FromBytes("a.mp4", []byte("v"))}, "file type"},
		"jpg video":  {"v3/merchant/media/video_upload", wechatpay.M{"body": media.FromBytes("a.jpg", []byte("v"))}, "file type"},
		"too big":    {"v3/merchant/media/upload", wechatpay.M{"body": media.FromBytes("a.jpg", big)}, "more than"},
		"huge":       {"v3/merchant/media/video_upload", wechatpay.M{"body": media.FromBytes("a.mp4", bytes.Repeat(big, 3))}, "larger than 8 MiB"},
		"json":       {"v3/merchant/media/upload", wechatpay.M{"json": wechatpay.M{"filename": "a.jpg"}}, "multipart/form-data"},
		"no file":    {"v3/merchant/media/upload", wechatpay.M{"body": multipartOf(meta("a.jpg", nil), "", "meta", meta("a.jpg", nil))}, "no file part"},
		"extra part": {"v3/merchant/media/upload", wechatpay.M{"body": multipartOf(meta("a.jpg", nil), "a.jpg", "meta", meta("a.jpg", nil), "file", "", "x", "y")}, "unknown part"},
		"other name": {"v3/merchant/media/upload", wechatpay.M{"body": multipartOf(meta("a.jpg", nil), "b.jpg", "meta", meta("a.jpg", nil), "file", "")}, "meta.filename"},
		"bad meta":   {"v3/merchant/media/upload", wechatpay.M{"body": multipartOf(`{"filename":"a.jpg"}`, "a.jpg", "meta", `{"filename":"a.jpg"}`, "file", "")}, "sha256"},
	} {
		_, err := client.Chain(tc.endpoint).Post(context.Background(), tc.opts)
		var apiErr *wechatpay.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "PARAM_ERROR" || !strings.Contains(apiErr.Message, tc.want) {
			t.Errorf("%s: %v, want PARAM_ERROR about %q", name, err, tc.want)
		}
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("%d uploads kept", n)
	}
}

func TestBillRefusals(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client := srv.Client()
	for name, tc := range map[string]struct {
		api   string
		query wechatpay.M
		code  string
	}{
		"no date":        {"v3/bill/tradebill", wechatpay.M{}, "PARAM_ERROR"},
		"bad date":       {"v3/bill/tradebill", wechatpay.M{"bill_date": "20240501"}, "PARAM_ERROR"},
		"future":         {"v3/bill/fundflowbill", wechatpay.M{"bill_date": "2999-01-01"}, "NO_STATEMENT_EXIST"},
		"tar type":       {"v3/bill/tradebill", wechatpay.M{"bill_date": "2024-05-01", "tar_type": "ZIP"}, "PARAM_ERROR"},
		"bill type":      {"v3/bill/tradebill", wechatpay.M{"bill_date": "2024-05-01", "bill_type": "SOME"}, "PARAM_ERROR"},
		"account type":   {"v3/bill/fundflowbill", wechatpay.M{"bill_date": "2024-05-01", "account_type": "SOME"}, "PARAM_ERROR"},
		"statement date": {"hk/v3/statements", wechatpay.M{"date": "2024-05-01"}, "PARAM_ERROR"},
	} {
		_, err := client.Chain(tc.api).Get(context.Background(), wechatpay.M{"query": tc.query})
		var apiErr *wechatpay.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// The client refuses another merchant's mchid before sending, so the
	// server's own check is reached by a hand-signed request.
	resp, body := call(t, srv, http.MethodGet, "/v3/global/statements?date=20240501&mchid=1900000109", "")
	wantStatus(t, resp, body, http.StatusBadRequest, "PARAM_ERROR")
}

// signedBy sends a request and returns the serial its reply is signed
// under, verifying nothing.
func signedBy(t *testing.T, srv *wxpaytest.Server, header string) string {
	t.Helper()
	cfg := srv.Config()
	cfg.Certs, cfg.PlatformSerial = nil, header
	cfg.Verifier = func(next transport.Doer) transport.Doer { return next }
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Chain("v3/certificates").Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Get(signer.HeaderSerial)
}

func TestPlatformCertificates(t *testing.T) {
	plain := wxpaytest.NewServer()
	defer plain.Close()
	if got := signedBy(t, plain, ""); got != plain.PlatformKeyID {
		t.Errorf("default server signs under %s", got)
	}

	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	first, serial := srv.PlatformCertificate()
	if serial != keys.SerialNumber(first) || len(srv.PlatformCertificates()) != 1 {
		t.Fatalf("serial %s, %d certificates", serial, len(srv.PlatformCertificates()))
	}
	if first.PublicKey.(*rsa.PublicKey).Equal(srv.PlatformPublicKey()) {
		t.Error("the certificate shares the public key's key pair")
	}
	for header, want := range map[string]string{"": serial, srv.PlatformKeyID: srv.PlatformKeyID, serial: serial} {
		if got := signedBy(t, srv, header); got != want {
			t.Errorf("Wechatpay-Serial %q: reply signed under %s, want %s", header, got, want)
		}
	}

	second := srv.AddPlatformCertificate()
	if _, s := srv.PlatformCertificate(); s != serial || len(srv.PlatformCertificates()) != 2 {
		t.Errorf("publishing switched the signer to %s", s)
	}
	if got := srv.RotatePlatformKey(); !got.Equal(second) {
		t.Error("RotatePlatformKey did not switch to the published certificate")
	}
	if got := signedBy(t, srv, ""); got != keys.SerialNumber(second) {
		t.Errorf("after the rotation: %s", got)
	}
	third := srv.RotatePlatformKey()
	if list := srv.PlatformCertificates(); len(list) != 3 || !list[2].Equal(third) || !list[0].Equal(first) {
		t.Errorf("%d certificates after a second rotation", len(list))
	}

	_, err := srv.Client().Chain("v3/certificates").Get(context.Background(), wechatpay.M{"headers": wechatpay.M{"Wechatpay-Serial": "ABCDEF"}})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "PARAM_ERROR" {
		t.Errorf("unknown Wechatpay-Serial: %v", err)
	}
}
