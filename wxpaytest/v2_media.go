package wxpaytest

import (
	"bytes"
	"crypto/md5"
	"crypto/x509"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// The APIv2 image upload (图片上传):
//
//	POST /secapi/mch/uploadmedia   mTLS; multipart/form-data with the fields mch_id,
//	                               media_hash (hex MD5 of the file), sign_type and
//	                               sign (over those three alone), and the file part
//	                               "media": a jpg, jpeg, png or bmp of at most 2 MiB.
//	                               A signed reply with media_id; the file is kept
//	                               in Uploads.
//
// The request has no appid and no nonce_str. A malformed form, a wrong
// mch_id, sign_type or sign, or a media_hash that is not the MD5 of the
// file part (a file changed on its way) are answered with return_code
// FAIL; a file of another type or over 2 MiB with result_code FAIL
// PARAM_ERROR.

// v2MediaMaxSize is the largest image the upload takes.
const v2MediaMaxSize = 2 << 20

// v2File is the file part of an APIv2 upload.
type v2File struct {
	name        string
	contentType string
	data        []byte
}

// v2FormFields are the text fields of the upload form.
var v2FormFields = map[string]bool{"mch_id": true, "media_hash": true, "sign_type": true, "sign": true}

// handleV2Form checks an APIv2 multipart request, as handleV2 does an XML
// one, and carries it out.
func (s *Server) handleV2Form(r *http.Request, body []byte, readErr error, fault Fault, ep catalog.Endpoint, peer *x509.Certificate, endpoint v2Endpoint) v2Reply {
	if readErr != nil {
		return v2ReturnFail("request body is larger than " + strconv.Itoa(maxUploadBody>>20) + " MiB or unreadable: " + readErr.Error())
	}
	ct := r.Header.Get("Content-Type")
	mt, ctParams, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || ctParams["boundary"] == "" {
		return v2ReturnFail("Content-Type must be multipart/form-data with a boundary, not " + ct)
	}
	params := map[string]string{}
	var file *v2File
	mr := multipart.NewReader(bytes.NewReader(body), ctParams["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return v2ReturnFail("multipart body is malformed: " + err.Error())
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return v2ReturnFail("multipart body is malformed: " + err.Error())
		}
		name := p.FormName()
		switch {
		case name == "media":
			if file != nil {
				return v2ReturnFail("the form has two media parts")
			}
			if p.FileName() == "" {
				return v2ReturnFail("the media part has no filename")
			}
			file = &v2File{name: p.FileName(), contentType: p.Header.Get("Content-Type"), data: data}
		case v2FormFields[name]:
			if _, dup := params[name]; dup {
				return v2ReturnFail("parameter " + name + " appears more than once")
			}
			params[name] = string(data)
		default:
			return v2ReturnFail("the form has an unknown part " + strconv.Quote(name) + "; want mch_id, media_hash, sign_type, sign and media")
		}
	}

	mchID := params["mch_id"]
	merchant := s.v2.merchants[mchID]
	switch {
	case mchID == "":
		return v2ReturnFail("缺少参数mch_id")
	case merchant == nil:
		return v2ReturnFail("mch_id参数错误: " + mchID + " is not a merchant of this server")
	case ep.MTLS && peer.Subject.CommonName != mchID:
		return v2ReturnFail("证书错误: the client certificate is merchant " + peer.Subject.CommonName + "'s, not " + mchID + "'s")
	}
	signType := params["sign_type"]
	switch {
	case signType == "":
		return v2ReturnFail("缺少参数sign_type")
	case signType != xmlsign.MD5 && signType != xmlsign.HMACSHA256:
		return v2ReturnFail("sign_type参数错误: " + signType + " is not MD5 or HMAC-SHA256")
	case params["sign"] == "":
		return v2ReturnFail("缺少参数sign")
	}
	if want, _ := xmlsign.Sign(params, s.Secret, signType); want != strings.ToUpper(params["sign"]) {
		return v2ReturnFail("签名错误: the sign is not the " + signType + " of mch_id, media_hash and sign_type with the merchant's APIv2 key")
	}
	switch {
	case params["media_hash"] == "":
		return v2ReturnFail("缺少参数media_hash")
	case file == nil:
		return v2ReturnFail("缺少参数media")
	}
	sum := md5.Sum(file.data)
	if got := hex.EncodeToString(sum[:]); got != strings.ToLower(params["media_hash"]) {
		return v2ReturnFail("media_hash参数错误: " + params["media_hash"] + " is not the MD5 of the media part, " + got)
	}
	return s.carryOutV2(r.URL.Path, ep, endpoint, v2Call{params: params, merchant: merchant, file: file}, signType, fault)
}

// v2UploadMedia keeps an image and answers its media_id.
func (s *Server) v2UploadMedia(c v2Call) v2Result {
	f := c.file
	if f == nil { // not reached: handleV2Form sends every upload
		return v2Fail("PARAM_ERROR", "缺少参数media")
	}
	ext := strings.ToLower(filepath.Ext(f.name))
	if !contains(images, ext) {
		return v2Fail("PARAM_ERROR", "图片格式错误: "+strconv.Quote(ext)+" is not one of "+strings.Join(images, ", "))
	}
	if msg := checkMediaType(ext, f.contentType, f.data); msg != "" {
		return v2Fail("PARAM_ERROR", msg)
	}
	if len(f.data) > v2MediaMaxSize {
		return v2Fail("PARAM_ERROR", "图片大小超过限制: "+strconv.Itoa(len(f.data))+" bytes, at most "+strconv.Itoa(v2MediaMaxSize))
	}
	id := signer.Nonce() + signer.Nonce()
	s.mu.Lock()
	s.files.uploads = append(s.files.uploads, Upload{
		Endpoint: "/secapi/mch/uploadmedia", Filename: f.name, FileType: f.contentType, Content: f.data, ID: id,
	})
	s.mu.Unlock()
	return v2Result{fields: map[string]string{"result_code": "SUCCESS", "media_id": id}}
}
