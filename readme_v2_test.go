package wechatpay_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's APIv2 section shows the seed's PHP snippet and its Go
// twin. The twin must be the call ExampleClient_Chain_apiv2 runs, and
// send the PHP snippet's fields.
func TestREADMEAPIv2Twin(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## APIv2 (XML)")
	if !ok {
		t.Fatal("README has no APIv2 section")
	}
	block := func(lang string) string {
		_, rest, ok := strings.Cut(section, "```"+lang+"\n")
		if !ok {
			t.Fatalf("no %s block in the APIv2 section", lang)
		}
		code, _, _ := strings.Cut(rest, "```")
		return code
	}
	php, goCode := block("php"), block("go")

	example, err := os.ReadFile("example_v2_test.go")
	if err != nil {
		t.Fatal(err)
	}
	call, _, _ := strings.Cut(goCode, "if err != nil")
	if !strings.Contains(squash(string(example)), squash(call)) {
		t.Errorf("the README's Go twin is not the call of ExampleClient_Chain_apiv2:\n%s", call)
	}

	field := regexp.MustCompile(`'(\w+)'\s*=>\s*'([^']*)'`)
	goField := regexp.MustCompile(`"(\w+)":\s*"([^"]*)"`)
	phpFields := field.FindAllStringSubmatch(php, -1)
	if len(phpFields) != 7 {
		t.Fatalf("%d fields in the PHP snippet, want the seed's 7", len(phpFields))
	}
	for _, f := range phpFields {
		if !goField.MatchString(goCode) || !strings.Contains(goCode, `"`+f[1]+`":`) || !regexp.MustCompile(`"`+f[1]+`":\s*"`+regexp.QuoteMeta(f[2])+`"`).MatchString(goCode) {
			t.Errorf("the Go twin lacks %s = %s", f[1], f[2])
		}
	}
	if !strings.Contains(php, "'security' => true") || !strings.Contains(goCode, `"security": true`) {
		t.Error("both snippets must send with the merchant certificate")
	}
}

// squash drops all white space, so that indentation does not matter.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}
