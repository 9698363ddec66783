package transport

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// proxyFunc chooses the proxy of a request, as http.Transport.Proxy does.
type proxyFunc func(*http.Request) (*url.URL, error)

// dialVia opens a TCP connection to addr, or a tunnel to it through the
// proxy that proxy names for it: an HTTP CONNECT, the way net/http goes
// through HTTPS_PROXY. Merchants' servers commonly reach WeChat Pay only
// through an egress proxy.
func dialVia(ctx context.Context, proxy proxyFunc, https bool, addr string) (net.Conn, error) {
	var d net.Dialer
	if proxy == nil {
		return d.DialContext(ctx, "tcp", addr)
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	pu, err := proxy(&http.Request{Method: http.MethodConnect, URL: &url.URL{Scheme: scheme, Host: addr}, Header: http.Header{}})
	if err != nil {
		return nil, fmt.Errorf("choosing a proxy: %w", err)
	}
	if pu == nil {
		return d.DialContext(ctx, "tcp", addr)
	}
	if pu.Scheme != "http" {
		return nil, fmt.Errorf("proxy %s://%s: only http:// proxies are supported", pu.Scheme, pu.Host)
	}
	proxyAddr := pu.Host
	if pu.Port() == "" {
		proxyAddr = net.JoinHostPort(pu.Hostname(), "80")
	}
	conn, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", proxyAddr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	connect := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if u := pu.User; u != nil {
		pass, _ := u.Password()
		connect += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass)) + "\r\n"
	}
	if _, err := conn.Write([]byte(connect + "\r\n")); err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", proxyAddr, err)
	}
	// The proxy says nothing more until the client speaks in the tunnel,
	// so a reader of its answer holds no byte of what follows.
	br := bufio.NewReaderSize(conn, 1024)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", proxyAddr, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("proxy %s refused CONNECT %s: %s", proxyAddr, addr, resp.Status)
	}
	if br.Buffered() > 0 {
		conn.Close()
		return nil, fmt.Errorf("proxy %s sent data before the tunnel opened", proxyAddr)
	}
	conn.SetDeadline(time.Time{})
	return conn, nil
}
