package transformer

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzToMap feeds ToMap arbitrary bytes. It must never panic; anything it
// refuses is a *SyntaxError; anything it accepts, written back with ToXML
// (nested values then travel as text), reads back the same. The seed
// corpus is in testdata/fuzz/FuzzToMap.
func FuzzToMap(f *testing.F) {
	for _, s := range []string{
		seedXML, reply15, "<xml/>", "<xml><a>&lt;&#x4e2d;</a></xml>",
		"<xml><d><x>1</x></d></xml>", "<xml><a><![CDATA[]]]]><![CDATA[>]]></a></xml>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ToMap(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is a %T, not a *SyntaxError", err, err)
			}
			return
		}
		for k := range m {
			if !ValidName(k) {
				return // ToXML would write it as <item>
			}
		}
		out, err := ToXML(m)
		if err != nil {
			t.Fatalf("ToXML of what ToMap read: %v\n%q", err, data)
		}
		again, err := ToMap(out)
		if err != nil {
			t.Fatalf("ToMap of what ToXML wrote: %v\n%q", err, out)
		}
		if diff := cmp.Diff(m, again); diff != "" {
			t.Fatalf("round trip (-first +second)\n%s\ninput %q\nwritten %q", diff, data, out)
		}
	})
}
