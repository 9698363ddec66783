package redisstore_test

import (
	"os"
	"strings"
	"testing"
)

// docs/redis.md quotes this module's example_test.go, which builds and
// runs what it shows.
func TestDocsPage(t *testing.T) {
	page, err := os.ReadFile("../docs/redis.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(page), "```golang\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("docs/redis.md quotes no Go code")
	}
	for i, b := range blocks {
		code, _, _ := strings.Cut(b, "```")
		if !strings.Contains(string(src), code) {
			t.Errorf("block %d of docs/redis.md is not in example_test.go:\n%s", i+1, code)
		}
	}
}
