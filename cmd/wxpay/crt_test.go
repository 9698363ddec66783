package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// withoutCerts rewrites a config file so that it trusts no platform key.
func withoutCerts(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc fileConfig
	json.Unmarshal(raw, &fc)
	fc.Certs = nil
	raw, _ = json.Marshal(fc)
	out := filepath.Join(t.TempDir(), "bare.json")
	if err := os.WriteFile(out, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// The first download: no platform key is configured, so the reply is
// verified with the certificates it carries; one PEM file per
// certificate, named by serial.
func TestCrtBootstrap(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	srv.AddPlatformCertificate()
	config := withoutCerts(t, writeConfig(t, srv))
	dir := filepath.Join(t.TempDir(), "certs")

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"crt", "-c", config, "-k", srv.APIv3Key, "-o", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "2 certificates") || !strings.Contains(stderr.String(), "a downloaded certificate") {
		t.Errorf("stderr %q", stderr.String())
	}
	var want, got []string
	for _, c := range srv.PlatformCertificates() {
		want = append(want, "wechatpay_"+keys.SerialNumber(c)+".pem")
		cert, err := keys.Certificate(filepath.Join(dir, "wechatpay_"+keys.SerialNumber(c)+".pem"))
		if err != nil || !cert.Equal(c) {
			t.Errorf("%s: %v", keys.SerialNumber(c), err)
		}
		if !strings.Contains(stdout.String(), keys.SerialNumber(c)) {
			t.Errorf("stdout does not list %s", keys.SerialNumber(c))
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// With a public key configured, the server signs the list with it, and
// the configured key verifies it.
func TestCrtConfiguredKey(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"crt", "-c", writeConfig(t, srv), "-k", srv.APIv3Key, "-o", t.TempDir()}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stderr.String(), "signed by "+srv.PlatformKeyID+", a configured key") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}

// The overseas lists are fetched with -path.
func TestCrtOverseasList(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"crt", "-c", writeConfig(t, srv), "-k", srv.APIv3Key, "-o", t.TempDir(), "-path", "v3/global/certificates"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	reqs := srv.Requests()
	if got := reqs[len(reqs)-1].Target; got != "/v3/global/certificates" {
		t.Errorf("fetched %s", got)
	}
	if code := run(context.Background(), []string{"crt", "-c", writeConfig(t, srv), "-k", srv.APIv3Key, "-path", "v3/refunds"}, &stdout, &stderr); code != 2 {
		t.Errorf("a path that is no certificate list: exit %d", code)
	}
}

func TestCrtErrors(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"crt", "-c", config}, 2, "usage"},
		{[]string{"crt", "-k", srv.APIv3Key}, 2, "usage"},
		{[]string{"crt", "-c", config, "-k", strings.Repeat("k", 32)}, 1, "message authentication failed"},
		{[]string{"crt", "-c", config, "-k", "short"}, 1, "32 bytes"},
		// Nothing trusted, and the list signed with a key it does not carry.
		{[]string{"crt", "-c", withoutCerts(t, config), "-k", srv.APIv3Key}, 1, "unknown platform serial"},
		{[]string{"crt", "-c", "/nonexistent.json", "-k", srv.APIv3Key}, 1, "no such file"},
	} {
		var stdout, stderr bytes.Buffer
		dir := t.TempDir()
		code := run(context.Background(), append(tc.args, "-o", dir), &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%v: wrote %d files", tc.args, len(entries))
		}
	}
}

// -root requires every certificate to be issued by the given CA.
func TestCrtRoot(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config := writeConfig(t, srv)
	rootFile := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(rootFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.PlatformRoot().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"crt", "-c", config, "-k", srv.APIv3Key, "-o", t.TempDir(), "-root", rootFile}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "issued by the root in") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}

	// The merchant's own certificate is issued by another CA.
	otherFile := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(otherFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ root, want string }{
		{otherFile, "not issued by a trusted root"},
		{filepath.Join(t.TempDir(), "missing.pem"), "-root"},
	} {
		stderr.Reset()
		if code := run(context.Background(), []string{"crt", "-c", config, "-k", srv.APIv3Key, "-o", t.TempDir(), "-root", tc.root}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("-root %s: exit %d, stderr %q; want exit 1 and %q", tc.root, code, stderr.String(), tc.want)
		}
	}
}
