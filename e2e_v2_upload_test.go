package wechatpay_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

const idCard = "\xff\xd8\xff\xe0 an ID card"

func writeImage(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadReply checks a successful upload against what the server kept.
func uploadReply(t *testing.T, srv *wxpaytest.Server, resp *wechatpay.Response, signLen int, name string, content []byte) {
	t.Helper()
	reply, err := transformer.ToMap(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	ups := srv.Uploads()
	if len(ups) == 0 {
		t.Fatal("the server kept no upload")
	}
	u := ups[len(ups)-1]
	if reply["media_id"] == "" || reply["media_id"] != u.ID || len(reply["sign"]) != signLen {
		t.Fatalf("reply %v, upload %+v", reply, u)
	}
	if u.Endpoint != "/secapi/mch/uploadmedia" || u.Filename != name || !bytes.Equal(u.Content, content) {
		t.Fatalf("upload %s %s %d bytes", u.Endpoint, u.Filename, len(u.Content))
	}
}

// APIv2's image upload, through the client to the test server over
// mutual TLS: HMAC-SHA256 by default, MD5 when the payload says so; from
// a path, a reader or bytes; by the APIv2-only client and by the one of
// both protocols.
func TestEndToEndV2Upload(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	path := writeImage(t, "idcard.jpg", idCard)

	resp, err := srv.V2Client().Chain("v2/secapi/mch/uploadmedia").Post(ctx, wechatpay.M{
		"security": true,
		"body":     media.FromFile(path),
	})
	if err != nil {
		t.Fatal(err)
	}
	uploadReply(t, srv, resp, 64, "idcard.jpg", []byte(idCard))

	resp, err = srv.V2Client().Chain("v2").Chain("secapi").Chain("mch").Chain("uploadmedia").Post(ctx, wechatpay.M{
		"security": true,
		"body":     media.FromFile(path),
		"xml":      wechatpay.M{"sign_type": xmlsign.MD5},
	})
	if err != nil {
		t.Fatal(err)
	}
	uploadReply(t, srv, resp, 32, "idcard.jpg", []byte(idCard))

	// The largest image, from a reader, by the merchant of srv.Client.
	big := bytes.Repeat([]byte{0x89}, 2<<20)
	copy(big, "\x89PNG\r\n\x1a\n") // a PNG, as its name says
	resp, err = srv.Client().Chain("v2/secapi/mch/uploadmedia").Post(ctx, wechatpay.M{
		"security": true,
		"body":     media.FromReader("BIG.PNG", bytes.NewReader(big)),
		"xml":      wechatpay.M{"mch_id": srv.MchID},
	})
	if err != nil {
		t.Fatal(err)
	}
	uploadReply(t, srv, resp, 64, "BIG.PNG", big)

	for _, r := range srv.Requests() {
		if r.Err != nil || r.Target != "/secapi/mch/uploadmedia" || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") {
			t.Errorf("%s %s %v", r.Method, r.Target, r.Err)
		}
		if bytes.Contains(r.Body, []byte("nonce_str")) || bytes.Contains(r.Body, []byte("<xml>")) {
			t.Errorf("the upload carries a nonce or XML")
		}
	}
}

// tamperer changes an upload on its way, as a proxy in between might.
type tamperer struct {
	next transport.Doer
	edit func([]byte) []byte
}

func (tp tamperer) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	if req.BodyStream == nil {
		return tp.next.Do(ctx, req)
	}
	data, err := io.ReadAll(req.BodyStream)
	if c, ok := req.BodyStream.(io.Closer); ok {
		c.Close()
	}
	if err != nil {
		return nil, err
	}
	data = tp.edit(data)
	cp := *req
	cp.BodyStream, cp.BodyLength = bytes.NewReader(data), int64(len(data))
	return tp.next.Do(ctx, &cp)
}

func tamperingClient(t *testing.T, srv *wxpaytest.Server, edit func([]byte) []byte) *wechatpay.Client {
	t.Helper()
	cfg := srv.V2Config()
	tlsConfig := cfg.TLSConfig.Clone()
	tlsConfig.Certificates = []tls.Certificate{*cfg.Merchant}
	cfg.Transport = tamperer{edit: edit, next: &transport.NetHTTP{Client: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}}}
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// A file that changes between hashing and sending, an image or a sign
// changed on the wire, and a reply whose sign is wrong are all caught.
func TestEndToEndV2UploadTampered(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	upload := func(client *wechatpay.Client, img *media.File) error {
		_, err := client.Chain("v2/secapi/mch/uploadmedia").Post(ctx, wechatpay.M{"security": true, "body": img})
		return err
	}

	// The client catches a file changed after it was hashed.
	path := writeImage(t, "idcard.jpg", idCard)
	img := media.FromFile(path)
	os.WriteFile(path, []byte(strings.Replace(idCard, "card", "cart", 1)), 0o600)
	if err := upload(srv.V2Client(), img); !errors.Is(err, media.ErrChanged) {
		t.Fatalf("changed file: %v", err)
	}

	// The server catches an image changed on the wire: media_hash is
	// the MD5 of the original.
	client := tamperingClient(t, srv, func(b []byte) []byte { return bytes.Replace(b, []byte("ID card"), []byte("ID carp"), 1) })
	var v2err *wechatpay.V2Error
	err := upload(client, media.FromBytes("idcard.jpg", []byte(idCard)))
	if !errors.As(err, &v2err) || v2err.ReturnCode != "FAIL" || !strings.HasPrefix(v2err.ReturnMsg, "media_hash参数错误") {
		t.Fatalf("changed image: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "POST v2/secapi/mch/uploadmedia: return_code FAIL: media_hash参数错误") {
		t.Errorf("message %q", err)
	}

	// And a changed sign.
	client = tamperingClient(t, srv, func(b []byte) []byte {
		i := bytes.Index(b, []byte("name=\"sign\"\r\n\r\n")) + len("name=\"sign\"\r\n\r\n")
		b[i] ^= 1
		return b
	})
	err = upload(client, media.FromBytes("idcard.jpg", []byte(idCard)))
	if !errors.As(err, &v2err) || !strings.HasPrefix(v2err.ReturnMsg, "签名错误") {
		t.Fatalf("changed sign: %v", err)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Fatalf("the server kept %d tampered uploads", n)
	}

	// A reply with a wrong sign is refused; the error names the chain.
	srv.Inject(wxpaytest.BadSignature)
	err = upload(srv.V2Client(), media.FromBytes("idcard.jpg", []byte(idCard)))
	var verr *wechatpay.VerifyError
	if !errors.As(err, &verr) || !errors.Is(err, xmlsign.ErrSignatureMismatch) || !strings.HasPrefix(err.Error(), "POST v2/secapi/mch/uploadmedia: response verification failed: ") {
		t.Fatalf("bad reply sign: %v", err)
	}
	srv.Inject(wxpaytest.ResultFail)
	err = upload(srv.V2Client(), media.FromBytes("idcard.jpg", []byte(idCard)))
	if !errors.As(err, &v2err) || v2err.ErrCode != "SYSTEMERROR" {
		t.Fatalf("ResultFail: %v", err)
	}
}

// An upload whose primary domain cannot be reached goes to the backup
// domain, the same form sent again.
func TestEndToEndV2UploadBackup(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.V2Config()
	cfg.BaseURL, cfg.BackupURL = "https://127.0.0.1:1/", srv.URL
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Chain("v2/secapi/mch/uploadmedia").Post(context.Background(), wechatpay.M{
		"security": true,
		"body":     media.FromBytes("idcard.jpeg", []byte(idCard)),
	})
	if err != nil {
		t.Fatal(err)
	}
	uploadReply(t, srv, resp, 64, "idcard.jpeg", []byte(idCard))
}

// A reply that fails verification names the chain path, as V2Error and
// the APIv3 errors do, not the wire path.
func TestEndToEndV2VerifyErrorNamesTheChain(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.Inject(wxpaytest.BadSignature)
	_, err := srv.V2Client().Chain("v2/pay/orderquery").Post(context.Background(), wechatpay.M{
		"xml": wechatpay.M{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "out_trade_no": "1217752501201407033233368018"},
	})
	var verr *wechatpay.VerifyError
	if !errors.As(err, &verr) || verr.Target != "/v2/pay/orderquery" || !strings.HasPrefix(err.Error(), "POST v2/pay/orderquery: response verification failed: ") {
		t.Fatalf("%v", err)
	}
}
