// Package wxpaytest runs a WeChat Pay APIv3 and APIv2 server for tests,
// in the manner of net/http/httptest: start it in one line, get a client
// keyed for it, and read what it saw.
//
//	srv := wxpaytest.NewServer()
//	defer srv.Close()
//	resp, err := srv.Client().Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
//		"out_trade_no": "1217752501201407033233368018",
//		"json":         wechatpay.M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
//	})
//
// The server listens on 127.0.0.1 over HTTPS and is as strict as WeChat
// Pay: every request must carry a valid Authorization header (mchid,
// serial_no, a timestamp within 300 seconds of the server clock, a nonce
// not used before, and an RSA-SHA256 signature by MerchantKey over the
// request target exactly as received, so a target sent in absolute form
// fails), an Accept header that takes application/json (*/*,
// application/* and lists with q-values do), a User-Agent, and, with a body,
// Content-Type: application/json and valid JSON (multipart/form-data for
// an upload, signed over its meta part); a Wechatpay-Serial header, if
// sent, must name PlatformKeyID or a platform certificate. Every reply,
// errors and 204s included, carries a Request-ID and is signed with
// PlatformKey under PlatformKeyID (or with a platform certificate, as
// WithKeys says); bill files alone are not signed.
//
// # Endpoints
//
// An in-memory order book backs these APIv3 endpoints:
//
//	POST /v3/pay/transactions/native                         200 {"code_url"}
//	POST /v3/pay/transactions/jsapi, /v3/pay/transactions/app 200 {"prepay_id"} (a mini program uses jsapi)
//	POST /v3/pay/transactions/h5                             200 {"h5_url"}
//	POST /v3/refund/domestic/refunds                         200 the refund, PROCESSING (refunds.go)
//	GET  /v3/refund/domestic/refunds/{out_refund_no}         200 the refund
//	GET  /v3/pay/transactions/id/{transaction_id}?mchid=     200 the order
//	GET  /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=
//	                                                          200 the order
//	POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close
//	                                                          204
//	POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse
//	                                                          200 {"appid","mchid","out_trade_no"}
//	POST /v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse
//	                                                          204
//
// Profit sharing (profitsharing.go) and transfers (transfers.go) keep
// state and send callbacks as refunds do:
//
//	POST /v3/profitsharing/receivers/add, /v3/profitsharing/receivers/delete
//	POST /v3/profitsharing/orders, /v3/profitsharing/orders/unfreeze, /v3/profitsharing/return-orders
//	GET  /v3/profitsharing/orders/{out_order_no}, /v3/profitsharing/return-orders/{out_return_no},
//	     /v3/profitsharing/transactions/{transaction_id}/amounts
//	POST /v3/fund-app/mch-transfer/transfer-bills, .../out-bill-no/{out_bill_no}/cancel
//	GET  /v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}, .../transfer-bill-no/{transfer_bill_no}
//	POST /v3/transfer/batches
//	GET  /v3/transfer/batches/out-batch-no/{out_batch_no}[/details/out-detail-no/{out_detail_no}],
//	     /v3/transfer/batches/batch-id/{batch_id}[/details/detail-id/{detail_id}]
//
// Files and platform certificates:
//
//	POST /v3/merchant/media/upload, /v3/merchant/media/video_upload,
//	     /v3/merchant-service/images/upload                   200 {"media_id"}
//	POST /v3/marketing/favor/media/image-upload               200 {"media_url"}
//	GET  /v3/bill/tradebill, /v3/bill/fundflowbill?bill_date=&tar_type=
//	                                                          200 {"hash_type","hash_value","download_url"}
//	GET  /v3/billdownload/file?token=                         200 the bill, unsigned
//	GET  /hk/v3/statements, /v3/global/statements?date=       200 the statement, signed over its digest
//	GET  /v3/bill/sub-merchant-fundflowbill, /v3/ecommerce/bill/fundflowbill
//	                                                          200 {"download_bill_list"}, each part encrypted
//	GET  /v3/certificates, /v3/global/certificates, /hk/v3/certificates
//	                                                          200 the platform certificates, encrypted
//
// An upload's file must match the sha256 of its meta part; Uploads returns
// what the server kept; a file must be the image or video its name says.
// Trade and fund flow bills list the payments, refunds, fees, profit
// sharing and transfers of the day (bills.go; CloseBillDay issues
// today's); bills and statements are generated as they are sent, so
// SetBillRows can add invented rows to any size; CorruptNextFile damages
// one. AddPlatformCertificate and RotatePlatformKey play a certificate
// rotation.
//
// Path parameters are percent-decoded, so order numbers may hold any
// character. Native orders start NOTPAY; SetPaid moves one to SUCCESS.
// Closing moves an unpaid order to CLOSED (400 ORDER_PAID once paid);
// reversing moves any order to REVOKED and may be repeated.
//
// # Error replies
//
// Errors are JSON {"code","message"} where the message names what is
// wrong, and are recorded as the Err of the request:
//
//	401 SIGN_ERROR            anything wrong with the Authorization header or signature
//	400 PARAM_ERROR           bad headers or body, a missing or malformed field (named
//	                          as in "sub_orders[0].sub_mchid"), or a mchid in the body
//	                          or query that is not MchID
//	400 APPID_MCHID_NOT_MATCH an appid (combine_appid) that is not AppID
//	403 OUT_TRADE_NO_USED     a native order whose out_trade_no exists already
//	400 ORDER_PAID            closing a paid order
//	404 ORDER_NOT_EXIST       an unknown order
//	404 NOT_FOUND             an unknown path (see Handle)
//	405 METHOD_NOT_ALLOWED    a known path with another method
//
// # Fixtures
//
// Every server starts with the orders of the WeChat Pay documentation
// examples, so those snippets run verbatim:
//
//   - order out_trade_no "1217752501201407033233368018", transaction_id
//     "4200000985202103031441826014", appid AppID, mchid MchID, a code
//     payment (trade_type MICROPAY) in state USERPAYING, amount 100 CNY;
//   - combine order combine_out_trade_no "P20150806125346", combine_appid
//     AppID, with one sub order {mchid MchID, out_trade_no
//     "20150806125346", sub_mchid "1900000109", sub_appid
//     "wxd678efh567hg6999"}.
//
// # APIv2
//
// Every request whose path is not under /v3/ is an APIv2 request: XML
// signed with Secret (MD5 or HMAC-SHA256, as sign_type says), or for a GET
// the query string. The server knows two merchants, MchID (appid AppID)
// and V2MchID (appid V2AppID, the ids of the APIv2 documentation), both
// with the APIv2 key Secret. Config and Client are keyed for MchID;
// V2Config and V2Client for V2MchID, so that the documentation's APIv2
// snippets, which use mch_id 1900000109, run verbatim.
//
// The listener asks every client for a certificate and verifies any it
// gets against the server's own CA, which issued one merchant certificate
// per merchant (Config.Merchant, V2Config.Merchant). The endpoints the
// catalog marks mTLS require one, issued to the request's mch_id; without
// it the reply is nginx's "400 No required SSL certificate was sent", as
// WeChat Pay's is.
//
// Each request is checked as WeChat Pay does and refused with return_code
// FAIL and a return_msg saying what is wrong: Content-Type text/xml (or
// application/xml) and well-formed XML for a body, a known mch_id (or
// mchid, combine_mch_id), the appid of that merchant, a sign_type of MD5
// or HMAC-SHA256, a sign that verifies, and a nonce_str of at most 32
// characters not used before by the merchant (GET endpoints take none).
// Replies are XML with every string in CDATA, signed with the request's
// sign_type unless the catalog marks the endpoint unsigned.
//
// These endpoints keep state in an APIv2 order book of their own, apart
// from the APIv3 one:
//
//	POST /pay/orderquery              the order, by transaction_id or out_trade_no
//	POST /pay/micropay                pays a new order at once (auth_code: 18 digits, 10-15 first)
//	POST /secapi/pay/reverse          mTLS; the first reverse of an order fails with
//	                                  SYSTEMERROR 系统超时 and recall Y, the next one
//	                                  succeeds with recall N (order REVOKED)
//	POST /secapi/pay/facepayreverse   mTLS; recall N, order REVOKED
//	GET  /papay/h5entrustweb          query-signed, no nonce_str; an unsigned reply with redirect_url
//	POST /pay/downloadbill            unsigned CSV text of the merchant's orders (gzip with tar_type GZIP)
//	POST /secapi/mch/uploadmedia      mTLS, multipart: the image and its media_hash, signed over
//	                                  mch_id, media_hash and sign_type; a media_id (see Uploads)
//
// Business failures are result_code FAIL with err_code and err_code_des:
// ORDERNOTEXIST, OUT_TRADE_NO_USED, AUTH_CODE_INVALID, PARAM_ERROR.
//
// Both merchants start with the order of the face-pay reverse
// documentation: out_trade_no and transaction_id
// "1217752501201407033233368018", a paid FACEPAY order of 1 fen; V2MchID's
// belongs to sub-merchant DefaultV2SubMchID with sub_appid V2AppID.
//
// # Scripting any endpoint
//
// Handle makes the server answer any other endpoint of the catalog, APIv3
// or APIv2, or replace a built-in one, with a Handler of the test. Its
// requests are recorded and verified as any other before the handler
// sees them; its replies are signed as WeChat Pay's, and injected faults
// apply to them:
//
//	srv.Handle("GET", "v3/refund/domestic/refunds/{out_refund_no}", func(r *wxpaytest.Request) wxpaytest.Reply {
//		return wxpaytest.JSON(200, wechatpay.M{"out_refund_no": r.Params["out_refund_no"], "status": "SUCCESS"})
//	})
package wxpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
)

// Defaults of a new server, taken from the WeChat Pay documentation.
const (
	DefaultMchID = "1230000109"
	DefaultAppID = "wxd678efh567hg6787"
)

// maxBody bounds a request body; WeChat Pay requests are small.
const maxBody = 1 << 20

// Server is a WeChat Pay APIv3 server for tests. Its exported fields are
// set by NewServer and must not change afterwards, except SlowDelay.
type Server struct {
	URL            string          // base URL, "https://127.0.0.1:port/"
	MchID          string          // the merchant the server accepts
	AppID          string          // the appid bound to MchID
	MerchantSerial string          // serial_no of the merchant API certificate
	MerchantKey    *rsa.PrivateKey // the merchant API key requests must be signed with
	PlatformKeyID  string          // the WeChat Pay public key id replies are signed under
	PlatformKey    *rsa.PrivateKey // the WeChat Pay platform key replies are signed with
	APIv3Key       string          // the merchant's 32-byte APIv3 key (AES-256-GCM for callbacks and certificates)
	Secret         string          // the APIv2 key of both APIv2 merchants (see V2Config)
	V2MchID        string          // the second APIv2 merchant, DefaultV2MchID
	V2AppID        string          // the appid bound to V2MchID

	// SlowDelay is how long a Slow fault holds its reply; 2 s by default.
	// Set it before injecting the fault.
	SlowDelay time.Duration

	ts     *httptest.Server
	closed chan struct{} // closed by Close, to cut Slow faults short
	ridPre string        // Request-ID prefix, unique to this server

	mu       sync.Mutex
	clock    func() time.Time
	received []*Received
	faults   []Fault
	nonces   map[string]int64 // nonce -> its request timestamp
	book     orderBook
	client   *wechatpay.Client
	seq      uint64
	v2       *v2State
	files    fileState // bills, statements and uploads: files.go
	certs    certState // platform certificates: certificates.go

	// handlers are the endpoints set by Handle, by method + " " + catalog
	// path: handle.go.
	handlers map[string]*scripted
	addr     string // where to listen; a free port of 127.0.0.1 if empty
	checks   Checks // how far requests are checked against the description: checks.go

	answered func(Received) // WithAnswered: answered.go
}

// Received is one request as the server got it.
type Received struct {
	Method string
	Target string // the request target (path and query) exactly as received
	Header http.Header
	Body   []byte
	Err    error // why the server refused the request (an *Error), nil if it accepted it
	Fault  Fault // the injected fault this request consumed, 0 if none
}

// Option configures a server.
type Option func(*Server)

// WithMchID makes the server accept another merchant id than DefaultMchID.
// The fixtures follow it.
func WithMchID(mchID string) Option {
	return func(s *Server) { s.MchID = mchID }
}

// WithAddr makes the server listen on addr, a loopback address such as
// "127.0.0.1:8443" (its TLS certificate names 127.0.0.1 and ::1), instead
// of a free port of 127.0.0.1, for a server other programs are pointed at
// (wxpay serve -addr). NewServer panics if it cannot listen there, as
// httptest does.
func WithAddr(addr string) Option {
	return func(s *Server) { s.addr = addr }
}

// NewServer starts a server on 127.0.0.1 over HTTPS. Close it when done.
func NewServer(opts ...Option) *Server {
	merchant, platform := sharedKeys()
	s := &Server{
		MchID:       DefaultMchID,
		AppID:       DefaultAppID,
		MerchantKey: merchant,
		PlatformKey: platform,
		SlowDelay:   2 * time.Second,
		closed:      make(chan struct{}),
		clock:       time.Now,
		nonces:      make(map[string]int64),
	}
	for _, o := range opts {
		o(s)
	}
	s.MerchantSerial = serialOf(&merchant.PublicKey)
	s.PlatformKeyID = "PUB_KEY_ID_0114" + s.MchID + "2026010100000001"
	var rid [8]byte
	rand.Read(rid[:])
	s.ridPre = hex.EncodeToString(rid[:])
	s.APIv3Key = signer.Nonce() // 32 characters of [0-9A-Za-z], as the merchant console asks for
	s.book = newOrderBook(s.MchID, s.AppID)

	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Clients that drop connections on purpose (timeouts, resets) would
	// otherwise fill test output with TLS handshake noise.
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	if s.addr != "" {
		l, err := net.Listen("tcp", s.addr)
		if err != nil {
			s.ts.Close()
			panic(fmt.Sprintf("wxpaytest: cannot listen on %s: %v", s.addr, err))
		}
		s.ts.Listener.Close()
		s.ts.Listener = l
	}
	s.initV2()
	s.ts.StartTLS()
	s.URL = s.ts.URL + "/"
	return s
}

// Close shuts the server down, cutting pending Slow replies short, and
// waits for the requests in flight.
func (s *Server) Close() {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.ts.Close()
}

// Certificate returns the server's TLS certificate.
func (s *Server) Certificate() *x509.Certificate {
	return s.ts.Certificate()
}

// PlatformPublicKey returns the public half of PlatformKey, the key that
// verifies the server's replies.
func (s *Server) PlatformPublicKey() *rsa.PublicKey {
	return &s.PlatformKey.PublicKey
}

// Config returns a client configuration keyed for the server: its
// merchant, keys, URL (with the backup-domain retry off) and a TLS
// configuration that trusts its certificate. Each call returns a fresh
// copy to adjust and pass to wechatpay.New.
func (s *Server) Config() wechatpay.Config {
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())
	return wechatpay.Config{
		MchID:      s.MchID,
		Serial:     s.MerchantSerial,
		PrivateKey: s.MerchantKey,
		Certs:      s.verifyKeys(),
		BaseURL:    s.URL,
		BackupURL:  "-",
		TLSConfig:  &tls.Config{RootCAs: roots},
		Secret:     s.Secret,
		Merchant:   s.merchantCert(s.MchID),
	}
}

// Client returns a client built from Config, the same one on every call.
func (s *Server) Client() *wechatpay.Client {
	s.mu.Lock()
	c := s.client
	s.mu.Unlock()
	if c != nil {
		return c
	}
	c, err := wechatpay.New(s.Config()) // Config takes s.mu
	if err != nil {
		panic("wxpaytest: the server's own Config is refused: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		s.client = c
	}
	return s.client
}

// Requests returns a copy of the requests received since the start or the
// last Reset, in arrival order.
func (s *Server) Requests() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.received))
	for i, r := range s.received {
		out[i] = *r
		out[i].Header = r.Header.Clone()
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// Reset forgets the recorded requests. Orders and pending faults stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = nil
}

// SetClock replaces the server clock, which checks request timestamps and
// stamps replies; nil restores time.Now. The client keeps its own clock.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

func (s *Server) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock()
}

// Error is a request the server refused, as WeChat Pay describes it in
// the reply.
type Error struct {
	StatusCode int
	Code       string // SIGN_ERROR, PARAM_ERROR, ORDER_NOT_EXIST, ...
	Message    string
}

func (e *Error) Error() string {
	return strconv.Itoa(e.StatusCode) + " " + e.Code + ": " + e.Message
}

// reply is what a handler answers: a status and a JSON body (none for a
// 204), or a refusal.
type reply struct {
	status int
	body   []byte
	err    *Error
	file   *fileReply      // a file streamed in place of body
	key    *rsa.PrivateKey // signs the reply, with serial; PlatformKey if nil
	serial string
}

// record keeps a request for Requests and takes the next injected fault
// for it.
func (s *Server) record(r *http.Request, body []byte) (*Received, Fault, time.Duration) {
	rec := &Received{Method: r.Method, Target: r.RequestURI, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, rec)
	if len(s.faults) > 0 {
		rec.Fault = s.faults[0]
		s.faults = s.faults[1:]
	}
	return rec, rec.Fault, s.SlowDelay
}

// serve records the request, verifies it, runs the endpoint unless a fault
// says the request never gets that far, and answers as the fault says.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if isV2Path(r.URL.Path) {
		s.serveV2(w, r)
		return
	}
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyFor(r)))
	rec, fault, delay := s.record(r, body)

	// A server error or a reset happens before the order book is reached,
	// so the request changes nothing; the other faults tamper with the
	// reply of a request that was carried out.
	rep := s.handle(r, body, readErr, fault != ServerError && fault != ResetConnection)
	if rep.err != nil {
		s.mu.Lock()
		rec.Err = rep.err
		s.mu.Unlock()
	}
	s.answer(rec)

	switch fault {
	case ResetConnection:
		resetConnection(w)
		return
	case ServerError:
		rep = fail(http.StatusInternalServerError, "SYSTEM_ERROR", "system error, please retry later")
	case Slow:
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client gave up. Returning would make net/http send an
			// empty 200 on whatever is left of the connection.
			panic(http.ErrAbortHandler)
		case <-s.closed:
		}
	}
	rep.key, rep.serial = s.replySigner(r)
	s.write(w, rep, fault)
}

// handle verifies the request and, if run is set, carries it out.
func (s *Server) handle(r *http.Request, body []byte, readErr error, run bool) reply {
	if readErr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(readErr, &tooBig) {
			return fail(http.StatusBadRequest, "PARAM_ERROR", "request body is larger than "+strconv.FormatInt(tooBig.Limit>>20, 10)+" MiB")
		}
		return fail(http.StatusBadRequest, "PARAM_ERROR", "reading the request body: "+readErr.Error())
	}
	if err := s.verify(r, signedPart(r, body)); err != nil {
		return reply{status: err.StatusCode, err: err}
	}
	rt, call, err := s.lookupRoute(r)
	if err == nil {
		err = s.checkHeaders(r.Header, body)
	}
	if err == nil {
		err = s.checkV3(r, body)
	}
	if err != nil {
		return reply{status: err.StatusCode, err: err}
	}
	if !run {
		return reply{status: http.StatusOK}
	}
	call.body, call.header = body, r.Header
	return rt.handle(s, call)
}

func fail(status int, code, message string) reply {
	return reply{status: status, err: &Error{StatusCode: status, Code: code, Message: message}}
}

func (s *Server) requestID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return s.ridPre + "-" + strconv.FormatUint(n, 10)
}
