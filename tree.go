package wechatpay

//go:generate go run ./internal/chaintree/gentree -catalog internal/catalog/endpoints.tsv -o tree_gen.go

// The typed tree (tree_gen.go) has a type per catalog path prefix, defined
// as Client: a node is the client's own pointer converted, so building a
// typed chain allocates nothing, and the node's template is a constant in
// its methods. Each node offers only its children, the HTTP methods the
// catalog lists for it, Chain and String; its verbs send exactly what
// client.Chain(template) sends.

// at is the chain of a template from the catalog, which needs no
// normalization.
func (c *Client) at(template string) *Chain { return &Chain{client: c, template: template} }
