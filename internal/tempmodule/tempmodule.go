// Package tempmodule builds Go source that imports this repository's
// module, in a throwaway module whose go.mod replaces it with the working
// tree. Tests use it to compile and run generated and documented code as
// a user would, without the network (GOPROXY=off: the dependencies come
// from the module cache, where building this module put them).
package tempmodule

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModulePath is the module the temporary module requires.
const ModulePath = "github.com/wxpay-go/wechatpay"

// Module is a temporary module in a test's temporary directory.
type Module struct {
	Dir string
}

// New creates a module requiring ModulePath, replaced by the repository
// that holds the current directory.
func New(t testing.TB) *Module {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	m := &Module{Dir: t.TempDir()}
	gomod := "module example.test/tempmodule\n\ngo 1.26\n\nrequire " + ModulePath + " v0.0.0\n\nreplace " + ModulePath + " => " + filepath.ToSlash(root) + "\n"
	m.Write(t, "go.mod", []byte(gomod))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	m.Write(t, "go.sum", sum)
	return m
}

// Root finds the repository: the nearest directory up from the current
// one whose go.mod declares ModulePath.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module "+ModulePath+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// Write writes a file of the module, making its directory.
func (m *Module) Write(t testing.TB, name string, data []byte) {
	t.Helper()
	path := filepath.Join(m.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Go runs the go command in the module and returns its combined output.
func (m *Module) Go(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = m.Dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}
