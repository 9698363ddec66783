package wxpaytest

import (
	"bytes"
	"compress/gzip"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/sm4"
)

// Files: media uploads, bills and overseas statements.
//
//	POST /v3/merchant/media/upload             200 {"media_id"}   an image (jpg, jpeg, png, bmp), at most 2 MiB
//	POST /v3/merchant/media/video_upload       200 {"media_id"}   a video (avi, wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v, rmvb), at most 5 MiB
//	POST /v3/marketing/favor/media/image-upload 200 {"media_url"} an image, at most 2 MiB
//	POST /v3/merchant-service/images/upload    200 {"media_id"}   an image, at most 2 MiB
//	GET  /v3/bill/tradebill?bill_date=&bill_type=&tar_type=      200 {"hash_type","hash_value","download_url"}
//	GET  /v3/bill/fundflowbill?bill_date=&account_type=&tar_type=
//	GET  /v3/bill/sub-merchant-fundflowbill?sub_mchid=&bill_date=&account_type=&algorithm=&tar_type=
//	                                            200 {"download_bill_count","download_bill_list":[{"bill_sequence",
//	                                                "download_url","encrypt_key","hash_type","hash_value","nonce"}]}
//	GET  /v3/ecommerce/bill/fundflowbill?bill_date=&account_type=ALL&algorithm=&tar_type=
//	GET  /v3/billdownload/file?token=           200 the bill, unsigned
//	GET  /hk/v3/statements?date=YYYYMMDD        200 the statement, signed over its digest
//	GET  /v3/global/statements?date=YYYYMMDD

// An upload is multipart/form-data with a "meta" part, the JSON
// {"filename","sha256"} that the request signature covers, and a "file"
// part whose SHA-256 must be the one in meta.
const maxUploadBody = 8 << 20

// defaultBillRows is how many records a generated bill has unless
// SetBillRows says otherwise.
const defaultBillRows = 3

// fileState is the server's part in files; Server.mu guards it.
type fileState struct {
	billRows  int
	rowsSet   bool                // SetBillRows was called: trade and fund flow bills get invented rows
	dayClosed string              // the last day CloseBillDay issued bills of, YYYY-MM-DD
	billParts int                 // of an encrypted bill; 1 if zero
	bills     map[string]billLink // by download token
	digests   map[billSpec]fileDigest
	uploads   []Upload
	corrupt   bool
}

// billLink is what a download token stands for: a bill generated as it is
// sent, or an encrypted file, held whole.
type billLink struct {
	spec      billSpec
	tarGzip   bool
	encrypted []byte
}

// fileDigest is the SHA-1 and size of a generated file's plain text.
type fileDigest struct {
	sha1 string
	size int64
}

// Upload is one file the server accepted.
type Upload struct {
	Endpoint string // the request path, such as "/v3/merchant/media/upload"
	Filename string
	FileType string // the Content-Type of the file part
	Content  []byte
	ID       string // the media_id or media_url the server answered
}

// Uploads returns the files uploaded so far, in order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.files.uploads))
	copy(out, s.files.uploads)
	return out
}

// SetBillRows sets how many invented records the bills and statements
// the server hands out from now on have: statements have 3 by default,
// trade and fund flow bills none beyond the server's own records (see
// bills.go). They are generated as they
// are sent, so a bill of millions of rows costs the server no memory; its
// digest takes one pass over it the first time it is asked for.
func (s *Server) SetBillRows(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files.billRows, s.files.rowsSet = n, true
}

// SplitEncryptedBills makes the encrypted fund flow bills the server hands
// out from now on come in n parts (1 by default), as WeChat Pay splits a
// bill of more than about 16 GB: each part has its own link, key, nonce
// and digest, and the parts decrypted in bill_sequence order make the
// bill.
func (s *Server) SplitEncryptedBills(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files.billParts = n
}

// CorruptNextFile changes one byte of the next bill or statement file the
// server sends, while the digest it announced stays that of the original,
// as a damaged transfer would.
func (s *Server) CorruptNextFile() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files.corrupt = true
}

// maxBodyFor bounds a request body: uploads may be larger than JSON.
func maxBodyFor(r *http.Request) int64 {
	if isMultipart(r.Header.Get("Content-Type")) {
		return maxUploadBody
	}
	return maxBody
}

func isMultipart(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "multipart/form-data"
}

// signedPart is what the signature of a request covers: the meta part of
// an upload, the body otherwise. An upload whose other parts are wrong
// still has its signature checked; its endpoint says what is wrong.
func signedPart(r *http.Request, body []byte) []byte {
	ct := r.Header.Get("Content-Type")
	if !isMultipart(ct) {
		return body
	}
	_, params, _ := mime.ParseMediaType(ct)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return nil
		}
		if p.FormName() == "meta" {
			meta, _ := io.ReadAll(p)
			return meta
		}
	}
}

// parseUpload splits an upload into its meta JSON, exactly as sent, and
// its file part.
func parseUpload(contentType string, body []byte) (meta, file []byte, part *multipart.Part, err *Error) {
	_, params, perr := mime.ParseMediaType(contentType)
	if perr != nil || params["boundary"] == "" {
		return nil, nil, nil, paramError("Content-Type %q has no multipart boundary", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, perr := mr.NextRawPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return nil, nil, nil, paramError("multipart body is malformed: %v", perr)
		}
		data, perr := io.ReadAll(p)
		if perr != nil {
			return nil, nil, nil, paramError("multipart body is malformed: %v", perr)
		}
		switch p.FormName() {
		case "meta":
			if meta != nil {
				return nil, nil, nil, paramError("multipart body has two meta parts")
			}
			meta = data
		case "file":
			if file != nil {
				return nil, nil, nil, paramError("multipart body has two file parts")
			}
			file, part = data, p
		default:
			return nil, nil, nil, paramError("multipart body has an unknown part %q; want meta and file", p.FormName())
		}
	}
	switch {
	case meta == nil:
		return nil, nil, nil, paramError("multipart body has no meta part")
	case file == nil:
		return nil, nil, nil, paramError("multipart body has no file part")
	}
	return meta, file, part, nil
}

// uploadRule is what one upload endpoint takes.
type uploadRule struct {
	endpoint string
	exts     []string
	maxSize  int
	idField  string // media_id or media_url
}

var (
	images = []string{".jpg", ".jpeg", ".png", ".bmp"}
	videos = []string{".avi", ".wmv", ".mpeg", ".mp4", ".mov", ".mkv", ".flv", ".f4v", ".m4v", ".rmvb"}
)

func (s *Server) uploadMedia(c call) reply {
	return s.upload(c, uploadRule{"/v3/merchant/media/upload", images, 2 << 20, "media_id"})
}

func (s *Server) uploadVideo(c call) reply {
	return s.upload(c, uploadRule{"/v3/merchant/media/video_upload", videos, 5 << 20, "media_id"})
}

func (s *Server) uploadFavorImage(c call) reply {
	return s.upload(c, uploadRule{"/v3/marketing/favor/media/image-upload", images, 2 << 20, "media_url"})
}

func (s *Server) uploadServiceImage(c call) reply {
	return s.upload(c, uploadRule{"/v3/merchant-service/images/upload", images, 2 << 20, "media_id"})
}

// upload checks an upload and keeps it.
func (s *Server) upload(c call, rule uploadRule) reply {
	ct := c.header.Get("Content-Type")
	if !isMultipart(ct) {
		return refuse(paramError("Content-Type of an upload must be multipart/form-data, not %q", ct))
	}
	metaJSON, file, part, perr := parseUpload(ct, c.body)
	if perr != nil {
		return refuse(perr)
	}
	var meta struct {
		Filename string `json:"filename"`
		SHA256   string `json:"sha256"`
	}
	dec := json.NewDecoder(bytes.NewReader(metaJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return refuse(paramError("meta is not the JSON {\"filename\",\"sha256\"}: %v", err))
	}
	switch {
	case meta.Filename == "":
		return refuse(paramError("meta.filename is required"))
	case len(meta.SHA256) != 2*sha256.Size:
		return refuse(paramError("meta.sha256 %q is not a hex SHA-256", meta.SHA256))
	case part.FileName() != meta.Filename:
		return refuse(paramError("file part is named %q, meta.filename %q", part.FileName(), meta.Filename))
	}
	ext := strings.ToLower(filepath.Ext(meta.Filename))
	if !contains(rule.exts, ext) {
		return refuse(paramError("file type %q is not accepted here; want one of %s", ext, strings.Join(rule.exts, ", ")))
	}
	if len(file) > rule.maxSize {
		return refuse(paramError("file is %d bytes, more than the %d allowed", len(file), rule.maxSize))
	}
	if sum := sha256.Sum256(file); !strings.EqualFold(hex.EncodeToString(sum[:]), meta.SHA256) {
		return refuse(paramError("meta.sha256 %s does not match the file, whose SHA-256 is %s", meta.SHA256, hex.EncodeToString(sum[:])))
	}
	if msg := checkMediaType(ext, part.Header.Get("Content-Type"), file); msg != "" {
		return refuse(paramError("%s", msg))
	}
	id := "H5_" + signer.Nonce() + signer.Nonce()
	if rule.idField == "media_url" {
		id = "https://wxpaylogo.qpic.cn/wxpaylogo/" + signer.Nonce() + "/0"
	}
	s.mu.Lock()
	s.files.uploads = append(s.files.uploads, Upload{
		Endpoint: rule.endpoint, Filename: meta.Filename, FileType: part.Header.Get("Content-Type"), Content: file, ID: id,
	})
	s.mu.Unlock()
	return ok(map[string]string{rule.idField: id})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// fileReply is a file the reply streams instead of a JSON body.
type fileReply struct {
	encrypted []byte // an encrypted bill, sent as is; spec and the rest are unused
	spec      billSpec
	digest    fileDigest
	tarGzip   bool // tar_type=GZIP: the file itself is gzip
	encGzip   bool // Content-Encoding: gzip, for a client that accepts it
	statement bool // signed over {"sha1":"<digest>"}
}

func (s *Server) tradeBill(c call) reply {
	if t := c.query.Get("bill_type"); t != "" && t != "ALL" && t != "SUCCESS" && t != "REFUND" && t != "RECHARGE_REFUND" && t != "ALL_SPECIAL" && t != "SUC_SPECIAL" && t != "REF_SPECIAL" {
		return refuse(paramError("bill_type %q is not ALL, SUCCESS or REFUND", t))
	}
	return s.billLink(c, tradeBill, c.query.Get("bill_type"))
}

func (s *Server) fundFlowBill(c call) reply {
	if t := c.query.Get("account_type"); t != "" && t != "BASIC" && t != "OPERATION" && t != "FEES" {
		return refuse(paramError("account_type %q is not BASIC, OPERATION or FEES", t))
	}
	return s.billLink(c, fundFlowBill, c.query.Get("account_type"))
}

// billLink answers a bill API: where to download the bill, and its
// digest.
func (s *Server) billLink(c call, kind billKind, filter string) reply {
	date, tarGzip, err := s.billQuery(c)
	if err != nil {
		return refuse(err)
	}
	spec := s.recordedBillSpec(kind, date, filter)
	d := s.digest(spec)
	return ok(struct {
		HashType    string `json:"hash_type"`
		HashValue   string `json:"hash_value"`
		DownloadURL string `json:"download_url"`
	}{"SHA1", d.sha1, s.downloadURL(billLink{spec: spec, tarGzip: tarGzip})})
}

// billQuery checks the bill_date and tar_type of a bill API's query.
func (s *Server) billQuery(c call) (date string, tarGzip bool, err *Error) {
	date = c.query.Get("bill_date")
	if err := s.checkBillDate(date, "2006-01-02", "bill_date"); err != nil {
		return "", false, err
	}
	tar := c.query.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return "", false, paramError("tar_type %q is not GZIP", tar)
	}
	return date, tar == "GZIP", nil
}

// downloadURL hands out a download token for a bill.
func (s *Server) downloadURL(link billLink) string {
	token := signer.Nonce() + signer.Nonce()
	s.mu.Lock()
	if s.files.bills == nil {
		s.files.bills = make(map[string]billLink)
	}
	s.files.bills[token] = link
	s.mu.Unlock()
	return s.URL + "v3/billdownload/file?token=" + token
}

func (s *Server) subMerchantFundFlowBill(c call) reply {
	if c.query.Get("sub_mchid") == "" {
		return refuse(paramError("sub_mchid is required"))
	}
	if t := c.query.Get("account_type"); t != "BASIC" && t != "OPERATION" && t != "FEES" && t != "DEPOSIT" {
		return refuse(paramError("account_type %q is not BASIC, OPERATION, FEES or DEPOSIT", t))
	}
	return s.encryptedBills(c)
}

func (s *Server) ecommerceFundFlowBill(c call) reply {
	if t := c.query.Get("account_type"); t != "ALL" {
		return refuse(paramError("account_type %q is not ALL", t))
	}
	return s.encryptedBills(c)
}

// encryptedBills answers a fund flow bill API that encrypts its bills:
// the bill, generated and split into parts now, each part (gzip if
// tar_type says so) encrypted with the algorithm the query names under a
// key of its own, with no associated data and a 16-character nonce like
// the documented one, and the key encrypted with RSA-OAEP for the
// merchant. AEAD_AES_256_GCM keys are 32 characters of [0-9A-Za-z], as an
// APIv3 key is; SM4_GCM keys are 16 random bytes.
func (s *Server) encryptedBills(c call) reply {
	alg := c.query.Get("algorithm")
	var newKey func() string
	var newBlock func([]byte) (cipher.Block, error)
	switch alg {
	case "AEAD_AES_256_GCM":
		newKey = func() string {
			return (aescipher.NewNonce() + aescipher.NewNonce() + aescipher.NewNonce())[:aescipher.KeyLength]
		}
		newBlock = aes.NewCipher
	case "SM4_GCM":
		newKey = func() string {
			var key [sm4.KeySize]byte
			rand.Read(key[:])
			return string(key[:])
		}
		newBlock = sm4.NewCipher
	default:
		return refuse(paramError("algorithm %q is not AEAD_AES_256_GCM or SM4_GCM", alg))
	}
	date, tarGzip, err := s.billQuery(c)
	if err != nil {
		return refuse(err)
	}
	var bill bytes.Buffer
	writeBill(&bill, s.billSpec(fundFlowBill, date))
	s.mu.Lock()
	parts := max(s.files.billParts, 1)
	s.mu.Unlock()

	type entry struct {
		BillSequence int    `json:"bill_sequence"`
		DownloadURL  string `json:"download_url"`
		EncryptKey   string `json:"encrypt_key"`
		HashType     string `json:"hash_type"`
		HashValue    string `json:"hash_value"`
		Nonce        string `json:"nonce"`
	}
	var out struct {
		Count int     `json:"download_bill_count"`
		List  []entry `json:"download_bill_list"`
	}
	text := bill.Bytes()
	for i := range parts {
		part := text[len(text)*i/parts : len(text)*(i+1)/parts]
		sum := sha1.Sum(part)
		file := part
		if tarGzip {
			var zb bytes.Buffer
			zw := gzip.NewWriter(&zb)
			zw.Write(part)
			zw.Close()
			file = zb.Bytes()
		}
		key := newKey()
		var raw [8]byte
		rand.Read(raw[:])
		nonce := hex.EncodeToString(raw[:])
		block, berr := newBlock([]byte(key))
		if berr != nil {
			panic("wxpaytest: a bill key: " + berr.Error())
		}
		aead, _ := cipher.NewGCMWithNonceSize(block, len(nonce))
		encKey, kerr := sensitive.Encrypt(&s.MerchantKey.PublicKey, key)
		if kerr != nil {
			panic("wxpaytest: encrypting a bill key: " + kerr.Error())
		}
		out.List = append(out.List, entry{
			BillSequence: i + 1,
			DownloadURL:  s.downloadURL(billLink{encrypted: aead.Seal(nil, []byte(nonce), file, nil)}),
			EncryptKey:   encKey,
			HashType:     "SHA1",
			HashValue:    hex.EncodeToString(sum[:]),
			Nonce:        nonce,
		})
	}
	out.Count = len(out.List)
	return ok(out)
}

// checkBillDate refuses a malformed date, or one whose bill is not out
// yet: WeChat Pay issues a day's bills the next morning.
func (s *Server) checkBillDate(date, layout, name string) *Error {
	if date == "" {
		return paramError("%s is required", name)
	}
	day, err := time.ParseInLocation(layout, date, chinaTime)
	if err != nil {
		return paramError("%s %q is not a date like %s", name, date, layout)
	}
	now := s.now().In(chinaTime)
	y, m, d := now.Date()
	s.mu.Lock()
	closed := s.files.dayClosed == now.Format("2006-01-02")
	s.mu.Unlock()
	if closed {
		d++
	}
	if !day.Before(time.Date(y, m, d, 0, 0, 0, 0, chinaTime)) {
		return &Error{StatusCode: http.StatusBadRequest, Code: "NO_STATEMENT_EXIST", Message: "the bill of " + date + " is not out yet"}
	}
	return nil
}

func (s *Server) billSpec(kind billKind, date string) billSpec {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := s.files.billRows
	if rows == 0 {
		rows = defaultBillRows
	}
	return billSpec{kind: kind, date: date, rows: rows, appID: s.AppID, mchID: s.MchID}
}

// digest hashes a generated file once and remembers it.
func (s *Server) digest(spec billSpec) fileDigest {
	s.mu.Lock()
	d, ok := s.files.digests[spec]
	s.mu.Unlock()
	if ok {
		return d
	}
	h := sha1.New()
	cw := &countWriter{w: h}
	writeBill(cw, spec)
	d = fileDigest{sha1: hex.EncodeToString(h.Sum(nil)), size: cw.n}
	s.mu.Lock()
	if s.files.digests == nil {
		s.files.digests = make(map[billSpec]fileDigest)
	}
	s.files.digests[spec] = d
	s.mu.Unlock()
	return d
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// billDownload serves a bill by its token. Bill files are not signed.
func (s *Server) billDownload(c call) reply {
	token := c.query.Get("token")
	s.mu.Lock()
	link, found := s.files.bills[token]
	s.mu.Unlock()
	if !found {
		return fail(http.StatusBadRequest, "INVALID_REQUEST", "token "+strconv.Quote(token)+" is unknown or expired")
	}
	if link.encrypted != nil {
		return reply{status: http.StatusOK, file: &fileReply{encrypted: link.encrypted}}
	}
	return reply{status: http.StatusOK, file: &fileReply{spec: link.spec, digest: s.digest(link.spec), tarGzip: link.tarGzip}}
}

// statements serves an overseas statement, signed over its digest and
// gzip-encoded for a client that accepts it.
func (s *Server) statements(c call) reply {
	date := c.query.Get("date")
	if err := s.checkBillDate(date, "20060102", "date"); err != nil {
		return refuse(err)
	}
	if m := c.query.Get("mchid"); m != "" {
		if err := s.checkMerchant(m, "mchid"); err != nil {
			return refuse(err)
		}
	}
	spec := s.billSpec(statementBill, date[:4]+"-"+date[4:6]+"-"+date[6:])
	return reply{status: http.StatusOK, file: &fileReply{
		spec: spec, digest: s.digest(spec), statement: true,
		encGzip: strings.Contains(c.header.Get("Accept-Encoding"), "gzip"),
	}}
}

// writeFile streams a file reply: the bill generated as it is written,
// through gzip if asked, with one byte changed if CorruptNextFile said so.
func (s *Server) writeFile(w http.ResponseWriter, rep reply) {
	f := rep.file
	s.mu.Lock()
	corrupt := s.files.corrupt
	s.files.corrupt = false
	s.mu.Unlock()

	h := w.Header()
	h["Request-ID"] = []string{s.requestID()}
	if f.encrypted != nil {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.Itoa(len(f.encrypted)))
		w.WriteHeader(rep.status)
		var out io.Writer = w
		if corrupt {
			out = &corruptor{w: w, at: int64(len(f.encrypted) / 2)}
		}
		out.Write(f.encrypted)
		return
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if f.tarGzip {
		h.Set("Content-Type", "application/x-gzip")
	}
	if f.statement {
		key, serial := rep.key, rep.serial
		if key == nil {
			key, serial = s.PlatformKey, s.PlatformKeyID
		}
		s.signHeaders(h, key, serial, []byte(`{"sha1":"`+f.digest.sha1+`"}`))
		h.Set(signer.HeaderStatementSHA1, f.digest.sha1)
	}
	if f.encGzip {
		h.Set("Content-Encoding", "gzip")
	}
	if !f.tarGzip && !f.encGzip {
		h.Set("Content-Length", strconv.FormatInt(f.digest.size, 10))
	}
	w.WriteHeader(rep.status)

	var out io.Writer = w
	if f.tarGzip || f.encGzip {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		defer zw.Close()
		out = zw
	}
	if corrupt {
		// A digit of the first record's date, or of the summary header.
		out = &corruptor{w: out, at: int64(len(billHeader(f.spec.kind))) + 5}
	}
	writeBill(out, f.spec)
}

// corruptor flips one bit at offset at of what goes through it.
type corruptor struct {
	w   io.Writer
	at  int64
	off int64
}

func (c *corruptor) Write(p []byte) (int, error) {
	if i := c.at - c.off; i >= 0 && i < int64(len(p)) {
		q := append([]byte(nil), p...)
		q[i] ^= 0x01
		p = q
	}
	c.off += int64(len(p))
	return c.w.Write(p)
}

// signHeaders sets the Wechatpay-* headers of a reply signed over msg.
func (s *Server) signHeaders(h http.Header, key *rsa.PrivateKey, serial string, msg []byte) {
	timestamp, nonce := strconv.FormatInt(s.now().Unix(), 10), signer.Nonce()
	sig, err := signer.Sign(key, signer.ResponseMessage(timestamp, nonce, msg))
	if err != nil {
		panic("wxpaytest: signing a reply: " + err.Error())
	}
	h.Set(signer.HeaderTimestamp, timestamp)
	h.Set(signer.HeaderNonce, nonce)
	h.Set(signer.HeaderSerial, serial)
	h.Set(signer.HeaderSignature, sig)
	h.Set("Wechatpay-Signature-Type", signer.Scheme)
}
