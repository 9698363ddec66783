package wxpaytest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/xmlsign"
)

// v2Upload is a hand-made upload form: its fields in order (a sign is
// added over mch_id, media_hash and sign_type unless one is given), then
// the media part unless name is empty.
type v2Upload struct {
	fields   [][2]string
	name     string
	fileType string
	data     []byte
}

func md5Hex(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}

// goodUpload is a valid upload of data as name by srv.V2MchID.
func goodUpload(srv *Server, signType, name string, data []byte) v2Upload {
	return v2Upload{
		fields:   [][2]string{{"mch_id", srv.V2MchID}, {"media_hash", md5Hex(data)}, {"sign_type", signType}},
		name:     name,
		fileType: "image/jpeg",
		data:     data,
	}
}

func (u v2Upload) with(k, v string) v2Upload {
	out := u
	out.fields = nil
	found := false
	for _, f := range u.fields {
		if f[0] == k {
			f[1], found = v, true
		}
		out.fields = append(out.fields, f)
	}
	if !found {
		out.fields = append(out.fields, [2]string{k, v})
	}
	return out
}

func (u v2Upload) without(k string) v2Upload {
	out := u
	out.fields = nil
	for _, f := range u.fields {
		if f[0] != k {
			out.fields = append(out.fields, f)
		}
	}
	return out
}

// body encodes the form, signing it with secret unless it has a sign.
func (u v2Upload) body(t *testing.T, secret string) ([]byte, string) {
	t.Helper()
	params := map[string]string{}
	signed := false
	for _, f := range u.fields {
		params[f[0]] = f[1]
		signed = signed || f[0] == "sign"
	}
	fields := u.fields
	if !signed {
		fields = append(fields, [2]string{"sign", mustSign(t, params, secret, params["sign_type"])})
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	if u.name != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="media"; filename="`+u.name+`"`)
		h.Set("Content-Type", u.fileType)
		p, _ := w.CreatePart(h)
		p.Write(u.data)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func (r *rawV2) upload(u v2Upload) (int, map[string]string, string) {
	r.t.Helper()
	body, ct := u.body(r.t, r.srv.Secret)
	return r.send("POST", "/secapi/mch/uploadmedia", body, ct)
}

func TestV2UploadMediaServer(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, true)
	jpeg := []byte("\xff\xd8\xff\xe0 an ID card")
	for _, signType := range []string{xmlsign.MD5, xmlsign.HMACSHA256} {
		status, reply, body := raw.upload(goodUpload(srv, signType, "idcard.jpg", jpeg))
		if status != 200 || reply["return_code"] != "SUCCESS" || reply["result_code"] != "SUCCESS" || reply["media_id"] == "" || reply["mch_id"] != srv.V2MchID {
			t.Fatalf("%s: %d %s", signType, status, body)
		}
		want := map[string]int{xmlsign.MD5: 32, xmlsign.HMACSHA256: 64}[signType]
		if len(reply["sign"]) != want || xmlsign.Verify(reply, srv.Secret) != nil {
			t.Fatalf("%s: reply sign %q does not verify", signType, reply["sign"])
		}
		ups := srv.Uploads()
		u := ups[len(ups)-1]
		if u.Endpoint != "/secapi/mch/uploadmedia" || u.Filename != "idcard.jpg" || u.FileType != "image/jpeg" || !bytes.Equal(u.Content, jpeg) || u.ID != reply["media_id"] {
			t.Fatalf("%s: upload %+v, reply %v", signType, u, reply)
		}
	}
	// The largest image it takes.
	big := bytes.Repeat([]byte{0xff}, v2MediaMaxSize)
	copy(big, "\x89PNG\r\n\x1a\n")
	if status, reply, body := raw.upload(goodUpload(srv, xmlsign.HMACSHA256, "big.png", big)); status != 200 || reply["result_code"] != "SUCCESS" {
		t.Fatalf("2 MiB: %d %s", status, body)
	}
}

func TestV2UploadMediaServerChecks(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, true)
	jpeg := []byte("\xff\xd8\xff\xe0 an ID card")
	good := goodUpload(srv, xmlsign.HMACSHA256, "idcard.jpg", jpeg)
	tampered := good
	tampered.data = []byte("\xff\xd8\xff\xe0 another card")
	cases := []struct {
		name string
		up   v2Upload
		msg  string // start of return_msg
	}{
		{"file changed", tampered, "media_hash参数错误"},
		{"bad sign", good.with("sign", strings.Repeat("A", 64)), "签名错误"},
		{"HMAC sign declared MD5", good.with("sign", mustSign(t, map[string]string{"mch_id": srv.V2MchID, "media_hash": md5Hex(jpeg), "sign_type": xmlsign.MD5}, srv.Secret, xmlsign.HMACSHA256)).with("sign_type", xmlsign.MD5), "签名错误"},
		{"sign over a nonce too", good.with("sign", mustSign(t, map[string]string{"mch_id": srv.V2MchID, "media_hash": md5Hex(jpeg), "sign_type": xmlsign.HMACSHA256, "nonce_str": "n"}, srv.Secret, xmlsign.HMACSHA256)), "签名错误"},
		{"no mch_id", good.without("mch_id"), "缺少参数mch_id"},
		{"unknown merchant", good.with("mch_id", "1900000199"), "mch_id参数错误"},
		{"another merchant's certificate", good.with("mch_id", srv.MchID), "证书错误"},
		{"no sign_type", good.without("sign_type"), "缺少参数sign_type"},
		{"bad sign_type", good.with("sign_type", "SHA1").with("sign", "X"), "sign_type参数错误"},
		{"no media_hash", good.without("media_hash"), "缺少参数media_hash"},
		{"no media", v2Upload{fields: good.fields}, "缺少参数media"},
		{"unknown field", good.with("appid", srv.V2AppID), "the form has an unknown part"},
		{"duplicate field", v2Upload{fields: append(good.fields, [2]string{"mch_id", srv.V2MchID}), name: "a.jpg", data: jpeg}, "parameter mch_id appears more than once"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			n := len(srv.Uploads())
			status, reply, body := raw.upload(tc.up)
			if status != 200 || reply["return_code"] != "FAIL" || !strings.HasPrefix(reply["return_msg"], tc.msg) || reply["sign"] != "" {
				t.Fatalf("%d %s", status, body)
			}
			reqs := srv.Requests()
			var e *Error
			if len(reqs) != 1 || !errors.As(reqs[0].Err, &e) || e.Code != "FAIL" || e.Message != reply["return_msg"] {
				t.Fatalf("recorded %+v", reqs)
			}
			if len(srv.Uploads()) != n {
				t.Fatal("a refused upload was kept")
			}
		})
	}

	// Business failures: signed result_code FAIL replies.
	for name, up := range map[string]v2Upload{
		"gif":      goodUpload(srv, xmlsign.MD5, "a.gif", []byte("GIF89a")),
		"too big":  goodUpload(srv, xmlsign.MD5, "a.jpg", make([]byte, v2MediaMaxSize+1)),
		"no ext":   goodUpload(srv, xmlsign.MD5, "photo", jpeg),
		"pdf type": goodUpload(srv, xmlsign.MD5, "a.pdf", jpeg),
	} {
		status, reply, body := raw.upload(up)
		if status != 200 || reply["return_code"] != "SUCCESS" || reply["result_code"] != "FAIL" || reply["err_code"] != "PARAM_ERROR" || xmlsign.Verify(reply, srv.Secret) != nil {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}

	status, reply, body := raw.send("POST", "/secapi/mch/uploadmedia", []byte("<xml/>"), "text/xml")
	if status != 200 || !strings.HasPrefix(reply["return_msg"], "Content-Type must be multipart/form-data") {
		t.Errorf("XML body: %d %s", status, body)
	}
	status, reply, body = raw.send("POST", "/secapi/mch/uploadmedia", []byte("--x\r\nbroken"), "multipart/form-data; boundary=x")
	if status != 200 || !strings.HasPrefix(reply["return_msg"], "multipart body is malformed") {
		t.Errorf("malformed form: %d %s", status, body)
	}
	status, _, body = raw.send("GET", "/secapi/mch/uploadmedia", nil, "")
	if status != 405 {
		t.Errorf("GET: %d %s", status, body)
	}

	noCert := newRawV2(t, srv, false)
	status, _, body = noCert.upload(good)
	if status != 400 || !strings.Contains(body, "No required SSL certificate was sent") {
		t.Errorf("no certificate: %d %s", status, body)
	}
}

func TestV2UploadMediaFaults(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, true)
	up := goodUpload(srv, xmlsign.HMACSHA256, "a.jpg", []byte("\xff\xd8\xff"))
	check := func(fault Fault, ok func(status int, reply map[string]string) bool) {
		t.Helper()
		srv.Inject(fault)
		n := len(srv.Uploads())
		status, reply, body := raw.upload(up)
		if !ok(status, reply) {
			t.Errorf("%v: %d %s", fault, status, body)
		}
		if kept := len(srv.Uploads()) - n; kept != map[bool]int{true: 1, false: 0}[fault == BadSignature || fault == MissingSign] {
			t.Errorf("%v: %d uploads kept", fault, kept)
		}
	}
	check(ReturnFail, func(_ int, r map[string]string) bool { return r["return_msg"] == "系统繁忙,请稍后再试" })
	check(ResultFail, func(_ int, r map[string]string) bool {
		return r["result_code"] == "FAIL" && r["err_code"] == "SYSTEMERROR" && xmlsign.Verify(r, srv.Secret) == nil
	})
	check(BadSignature, func(_ int, r map[string]string) bool {
		return r["media_id"] != "" && errors.Is(xmlsign.Verify(r, srv.Secret), xmlsign.ErrSignatureMismatch)
	})
	check(MissingSign, func(_ int, r map[string]string) bool { return r["media_id"] != "" && r["sign"] == "" })
	check(NoClientCert, func(status int, _ map[string]string) bool { return status == 400 })
	check(ServerError, func(status int, _ map[string]string) bool { return status == 500 })
}
