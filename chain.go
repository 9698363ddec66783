// Package wechatpay is a client for the WeChat Pay (微信支付) merchant API,
// APIv3 (JSON, RSA-SHA256) and APIv2 (XML, MD5/HMAC-SHA256), through a
// chain of URI segments that mirrors the PHP and Node SDKs:
//
//	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
//		"out_trade_no": "1217752501201407033233368018",
//		"json":         wechatpay.M{"appid": "wxd678efh567hg6787", "mchid": "1230000109"},
//	})
//
// A chain is a URI template (RFC 6570); the verbs fill it from their
// options, sign the request, send it, and verify the response before
// handing it back.
package wechatpay

import (
	"context"
	"net/http"
	"strings"

	"github.com/wxpay-go/wechatpay/transport"
)

// M is a map of request options and URI template variables, the Go twin of
// the PHP SDK's option arrays.
type M = map[string]any

// Response is a verified response. Get reads its JSON body with a gjson
// path.
type Response = transport.Response

// Chain is one node of a request chain: a URI template and the client that
// will send it. Nodes are immutable and safe to share between goroutines;
// Chain returns a new node.
type Chain struct {
	client   *Client
	template string
}

// Chain starts a chain from a whole URI template such as
// "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse". Each segment
// is normalized as the PHP SDK does (see Chain.Chain).
func (c *Client) Chain(uri string) *Chain {
	return &Chain{client: c, template: Normalize(uri)}
}

// Chain appends one or more segments. PHP-style names are normalized:
// "merchantService" becomes "merchant-service", "_out_trade_no_" becomes
// "{out_trade_no}"; text in braces is kept as written.
func (n *Chain) Chain(segment string) *Chain {
	segment = Normalize(segment)
	if n.template == "" {
		return &Chain{client: n.client, template: segment}
	}
	return &Chain{client: n.client, template: n.template + "/" + segment}
}

// String returns the node's URI template.
func (n *Chain) String() string { return n.template }

// Get sends a GET request.
func (n *Chain) Get(ctx context.Context, opts ...M) (*Response, error) {
	return n.client.do(ctx, http.MethodGet, n.template, opts)
}

// Post sends a POST request.
func (n *Chain) Post(ctx context.Context, opts ...M) (*Response, error) {
	return n.client.do(ctx, http.MethodPost, n.template, opts)
}

// Put sends a PUT request.
func (n *Chain) Put(ctx context.Context, opts ...M) (*Response, error) {
	return n.client.do(ctx, http.MethodPut, n.template, opts)
}

// Patch sends a PATCH request.
func (n *Chain) Patch(ctx context.Context, opts ...M) (*Response, error) {
	return n.client.do(ctx, http.MethodPatch, n.template, opts)
}

// Delete sends a DELETE request.
func (n *Chain) Delete(ctx context.Context, opts ...M) (*Response, error) {
	return n.client.do(ctx, http.MethodDelete, n.template, opts)
}

// do turns a template and options into a request and sends it through the
// protocol's middleware stack.
func (c *Client) do(ctx context.Context, method, template string, opts []M) (*Response, error) {
	v2 := isV2(template)
	req, err := c.build(method, template, mergeOptions(opts), v2)
	if err != nil {
		return nil, err
	}
	if v2 {
		return c.sendV2(ctx, req)
	}
	resp, err := c.v3.Do(ctx, req)
	if err != nil {
		return nil, bodyError(req, template, err)
	}
	if !resp.OK() {
		return nil, newAPIError(method, strings.TrimPrefix(req.Target(), "/"), resp)
	}
	return resp, nil
}
