// Package node is the typed chain: a type per path prefix of the endpoint
// catalog, generated from it (node_gen.go), with a method per child
// segment and one per HTTP method the catalog lists. A program starts a
// chain from its client and seldom names these types:
//
//	resp, err := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Reverse().Post(ctx, wechatpay.M{...})
//
// A mistyped segment or a verb the endpoint lacks does not compile. A node
// holds only its client; its template is a constant of its type's
// methods, so building a chain allocates nothing. Its verbs send exactly
// what client.Chain(template) sends, with the same options (wechatpay.M).
//
// The types live here rather than in package wechatpay so that its
// documentation shows the client, and an edit there does not recompile
// some 1,700 types. See docs/chain.md for the naming rule.
package node

import (
	"context"

	"github.com/wxpay-go/wechatpay/transport"
)

// Client is what a node sends through: the *wechatpay.Client it came from.
// It is an interface because package wechatpay imports this one.
type Client interface {
	// Send sends a request to the URI template filled from opts, as the
	// untyped chain of template does.
	Send(ctx context.Context, method, template string, opts map[string]any) (*transport.Response, error)
	// Chain returns the untyped chain of template with segment appended.
	Chain(template, segment string) Chain
}

// Chain is the untyped chain a node's Chain method returns, for a path the
// catalog does not have yet: a *wechatpay.Chain, which this package cannot
// name. Give it every further segment at once ("a/_b_/c").
type Chain interface {
	String() string
	Get(ctx context.Context, opts ...map[string]any) (*transport.Response, error)
	Post(ctx context.Context, opts ...map[string]any) (*transport.Response, error)
	Put(ctx context.Context, opts ...map[string]any) (*transport.Response, error)
	Patch(ctx context.Context, opts ...map[string]any) (*transport.Response, error)
	Delete(ctx context.Context, opts ...map[string]any) (*transport.Response, error)
}

// send hands a verb's request to the client. Several option maps are
// merged here, later keys winning as in wechatpay.Chain, so that Send
// takes one map: a slice passed through an interface would be copied to
// the heap on every request.
func send(ctx context.Context, c Client, method, template string, opts []map[string]any) (*transport.Response, error) {
	switch len(opts) {
	case 0:
		return c.Send(ctx, method, template, nil)
	case 1:
		return c.Send(ctx, method, template, opts[0])
	}
	merged := make(map[string]any)
	for _, o := range opts {
		for k, v := range o {
			merged[k] = v
		}
	}
	return c.Send(ctx, method, template, merged)
}
