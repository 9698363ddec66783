package port

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Uploads: the PHP SDK's README builds an upload body with MediaUtil,
//
//	$media = new MediaUtil('/your/file/path/with.extension');
//	...->post(['body' => $media->getStream(), 'headers' => ['Content-Type' => $media->getContentType()]]);
//
// which ports to "body": media.FromFile(path); the client sets the
// multipart Content-Type itself, so that header is left out.

// mediaUtilNew finds $media = new MediaUtil(; the parser reads the
// arguments: a path ('path' or $path), and optionally the stream to read
// instead of the file, whose name then only names the upload.
var mediaUtilNew = regexp.MustCompile(`\$([A-Za-z_]\w*)\s*=\s*new\s+\\?(?:\w+\\)*MediaUtil\s*\(`)

// mediaSource is where a MediaUtil reads its file: a literal path or a
// variable, or a stream.
type mediaSource struct {
	path, variable string
	stream         expr // the second argument, if any
	line           int
}

// mediaUtils lists the MediaUtil variables of src.
func mediaUtils(src string) map[string]mediaSource {
	out := map[string]mediaSource{}
	for _, m := range mediaUtilNew.FindAllStringSubmatchIndex(src, -1) {
		line := 1 + strings.Count(src[:m[0]], "\n")
		p := newParser(src, m[1]-1, line, true)
		args, err := parse(p.arguments)
		if err != nil || len(args) == 0 || len(args) > 2 {
			continue
		}
		ms := mediaSource{line: line}
		switch a := args[0].(type) {
		case *strLit:
			if a.interp {
				continue
			}
			ms.path = a.v
		case *phpVar:
			ms.variable = a.name
		default:
			continue
		}
		if len(args) == 2 {
			ms.stream = args[1]
		}
		out[src[m[2]:m[3]]] = ms
	}
	return out
}

// mediaCall reports which MediaUtil method e calls ("getStream",
// "getContentType"), and on what.
func (c *converter) mediaCall(e expr) (string, mediaSource, bool) {
	call, ok := e.(*call)
	if !ok || len(call.args) != 0 {
		return "", mediaSource{}, false
	}
	m, ok := call.fn.(*member)
	if !ok || m.index != nil {
		return "", mediaSource{}, false
	}
	v, ok := m.x.(*phpVar)
	if !ok {
		return "", mediaSource{}, false
	}
	src, ok := c.media[v.name]
	if !ok || (m.name != "getStream" && m.name != "getContentType") {
		return "", mediaSource{}, false
	}
	return m.name, src, true
}

// mediaFile writes media.FromFile of a MediaUtil's file. A file:// URL,
// which PHP's fopen opens, is the local path it names.
func (c *converter) mediaFile(src mediaSource) string {
	c.imports[modulePath+"/media"] = true
	if src.stream != nil {
		return c.mediaStream(src)
	}
	path := strconv.Quote(localPath(src.path))
	if src.variable != "" {
		path = c.freeVar(src.variable, false)
	}
	return "media.FromFile(" + path + ")"
}

// localPath is the path a file:// URL names (file:///tmp/a.jpg,
// file://localhost/tmp/a.jpg, file:///C:/a.jpg), or p itself.
func localPath(p string) string {
	if !strings.HasPrefix(strings.ToLower(p), "file://") {
		return p
	}
	u, err := url.Parse(p)
	if err != nil || u.Host != "" && u.Host != "localhost" || u.Path == "" {
		return p
	}
	if len(u.Path) > 3 && u.Path[0] == '/' && u.Path[2] == ':' { // a Windows drive
		return u.Path[1:]
	}
	return u.Path
}

// Downloads: Guzzle's 'sink' option writes the response body to a file,
//
//	$instance->v3->billdownload->file->get(['query' => [...], 'sink' => '/path/to/bill.csv']);
//
// An APIv3 GET ports to Chain.Download, whose body is copied to the file
// as it arrives; any other request's body, which comes back whole, is
// written with os.WriteFile.

// sinkVerb is the chain and verb of a snippet with a sink: Download for
// an APIv3 GET (which the typed tree does not offer).
func (c *converter) sinkVerb(sn Snippet, chainExpr, verb string, typed bool) (string, string, bool) {
	if c.sink == "" || sn.Method != "GET" || strings.HasPrefix(sn.Template, "v2/") {
		return chainExpr, verb, typed
	}
	if typed {
		chainExpr = fmt.Sprintf("client.Chain(%q)", sn.Template)
	}
	return chainExpr, "Download", false
}

// sinkCode writes the response body to the sink's file.
func (c *converter) sinkCode(resp, suffix, verb string) string {
	if c.sink == "" {
		return ""
	}
	c.imports["os"] = true
	c.imports["log"] = true
	if verb != "Download" {
		return fmt.Sprintf("if err := os.WriteFile(%s, %s.Body, 0o644); err != nil {\nlog.Fatal(err)\n}\n", c.sink, resp)
	}
	c.imports["io"] = true
	sink := "sink" + suffix
	return fmt.Sprintf(`%[1]s, err := os.Create(%[2]s)
if err != nil {
	log.Fatal(err)
}
if _, err := io.Copy(%[1]s, %[3]s.BodyStream); err != nil {
	log.Fatal(err)
}
%[3]s.BodyStream.Close()
if err := %[1]s.Close(); err != nil {
	log.Fatal(err)
}
`, sink, c.sink, resp)
}

// mediaStream ports a MediaUtil over a stream: new MediaUtil('a.jpg',
// Utils::streamFor(fopen('/path/a.jpg', 'r'))) uploads the file the
// stream opens, under the name given; a stream of a literal string
// uploads those bytes. Another stream is reported.
func (c *converter) mediaStream(src mediaSource) string {
	name := strconv.Quote(src.path)
	if src.variable != "" {
		name = c.pathValue(&phpVar{line: src.line, name: src.variable})
	}
	e := src.stream
	if class, method, args := sdkCall(e); class == "Utils" && method == "streamFor" && len(args) == 1 {
		e = args[0] // \GuzzleHttp\Psr7\Utils::streamFor(...)
	}
	if s, ok := e.(*strLit); ok && !s.interp {
		return fmt.Sprintf("media.FromBytes(%s, []byte(%q))", name, s.v)
	}
	if path, ok := openedFile(e); ok {
		c.imports["os"] = true
		c.imports["log"] = true
		f := c.newName("mediaFile")
		fmt.Fprintf(&c.pre, "%s, err := os.Open(%q)\nif err != nil {\nlog.Fatal(err)\n}\ndefer %s.Close()\n", f, localPath(path), f)
		return fmt.Sprintf("media.FromReader(%s, %s)", name, f)
	}
	c.report(e.pos(), "the stream of this MediaUtil is not ported: give its content to media.FromReader; nil is sent in its place")
	return "nil"
}

// openedFile is the literal path a PHP expression opens for reading:
// fopen('p', 'r'), Utils::tryFopen('p', 'r'), new LazyOpenStream('p',
// 'r') or file_get_contents('p').
func openedFile(e expr) (string, bool) {
	var args []expr
	switch x := e.(type) {
	case *call:
		id, ok := x.fn.(*ident)
		if !ok {
			return "", false
		}
		switch strings.ToLower(strings.TrimPrefix(id.name, `\`)) {
		case "fopen", "file_get_contents":
			args = x.args
		}
	case *staticCall:
		if strings.HasSuffix(x.class, "Utils") && x.method == "tryFopen" {
			args = x.args
		}
	case *opaque:
		return "", false // new LazyOpenStream(...) is not kept by the parser
	}
	if len(args) == 0 {
		return "", false
	}
	if len(args) > 1 {
		if mode, ok := args[1].(*strLit); !ok || !strings.HasPrefix(mode.v, "r") {
			return "", false
		}
	}
	s, ok := args[0].(*strLit)
	if !ok || s.interp {
		return "", false
	}
	return s.v, true
}
