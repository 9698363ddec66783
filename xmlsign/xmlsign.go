// Package xmlsign implements the APIv2 signature of WeChat Pay (签名算法),
// as pure functions and as two middlewares (Signer and Verifier) that wrap
// a transport.Doer, in the manner of package signer for APIv3.
//
// The signature covers the parameters sorted by name (byte order), leaving
// out "sign" and empty values, joined as k=v&k=v, then "&key=" and the
// merchant's APIv2 key:
//
//	appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d
//
// MD5 of that, or HMAC-SHA256 of it keyed with the APIv2 key, in upper-case
// hex, is the sign. The parameter sign_type names the algorithm; MD5 when
// it is absent.
package xmlsign

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
)

// The sign_type values.
const (
	MD5        = "MD5"
	HMACSHA256 = "HMAC-SHA256"
)

// Reasons a verification fails, for errors.Is.
var (
	ErrMissingSign       = errors.New("xmlsign: no sign to verify")
	ErrSignatureMismatch = errors.New("xmlsign: signature does not match")
)

// Sign returns the signature of params with the APIv2 key secret. signType
// is MD5, HMACSHA256, or "" for MD5; params["sign"] is ignored.
func Sign(params map[string]string, secret, signType string) (string, error) {
	var out [64]byte
	sig, err := appendSign(out[:0], params, secret, signType)
	if err != nil {
		return "", err
	}
	return string(sig), nil
}

// Verify checks params["sign"] against params and the APIv2 key secret.
// The algorithm follows from the length of the sign: 32 hex digits MD5,
// 64 HMAC-SHA256, as WeChat Pay replies carry no sign_type of their own.
// The comparison takes constant time and ignores the case of hex digits.
func Verify(params map[string]string, secret string) error {
	got := params["sign"]
	var signType string
	switch len(got) {
	case 0:
		return ErrMissingSign
	case 32:
		signType = MD5
	case 64:
		signType = HMACSHA256
	default:
		return fmt.Errorf("%w: sign has %d characters; want 32 (MD5) or 64 (HMAC-SHA256)", ErrSignatureMismatch, len(got))
	}
	var out [64]byte
	want, err := appendSign(out[:0], params, secret, signType)
	if err != nil {
		return err
	}
	var upper [64]byte
	for i := range len(got) {
		c := got[i]
		if 'a' <= c && c <= 'f' {
			c -= 'a' - 'A'
		}
		upper[i] = c
	}
	if subtle.ConstantTimeCompare(want, upper[:len(got)]) != 1 {
		return ErrSignatureMismatch
	}
	return nil
}

// appendSign appends the upper-case hex signature to dst.
func appendSign(dst []byte, params map[string]string, secret, signType string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("xmlsign: the APIv2 key is empty")
	}
	switch signType {
	case "", MD5:
		var buf [1024]byte
		sum := md5.Sum(appendMessage(buf[:0], params, secret))
		return appendUpperHex(dst, sum[:]), nil
	case HMACSHA256:
		// The message goes right after the inner pad, so that one
		// sha256.Sum256 call hashes both without a heap buffer.
		var buf [sha256.BlockSize + 1024]byte
		key := hmacKey(secret)
		for i := range key {
			buf[i] = key[i] ^ 0x36
		}
		inner := sha256.Sum256(appendMessage(buf[:sha256.BlockSize], params, secret))
		var outer [sha256.BlockSize + sha256.Size]byte
		for i := range key {
			outer[i] = key[i] ^ 0x5c
		}
		copy(outer[sha256.BlockSize:], inner[:])
		sum := sha256.Sum256(outer[:])
		return appendUpperHex(dst, sum[:]), nil
	}
	return nil, fmt.Errorf("xmlsign: sign_type %q is not %s or %s", signType, MD5, HMACSHA256)
}

// hmacKey is the HMAC key block of RFC 2104: the key, hashed first if it
// is longer than a block, zero-padded.
func hmacKey(secret string) (key [sha256.BlockSize]byte) {
	if len(secret) > sha256.BlockSize {
		sum := sha256.Sum256([]byte(secret))
		copy(key[:], sum[:])
		return key
	}
	copy(key[:], secret)
	return key
}

// Message returns the string a signature covers, the "stringSignTemp" of
// the WeChat Pay documentation, for debugging a signature mismatch. It
// holds the key: do not log it.
func Message(params map[string]string, secret string) string {
	return string(appendMessage(nil, params, secret))
}

func appendMessage(dst []byte, params map[string]string, secret string) []byte {
	var arr [48]string
	keys := arr[:0]
	for k, v := range params {
		if v != "" && k != "sign" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		dst = append(dst, k...)
		dst = append(dst, '=')
		dst = append(dst, params[k]...)
		dst = append(dst, '&')
	}
	dst = append(dst, "key="...)
	return append(dst, secret...)
}

func appendUpperHex(dst, sum []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, b := range sum {
		dst = append(dst, digits[b>>4], digits[b&0x0f])
	}
	return dst
}
