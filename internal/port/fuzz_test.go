package port

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConvert feeds Convert arbitrary text: an editor plugin hands it
// whatever is on the screen, so it must never panic, and what it prints
// must be valid Go (Convert formats it, and fails if it is not).
func FuzzConvert(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.txt")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`$instance->v3->a->_b_->post(['b' => $x, 'json' => ['k' => [1, 'a', ['z' => null]]]])->then(fn($r) => $r->getStatusCode())->wait();`,
		"wxpay.v3.a.get({ params: { x }, headers: { 'A': `t${x}` } }).then(({ data: { a: { b } } }) => b)",
		`$r = $instance['v2/pay/orderquery']->post(['xml' => ['a' => "x$y"]]); echo $r->getBody()->getContents();`,
		"const { data } = await wxpay.chain('v3/x/{y}').delete({ y: 1, data: [] })",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res, err := Convert(src, Options{})
		if err != nil && err != ErrNoSnippet {
			t.Fatalf("%v\n%q", err, src)
		}
		if err == nil && len(res.Code) == 0 {
			t.Fatalf("no code for %q", src)
		}
	})
}
