// Command gentree writes the typed chain tree from the endpoint catalog:
// the node types in package node and the entry methods of Client in the
// root package. Run it through go generate in the root package:
//
//	//go:generate go run ./internal/chaintree/gentree -catalog internal/catalog/endpoints.tsv -o tree_gen.go -nodes node/node_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wxpay-go/wechatpay/internal/chaintree"
)

func main() {
	catalogPath := flag.String("catalog", "internal/catalog/endpoints.tsv", "the endpoint catalog")
	out := flag.String("o", "tree_gen.go", "the root package's output file, relative to the module root")
	nodes := flag.String("nodes", "node/node_gen.go", "the node package's output file, relative to the module root")
	flag.Parse()
	root, nodeSrc, err := chaintree.GenerateFiles(*catalogPath, *out, *nodes)
	if err == nil {
		err = os.WriteFile(*out, root, 0o644)
	}
	if err == nil {
		err = os.WriteFile(*nodes, nodeSrc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
}
