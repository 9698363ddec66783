package port_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay/internal/port"
)

// fence is one fenced block of a Markdown page.
type fence struct {
	lang string
	line int
	code string
}

func fences(t *testing.T, path string) []fence {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []fence
	var cur *fence
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &fence{lang: strings.TrimPrefix(line, "```"), line: n}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	return out
}

// Every PHP or JS block of the porting guide is followed by a Go block
// that is exactly what the porter makes of it.
func TestPortingGuideShowsThePortersOutput(t *testing.T) {
	blocks := fences(t, "../../docs/porting.md")
	pairs := 0
	for i, b := range blocks {
		if b.lang != "php" && b.lang != "js" {
			continue
		}
		if i+1 == len(blocks) || blocks[i+1].lang != "go" {
			t.Errorf("porting.md:%d: a %s block without its Go form after it", b.line, b.lang)
			continue
		}
		res, err := port.Convert([]byte(b.code), port.Options{Vars: seedVars})
		if err != nil {
			t.Errorf("porting.md:%d: %v", b.line, err)
			continue
		}
		if got, want := string(res.Code), blocks[i+1].code; got != want {
			t.Errorf("porting.md:%d: the Go shown is not the porter's output; it is now:\n%s", blocks[i+1].line, got)
		}
		pairs++
	}
	if pairs < 17 {
		t.Errorf("%d PHP/JS and Go pairs, want at least 17 (the 14 seed snippets and the examples)", pairs)
	}
}
