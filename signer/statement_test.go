package signer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// A request whose body is streamed, or that names what its signature
// covers, is signed over SignedBody.
func TestSignerSignsSignedBody(t *testing.T) {
	key := testKey(t)
	var sent *transport.Request
	wire := transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		sent = req
		return &transport.Response{StatusCode: 204}, nil
	})
	s := &Signer{MchID: "1230000109", Serial: "SERIAL", Key: key, Next: wire}
	meta := []byte(`{"filename":"a.jpg","sha256":"00"}`)
	for _, req := range []*transport.Request{
		{Method: "POST", BaseURL: "https://api.mch.weixin.qq.com/", URI: "v3/merchant/media/upload", Body: []byte("multipart"), SignedBody: meta},
		{Method: "POST", BaseURL: "https://api.mch.weixin.qq.com/", URI: "v3/merchant/media/upload", BodyStream: strings.NewReader("multipart"), SignedBody: meta},
	} {
		if _, err := s.Do(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		c, err := ParseAuthorization(sent.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := strconv.ParseInt(c.Timestamp, 10, 64)
		if err := Verify(&key.PublicKey, RequestMessage("POST", "/v3/merchant/media/upload", ts, c.Nonce, meta), c.Signature); err != nil {
			t.Errorf("signature does not cover the meta: %v", err)
		}
	}
}

// statementReply is a statement reply signed over the digest of plain,
// carrying body (plain, gzipped or tampered).
func statementReply(t *testing.T, plain, body []byte, gzipped, stream bool) *transport.Response {
	t.Helper()
	sum := sha1.Sum(plain)
	digest := hex.EncodeToString(sum[:])
	resp := signedResponse(t, testKey(t), "PUB_KEY_ID_1", time.Now().Unix(), `{"sha1":"`+digest+`"}`)
	resp.Header.Set(HeaderStatementSHA1, digest)
	if gzipped {
		resp.Header.Set("Content-Encoding", "gzip")
	}
	resp.Body = body
	if stream {
		resp.Body, resp.BodyStream = nil, io.NopCloser(bytes.NewReader(body))
	}
	return resp
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// Overseas statements are signed over {"sha1":"<digest>"}, and the body
// is held to the digest: at once in memory, at its end when streamed,
// after un-gzipping when gzip-encoded.
func TestStatementVerification(t *testing.T) {
	key := testKey(t)
	plain := []byte("交易时间,商户号\r\n`2024-05-01 00:00:01,`1230000109\r\n")
	tampered := bytes.Replace(plain, []byte("1230000109"), []byte("1230000108"), 1)
	targets := []struct{ base, uri string }{
		{"https://api.mch.weixin.qq.com/", "hk/v3/statements?date=20240501"},
		{"https://api.mch.weixin.qq.com/hk/", "v3/statements?date=20240501"},
		{"https://apihk.mch.weixin.qq.com/", "v3/global/statements?date=20240501&mchid=1"},
	}
	for _, target := range targets {
		for _, stream := range []bool{false, true} {
			for _, gz := range []bool{false, true} {
				for _, tamper := range []bool{false, true} {
					body := plain
					if tamper {
						body = tampered
					}
					if gz {
						body = gzipped(body)
					}
					reply := statementReply(t, plain, body, gz, stream)
					v := &Verifier{Keys: StaticKeys{"PUB_KEY_ID_1": &key.PublicKey}, Next: transport.DoerFunc(
						func(context.Context, *transport.Request) (*transport.Response, error) { return reply, nil })}
					req := &transport.Request{Method: "GET", BaseURL: target.base, URI: target.uri, StreamResponse: stream}
					resp, err := v.Do(context.Background(), req)
					if stream && err == nil {
						var got []byte
						got, err = io.ReadAll(resp.BodyStream)
						if err == nil && !bytes.Equal(got, plain) {
							t.Errorf("%s stream gzip=%v: read %q", target.uri, gz, got)
						}
						if err == nil && resp.Header.Get("Content-Encoding") != "" {
							t.Errorf("%s: a decoded stream still says Content-Encoding %q", target.uri, resp.Header.Get("Content-Encoding"))
						}
					}
					if tamper != errors.Is(err, ErrDigestMismatch) {
						t.Errorf("%s%s stream=%v gzip=%v tamper=%v: %v", target.base, target.uri, stream, gz, tamper, err)
					}
				}
			}
		}
	}
}

// The digest signature is honoured on the statement paths only, and the
// digest must look like one.
func TestStatementDigestElsewhere(t *testing.T) {
	key := testKey(t)
	plain := []byte("a,b\r\n")
	for _, tc := range []struct {
		uri    string
		mutate func(*transport.Response)
		want   error
	}{
		{"v3/bill/tradebill", nil, ErrSignatureMismatch},
		{"hk/v3/statements", func(r *transport.Response) { r.Header.Set(HeaderStatementSHA1, "xyz") }, ErrDigestMismatch},
		{"hk/v3/statements", func(r *transport.Response) { r.Header.Set(HeaderStatementSHA1, strings.Repeat("0", 40)) }, ErrSignatureMismatch},
	} {
		reply := statementReply(t, plain, plain, false, false)
		if tc.mutate != nil {
			tc.mutate(reply)
		}
		v := &Verifier{Keys: StaticKeys{"PUB_KEY_ID_1": &key.PublicKey}, Next: transport.DoerFunc(
			func(context.Context, *transport.Request) (*transport.Response, error) { return reply, nil })}
		_, err := v.Do(context.Background(), &transport.Request{Method: "GET", BaseURL: "https://api.mch.weixin.qq.com/", URI: tc.uri})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.uri, err, tc.want)
		}
	}
}

// A streamed reply that is signed over its body is read whole to be
// verified, and handed over as a stream still.
func TestStreamedReplySignedOverBody(t *testing.T) {
	key := testKey(t)
	for _, tamper := range []bool{false, true} {
		reply := signedResponse(t, key, "PUB_KEY_ID_1", time.Now().Unix(), `{"ok":true}`)
		body := reply.Body
		if tamper {
			body = []byte(`{"ok":false}`)
		}
		closed := false
		reply.Body, reply.BodyStream = nil, &trackedBody{Reader: bytes.NewReader(body), closed: &closed}
		v := &Verifier{Keys: StaticKeys{"PUB_KEY_ID_1": &key.PublicKey}, Next: transport.DoerFunc(
			func(context.Context, *transport.Request) (*transport.Response, error) { return reply, nil })}
		resp, err := v.Do(context.Background(), &transport.Request{Method: "GET", BaseURL: "https://api.mch.weixin.qq.com/", URI: "v3/x", StreamResponse: true})
		if tamper {
			if !errors.Is(err, ErrSignatureMismatch) || !closed {
				t.Errorf("tampered: %v, stream closed %v", err, closed)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.BodyStream)
		if string(got) != `{"ok":true}` || !closed {
			t.Errorf("got %q, original stream closed %v", got, closed)
		}
	}
}

type trackedBody struct {
	io.Reader
	closed *bool
}

func (b *trackedBody) Close() error { *b.closed = true; return nil }

func TestMultiKeys(t *testing.T) {
	key := testKey(t)
	a := StaticKeys{"A": &key.PublicKey}
	b := StaticKeys{"B": &key.PublicKey}
	ks := MultiKeys(nil, a, nil, b)
	for serial, want := range map[string]bool{"A": true, "B": true, "C": false} {
		if _, ok := ks.PublicKey(serial); ok != want {
			t.Errorf("%s: %v", serial, ok)
		}
	}
	if _, ok := MultiKeys().PublicKey("A"); ok {
		t.Error("empty MultiKeys found a key")
	}
}
