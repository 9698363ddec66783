package keys

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// decoder loads one kind of thing (a private key, a public key, a
// certificate chain) from any form of src.
type decoder[T any] struct {
	kind       string
	fromBlocks func([]*pem.Block) (T, error)
	fromDER    func([]byte) (T, error)
}

func (d decoder[T]) load(src string) (T, string, error) {
	in, err := resolve(d.kind, src)
	if err != nil {
		var zero T
		return zero, "", err
	}
	v, err := d.decode(in)
	return v, in.path, err
}

func (d decoder[T]) decode(in input) (T, error) {
	var v T
	var err error
	if !in.pem {
		v, err = d.fromDER(in.data)
	} else if blocks := pemBlocks(in.data); len(blocks) == 0 {
		err = errNoPEM
	} else {
		v, err = d.fromBlocks(blocks)
	}
	if err != nil {
		return v, &Error{Op: "parse", Kind: d.kind, Path: in.path, Err: err}
	}
	return v, nil
}

// format is one DER encoding a key may be in.
type format struct {
	name  string
	parse func([]byte) (any, error)
}

// parseRSA tries formats in order and returns the first RSA key one of them
// yields. A format that parses but holds another algorithm ends the search:
// that is the real problem to report, not a failure of the next format.
// what names the thing wanted ("private key"), for when der turns out to be
// something else.
func parseRSA[K *rsa.PrivateKey | *rsa.PublicKey](der []byte, what string, formats ...format) (K, error) {
	var zero K
	var first error
	for _, f := range formats {
		key, err := f.parse(der)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if k, ok := key.(K); ok {
			return k, nil
		}
		return zero, fmt.Errorf("%s key is %s, want RSA", f.name, algorithm(key))
	}
	if found := derKind(der); found != "" && found != what {
		return zero, fmt.Errorf("input is a %s, not a %s", found, what)
	}
	return zero, fmt.Errorf("%s: %w", tried(formats), first)
}

// derKind says what der holds, if it is any key or certificate: merchants
// mix up apiclient_key.pem, apiclient_cert.pem and the public key, and
// "input is a private key" helps more than an ASN.1 parser's complaint.
func derKind(der []byte) string {
	if _, err := x509.ParseCertificate(der); err == nil {
		return "certificate"
	}
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return "private key"
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return "private key"
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return "public key"
	}
	if _, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return "public key"
	}
	return ""
}

// tried names the formats that all failed: "not PKCS#1", "neither PKCS#8
// nor PKCS#1", "none of SPKI, PKCS#1, X.509 certificate".
func tried(formats []format) string {
	switch len(formats) {
	case 1:
		return "not " + formats[0].name
	case 2:
		return "neither " + formats[0].name + " nor " + formats[1].name
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return "none of " + strings.Join(names, ", ")
}

func algorithm(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "ECDSA"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "Ed25519"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "ECDH"
	case nil:
		return "of an unknown algorithm"
	}
	return fmt.Sprintf("%T", key)
}
