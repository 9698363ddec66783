// Package keys loads the keys and certificates WeChat Pay hands merchants:
// the merchant API private key and certificate (apiclient_key.pem and
// apiclient_cert.pem), platform certificates, the WeChat Pay public key
// (PUB_KEY_ID_...) and the APIv2 public key from risk/getpublickey.
//
// Each loader takes src in any of the forms these arrive in, told apart in
// this order:
//
//   - PEM text: anything containing "-----BEGIN". Text whose line breaks
//     were lost to an environment variable or a JSON string (turned into
//     spaces, or into a literal `\n`) is accepted too.
//   - A file:// URL, as the PHP SDK's Rsa::from accepts.
//   - The path of an existing file, holding PEM, binary DER or base64 DER.
//   - Bare base64 DER, as merchants copy it from the console: no BEGIN/END
//     lines, whitespace anywhere, padding optional.
//
// A src that is none of these but looks like a path (it contains a slash or
// a backslash, or ends in .pem, .crt or .key) is reported as a file that
// could not be read, since that is almost always what went wrong.
//
// Failures are *Error values. Messages name the problem and never echo the
// input, which may be a private key.
package keys

import (
	"errors"
	"io/fs"
)

// ErrEncrypted is the cause of an *Error for a password-protected private
// key. The SDK signs every request, so it cannot prompt for a password; the
// key has to be stored decrypted.
var ErrEncrypted = errors.New("encrypted PEM is not supported; decrypt it first (openssl pkcs8 -topk8 -nocrypt -in key.pem -out apiclient_key.pem)")

// Error is a key or certificate that could not be loaded.
type Error struct {
	Op   string // "read" the file, "parse" its contents, or "match" a key to a certificate
	Kind string // "private key", "public key", "certificate" or "merchant certificate"
	Path string // the file the input came from, if src named one
	Err  error  // the cause; an *fs.PathError when Op is "read"
}

// Error reads like "keys: private key: PEM block "CERTIFICATE" is not a
// private key" or "keys: reading /etc/wxpay/apiclient_key.pem: no such file
// or directory".
func (e *Error) Error() string {
	if e.Op == "read" {
		// The *fs.PathError would repeat the path after "open".
		cause := e.Err
		var pathErr *fs.PathError
		if errors.As(cause, &pathErr) {
			cause = pathErr.Err
		}
		return "keys: reading " + e.Path + ": " + cause.Error()
	}
	if e.Path != "" {
		return "keys: " + e.Kind + " in " + e.Path + ": " + e.Err.Error()
	}
	return "keys: " + e.Kind + ": " + e.Err.Error()
}

// Unwrap returns the cause, so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, ErrEncrypted) work.
func (e *Error) Unwrap() error { return e.Err }
