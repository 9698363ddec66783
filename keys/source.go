package keys

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"runtime"
	"strings"
	"unicode"
)

const pemMarker = "-----BEGIN"

// input is src resolved to key material: PEM text, or DER.
type input struct {
	path string // the file it came from, if any
	pem  bool
	data []byte
}

// resolve works out which form src is in; see the package documentation.
func resolve(kind, src string) (input, error) {
	if strings.Contains(src, pemMarker) {
		return input{pem: true, data: []byte(src)}, nil
	}
	// Paths arrive from environment variables and config files with stray
	// spaces and newlines around them.
	name := strings.TrimSpace(src)
	if name == "" {
		return input{}, &Error{Op: "parse", Kind: kind, Err: errors.New("input is empty")}
	}
	if path, ok := strings.CutPrefix(name, "file://"); ok {
		return readFile(kind, fileURLPath(path))
	}
	if _, err := os.Stat(name); err == nil {
		return readFile(kind, name)
	}
	if der, ok := bareDER(src); ok {
		return input{data: der}, nil
	}
	if looksLikePath(name) {
		// Reading again yields the error worth showing, such as "no such
		// file or directory" or "permission denied".
		return readFile(kind, name)
	}
	return input{}, &Error{Op: "parse", Kind: kind, Err: errors.New("input is neither PEM text, an existing file, nor base64 DER")}
}

// fileURLPath turns the part of a file:// URL after the scheme into a path.
// On Windows, file:///C:/key.pem leaves "/C:/key.pem", which names nothing.
func fileURLPath(p string) string {
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		return p[1:]
	}
	return p
}

// looksLikePath reports whether a src that is not PEM and not a file was
// meant as a path. Base64 DER contains slashes too, so this is asked only
// after the base64 reading failed.
func looksLikePath(s string) bool {
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	for _, ext := range [...]string{".pem", ".crt", ".key"} {
		if strings.HasSuffix(strings.ToLower(s), ext) {
			return true
		}
	}
	return false
}

func readFile(kind, path string) (input, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return input{}, &Error{Op: "read", Kind: kind, Path: path, Err: err}
	}
	in := input{path: path, data: data}
	switch {
	case bytes.Contains(data, []byte(pemMarker)):
		in.pem = true
	case len(data) > 0 && data[0] == asn1Sequence:
		// Binary DER, as openssl -outform DER writes it.
	default:
		der, ok := bareDER(string(data))
		if !ok {
			msg := "file holds neither PEM, DER, nor base64 DER"
			if len(bytes.TrimSpace(data)) == 0 {
				msg = "file is empty"
			}
			return input{}, &Error{Op: "parse", Kind: kind, Path: path, Err: errors.New(msg)}
		}
		in.data = der
	}
	return in, nil
}

// asn1Sequence is the first byte of every key and certificate encoding
// here, and so tells DER apart from text.
const asn1Sequence = 0x30

// bareDER decodes base64 DER pasted without its PEM lines. Whatever does not
// decode to an ASN.1 SEQUENCE is not key material, which keeps short words
// and relative paths from passing for base64.
func bareDER(s string) ([]byte, bool) {
	der, err := decodeBase64(s)
	if err != nil || len(der) == 0 || der[0] != asn1Sequence {
		return nil, false
	}
	return der, true
}

// decodeBase64 decodes standard base64 with or without padding, ignoring
// whitespace and the literal `\n` and `\r` that JSON-escaped text carries.
func decodeBase64(s string) ([]byte, error) {
	s = strings.NewReplacer(`\n`, "", `\r`, "").Replace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		der, err = base64.RawStdEncoding.DecodeString(s)
	}
	return der, err
}
