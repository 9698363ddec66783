package wechatpay

//go:generate go run ./internal/chaintree/gentree -catalog internal/catalog/endpoints.tsv -o tree_gen.go -nodes node/node_gen.go

import (
	"context"

	"github.com/wxpay-go/wechatpay/node"
)

// The typed tree is package node, generated from the catalog with the
// entry methods V3, V2, Hk and Global (tree_gen.go). A node holds the
// client as a node.Client and nothing else; its verbs send exactly what
// client.Chain(template) sends. The node types live in their own package
// so that this package's documentation and build stay small.

// nodeClient is the client as package node sees it: the same pointer,
// with the two methods node.Client needs and Client's documentation does
// not show.
type nodeClient Client

// Send sends a typed node's request.
func (c *nodeClient) Send(ctx context.Context, method, template string, opts M) (*Response, error) {
	return (*Client)(c).do(ctx, method, template, []M{opts})
}

// Chain is a typed node's escape hatch to the untyped chain.
func (c *nodeClient) Chain(template, segment string) node.Chain {
	return (*Client)(c).at(template).Chain(segment)
}

// at is the chain of a template from the catalog, which needs no
// normalization.
func (c *Client) at(template string) *Chain { return &Chain{client: c, template: template} }
