package main

import (
	"go/token"
	"strings"
	"unicode"
)

// splitAbove is the operation count above which a path prefix is split one
// level deeper into packages of their own.
const splitAbove = 64

// packageOf returns the folder under api/ for a catalog path: the protocol
// and the first segment (v3/pay, v2/pay; hk and global stand for hk/v3 and
// global/v3), one level deeper where the prefix is big, and how many
// segments of the path the folder accounts for.
func packageOf(path string, big map[string]bool) (dir string, used int) {
	seg := strings.Split(path, "/")
	switch seg[0] {
	case "hk", "global":
		dir, used = seg[0], 2
	default:
		dir, used = seg[0]+"/"+pkgDir(seg[1]), 2
	}
	if big[dir] && len(seg) > used+1 && !isParam(seg[used]) {
		dir, used = dir+"/"+pkgDir(seg[used]), used+1
	}
	return dir, used
}

// prefixOf is the unsplit prefix packageOf starts from.
func prefixOf(path string) string {
	seg := strings.Split(path, "/")
	if seg[0] == "hk" || seg[0] == "global" {
		return seg[0]
	}
	return seg[0] + "/" + pkgDir(seg[1])
}

// pkgDir makes a path segment a package folder and name: lower case, no
// '-' or '_' ("fund-app" is fundapp), never a Go keyword.
func pkgDir(seg string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(seg) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "p" + s
	}
	if token.IsKeyword(s) {
		s += "api"
	}
	return s
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") }

// initialisms are written as Go writes them in identifiers.
var initialisms = map[string]string{
	"id": "ID", "url": "URL", "uri": "URI", "ip": "IP", "api": "API", "json": "JSON", "xml": "XML",
	"html": "HTML", "http": "HTTP", "https": "HTTPS", "appid": "AppID", "mchid": "MchID",
	"openid": "OpenID", "unionid": "UnionID", "sn": "SN", "sql": "SQL", "qr": "QR", "uuid": "UUID",
	"v2": "V2", "v3": "V3",
}

// camel makes a Go identifier of a field, segment or enum value: parts split
// at anything that is not a letter or digit, each capitalized (initialisms
// upper case). It returns "" when nothing usable is left.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if v, ok := initialisms[strings.ToLower(part)]; ok {
			b.WriteString(v)
			continue
		}
		rs := []rune(part)
		if isUpperWord(rs) {
			rs = []rune(strings.ToLower(part)) // SUCCESS is Success, not SUCCESS
		}
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	return b.String()
}

func isUpperWord(rs []rune) bool {
	letters := 0
	for _, r := range rs {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 1
}

// exported makes sure an identifier starts with an upper-case letter, so a
// value such as "2401" or "微信" still makes an exported constant.
func exported(prefix, s string) string {
	if s == "" {
		return prefix
	}
	r := []rune(s)
	if !unicode.IsUpper(r[0]) {
		return prefix + s
	}
	return s
}
