package wechatpay

import (
	"context"
	"crypto/rsa"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/internal/uritemplate"
	"github.com/wxpay-go/wechatpay/signer"
)

// BenchmarkChainExpand times building the seed chain and expanding it.
func BenchmarkChainExpand(b *testing.B) {
	client := newBenchClient(b, "http://127.0.0.1:1/")
	b.ReportAllocs()
	for b.Loop() {
		uri, _, err := uritemplate.Expand(client.Chain(seedTemplate).template, seedOptions)
		if err != nil || len(uri) == 0 {
			b.Fatal(err)
		}
	}
}

const benchReply = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018"}`

// BenchmarkSignVerify is the cryptography of one request: what
// BenchmarkRequest cannot avoid.
func BenchmarkSignVerify(b *testing.B) {
	key := loadTestKey()
	reply := newPresigned(b)
	v := &signer.Verifier{Keys: signer.StaticKeys{testKeyID: &key.PublicKey}}
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signer.Authorization("1230000109", "SERIAL", key, "POST", "/"+seedTarget, body, time.Now().Unix(), signer.Nonce()); err != nil {
			b.Fatal(err)
		}
		r := reply.current()
		if err := v.Check(r.get, []byte(benchReply)); err != nil {
			b.Fatal(err)
		}
	}
}

const seedTarget = "v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse"

// BenchmarkRequest is one whole seed request through the client against a
// loopback server whose reply is signed in advance (and again every
// second), so that only the client's work is timed.
func BenchmarkRequest(b *testing.B) {
	url := startPresignedServer(b)
	client := newBenchClient(b, url)
	ctx := context.Background()
	node := client.Chain(seedTemplate)
	// The first request builds the catalog's and the description's indexes,
	// once per process: measure the requests after it.
	if _, err := node.Post(ctx, seedOptions); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := node.Post(ctx, seedOptions)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
}

// BenchmarkRequestOverSignVerify alternates one whole request (as in
// BenchmarkRequest) with one sign+verify (as in BenchmarkSignVerify) and
// reports their time ratio as "x-signverify". Taking both in the same
// loop cancels most of the drift a busy machine puts between two separate
// benchmarks, so the ratio is the client's own overhead on top of the
// cryptography it cannot avoid.
func BenchmarkRequestOverSignVerify(b *testing.B) {
	url := startPresignedServer(b)
	client := newBenchClient(b, url)
	ctx := context.Background()
	node := client.Chain(seedTemplate)
	key := loadTestKey()
	reply := newPresigned(b)
	v := &signer.Verifier{Keys: signer.StaticKeys{testKeyID: &key.PublicKey}}
	body := []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`)
	var request, crypto time.Duration
	for b.Loop() {
		began := time.Now()
		resp, err := node.Post(ctx, seedOptions)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(resp, err)
		}
		mid := time.Now()
		if _, err := signer.Authorization("1230000109", "SERIAL", key, "POST", "/"+seedTarget, body, time.Now().Unix(), signer.Nonce()); err != nil {
			b.Fatal(err)
		}
		if err := v.Check(reply.current().get, []byte(benchReply)); err != nil {
			b.Fatal(err)
		}
		request += mid.Sub(began)
		crypto += time.Since(mid)
	}
	b.ReportMetric(float64(request)/float64(crypto), "x-signverify")
	b.ReportMetric(float64(request.Nanoseconds())/float64(b.N), "request-ns/op")
}

func newBenchClient(b testing.TB, url string) *Client {
	key := loadTestKey()
	c, err := New(Config{
		MchID: "1230000109", Serial: "SERIAL", PrivateKey: key, BaseURL: url,
		Certs: map[string]*rsa.PublicKey{testKeyID: &key.PublicKey},
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// presigned holds the current signed reply headers.
type presigned struct {
	v atomic.Pointer[signedHeaders]
}

type signedHeaders struct {
	timestamp, nonce, signature string
}

func (s *signedHeaders) get(k string) string {
	switch k {
	case signer.HeaderTimestamp:
		return s.timestamp
	case signer.HeaderNonce:
		return s.nonce
	case signer.HeaderSignature:
		return s.signature
	case signer.HeaderSerial:
		return testKeyID
	}
	return ""
}

func (p *presigned) current() *signedHeaders { return p.v.Load() }

func (p *presigned) sign() {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := signer.Nonce()
	sig, err := signer.Sign(loadTestKey(), signer.ResponseMessage(ts, nonce, []byte(benchReply)))
	if err != nil {
		panic(err)
	}
	p.v.Store(&signedHeaders{ts, nonce, sig})
}

func newPresigned(b testing.TB) *presigned {
	p := &presigned{}
	p.sign()
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.sign()
			case <-stop:
				return
			}
		}
	}()
	b.Cleanup(func() { close(stop) })
	return p
}

func startPresignedServer(b testing.TB) string {
	p := newPresigned(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		h := p.current()
		ctx.Response.Header.Set(signer.HeaderTimestamp, h.timestamp)
		ctx.Response.Header.Set(signer.HeaderNonce, h.nonce)
		ctx.Response.Header.Set(signer.HeaderSignature, h.signature)
		ctx.Response.Header.Set(signer.HeaderSerial, testKeyID)
		ctx.Response.Header.Set("Request-Id", "08F78BB5AF0610D302A9A3B30F1BA4C")
		ctx.SetContentType("application/json")
		ctx.SetBodyString(benchReply)
	}}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Shutdown() })
	return "http://" + ln.Addr().String() + "/"
}
