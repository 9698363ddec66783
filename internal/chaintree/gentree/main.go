// Command gentree writes the typed chain tree of the root package from the
// endpoint catalog. Run it through go generate in the root package:
//
//	//go:generate go run ./internal/chaintree/gentree
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wxpay-go/wechatpay/internal/chaintree"
)

func main() {
	catalogPath := flag.String("catalog", "internal/catalog/endpoints.tsv", "the endpoint catalog")
	out := flag.String("o", "tree_gen.go", "output file, in the package directory")
	flag.Parse()
	src, err := chaintree.GenerateFile(*catalogPath, filepath.Dir(*out), *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
}
