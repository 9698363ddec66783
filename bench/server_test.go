package bench

import (
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/signer"
)

// reply is one signed reply as the server sends it.
type reply struct {
	timestamp, nonce, signature, serial, body string
}

// seen is what the server received in one request.
type seen struct {
	method, uri, authorization, serial string
	body                               []byte
}

// server stands in for WeChat Pay on a loopback port. It answers every
// request with replyBody, signed in advance and again every second, so that
// a benchmark times the client's work rather than the server's signing.
type server struct {
	URL string // base URL, ending in "/"

	reply atomic.Pointer[reply]
	hits  atomic.Int64

	// tamper, if set, alters a copy of each reply before it is sent.
	tamper func(*reply)

	// record keeps the last request for tests to inspect; benchmarks
	// leave it off so that the server's copying is not timed.
	record bool
	mu     sync.Mutex
	last   *seen
}

// startServer starts a server that lives until tb ends.
func startServer(tb testing.TB, tamper func(*reply), record bool) *server {
	tb.Helper()
	s := &server{tamper: tamper, record: record}
	s.sign()
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				s.sign()
			case <-stop:
				return
			}
		}
	}()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: s.handle}
	go srv.Serve(ln)
	tb.Cleanup(func() {
		close(stop)
		srv.Shutdown()
	})
	s.URL = "http://" + ln.Addr().String() + "/"
	return s
}

// signReply signs body with the platform key at the given time.
func signReply(ts time.Time, body string) *reply {
	t := strconv.FormatInt(ts.Unix(), 10)
	nonce := signer.Nonce()
	sig, err := signer.Sign(loadKey(), signer.ResponseMessage(t, nonce, []byte(body)))
	if err != nil {
		panic(err)
	}
	return &reply{timestamp: t, nonce: nonce, signature: sig, serial: keyID, body: body}
}

func (s *server) sign() { s.reply.Store(signReply(time.Now(), replyBody)) }

func (s *server) handle(ctx *fasthttp.RequestCtx) {
	s.hits.Add(1)
	if s.record {
		r := &seen{
			method:        string(ctx.Method()),
			uri:           string(ctx.RequestURI()),
			authorization: string(ctx.Request.Header.Peek("Authorization")),
			serial:        string(ctx.Request.Header.Peek(signer.HeaderSerial)),
			body:          append([]byte(nil), ctx.PostBody()...),
		}
		s.mu.Lock()
		s.last = r
		s.mu.Unlock()
	}
	r := s.reply.Load()
	if s.tamper != nil {
		c := *r
		s.tamper(&c)
		r = &c
	}
	h := &ctx.Response.Header
	if r.timestamp != "" {
		h.Set(signer.HeaderTimestamp, r.timestamp)
	}
	if r.nonce != "" {
		h.Set(signer.HeaderNonce, r.nonce)
	}
	if r.signature != "" {
		h.Set(signer.HeaderSignature, r.signature)
	}
	if r.serial != "" {
		h.Set(signer.HeaderSerial, r.serial)
	}
	h.Set("Request-Id", "08F78BB5AF0610D302A9A3B30F1BA4C")
	ctx.SetContentType("application/json")
	ctx.SetBodyString(r.body)
}

// lastRequest returns the last request recorded.
func (s *server) lastRequest() *seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}
