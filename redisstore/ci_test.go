package redisstore_test

import (
	"os"
	"strings"
	"testing"
)

// The README's test command runs this module's tests, and CI runs the
// README's test command with Redis required.
func TestREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, quick, _ := strings.Cut(string(readme), "## Quick start")
	_, block, _ := strings.Cut(quick, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) != 2 {
		t.Fatalf("Quick start has %d commands, want 2: %q", len(lines), lines)
	}
	command := lines[1]
	if !strings.Contains(command, "(cd redisstore && go test -race ./...)") {
		t.Errorf("the README's test command %q does not run the redisstore tests", command)
	}
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	// set -e does not stop at a failure left of &&: a list must end in
	// || exit 1 for CI to fail with it.
	want := command
	if strings.Contains(command, "&&") {
		want += " || exit 1"
	}
	var found bool
	for _, line := range strings.Split(string(ci), "\n") {
		found = found || strings.TrimSpace(line) == want
	}
	if !found {
		t.Errorf(".ci/run does not run the README's test command as %q", want)
	}
	if !strings.Contains(string(ci), "export WECHATPAY_REQUIRE_REDIS=1") {
		t.Error(".ci/run does not require Redis for the tests")
	}
}
