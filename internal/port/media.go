package port

import (
	"regexp"
	"strconv"
)

// Uploads: the PHP SDK's README builds an upload body with MediaUtil,
//
//	$media = new MediaUtil('/your/file/path/with.extension');
//	...->post(['body' => $media->getStream(), 'headers' => ['Content-Type' => $media->getContentType()]]);
//
// which ports to "body": media.FromFile(path); the client sets the
// multipart Content-Type itself, so that header is left out.

// mediaUtilNew finds $media = new MediaUtil('path') or new MediaUtil($path).
var mediaUtilNew = regexp.MustCompile(`\$([A-Za-z_]\w*)\s*=\s*new\s+\\?(?:\w+\\)*MediaUtil\s*\(\s*(?:'([^'\\]*)'|"([^"\\$]*)"|\$([A-Za-z_]\w*))\s*\)`)

// mediaSource is where a MediaUtil reads its file: a literal path or a
// variable.
type mediaSource struct {
	path, variable string
}

// mediaUtils lists the MediaUtil variables of src.
func mediaUtils(src string) map[string]mediaSource {
	out := map[string]mediaSource{}
	for _, m := range mediaUtilNew.FindAllStringSubmatch(src, -1) {
		out[m[1]] = mediaSource{path: m[2] + m[3], variable: m[4]}
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

// mediaFile writes media.FromFile of a MediaUtil's file.
func (c *converter) mediaFile(src mediaSource) string {
	c.imports[modulePath+"/media"] = true
	path := strconv.Quote(src.path)
	if src.variable != "" {
		path = c.freeVar(src.variable, false)
	}
	return "media.FromFile(" + path + ")"
}
