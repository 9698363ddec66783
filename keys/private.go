package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

var (
	pkcs8 = format{"PKCS#8", x509.ParsePKCS8PrivateKey}
	pkcs1 = format{"PKCS#1", func(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) }}
)

var privateKeys = decoder[*rsa.PrivateKey]{
	kind:       "private key",
	fromBlocks: privateKeyFromBlocks,
	fromDER: func(der []byte) (*rsa.PrivateKey, error) {
		return parseRSA[*rsa.PrivateKey](der, "private key", pkcs8, pkcs1)
	},
}

// PrivateKey loads an RSA private key, such as the merchant's
// apiclient_key.pem, from src: PEM text, a file path, a file:// URL, or bare
// base64 DER (tried as PKCS#8, then PKCS#1). The key is a crypto.Signer, as
// the signing middleware wants.
//
// In PEM, the first private key block is used and other blocks (a
// certificate, EC PARAMETERS) are skipped. An encrypted key is refused with
// ErrEncrypted.
func PrivateKey(src string) (*rsa.PrivateKey, error) {
	key, _, err := privateKeys.load(src)
	return key, err
}

// PrivateKeyFromPEM is PrivateKey for PEM-encoded bytes already in memory,
// such as an embedded file.
func PrivateKeyFromPEM(pemBytes []byte) (*rsa.PrivateKey, error) {
	return privateKeys.decode(input{pem: true, data: pemBytes})
}

func privateKeyFromBlocks(blocks []*pem.Block) (*rsa.PrivateKey, error) {
	for _, b := range blocks {
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		if encrypted(b) {
			return nil, ErrEncrypted
		}
		// Labels are not always right (tools write PKCS#8 under "RSA
		// PRIVATE KEY"), so the other encoding is tried as well.
		switch b.Type {
		case "PRIVATE KEY":
			return parseRSA[*rsa.PrivateKey](b.Bytes, "private key", pkcs8, pkcs1)
		case "RSA PRIVATE KEY":
			return parseRSA[*rsa.PrivateKey](b.Bytes, "private key", pkcs1, pkcs8)
		case "EC PRIVATE KEY":
			return nil, fmt.Errorf("PEM block %q holds an ECDSA key, want RSA", b.Type)
		}
		return nil, fmt.Errorf(`PEM block %q is not a supported format; want "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1)`, b.Type)
	}
	return nil, notFound(blocks, "private key")
}
