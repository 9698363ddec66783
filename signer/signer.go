// Package signer implements the APIv3 request signature and response
// verification of WeChat Pay, as pure functions and as two middlewares
// (Signer and Verifier) that wrap a transport.Doer.
//
// The request signature is RSA-SHA256 (PKCS #1 v1.5) over
//
//	METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n
//
// where TARGET is the path and query exactly as sent and BODY the exact
// bytes sent; it travels in the Authorization header with the scheme
// WECHATPAY2-SHA256-RSA2048. Responses are signed over
//
//	TIMESTAMP\nNONCE\nBODY\n
//
// with the platform key named by the Wechatpay-Serial header.
package signer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Scheme is the Authorization scheme of APIv3.
const Scheme = "WECHATPAY2-SHA256-RSA2048"

// Header names of APIv3 responses and callbacks.
const (
	HeaderTimestamp = "Wechatpay-Timestamp"
	HeaderNonce     = "Wechatpay-Nonce"
	HeaderSignature = "Wechatpay-Signature"
	HeaderSerial    = "Wechatpay-Serial"
)

// NonceLength is the length of the nonces this package makes.
const NonceLength = 32

const nonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Nonce returns NonceLength characters of [0-9A-Za-z] from crypto/rand.
func Nonce() string {
	var b [NonceLength]byte
	fillNonce(&b)
	return string(b[:])
}

// fillNonce fills b by rejection sampling, so every character is equally
// likely (256 is not a multiple of 62).
func fillNonce(b *[NonceLength]byte) {
	var raw [64]byte
	n := 0
	for n < NonceLength {
		rand.Read(raw[:]) // never fails, per crypto/rand
		for _, r := range raw {
			if r < 248 { // 248 = 4 * 62
				b[n] = nonceAlphabet[r%62]
				if n++; n == NonceLength {
					return
				}
			}
		}
	}
}

// RequestMessage returns the bytes a request signature covers.
func RequestMessage(method, target string, timestamp int64, nonce string, body []byte) []byte {
	return appendRequestMessage(nil, method, "", target, timestamp, nonce, body)
}

// appendRequestMessage takes the target in two parts, the base path and
// the URI below it, so that callers need not join them.
func appendRequestMessage(dst []byte, method, targetBase, targetRest string, timestamp int64, nonce string, body []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, '\n')
	dst = append(dst, targetBase...)
	dst = append(dst, targetRest...)
	dst = append(dst, '\n')
	dst = strconv.AppendInt(dst, timestamp, 10)
	dst = append(dst, '\n')
	dst = append(dst, nonce...)
	dst = append(dst, '\n')
	dst = append(dst, body...)
	return append(dst, '\n')
}

// ResponseMessage returns the bytes a response or callback signature covers.
func ResponseMessage(timestamp, nonce string, body []byte) []byte {
	return appendResponseMessage(nil, timestamp, nonce, body)
}

func appendResponseMessage(dst []byte, timestamp, nonce string, body []byte) []byte {
	dst = append(dst, timestamp...)
	dst = append(dst, '\n')
	dst = append(dst, nonce...)
	dst = append(dst, '\n')
	dst = append(dst, body...)
	return append(dst, '\n')
}

// Sign returns base64(RSA-SHA256 PKCS #1 v1.5 signature of message). key
// may be an *rsa.PrivateKey or any crypto.Signer backed by an RSA key (an
// HSM or a KMS).
func Sign(key crypto.Signer, message []byte) (string, error) {
	var out [512]byte
	sig, err := appendSignature(out[:0], key, message)
	if err != nil {
		return "", err
	}
	return string(sig), nil
}

func appendSignature(dst []byte, key crypto.Signer, message []byte) ([]byte, error) {
	if key == nil {
		return nil, errors.New("signer: no private key")
	}
	var sig []byte
	var err error
	if k, ok := key.(*rsa.PrivateKey); ok {
		// What k.Sign does with crypto.SHA256, called directly: through
		// the interface the digest would escape to the heap.
		digest := sha256.Sum256(message)
		sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
	} else {
		digest := sha256.Sum256(message)
		sig, err = key.Sign(rand.Reader, digest[:], crypto.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("signer: signing: %w", err)
	}
	return base64.StdEncoding.AppendEncode(dst, sig), nil
}

// Verify checks a base64 signature of message with an RSA public key.
func Verify(key *rsa.PublicKey, message []byte, signature string) error {
	// Fixed buffers keep verification free of heap copies; 4096-bit
	// signatures fit.
	var src [684]byte
	var buf [512]byte
	if len(signature) > len(src) {
		return ErrSignatureMismatch
	}
	n, err := base64.StdEncoding.Decode(buf[:], src[:copy(src[:], signature)])
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrSignatureMismatch)
	}
	digest := sha256.Sum256(message)
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], buf[:n]) != nil {
		return ErrSignatureMismatch
	}
	return nil
}

// ErrSignatureMismatch reports a signature that does not verify.
var ErrSignatureMismatch = errors.New("signature does not match")

// Authorization returns the Authorization header value of one request.
func Authorization(mchID, serial string, key crypto.Signer, method, target string, body []byte, timestamp int64, nonce string) (string, error) {
	var msgBuf [1024]byte
	msg := appendRequestMessage(msgBuf[:0], method, "", target, timestamp, nonce, body)
	return authorization(mchID, serial, key, msg, timestamp, nonce)
}

// authorization signs a request message and formats the header value.
func authorization(mchID, serial string, key crypto.Signer, msg []byte, timestamp int64, nonce string) (string, error) {
	var sigBuf [512]byte
	sig, err := appendSignature(sigBuf[:0], key, msg)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(Scheme) + len(mchID) + len(serial) + len(nonce) + len(sig) + 80)
	b.WriteString(Scheme)
	b.WriteString(` mchid="`)
	b.WriteString(mchID)
	b.WriteString(`",serial_no="`)
	b.WriteString(serial)
	b.WriteString(`",timestamp="`)
	var ts [20]byte
	b.Write(strconv.AppendInt(ts[:0], timestamp, 10))
	b.WriteString(`",nonce_str="`)
	b.WriteString(nonce)
	b.WriteString(`",signature="`)
	b.Write(sig)
	b.WriteString(`"`)
	return b.String(), nil
}

// Credentials are the fields of an APIv3 Authorization header.
type Credentials struct {
	MchID     string
	Serial    string
	Timestamp string
	Nonce     string
	Signature string
}

// ParseAuthorization splits an Authorization header value into its fields.
// Every field must be present exactly once, quoted, and nothing else may
// appear.
func ParseAuthorization(value string) (Credentials, error) {
	var c Credentials
	rest, ok := strings.CutPrefix(value, Scheme+" ")
	if !ok {
		return c, fmt.Errorf("authorization does not start with %q", Scheme+" ")
	}
	seen := map[string]bool{}
	for rest != "" {
		kv, tail, _ := strings.Cut(rest, ",")
		rest = tail
		k, v, ok := strings.Cut(kv, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return c, fmt.Errorf("authorization field %q is not key=\"value\"", kv)
		}
		if seen[k] {
			return c, fmt.Errorf("authorization field %q appears twice", k)
		}
		seen[k] = true
		v = v[1 : len(v)-1]
		switch k {
		case "mchid":
			c.MchID = v
		case "serial_no":
			c.Serial = v
		case "timestamp":
			c.Timestamp = v
		case "nonce_str":
			c.Nonce = v
		case "signature":
			c.Signature = v
		default:
			return c, fmt.Errorf("authorization has unknown field %q", k)
		}
	}
	for _, f := range [...]struct{ name, v string }{
		{"mchid", c.MchID}, {"serial_no", c.Serial}, {"timestamp", c.Timestamp},
		{"nonce_str", c.Nonce}, {"signature", c.Signature},
	} {
		if f.v == "" {
			return c, fmt.Errorf("authorization lacks %s", f.name)
		}
	}
	return c, nil
}
