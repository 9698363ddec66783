package wxpaytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// The APIv2 side of the server: see the package documentation, # APIv2.

// Defaults of the APIv2 side, from the face-pay reverse (撤销订单) page of
// the WeChat Pay documentation.
const (
	DefaultV2MchID    = "1900000109"
	DefaultV2AppID    = "wx8888888888888888"
	DefaultV2SubMchID = "1900000100"
)

// The APIv2 faults. BadSignature, Slow, ServerError and ResetConnection
// apply to APIv2 requests too; the other APIv3 faults leave an APIv2 reply
// alone, and these leave an APIv3 reply alone.
const (
	ReturnFail   Fault = iota + 101 // return_code FAIL 系统繁忙,请稍后再试; the request is not carried out
	ResultFail                      // result_code FAIL SYSTEMERROR 系统超时 (recall Y on a reverse); not carried out
	MissingSign                     // the reply of a carried-out request has no sign
	NoClientCert                    // the request is answered as if it came without a client certificate
)

var v2FaultNames = map[Fault]string{
	ReturnFail:   "ReturnFail",
	ResultFail:   "ResultFail",
	MissingSign:  "MissingSign",
	NoClientCert: "NoClientCert",
}

// v2State is the APIv2 side: the CA, the merchants and the order book.
// The server's mutex guards it.
type v2State struct {
	ca        *x509.Certificate
	merchants map[string]*v2Merchant
	orders    []*v2Order
	nonces    map[string]bool // mch_id + " " + nonce_str
	nonceRing []string
	seq       int
	client    *wechatpay.Client
}

type v2Merchant struct {
	mchID string
	appID string
	cert  tls.Certificate
}

// maxNonces is how many nonces the server remembers per server.
const maxNonces = 1 << 14

// initV2 sets up the APIv2 side before the listener starts.
func (s *Server) initV2() {
	s.Secret = signer.Nonce() // 32 characters of [0-9A-Za-z], as the merchant console asks for
	if s.V2MchID == "" {
		s.V2MchID = DefaultV2MchID
	}
	s.V2AppID = DefaultV2AppID
	v2 := &v2State{merchants: map[string]*v2Merchant{}, nonces: map[string]bool{}}
	s.v2 = v2

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("wxpaytest: generating the CA key: " + err.Error())
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "wxpaytest merchant CA", Organization: []string{"wxpaytest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		panic("wxpaytest: creating the CA certificate: " + err.Error())
	}
	v2.ca, _ = x509.ParseCertificate(der)

	for i, m := range []struct{ mchID, appID string }{{s.MchID, s.AppID}, {s.V2MchID, s.V2AppID}} {
		if v2.merchants[m.mchID] != nil {
			continue // WithMchID made them one merchant
		}
		// The merchant API certificate holds the merchant API key, and
		// its serial is MerchantSerial, as a real one would.
		serial, _ := new(big.Int).SetString(s.MerchantSerial, 16)
		if i > 0 {
			serial.Add(serial, big.NewInt(int64(i)))
		}
		tmpl := &x509.Certificate{
			SerialNumber: serial,
			Subject:      pkix.Name{CommonName: m.mchID, OrganizationalUnit: []string{"WeChat Pay test merchant"}, Organization: []string{"wxpaytest"}},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(5 * 365 * 24 * time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, v2.ca, &s.MerchantKey.PublicKey, caKey)
		if err != nil {
			panic("wxpaytest: creating a merchant certificate: " + err.Error())
		}
		leaf, _ := x509.ParseCertificate(der)
		v2.merchants[m.mchID] = &v2Merchant{mchID: m.mchID, appID: m.appID,
			cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: s.MerchantKey, Leaf: leaf}}
		o := &v2Order{
			mchID: m.mchID, appID: m.appID, outTradeNo: v2SeedOrderNo, transactionID: v2SeedOrderNo,
			tradeType: "FACEPAY", tradeState: "SUCCESS", totalFee: 1, body: "image形象店-深圳腾大- QQ公仔",
			openID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", timeEnd: "20141030133525",
		}
		if i > 0 {
			o.subMchID, o.subAppID = DefaultV2SubMchID, m.appID
		}
		v2.orders = append(v2.orders, o)
	}

	pool := x509.NewCertPool()
	pool.AddCert(v2.ca)
	if s.ts.TLS == nil {
		s.ts.TLS = &tls.Config{}
	}
	s.ts.TLS.ClientAuth = tls.VerifyClientCertIfGiven
	s.ts.TLS.ClientCAs = pool
}

// v2SeedOrderNo is the order number of the face-pay reverse documentation.
const v2SeedOrderNo = "1217752501201407033233368018"

// MerchantCA returns the CA that issued the merchant certificates, the one
// the server verifies client certificates against.
func (s *Server) MerchantCA() *x509.Certificate {
	return s.v2.ca
}

// merchantCert returns a copy of a merchant's certificate.
func (s *Server) merchantCert(mchID string) *tls.Certificate {
	cert := s.v2.merchants[mchID].cert
	return &cert
}

// V2Config returns an APIv2-only client configuration for V2MchID, the
// merchant of the APIv2 documentation: its id, Secret, its merchant
// certificate, the server URL (backup retry off) and a TLS configuration
// that trusts the server. It has no APIv3 keys: use Config for APIv3.
func (s *Server) V2Config() wechatpay.Config {
	cfg := s.Config()
	cfg.MchID = s.V2MchID
	cfg.Serial, cfg.PrivateKey, cfg.Certs = "", nil, nil
	cfg.Merchant = s.merchantCert(s.V2MchID)
	return cfg
}

// V2Client returns a client built from V2Config, the same one on every
// call.
func (s *Server) V2Client() *wechatpay.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.v2.client == nil {
		c, err := wechatpay.New(s.V2Config())
		if err != nil {
			panic("wxpaytest: the server's own V2Config is refused: " + err.Error())
		}
		s.v2.client = c
	}
	return s.v2.client
}

// isV2Path tells APIv2 paths from APIv3 ones (v3/..., hk/v3/...).
func isV2Path(path string) bool {
	return !strings.Contains(path+"/", "/v3/")
}

// v2Reply is what the APIv2 side answers.
type v2Reply struct {
	status      int
	contentType string
	body        []byte
	err         *Error // why the request was refused or failed, for Received.Err
}

// serveV2 records an APIv2 request, checks it, carries it out unless a
// fault says otherwise, and answers.
func (s *Server) serveV2(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyFor(r)))
	rec, fault, delay := s.record(r, body)

	var rep v2Reply
	switch fault {
	case ResetConnection:
		s.answer(rec)
		resetConnection(w)
		return
	case ServerError:
		rep = v2Reply{status: http.StatusInternalServerError, contentType: "text/plain; charset=utf-8", body: []byte("system error, please retry later"),
			err: &Error{StatusCode: http.StatusInternalServerError, Code: "SYSTEM_ERROR", Message: "system error, please retry later"}}
	default:
		rep = s.handleV2(r, body, readErr, fault)
	}
	if rep.err != nil {
		s.mu.Lock()
		rec.Err = rep.err
		s.mu.Unlock()
	}
	s.answer(rec)
	if fault == Slow {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			panic(http.ErrAbortHandler)
		case <-s.closed:
		}
	}
	w.Header().Set("Content-Type", rep.contentType)
	w.Header().Set("Request-ID", s.requestID())
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

// v2Call is a verified APIv2 request as an endpoint sees it.
type v2Call struct {
	params   map[string]string
	merchant *v2Merchant
	file     *v2File // the file of an upload (a multipart request), else nil
}

// v2Result is what an endpoint answers: reply fields (return_code and the
// merchant's ids are added), or a raw body for a file.
type v2Result struct {
	fields      map[string]string
	raw         []byte
	contentType string
}

type v2Endpoint func(*Server, v2Call) v2Result

var v2Endpoints = map[string]v2Endpoint{
	"POST /pay/orderquery":            (*Server).v2OrderQuery,
	"POST /pay/micropay":              (*Server).v2Micropay,
	"POST /secapi/pay/reverse":        (*Server).v2Reverse,
	"POST /secapi/pay/facepayreverse": (*Server).v2FacepayReverse,
	"GET /papay/h5entrustweb":         (*Server).v2H5EntrustWeb,
	"POST /pay/downloadbill":          (*Server).v2DownloadBill,
	"POST /secapi/mch/uploadmedia":    (*Server).v2UploadMedia,
	"POST /secapi/pay/refund":         (*Server).v2Refund,
	"POST /pay/refundquery":           (*Server).v2RefundQuery,
}

const noClientCertPage = "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n" +
	"<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

func (s *Server) handleV2(r *http.Request, body []byte, readErr error, fault Fault) v2Reply {
	path := r.URL.Path
	endpoint := s.v2Endpoint(r, body)
	if endpoint == nil {
		known := s.scriptedOtherMethod(r.Method, "v2"+path)
		for k := range v2Endpoints {
			if _, p, _ := strings.Cut(k, " "); p == path {
				known = true
			}
		}
		if known {
			err := notAllowed(r.Method, path)
			return v2Reply{status: err.StatusCode, contentType: "text/plain; charset=utf-8", body: []byte(err.Message), err: err}
		}
		return v2Reply{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8", body: []byte("no APIv2 endpoint at " + path),
			err: &Error{StatusCode: http.StatusNotFound, Code: "NOT_FOUND", Message: "no APIv2 endpoint at " + path}}
	}
	// The catalog says which endpoints need the client certificate and
	// which replies go unsigned, as it tells the client.
	ep, _ := catalog.Lookup(r.Method, "v2"+path)
	var peer *x509.Certificate
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 && fault != NoClientCert {
		peer = r.TLS.PeerCertificates[0]
	}
	if ep.MTLS && peer == nil {
		return v2Reply{status: http.StatusBadRequest, contentType: "text/html", body: []byte(noClientCertPage),
			err: &Error{StatusCode: http.StatusBadRequest, Code: "NO_CLIENT_CERT", Message: "No required SSL certificate was sent"}}
	}
	if ep.Content == "multipart" {
		return s.handleV2Form(r, body, readErr, fault, ep, peer, endpoint)
	}

	var params map[string]string
	switch {
	case readErr != nil:
		return v2ReturnFail("request body is larger than 1 MiB or unreadable: " + readErr.Error())
	case r.Method == http.MethodGet:
		values, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return v2ReturnFail("query string is malformed: " + err.Error())
		}
		params = make(map[string]string, len(values))
		for k, vs := range values {
			if len(vs) > 1 {
				return v2ReturnFail("parameter " + k + " appears more than once")
			}
			params[k] = vs[0]
		}
	default:
		ct := r.Header.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/xml" && mt != "application/xml") {
			return v2ReturnFail("Content-Type must be text/xml, not " + ct)
		}
		var err error
		if params, err = transformer.ToMap(body); err != nil {
			return v2ReturnFail("XML格式错误: " + err.Error())
		}
	}

	mchID, mchField := "", ""
	for _, k := range [...]string{"mch_id", "mchid", "combine_mch_id"} {
		if v, ok := params[k]; ok {
			mchID, mchField = v, k
			break
		}
	}
	merchant := s.v2.merchants[mchID]
	switch {
	case mchField == "":
		return v2ReturnFail("缺少参数mch_id")
	case merchant == nil:
		return v2ReturnFail(mchField + "参数错误: " + mchID + " is not a merchant of this server")
	case ep.MTLS && peer.Subject.CommonName != mchID:
		return v2ReturnFail("证书错误: the client certificate is merchant " + peer.Subject.CommonName + "'s, not " + mchID + "'s")
	case params["appid"] == "":
		return v2ReturnFail("缺少参数appid")
	case params["appid"] != merchant.appID:
		return v2ReturnFail("appid和mch_id不匹配: " + mchID + " is bound to " + merchant.appID + ", not " + params["appid"])
	}
	signType := params["sign_type"]
	if signType != "" && signType != xmlsign.MD5 && signType != xmlsign.HMACSHA256 {
		return v2ReturnFail("sign_type参数错误: " + signType + " is not MD5 or HMAC-SHA256")
	}
	if params["sign"] == "" {
		return v2ReturnFail("缺少参数sign")
	}
	want, _ := xmlsign.Sign(params, s.Secret, signType)
	if want != strings.ToUpper(params["sign"]) {
		alg := signType
		if alg == "" {
			alg = xmlsign.MD5
		}
		return v2ReturnFail("签名错误: the sign is not the " + alg + " of the " + strconv.Itoa(len(params)-1) + " other parameters with the merchant's APIv2 key")
	}
	if r.Method != http.MethodGet {
		nonce := params["nonce_str"]
		switch {
		case nonce == "":
			return v2ReturnFail("缺少参数nonce_str")
		case len(nonce) > 32:
			return v2ReturnFail("nonce_str参数长度有误: " + strconv.Itoa(len(nonce)) + " characters, at most 32")
		}
		if !s.rememberNonce(mchID + " " + nonce) {
			return v2ReturnFail("nonce_str " + nonce + " was used before: the request is a replay")
		}
	}

	if msg, failed := s.checkV2(ep, params); failed {
		return v2ReturnFail(msg)
	}
	return s.carryOutV2(path, ep, endpoint, v2Call{params: params, merchant: merchant}, signType, fault)
}

// carryOutV2 runs the endpoint of a verified request unless a fault says
// otherwise, and answers, signing the reply with signType.
func (s *Server) carryOutV2(path string, ep catalog.Endpoint, endpoint v2Endpoint, call v2Call, signType string, fault Fault) v2Reply {
	params := call.params
	if fault == ReturnFail {
		return v2ReturnFail("系统繁忙,请稍后再试")
	}
	var res v2Result
	if fault == ResultFail {
		res = v2Fail("SYSTEMERROR", "系统超时")
		if strings.HasSuffix(path, "reverse") {
			res.fields["recall"] = "Y"
		}
	} else {
		res = endpoint(s, call)
	}
	if res.raw != nil {
		return v2Reply{status: http.StatusOK, contentType: res.contentType, body: res.raw}
	}

	fields := map[string]string{"return_code": "SUCCESS", "return_msg": "OK"}
	for _, k := range [...]string{"appid", "mch_id", "mchid", "sub_appid", "sub_mch_id", "device_info"} {
		if v, ok := params[k]; ok {
			fields[k] = v
		}
	}
	for k, v := range res.fields {
		fields[k] = v
	}
	var err *Error
	if fields["return_code"] != "SUCCESS" {
		err = &Error{StatusCode: http.StatusOK, Code: fields["return_code"], Message: fields["return_msg"]}
	} else if fields["result_code"] == "FAIL" {
		err = &Error{StatusCode: http.StatusOK, Code: fields["err_code"], Message: fields["err_code_des"]}
	}
	if ep.SignedResponse && fields["return_code"] == "SUCCESS" {
		fields["nonce_str"] = signer.Nonce()
		sig, _ := xmlsign.Sign(fields, s.Secret, signType)
		switch fault {
		case BadSignature:
			sig = spoilHex(sig)
		case MissingSign:
			sig = ""
		}
		if sig != "" {
			fields["sign"] = sig
		}
	}
	return v2Reply{status: http.StatusOK, contentType: "text/xml; charset=utf-8", body: wechatXML(fields), err: err}
}

// rememberNonce records an authentic nonce; false if it was seen before.
func (s *Server) rememberNonce(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v2 := s.v2
	if v2.nonces[key] {
		return false
	}
	if len(v2.nonceRing) >= maxNonces {
		delete(v2.nonces, v2.nonceRing[0])
		v2.nonceRing = v2.nonceRing[1:]
	}
	v2.nonces[key] = true
	v2.nonceRing = append(v2.nonceRing, key)
	return true
}

func v2ReturnFail(msg string) v2Reply {
	return v2Reply{status: http.StatusOK, contentType: "text/xml; charset=utf-8",
		body: wechatXML(map[string]string{"return_code": "FAIL", "return_msg": msg}),
		err:  &Error{StatusCode: http.StatusOK, Code: "FAIL", Message: msg}}
}

// v2Fail is a business failure: result_code FAIL.
func v2Fail(code, des string) v2Result {
	return v2Result{fields: map[string]string{"result_code": "FAIL", "err_code": code, "err_code_des": des}}
}

// wechatXML writes reply fields as WeChat Pay does: sorted here for
// stable output, every value that is not a number in CDATA.
func wechatXML(fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("<xml>")
	for _, k := range keys {
		v := fields[k]
		b.WriteString("<" + k + ">")
		if v != "" && strings.Trim(v, "0123456789") == "" {
			b.WriteString(v)
		} else {
			b.WriteString("<![CDATA[" + strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>") + "]]>")
		}
		b.WriteString("</" + k + ">")
	}
	b.WriteString("</xml>")
	return []byte(b.String())
}

// spoilHex changes one hex digit of a sign.
func spoilHex(sig string) string {
	if sig == "" {
		return "0"
	}
	b := []byte(sig)
	i := len(b) / 2
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}
