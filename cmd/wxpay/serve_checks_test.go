package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// -checks sets how far the server checks requests: an unknown query
// parameter passes the server level and is refused at the strict one.
func TestServeChecks(t *testing.T) {
	target := "v3/pay/transactions/out-trade-no/1217752501201407033233368018"
	for _, tc := range []struct {
		checks string
		code   int
		want   string
	}{
		{"server", 0, ""},
		{"none", 0, ""},
		{"strict", 1, "query field mchidd: is not a field of this operation; did you mean mchid?"},
	} {
		t.Run(tc.checks, func(t *testing.T) {
			config, _ := startServe(t, "-dir", t.TempDir(), "-checks", tc.checks)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"-c", config, "-q", "mchid=1230000109", "-q", "mchidd=1", target}, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, want %d with %q: %s", code, tc.code, tc.want, stderr.String())
			}
		})
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-checks", "kinds"}, &out, &out); code != 2 || !strings.Contains(out.String(), `-checks "kinds": want server, strict or none`) {
		t.Errorf("-checks kinds: exit %d: %s", code, out.String())
	}
}
