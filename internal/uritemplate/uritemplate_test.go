package uritemplate

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

var rfcVars = map[string]any{
	"count":      []string{"one", "two", "three"},
	"dom":        []string{"example", "com"},
	"dub":        "me/too",
	"hello":      "Hello World!",
	"half":       "50%",
	"var":        "value",
	"who":        "fred",
	"base":       "http://example.com/home/",
	"path":       "/foo/bar",
	"list":       []string{"red", "green", "blue"},
	"keys":       map[string]string{"semi": ";", "dot": ".", "comma": ","},
	"v":          "6",
	"x":          "1024",
	"y":          "768",
	"empty":      "",
	"empty_keys": map[string]string{},
	"undef":      nil,
}

// rfcExamples are the examples of RFC 6570 sections 1.2 and 3.2.1 to
// 3.2.9. The RFC lists keys in the order semi, dot, comma; Go maps have no
// order, so expand sorts keys and the expected strings below are the RFC's
// with the pairs in sorted order: comma, dot, semi.
var rfcExamples = []struct{ section, tmpl, want string }{
	{"1.2", "{var}", "value"},
	{"1.2", "{hello}", "Hello%20World%21"},
	{"1.2", "{+var}", "value"},
	{"1.2", "{+hello}", "Hello%20World!"},
	{"1.2", "{+path}/here", "/foo/bar/here"},
	{"1.2", "here?ref={+path}", "here?ref=/foo/bar"},
	{"1.2", "map?{x,y}", "map?1024,768"},
	{"1.2", "{x,hello,y}", "1024,Hello%20World%21,768"},
	{"1.2", "{+x,hello,y}", "1024,Hello%20World!,768"},
	{"1.2", "{+path,x}/here", "/foo/bar,1024/here"},
	{"1.2", "{#x,hello,y}", "#1024,Hello%20World!,768"},
	{"1.2", "{#path,x}/here", "#/foo/bar,1024/here"},
	{"1.2", "X{.var}", "X.value"},
	{"1.2", "X{.x,y}", "X.1024.768"},
	{"1.2", "{/var}", "/value"},
	{"1.2", "{/var,x}/here", "/value/1024/here"},
	{"1.2", "{;x,y}", ";x=1024;y=768"},
	{"1.2", "{;x,y,empty}", ";x=1024;y=768;empty"},
	{"1.2", "{?x,y}", "?x=1024&y=768"},
	{"1.2", "{?x,y,empty}", "?x=1024&y=768&empty="},
	{"1.2", "?fixed=yes{&x}", "?fixed=yes&x=1024"},
	{"1.2", "{&x,y,empty}", "&x=1024&y=768&empty="},
	{"1.2", "{var:3}", "val"},
	{"1.2", "{var:30}", "value"},
	{"1.2", "{list}", "red,green,blue"},
	{"1.2", "{list*}", "red,green,blue"},
	{"1.2", "{keys}", "comma,%2C,dot,.,semi,%3B"},
	{"1.2", "{keys*}", "comma=%2C,dot=.,semi=%3B"},
	{"1.2", "{+path:6}/here", "/foo/b/here"},
	{"1.2", "{+list}", "red,green,blue"},
	{"1.2", "{+list*}", "red,green,blue"},
	{"1.2", "{+keys}", "comma,,,dot,.,semi,;"},
	{"1.2", "{+keys*}", "comma=,,dot=.,semi=;"},
	{"1.2", "{#path:6}/here", "#/foo/b/here"},
	{"1.2", "{#list}", "#red,green,blue"},
	{"1.2", "{#list*}", "#red,green,blue"},
	{"1.2", "{#keys}", "#comma,,,dot,.,semi,;"},
	{"1.2", "{#keys*}", "#comma=,,dot=.,semi=;"},
	{"1.2", "X{.var:3}", "X.val"},
	{"1.2", "X{.list}", "X.red,green,blue"},
	{"1.2", "X{.list*}", "X.red.green.blue"},
	{"1.2", "X{.keys}", "X.comma,%2C,dot,.,semi,%3B"},
	{"1.2", "X{.keys*}", "X.comma=%2C.dot=..semi=%3B"},
	{"1.2", "{/var:1,var}", "/v/value"},
	{"1.2", "{/list}", "/red,green,blue"},
	{"1.2", "{/list*}", "/red/green/blue"},
	{"1.2", "{/list*,path:4}", "/red/green/blue/%2Ffoo"},
	{"1.2", "{/keys}", "/comma,%2C,dot,.,semi,%3B"},
	{"1.2", "{/keys*}", "/comma=%2C/dot=./semi=%3B"},
	{"1.2", "{;hello:5}", ";hello=Hello"},
	{"1.2", "{;list}", ";list=red,green,blue"},
	{"1.2", "{;list*}", ";list=red;list=green;list=blue"},
	{"1.2", "{;keys}", ";keys=comma,%2C,dot,.,semi,%3B"},
	{"1.2", "{;keys*}", ";comma=%2C;dot=.;semi=%3B"},
	{"1.2", "{?var:3}", "?var=val"},
	{"1.2", "{?list}", "?list=red,green,blue"},
	{"1.2", "{?list*}", "?list=red&list=green&list=blue"},
	{"1.2", "{?keys}", "?keys=comma,%2C,dot,.,semi,%3B"},
	{"1.2", "{?keys*}", "?comma=%2C&dot=.&semi=%3B"},
	{"1.2", "{&var:3}", "&var=val"},
	{"1.2", "{&list}", "&list=red,green,blue"},
	{"1.2", "{&list*}", "&list=red&list=green&list=blue"},
	{"1.2", "{&keys}", "&keys=comma,%2C,dot,.,semi,%3B"},
	{"1.2", "{&keys*}", "&comma=%2C&dot=.&semi=%3B"},

	{"3.2.1", "{count}", "one,two,three"},
	{"3.2.1", "{count*}", "one,two,three"},
	{"3.2.1", "{/count}", "/one,two,three"},
	{"3.2.1", "{/count*}", "/one/two/three"},
	{"3.2.1", "{;count}", ";count=one,two,three"},
	{"3.2.1", "{;count*}", ";count=one;count=two;count=three"},
	{"3.2.1", "{?count}", "?count=one,two,three"},
	{"3.2.1", "{?count*}", "?count=one&count=two&count=three"},
	{"3.2.1", "{&count*}", "&count=one&count=two&count=three"},

	{"3.2.2", "{var}", "value"},
	{"3.2.2", "{hello}", "Hello%20World%21"},
	{"3.2.2", "{half}", "50%25"},
	{"3.2.2", "O{empty}X", "OX"},
	{"3.2.2", "O{undef}X", "OX"},
	{"3.2.2", "{x,y}", "1024,768"},
	{"3.2.2", "{x,hello,y}", "1024,Hello%20World%21,768"},
	{"3.2.2", "?{x,empty}", "?1024,"},
	{"3.2.2", "?{x,undef}", "?1024"},
	{"3.2.2", "?{undef,y}", "?768"},
	{"3.2.2", "{var:3}", "val"},
	{"3.2.2", "{var:30}", "value"},
	{"3.2.2", "{list}", "red,green,blue"},
	{"3.2.2", "{list*}", "red,green,blue"},
	{"3.2.2", "{keys}", "comma,%2C,dot,.,semi,%3B"},
	{"3.2.2", "{keys*}", "comma=%2C,dot=.,semi=%3B"},

	{"3.2.3", "{+var}", "value"},
	{"3.2.3", "{+hello}", "Hello%20World!"},
	{"3.2.3", "{+half}", "50%25"},
	{"3.2.3", "{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"},
	{"3.2.3", "{+base}index", "http://example.com/home/index"},
	{"3.2.3", "O{+empty}X", "OX"},
	{"3.2.3", "O{+undef}X", "OX"},
	{"3.2.3", "{+path}/here", "/foo/bar/here"},
	{"3.2.3", "here?ref={+path}", "here?ref=/foo/bar"},
	{"3.2.3", "up{+path}{var}/here", "up/foo/barvalue/here"},
	{"3.2.3", "{+x,hello,y}", "1024,Hello%20World!,768"},
	{"3.2.3", "{+path,x}/here", "/foo/bar,1024/here"},
	{"3.2.3", "{+path:6}/here", "/foo/b/here"},
	{"3.2.3", "{+list}", "red,green,blue"},
	{"3.2.3", "{+list*}", "red,green,blue"},
	{"3.2.3", "{+keys}", "comma,,,dot,.,semi,;"},
	{"3.2.3", "{+keys*}", "comma=,,dot=.,semi=;"},

	{"3.2.4", "{#var}", "#value"},
	{"3.2.4", "{#hello}", "#Hello%20World!"},
	{"3.2.4", "{#half}", "#50%25"},
	{"3.2.4", "foo{#empty}", "foo#"},
	{"3.2.4", "foo{#undef}", "foo"},
	{"3.2.4", "{#x,hello,y}", "#1024,Hello%20World!,768"},
	{"3.2.4", "{#path,x}/here", "#/foo/bar,1024/here"},
	{"3.2.4", "{#path:6}/here", "#/foo/b/here"},
	{"3.2.4", "{#list}", "#red,green,blue"},
	{"3.2.4", "{#list*}", "#red,green,blue"},
	{"3.2.4", "{#keys}", "#comma,,,dot,.,semi,;"},
	{"3.2.4", "{#keys*}", "#comma=,,dot=.,semi=;"},

	{"3.2.5", "{.who}", ".fred"},
	{"3.2.5", "{.who,who}", ".fred.fred"},
	{"3.2.5", "{.half,who}", ".50%25.fred"},
	{"3.2.5", "www{.dom*}", "www.example.com"},
	{"3.2.5", "X{.var}", "X.value"},
	{"3.2.5", "X{.empty}", "X."},
	{"3.2.5", "X{.undef}", "X"},
	{"3.2.5", "X{.var:3}", "X.val"},
	{"3.2.5", "X{.list}", "X.red,green,blue"},
	{"3.2.5", "X{.list*}", "X.red.green.blue"},
	{"3.2.5", "X{.keys}", "X.comma,%2C,dot,.,semi,%3B"},
	{"3.2.5", "X{.keys*}", "X.comma=%2C.dot=..semi=%3B"},
	{"3.2.5", "X{.empty_keys}", "X"},
	{"3.2.5", "X{.empty_keys*}", "X"},

	{"3.2.6", "{/who}", "/fred"},
	{"3.2.6", "{/who,who}", "/fred/fred"},
	{"3.2.6", "{/half,who}", "/50%25/fred"},
	{"3.2.6", "{/who,dub}", "/fred/me%2Ftoo"},
	{"3.2.6", "{/var}", "/value"},
	{"3.2.6", "{/var,empty}", "/value/"},
	{"3.2.6", "{/var,undef}", "/value"},
	{"3.2.6", "{/var,x}/here", "/value/1024/here"},
	{"3.2.6", "{/var:1,var}", "/v/value"},
	{"3.2.6", "{/list}", "/red,green,blue"},
	{"3.2.6", "{/list*}", "/red/green/blue"},
	{"3.2.6", "{/list*,path:4}", "/red/green/blue/%2Ffoo"},
	{"3.2.6", "{/keys}", "/comma,%2C,dot,.,semi,%3B"},
	{"3.2.6", "{/keys*}", "/comma=%2C/dot=./semi=%3B"},

	{"3.2.7", "{;who}", ";who=fred"},
	{"3.2.7", "{;half}", ";half=50%25"},
	{"3.2.7", "{;empty}", ";empty"},
	{"3.2.7", "{;v,empty,who}", ";v=6;empty;who=fred"},
	{"3.2.7", "{;v,bar,who}", ";v=6;who=fred"},
	{"3.2.7", "{;x,y}", ";x=1024;y=768"},
	{"3.2.7", "{;x,y,empty}", ";x=1024;y=768;empty"},
	{"3.2.7", "{;x,y,undef}", ";x=1024;y=768"},
	{"3.2.7", "{;hello:5}", ";hello=Hello"},
	{"3.2.7", "{;list}", ";list=red,green,blue"},
	{"3.2.7", "{;list*}", ";list=red;list=green;list=blue"},
	{"3.2.7", "{;keys}", ";keys=comma,%2C,dot,.,semi,%3B"},
	{"3.2.7", "{;keys*}", ";comma=%2C;dot=.;semi=%3B"},

	{"3.2.8", "{?who}", "?who=fred"},
	{"3.2.8", "{?half}", "?half=50%25"},
	{"3.2.8", "{?x,y}", "?x=1024&y=768"},
	{"3.2.8", "{?x,y,empty}", "?x=1024&y=768&empty="},
	{"3.2.8", "{?x,y,undef}", "?x=1024&y=768"},
	{"3.2.8", "{?var:3}", "?var=val"},
	{"3.2.8", "{?list}", "?list=red,green,blue"},
	{"3.2.8", "{?list*}", "?list=red&list=green&list=blue"},
	{"3.2.8", "{?keys}", "?keys=comma,%2C,dot,.,semi,%3B"},
	{"3.2.8", "{?keys*}", "?comma=%2C&dot=.&semi=%3B"},

	{"3.2.9", "{&who}", "&who=fred"},
	{"3.2.9", "{&half}", "&half=50%25"},
	{"3.2.9", "?fixed=yes{&x}", "?fixed=yes&x=1024"},
	{"3.2.9", "{&x,y,empty}", "&x=1024&y=768&empty="},
	{"3.2.9", "{&x,y,undef}", "&x=1024&y=768"},
	{"3.2.9", "{&var:3}", "&var=val"},
	{"3.2.9", "{&list}", "&list=red,green,blue"},
	{"3.2.9", "{&list*}", "&list=red&list=green&list=blue"},
	{"3.2.9", "{&keys}", "&keys=comma,%2C,dot,.,semi,%3B"},
	{"3.2.9", "{&keys*}", "&comma=%2C&dot=.&semi=%3B"},
}

func TestExpandRFCExamples(t *testing.T) {
	for _, tt := range rfcExamples {
		got, _, err := expand(tt.tmpl, rfcVars, true)
		if err != nil || got != tt.want {
			t.Errorf("section %s: %s = %q, %v; want %q", tt.section, tt.tmpl, got, err, tt.want)
		}
	}
}

// TestExpandRFCExamplesStrict checks that this package's rules only ever
// refuse an RFC example; they never expand one differently.
func TestExpandRFCExamplesStrict(t *testing.T) {
	refused := 0
	for _, tt := range rfcExamples {
		got, _, err := Expand(tt.tmpl, rfcVars)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Var == "" {
				t.Errorf("section %s: %s: error %v, want a *Error naming a variable", tt.section, tt.tmpl, err)
			}
			refused++
			continue
		}
		if got != tt.want {
			t.Errorf("section %s: %s = %q, want %q", tt.section, tt.tmpl, got, tt.want)
		}
	}
	if refused == 0 || refused == len(rfcExamples) {
		t.Errorf("refused %d of %d RFC examples; the strict rules look off", refused, len(rfcExamples))
	}
}

type tradeNo string

func (n tradeNo) String() string { return "T" + string(n) }

func TestExpand(t *testing.T) {
	tests := []struct {
		tmpl  string
		vars  map[string]any
		want  string
		found int
	}{
		{"v3/pay/transactions/out-trade-no/{out_trade_no}/reverse",
			map[string]any{"out_trade_no": "1217752501201407033233368018", "json": map[string]any{"mchid": "1230000109"}},
			"v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse", 1},
		{"v3/certificates", nil, "v3/certificates", 0},
		{"v3/certificates", map[string]any{"json": 1}, "v3/certificates", 0},
		{"v3/{a}/{a}/{b}", map[string]any{"a": "x", "b": "y"}, "v3/x/x/y", 2},
		{"v3/bill{?bill_date,tar_type}", map[string]any{"bill_date": "2019-06-11"}, "v3/bill?bill_date=2019-06-11", 1},
		{"v3/bill{?bill_date,tar_type}", map[string]any{"bill_date": "2019-06-11", "tar_type": nil}, "v3/bill?bill_date=2019-06-11", 2},
		{"v3/bill{?bill_date}{&tar_type}", map[string]any{"bill_date": "2019-06-11", "tar_type": "GZIP"}, "v3/bill?bill_date=2019-06-11&tar_type=GZIP", 2},
		{"v3/x/{s}", map[string]any{"s": tradeNo("42")}, "v3/x/T42", 1},
		{"v3/x/{n}", map[string]any{"n": 42}, "v3/x/42", 1},
		{"v3/x/{n}", map[string]any{"n": int8(-8)}, "v3/x/-8", 1},
		{"v3/x/{n}", map[string]any{"n": int16(16)}, "v3/x/16", 1},
		{"v3/x/{n}", map[string]any{"n": int32(32)}, "v3/x/32", 1},
		{"v3/x/{n}", map[string]any{"n": int64(1 << 40)}, "v3/x/1099511627776", 1},
		{"v3/x/{n}", map[string]any{"n": uint(7)}, "v3/x/7", 1},
		{"v3/x/{n}", map[string]any{"n": uint8(8)}, "v3/x/8", 1},
		{"v3/x/{n}", map[string]any{"n": uint16(16)}, "v3/x/16", 1},
		{"v3/x/{n}", map[string]any{"n": uint32(32)}, "v3/x/32", 1},
		{"v3/x/{n}", map[string]any{"n": uint64(1 << 63)}, "v3/x/9223372036854775808", 1},
		{"v3/x/{n}", map[string]any{"n": uintptr(9)}, "v3/x/9", 1},
		{"v3/x/{n}", map[string]any{"n": 0.01}, "v3/x/0.01", 1},
		{"v3/x/{n}", map[string]any{"n": 1e6}, "v3/x/1000000", 1},
		{"v3/x{?b}", map[string]any{"b": true}, "v3/x?b=true", 1},
		{"v3/x{?ids}", map[string]any{"ids": []any{"a", 1, false}}, "v3/x?ids=a,1,false", 1},
		{"v3/x{?m*}", map[string]any{"m": map[string]any{"offset": 0, "limit": 10}}, "v3/x?limit=10&offset=0", 1},
		{"v3/x{?m*}", map[string]any{"m": map[string]string{"b": "", "a": "1"}}, "v3/x?a=1&b=", 1},
		{"v3/x{?list}", map[string]any{"list": []string{}}, "v3/x", 1},
		{"v3/x{?q}", map[string]any{"q": "a b&c=d"}, "v3/x?q=a%20b%26c%3Dd", 1},
		{"v3/x{?q:2}", map[string]any{"q": "商户订单"}, "v3/x?q=%E5%95%86%E6%88%B7", 1},
		{"v3/{+p}/x", map[string]any{"p": "a/b"}, "v3/a/b/x", 1},
		{"v3/{+p}/x", map[string]any{"p": "a%20b"}, "v3/a%20b/x", 1},
		{"v3/a{x}/b", map[string]any{"x": ""}, "v3/a/b", 1},
		{"v3/{x}.json", map[string]any{"x": ""}, "v3/.json", 1},
		{"v3/a{?x}", map[string]any{"x": ".."}, "v3/a?x=..", 1},
		{"v3/a?q={x}", map[string]any{"x": ""}, "v3/a?q=", 1},
		{"v3/a#{x}", map[string]any{"x": ""}, "v3/a#", 1},
		{"v3/{x}{?q}", map[string]any{"x": "a", "q": ""}, "v3/a?q=", 2},
		{"v3/商户 a", nil, "v3/%E5%95%86%E6%88%B7%20a", 0},
		{"v3/%E5%95%86/{x}", map[string]any{"x": "1"}, "v3/%E5%95%86/1", 1},
		{"v3/100%/x", nil, "v3/100%25/x", 0},
		{"v3/{a.b}/{c%20d}", map[string]any{"a.b": "1", "c%20d": "2"}, "v3/1/2", 2},
	}
	for _, tt := range tests {
		got, found, err := Expand(tt.tmpl, tt.vars)
		if err != nil || got != tt.want || found != tt.found {
			t.Errorf("expand(%q, %v) = %q, %d, %v; want %q, %d", tt.tmpl, tt.vars, got, found, err, tt.want, tt.found)
		}
	}
}

func TestExpandSafety(t *testing.T) {
	tests := []struct {
		tmpl string
		v    any
		want string // the expansion, or "" for an error
		why  string // a part of the error's Reason
	}{
		{"v3/refund/{x}", "../../v3/refund", "v3/refund/..%2F..%2Fv3%2Frefund", ""},
		{"v3/refund/{x}", "a/b", "v3/refund/a%2Fb", ""},
		{"v3/refund/{x}", "x?y=1#z", "v3/refund/x%3Fy%3D1%23z", ""},
		{"v3/refund/{x}", "%2e%2e", "v3/refund/%252e%252e", ""},
		{"v3/refund/{x}", "a\\b", "v3/refund/a%5Cb", ""},
		{"v3/refund/{x}", "商户订单", "v3/refund/%E5%95%86%E6%88%B7%E8%AE%A2%E5%8D%95", ""},
		{"v3/refund/{x}", "...", "v3/refund/...", ""},
		{"v3/refund/{x}", "..", "", `value "..": a path segment cannot be "." or ".."`},
		{"v3/refund/{x}", ".", "", `value ".": a path segment cannot be "." or ".."`},
		{"v3/refund/{x}", "", "", "is empty: it would drop a path segment"},
		{"v3/refund/{x}/close", "..", "", `cannot be "." or ".."`},
		{"v3/refund/{x}/close", "", "", "is empty"},
		{"v3/refund/{x}?a=1", "", "", "is empty"},
		{"v3/refund/{x}#a", ".", "", `cannot be "." or ".."`},
		{"v3/refund/{x}{?q}", "", "", "is empty"},
		{"{x}", "", "", "is empty"},
		{"{x}/v3", "..", "", `cannot be "." or ".."`},
		{"v3/{x:1}", "..", "", `cannot be "." or ".."`},
		{"v3/.{x}", ".", "", `value "." makes path segment ".."`},
		{"v3/{x}{x}", ".", "", `value "." makes path segment ".."`},
		{"v3/{x,x}", "", "v3/,", ""},
		{"v3/{+x}", "a/b", "v3/a/b", ""},
		{"v3/{+x}", "a/../b", "", `value "a/../b" makes path segment ".."`},
		{"v3/{+x}", "..", "", `value "..": a path segment cannot be "." or ".."`},
		{"v3/{+x}", "%2E%2e", "", `cannot be "." or ".."`},
		{"v3/{+x}", ".%2E/x", "", `cannot be "." or ".."`},
		{"v3/{+x}", "", "", "is empty"},
		{"v3/{+x}/b", "a//b", "", "empty path segment"},
		{"v3/{+x}", "a/", "", "empty path segment"},
		{"v3/{+x}", "a?b", "", `cannot contain "?"`},
		{"v3/{+x}", "a#b", "", `cannot contain "?"`},
		{"v3/{+x}", "a%2Fb", "", `"%2F"`},
		{"v3/{+x}", "a%5cb", "", `"%5C"`},
		{"v3/a?r={+x}", "a?b#c/../", "v3/a?r=a?b#c/../", ""},
		{"v3/{.x}", "", "", `value "" makes path segment "."`},
		{"v3/a{.x}", "", "v3/a.", ""},
		{"v3{/x}", "..", "", `cannot be "." or ".."`},
		{"v3{/x}", "", "", "is empty"},
		{"v3{/x}/b", "", "", "is empty"},
		{"{/x}", "a", "/a", ""},
		{"v3{/x*}", []string{"a", ".."}, "", `value "a/.." makes path segment ".."`},
		{"v3{/x*}", []string{"a", "b"}, "v3/a/b", ""},
		{"v3/{;x}", "", "v3/;x", ""},
	}
	for _, tt := range tests {
		got, _, err := Expand(tt.tmpl, map[string]any{"x": tt.v})
		if tt.why == "" {
			if err != nil || got != tt.want {
				t.Errorf("expand(%q, x=%q) = %q, %v; want %q", tt.tmpl, tt.v, got, err, tt.want)
			}
			continue
		}
		var te *Error
		if !errors.As(err, &te) || te.Var != "x" || te.Template != tt.tmpl || !strings.Contains(te.Reason, tt.why) {
			t.Errorf("expand(%q, x=%q) = %q, %v; want a *Error for x saying %q", tt.tmpl, tt.v, got, err, tt.why)
			continue
		}
		if !strings.Contains(err.Error(), `variable "x"`) {
			t.Errorf("expand(%q, x=%q): message %q does not name the variable", tt.tmpl, tt.v, err)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	tests := []struct {
		tmpl string
		vars map[string]any
		v    string // the variable the error names
		why  string // a part of the Reason
	}{
		{"v3/{x", nil, "", "unclosed '{' at byte 3"},
		{"v3/{x}/{", nil, "", "unclosed '{' at byte 7"},
		{"v3/{}", nil, "", "empty expression at byte 3"},
		{"v3/{+}", nil, "", "empty expression"},
		{"v3/{?}", nil, "", "empty expression"},
		{"v3/x}", nil, "", "'}' without '{' at byte 4"},
		{"v3/{x}}", map[string]any{"x": "1"}, "", "'}' without '{' at byte 6"},
		{"{=x}", nil, "", "reserved operator '=' at byte 0"},
		{"{,x}", nil, "", "reserved operator ','"},
		{"{!x}", nil, "", "reserved operator '!'"},
		{"{@x}", nil, "", "reserved operator '@'"},
		{"{|x}", nil, "", "reserved operator '|'"},
		{"{x,}", nil, "", `bad variable name ""`},
		{"{x,,y}", nil, "", `bad variable name ""`},
		{"{a-b}", nil, "", `bad variable name "a-b"`},
		{"{a b}", nil, "", `bad variable name "a b"`},
		{"{a{b}", nil, "", `bad variable name "a{b"`},
		{"{a..b}", nil, "", `bad variable name "a..b"`},
		{"{.a.}", nil, "", `bad variable name "a."`},
		{"{a~}", nil, "", `bad variable name "a~"`},
		{"{%zz}", nil, "", `bad variable name "%zz"`},
		{"{a%2}", nil, "", `bad variable name "a%2"`},
		{"{商户}", nil, "", "bad variable name"},
		{"{\x00x}", nil, "", "bad variable name"},
		{"{x**}", nil, "", `bad variable name "x*"`},
		{"{x:0}", nil, "", `bad prefix "0" for "x": want 1 to 9999`},
		{"{x:10000}", nil, "", `bad prefix "10000"`},
		{"{x:01}", nil, "", `bad prefix "01"`},
		{"{x:}", nil, "", `bad prefix ""`},
		{"{x:a}", nil, "", `bad prefix "a"`},
		{"{x:-1}", nil, "", `bad prefix "-1"`},
		{"{x:+1}", nil, "", `bad prefix "+1"`},
		{"{x:3*}", nil, "", `"x:3*" has both a prefix and an explode modifier`},
		{"{x:*}", nil, "", "both a prefix and an explode"},

		{"v3/{x}", nil, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": nil}, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": []string{}}, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": []any(nil)}, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": map[string]string{}}, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": map[string]any{}}, "x", "has no value"},
		{"v3/{+x}", nil, "x", "has no value"},
		{"v3{.x}", nil, "x", "has no value"},
		{"v3{/x}", nil, "x", "has no value"},
		{"v3{;x}", nil, "x", "has no value"},
		{"v3/{a,x}", map[string]any{"a": "1"}, "x", "has no value"},
		{"v3/a?q={x}", nil, "x", "has no value"},
		{"v3/{x}", map[string]any{"x": struct{}{}}, "x", "has unsupported type struct {}"},
		{"v3/{x}", map[string]any{"x": []int{1}}, "x", "has unsupported type []int"},
		{"v3/{x}", map[string]any{"x": map[string]int{"a": 1}}, "x", "has unsupported type map[string]int"},
		{"v3/{x}", map[string]any{"x": float32(1)}, "x", "has unsupported type float32"},
		{"v3/{x}", map[string]any{"x": &struct{}{}}, "x", "has unsupported type *struct {}"},
		{"v3/{x}", map[string]any{"x": []any{"a", []string{"b"}}}, "x", "has an element of unsupported type []string"},
		{"v3/{x}", map[string]any{"x": []any{nil}}, "x", "has an element of unsupported type <nil>"},
		{"v3/{x}", map[string]any{"x": map[string]any{"a": nil}}, "x", "has a map value of unsupported type <nil>"},
		{"v3/{x:2}", map[string]any{"x": []string{"abc"}}, "x", "a prefix modifier applies to strings only"},
		{"v3{?x:2}", map[string]any{"x": map[string]string{"a": "b"}}, "x", "a prefix modifier applies to strings only"},
		{"v3{?x}", map[string]any{"x": struct{}{}}, "x", "has unsupported type"},
	}
	for _, tt := range tests {
		got, _, err := Expand(tt.tmpl, tt.vars)
		var te *Error
		if !errors.As(err, &te) {
			t.Errorf("expand(%q) = %q, %v; want a *Error", tt.tmpl, got, err)
			continue
		}
		if te.Template != tt.tmpl || te.Var != tt.v || !strings.Contains(te.Reason, tt.why) {
			t.Errorf("expand(%q): %+v; want Var %q and a Reason with %q", tt.tmpl, *te, tt.v, tt.why)
		}
		if tt.v != "" && !strings.Contains(err.Error(), `variable "`+tt.v+`"`) {
			t.Errorf("expand(%q): message %q does not name the variable", tt.tmpl, err)
		}
		// Syntax errors do not depend on the rules of this package.
		if _, _, err := expand(tt.tmpl, tt.vars, true); tt.v == "" && err == nil {
			t.Errorf("expand(%q, rfcMode) accepted a malformed template", tt.tmpl)
		}
	}
}

func TestExpandIsDeterministic(t *testing.T) {
	vars := map[string]any{
		"id":   "4200000000",
		"m":    map[string]any{"z": 1, "a": "x", "k": true, "b": "", "q": 2.5},
		"keys": rfcVars["keys"],
		"list": []any{"b", "a"},
	}
	for _, tmpl := range []string{"v3/{id}{?m*}", "v3/{id}{?keys,list}", "v3/{id}{;m}{&m*}{#keys*}"} {
		first, n1, err1 := Expand(tmpl, vars)
		for range 20 {
			again, n2, err2 := Expand(tmpl, vars)
			if diff := cmp.Diff([]any{first, n1, err1}, []any{again, n2, err2}); diff != "" {
				t.Fatalf("expand(%q) changed between calls (-first +again):\n%s", tmpl, diff)
			}
		}
	}
}

func TestExpandAllocations(t *testing.T) {
	vars := map[string]any{"out_trade_no": "1217752501201407033233368018", "json": map[string]any{"mchid": "1230000109"}}
	const tmpl = "v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"
	if n := testing.AllocsPerRun(100, func() { Expand(tmpl, vars) }); n > 1 {
		t.Errorf("expand(%q): %v allocations, want at most 1", tmpl, n)
	}
	const plain = "v3/pay/transactions/out-trade-no/reverse"
	if n := testing.AllocsPerRun(100, func() { Expand(plain, vars) }); n != 0 {
		t.Errorf("expand(%q): %v allocations, want 0", plain, n)
	}
	if got, _, _ := Expand(plain, vars); unsafe.StringData(got) != unsafe.StringData(plain) {
		t.Errorf("expand(%q) returned a copy", plain)
	}
}

func FuzzExpand(f *testing.F) {
	for _, tt := range rfcExamples {
		f.Add(tt.tmpl, "value")
	}
	for _, v := range []string{"../../v3/refund", "a/b", "x?y=1#z", "..", ".", "", "商户订单", "%2e%2E", "a%2Fb", "\x00\xff"} {
		f.Add("v3/a/{x}/b", v)
		f.Add("v3/a/{+x}/b", v)
	}
	f.Add("v3/{x", "1")
	f.Add("{x:3*}", "1")
	f.Fuzz(func(t *testing.T, tmpl, x string) {
		vars := map[string]any{"x": x, "list": []string{x, "b"}, "keys": map[string]string{x: x, "k": ""}, "empty": ""}
		for _, rfcMode := range []bool{false, true} {
			if _, _, err := expand(tmpl, vars, rfcMode); err != nil {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("expand(%q, %v) error %v is not a *Error", tmpl, rfcMode, err)
				}
			}
		}
		for _, tmpl := range []string{"v3/a/{x}/b", "v3/a/{+x}/b"} {
			got, _, err := Expand(tmpl, vars)
			if err != nil {
				continue
			}
			mid, okPrefix := strings.CutPrefix(got, "v3/a/")
			mid, okSuffix := strings.CutSuffix(mid, "/b")
			if !okPrefix || !okSuffix {
				t.Fatalf("expand(%q, x=%q) = %q: the fixed segments moved", tmpl, x, got)
			}
			if strings.ContainsAny(mid, "?#") {
				t.Fatalf("expand(%q, x=%q) = %q: the value reaches the query or fragment", tmpl, x, got)
			}
			segs := []string{mid}
			if tmpl == "v3/a/{x}/b" {
				if strings.Contains(mid, "/") {
					t.Fatalf("expand(%q, x=%q) = %q: the value adds a path segment", tmpl, x, got)
				}
			} else {
				segs = strings.Split(mid, "/")
			}
			for _, seg := range segs {
				if seg == "" || IsDotSegment(seg) {
					t.Fatalf("expand(%q, x=%q) = %q: path segment %q", tmpl, x, got, seg)
				}
			}
		}
	})
}

func BenchmarkExpandReverse(b *testing.B) {
	vars := map[string]any{"out_trade_no": "1217752501201407033233368018", "json": map[string]any{"mchid": "1230000109"}}
	b.ReportAllocs()
	for b.Loop() {
		Expand("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse", vars)
	}
}
