package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
)

var (
	spki         = format{"SPKI", x509.ParsePKIXPublicKey}
	pkcs1Public  = format{"PKCS#1", func(der []byte) (any, error) { return x509.ParsePKCS1PublicKey(der) }}
	certifiedKey = format{"X.509 certificate", func(der []byte) (any, error) {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		return cert.PublicKey, nil
	}}
)

var publicKeys = decoder[*rsa.PublicKey]{
	kind:       "public key",
	fromBlocks: publicKeyFromBlocks,
	fromDER: func(der []byte) (*rsa.PublicKey, error) {
		return parseRSA[*rsa.PublicKey](der, "public key", spki, pkcs1Public, certifiedKey)
	},
}

// PublicKey loads an RSA public key from src: PEM text, a file path, a
// file:// URL, or bare base64 DER (tried as SPKI, PKCS#1, then a
// certificate). It reads the WeChat Pay public key ("PUBLIC KEY", SPKI), the
// APIv2 risk/getpublickey key ("RSA PUBLIC KEY", PKCS#1), and the key of a
// platform certificate ("CERTIFICATE"). In PEM, the first block of one of
// those types is used.
func PublicKey(src string) (*rsa.PublicKey, error) {
	key, _, err := publicKeys.load(src)
	return key, err
}

// PublicKeyFromPEM is PublicKey for PEM-encoded bytes already in memory.
func PublicKeyFromPEM(pemBytes []byte) (*rsa.PublicKey, error) {
	return publicKeys.decode(input{pem: true, data: pemBytes})
}

func publicKeyFromBlocks(blocks []*pem.Block) (*rsa.PublicKey, error) {
	for _, b := range blocks {
		switch b.Type {
		case "PUBLIC KEY":
			return parseRSA[*rsa.PublicKey](b.Bytes, "public key", spki, pkcs1Public)
		case "RSA PUBLIC KEY":
			return parseRSA[*rsa.PublicKey](b.Bytes, "public key", pkcs1Public, spki)
		case "CERTIFICATE":
			return parseRSA[*rsa.PublicKey](b.Bytes, "public key", certifiedKey)
		}
	}
	return nil, notFound(blocks, "public key")
}
