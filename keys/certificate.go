package keys

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
)

// certificates decodes every certificate in src, leaf first: a merchant
// certificate file may carry its chain for TLS.
var certificates = decoder[[]*x509.Certificate]{
	kind:       "certificate",
	fromBlocks: certificatesFromBlocks,
	fromDER: func(der []byte) ([]*x509.Certificate, error) {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			if found := derKind(der); found != "" {
				return nil, fmt.Errorf("input is a %s, not a certificate", found)
			}
			return nil, fmt.Errorf("not an X.509 certificate: %w", err)
		}
		return []*x509.Certificate{cert}, nil
	},
}

// Certificate loads an X.509 certificate, such as the merchant's
// apiclient_cert.pem or a platform certificate, from src: PEM text, a file
// path, a file:// URL, or bare base64 DER. In PEM, the first CERTIFICATE
// block is used.
func Certificate(src string) (*x509.Certificate, error) {
	chain, _, err := certificates.load(src)
	if err != nil {
		return nil, err
	}
	return chain[0], nil
}

// CertificateFromPEM is Certificate for PEM-encoded bytes already in memory.
func CertificateFromPEM(pemBytes []byte) (*x509.Certificate, error) {
	chain, err := certificates.decode(input{pem: true, data: pemBytes})
	if err != nil {
		return nil, err
	}
	return chain[0], nil
}

func certificatesFromBlocks(blocks []*pem.Block) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	for _, b := range blocks {
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		chain = append(chain, cert)
	}
	if len(chain) == 0 {
		return nil, notFound(blocks, "certificate")
	}
	return chain, nil
}

// SerialNumber returns cert's serial number as WeChat Pay writes it in
// serial_no and Wechatpay-Serial: the integer in upper-case hex, with no
// separators and no leading zeros. For a serial whose first byte is below
// 0x10 this is one digit shorter than openssl x509 -serial and PHP's
// serialNumberHex, which print whole bytes (0A1B... rather than A1B...).
func SerialNumber(cert *x509.Certificate) string {
	return fmt.Sprintf("%X", cert.SerialNumber)
}

// Validity returns the period in which cert is valid. Platform certificates
// rotate, so callers compare these with the clock to pick the current one.
func Validity(cert *x509.Certificate) (notBefore, notAfter time.Time) {
	return cert.NotBefore, cert.NotAfter
}
