package wechatpay

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wxpay-go/wechatpay/transport"
)

// Download sends a GET request like Get, but hands the response body over
// as it arrives, in Response.BodyStream, for files too large to hold in
// memory: bills, statements, images. Read BodyStream and close it.
//
// The response is verified as Get's is. Endpoints the catalog lists as
// unsigned (v3/billdownload/file, complaint images) are not; an overseas
// statement is verified over its Wechatpay-Statement-Sha1 digest, and its
// BodyStream fails at the end if the body does not match that digest. A
// non-2xx response is an *APIError, as for Get.
func (n *Chain) Download(ctx context.Context, opts ...M) (*Response, error) {
	if isV2(n.template) {
		return nil, &RequestError{Method: http.MethodGet, Path: n.template,
			Reason: "Download streams APIv3 files; an APIv2 bill (v2/pay/downloadbill) comes back whole from Post"}
	}
	req, err := n.client.build(http.MethodGet, n.template, mergeOptions(opts), false)
	if err != nil {
		return nil, err
	}
	return n.client.stream(ctx, req)
}

// DownloadURL fetches an absolute URL an API handed out, such as a bill's
// download_url, with a signed GET, and returns the response with its body
// unread in BodyStream. Read it and close it. download_url targets carry
// no signature, so the response is not verified: hold the file to the
// digest the API gave with it, as package bills does.
func (c *Client) DownloadURL(ctx context.Context, rawURL string) (*Response, error) {
	base, uri, err := splitURL(rawURL)
	if err != nil {
		return nil, &RequestError{Method: http.MethodGet, Path: rawURL, Reason: "download URL", Err: err}
	}
	if !c.signedHost(base) {
		return nil, &RequestError{Method: http.MethodGet, Path: rawURL, Reason: "download URL",
			Err: fmt.Errorf("%s is neither a configured API host (BaseURL, BackupURL) nor one of WeChat Pay's (%s); the signed Authorization goes to those only", hostOf(base), strings.Join(wechatPayHosts, ", "))}
	}
	h := make(http.Header, 4)
	h["Accept"] = []string{"application/json, text/plain, application/x-gzip"}
	h["User-Agent"] = []string{c.userAgent}
	if c.cfg.PlatformSerial != "" {
		h["Wechatpay-Serial"] = []string{c.cfg.PlatformSerial}
	}
	req := &transport.Request{Method: http.MethodGet, BaseURL: base, URI: uri, Header: h, Unsigned: true}
	return c.stream(ctx, req)
}

// wechatPayHosts are WeChat Pay's API hosts, which hand out download URLs
// on themselves: a merchant whose BaseURL is a proxy still downloads from
// them.
var wechatPayHosts = []string{"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com", "apihk.mch.weixin.qq.com"}

// signedHost reports whether a request to base may carry the merchant's
// signature. The signature does not cover the host, so a URL an API
// handed out, or anyone else did, must not take it elsewhere: only to the
// configured base URLs (a test server, a proxy) and to WeChat Pay's hosts
// over https.
func (c *Client) signedHost(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	for _, b := range [...]string{c.baseURL, c.backupURL} {
		if p, err := url.Parse(b); err == nil && b != "" && p.Scheme == u.Scheme && strings.EqualFold(p.Host, u.Host) {
			return true
		}
	}
	port := u.Port()
	return u.Scheme == "https" && (port == "" || port == "443") && slices.Contains(wechatPayHosts, strings.ToLower(u.Hostname()))
}

func hostOf(base string) string {
	_, rest, _ := strings.Cut(base, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// splitURL splits an absolute URL into a base ending in "/" and the rest,
// keeping the rest byte for byte: it is what gets signed.
func splitURL(u string) (base, uri string, err error) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || (scheme != "https" && scheme != "http") {
		return "", "", fmt.Errorf("%q is not an absolute http(s) URL", u)
	}
	if strings.ContainsAny(u, " \t\r\n#") {
		return "", "", fmt.Errorf("%q contains a space, a line break or a fragment", u)
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" || strings.ContainsAny(host, "?@") {
		return "", "", fmt.Errorf("%q has no usable host", u)
	}
	if scheme == "http" && !isLoopback((&url.URL{Host: host}).Hostname()) {
		return "", "", fmt.Errorf("%q is plain http to another machine; downloads go over HTTPS", u)
	}
	n := len(scheme) + len("://") + len(host)
	if n == len(u) {
		return u + "/", "", nil
	}
	return u[:n+1], u[n+1:], nil
}

// maxErrorBody bounds what is read of a streamed error response.
const maxErrorBody = 1 << 20

// stream sends a request whose response body stays unread, and turns a
// non-2xx response into an *APIError.
func (c *Client) stream(ctx context.Context, req *transport.Request) (*Response, error) {
	req.StreamResponse = true
	resp, err := c.v3.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if resp.BodyStream == nil {
		// A transport that cannot stream read the body whole.
		resp.BodyStream = io.NopCloser(bytes.NewReader(resp.Body))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.BodyStream, maxErrorBody))
		resp.BodyStream.Close()
		resp.Body, resp.BodyStream = body, nil
		return nil, newAPIError(req.Method, strings.TrimPrefix(req.Target(), "/"), resp)
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(req.Target(), "/"), "?")
	limit := c.MaxDownloadBytes()
	resp.BodyStream = &limitedBody{rc: resp.BodyStream, left: limit, err: &DownloadTooLargeError{What: path, Limit: limit}}
	return resp, nil
}

// DefaultMaxDownloadBytes bounds a downloaded file when
// Config.MaxDownloadBytes is zero: 4 GiB, past a day's bill of most
// merchants and short of what a gzip bomb inflates to. WeChat Pay splits
// the largest bills into parts of up to about 16 GB: a merchant with such
// bills raises the limit.
const DefaultMaxDownloadBytes = 4 << 30

// MaxDownloadBytes returns the bound on a downloaded file: what package
// bills holds the plain text of a bill to.
func (c *Client) MaxDownloadBytes() int64 {
	if c.cfg.MaxDownloadBytes > 0 {
		return c.cfg.MaxDownloadBytes
	}
	return DefaultMaxDownloadBytes
}

// DownloadTooLargeError is a downloaded file longer than
// Config.MaxDownloadBytes. The bytes up to the limit were handed on,
// nothing past it. errors.Is(err, transport.ErrBodyTooLarge) holds.
type DownloadTooLargeError struct {
	What  string // what was downloaded: the path, without its query
	Limit int64
}

func (e *DownloadTooLargeError) Error() string {
	return fmt.Sprintf("%s: the file is larger than the %d bytes of Config.MaxDownloadBytes", e.What, e.Limit)
}

func (e *DownloadTooLargeError) Unwrap() error { return transport.ErrBodyTooLarge }

// limitedBody hands on at most left bytes of a streamed body, then fails
// with err.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	over bool
	err  *DownloadTooLargeError
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n, b.left, b.over = int(b.left), 0, true
		return n, b.err
	}
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
