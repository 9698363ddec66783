package transport_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// What the default transport gives that net/http users have: gzip, a
// pooled connection the server closed while idle, a proxy from the
// environment. Each case runs on both transports where it applies.

// doers returns the two transports, trusting srv's certificate if it has
// one.
func doers(srv *httptest.Server, limit int) map[string]transport.Doer {
	var tlsConfig *tls.Config
	if srv != nil && srv.TLS != nil {
		tlsConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	}
	return map[string]transport.Doer{
		"fasthttp": transport.NewFastHTTP(transport.FastHTTPOptions{TLSConfig: tlsConfig, MaxResponseBytes: limit}),
		"net/http": &transport.NetHTTP{MaxResponseBytes: limit, Client: &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}},
	}
}

func getReq(base, uri string, h http.Header) *transport.Request {
	if h == nil {
		h = http.Header{}
	}
	return &transport.Request{Method: http.MethodGet, BaseURL: base, URI: uri, Header: h}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// A reply is asked for and taken gzip-compressed, and handed over plain
// (the JSON that WeChat Pay signs), with no Content-Encoding left; a reply
// that inflates past the limit is ErrBodyTooLarge; an encoding the caller
// asks for is left to the caller.
func TestGzipReply(t *testing.T) {
	const reply = `{"prepay_id":"wx201410272009395522657a690389285100"}`
	bomb := gzipped(make([]byte, 4<<20))
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, reply)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			w.Write(bomb)
			return
		}
		w.Write(gzipped([]byte(reply)))
	}))
	defer srv.Close()
	for name, d := range doers(srv, 1<<20) {
		asked = nil
		resp, err := d.Do(context.Background(), getReq(srv.URL+"/", "v3/x", nil))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(resp.Body) != reply || resp.Header.Get("Content-Encoding") != "" || asked[0] != "gzip" {
			t.Errorf("%s: asked %q, got %q, Content-Encoding %q", name, asked, resp.Body, resp.Header.Get("Content-Encoding"))
		}
		_, err = d.Do(context.Background(), getReq(srv.URL+"/", "bomb", nil))
		if !errors.Is(err, transport.ErrBodyTooLarge) {
			t.Errorf("%s: gzip bomb: %v", name, err)
		}
		resp, err = d.Do(context.Background(), getReq(srv.URL+"/", "v3/x", http.Header{"Accept-Encoding": {"identity"}}))
		if err != nil || string(resp.Body) != reply || asked[len(asked)-1] != "identity" {
			t.Errorf("%s: the caller's encoding: %v, asked %q", name, err, asked)
		}
	}
}

// keepAliveServer answers each request with a keep-alive reply and then
// closes the connection, as a server does when its idle timeout ends; it
// counts requests and connections.
type keepAliveServer struct {
	ln              net.Listener
	mu              sync.Mutex
	requests, conns int
	closed          chan struct{}
}

func newKeepAliveServer(t *testing.T) *keepAliveServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &keepAliveServer{ln: ln, closed: make(chan struct{}, 16)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				s.mu.Lock()
				s.requests++
				s.mu.Unlock()
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
				time.Sleep(10 * time.Millisecond) // the reply is read and the connection pooled
				conn.Close()
				s.closed <- struct{}{}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

// A pooled connection the server closed while idle does not fail the next
// request, nor move it to the backup domain: nothing was written on it, so
// the request goes out on a new connection, a POST as well as a GET.
func TestIdleClosedConnection(t *testing.T) {
	for name, d := range doers(nil, 0) {
		srv := newKeepAliveServer(t)
		base := "http://" + srv.ln.Addr().String() + "/"
		for i, method := range []string{http.MethodGet, http.MethodPost, http.MethodGet} {
			req := getReq(base, "v3/x", nil)
			req.Method = method
			if method == http.MethodPost {
				req.Body = []byte(`{"out_trade_no":"1"}`)
			}
			resp, err := d.Do(context.Background(), req)
			if err != nil || string(resp.Body) != "{}" {
				t.Fatalf("%s: request %d (%s): %v", name, i+1, method, err)
			}
			<-srv.closed
			time.Sleep(5 * time.Millisecond) // the FIN reaches the client's socket
		}
		if srv.requests != 3 || srv.conns != 3 {
			t.Errorf("%s: %d requests on %d connections, want 3 on 3", name, srv.requests, srv.conns)
		}
	}
}

// connectProxy is an HTTP proxy that opens CONNECT tunnels, and records
// the targets asked for.
type connectProxy struct {
	ln      net.Listener
	mu      sync.Mutex
	targets []string
	auth    []string
}

func newConnectProxy(t *testing.T, refuse bool) *connectProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &connectProxy{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				req, err := http.ReadRequest(br)
				if err != nil || req.Method != http.MethodConnect {
					return
				}
				p.mu.Lock()
				p.targets = append(p.targets, req.Host)
				p.auth = append(p.auth, req.Header.Get("Proxy-Authorization"))
				p.mu.Unlock()
				if refuse {
					io.WriteString(conn, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
					return
				}
				up, err := net.Dial("tcp", req.Host)
				if err != nil {
					io.WriteString(conn, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
					return
				}
				defer up.Close()
				io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
				go io.Copy(up, br)
				io.Copy(conn, up)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return p
}

// The default transport goes through a proxy: a CONNECT tunnel, with the
// proxy's credentials, TLS to the server inside it.
func TestProxyTunnel(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"ok":true}`) }))
	defer srv.Close()
	proxy := newConnectProxy(t, false)
	pu, _ := url.Parse("http://user:secret@" + proxy.ln.Addr().String())
	d := transport.NewFastHTTP(transport.FastHTTPOptions{
		TLSConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig,
		Proxy:     http.ProxyURL(pu),
	})
	resp, err := d.Do(context.Background(), getReq(srv.URL+"/", "v3/x", nil))
	if err != nil || string(resp.Body) != `{"ok":true}` {
		t.Fatalf("%v", err)
	}
	host := strings.TrimPrefix(srv.URL, "https://")
	if len(proxy.targets) != 1 || proxy.targets[0] != host || proxy.auth[0] != "Basic dXNlcjpzZWNyZXQ=" {
		t.Errorf("the proxy saw %q %q", proxy.targets, proxy.auth)
	}
}

// With no Proxy set, the default transport takes it from HTTPS_PROXY and
// NO_PROXY, as net/http does. The environment is read once per process, so
// each case runs in a child process of the test.
func TestProxyFromEnvironment(t *testing.T) {
	if os.Getenv("WXPAY_PROXY_CHILD") == "1" {
		d := transport.NewFastHTTP(transport.FastHTTPOptions{Timeout: 2 * time.Second})
		_, err := d.Do(context.Background(), getReq("https://api.mch.weixin.qq.com/", "v3/certificates", nil))
		if err == nil {
			t.Fatal("the request went through")
		}
		t.Log(err)
		return
	}
	proxy := newConnectProxy(t, true)
	for _, tc := range []struct {
		env  []string
		want int // CONNECTs the proxy sees
	}{
		{[]string{"HTTPS_PROXY=http://" + proxy.ln.Addr().String()}, 1},
		{[]string{"HTTPS_PROXY=http://" + proxy.ln.Addr().String(), "NO_PROXY=.weixin.qq.com"}, 0},
	} {
		proxy.mu.Lock()
		proxy.targets = nil
		proxy.mu.Unlock()
		cmd := exec.Command(os.Args[0], "-test.run=^TestProxyFromEnvironment$")
		cmd.Env = append(os.Environ(), "WXPAY_PROXY_CHILD=1", "HTTPS_PROXY=", "https_proxy=", "NO_PROXY=", "no_proxy=")
		cmd.Env = append(cmd.Env, tc.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.env, err, out)
		}
		proxy.mu.Lock()
		got := proxy.targets
		proxy.mu.Unlock()
		if len(got) != tc.want || tc.want == 1 && got[0] != "api.mch.weixin.qq.com:443" {
			t.Errorf("%v: the proxy saw %q\n%s", tc.env, got, out)
		}
	}
}
