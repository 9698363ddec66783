package interop

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNode runs node/interop.js, which drives a wxpay serve binary built
// from this tree with wechatpay-axios-plugin (the version package-lock.json
// pins, installed with npm ci when node/node_modules is missing). Without
// node and npm the test is skipped, except in CI, where it must run.
func TestNode(t *testing.T) {
	node, nodeErr := exec.LookPath("node")
	npm, npmErr := exec.LookPath("npm")
	if nodeErr != nil || npmErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node and npm are needed in CI: %v %v", nodeErr, npmErr)
		}
		t.Skip("node or npm is not installed; the Node interoperability test needs both")
	}
	if testing.Short() {
		t.Skip("builds wxpay and installs npm packages")
	}
	if _, err := os.Stat(filepath.Join("node", "node_modules", "wechatpay-axios-plugin")); err != nil {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = "node"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	wxpay := filepath.Join(t.TempDir(), "wxpay")
	if out, err := exec.Command("go", "build", "-o", wxpay, "github.com/wxpay-go/wechatpay/cmd/wxpay").CombinedOutput(); err != nil {
		t.Fatalf("go build wxpay: %v\n%s", err, out)
	}
	cmd := exec.Command(node, "interop.js")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), "WXPAY="+wxpay)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("wechatpay-axios-plugin against wxpay serve:\n%s", out.String())
	if err != nil {
		t.Fatalf("node interop.js: %v", err)
	}
	passed := 0
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "ok   ") {
			passed++
		}
	}
	if passed != 33 {
		t.Errorf("%d cases passed, want 33 (8 in each of 4 key modes, 1 more with both keys)", passed)
	}
}
