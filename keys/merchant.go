package keys

import (
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
)

// ErrMismatch is the cause of an *Error from MerchantCertificate when the
// private key is not the certificate's.
var ErrMismatch = errors.New("private key does not match certificate")

// MerchantCertificate loads the merchant API certificate and private key
// (apiclient_cert.pem and apiclient_key.pem), checks that the key matches
// the certificate's public key, and returns what wechatpay.Config needs: the
// certificate serial number for signing, the key, and a tls.Certificate for
// the APIv2 calls that need mutual TLS (refunds, red packets). certSrc and
// keySrc take the forms Certificate and PrivateKey take. Certificates after
// the first in certSrc become the TLS chain.
func MerchantCertificate(certSrc, keySrc string) (serial string, key *rsa.PrivateKey, tlsCert tls.Certificate, err error) {
	chain, certPath, err := certificates.load(certSrc)
	if err != nil {
		return "", nil, tls.Certificate{}, err
	}
	key, err = PrivateKey(keySrc)
	if err != nil {
		return "", nil, tls.Certificate{}, err
	}
	leaf := chain[0]
	serial = SerialNumber(leaf)
	// A key and certificate from different downloads is the usual mistake
	// after a certificate renewal; WeChat Pay would only say the signature
	// is wrong.
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return "", nil, tls.Certificate{}, &Error{Op: "match", Kind: "merchant certificate", Path: certPath,
			Err: fmt.Errorf("certificate %s key is %s, want RSA", serial, leaf.PublicKeyAlgorithm)}
	}
	if !pub.Equal(&key.PublicKey) {
		return "", nil, tls.Certificate{}, &Error{Op: "match", Kind: "merchant certificate", Path: certPath,
			Err: fmt.Errorf("%w %s; use the key from the same certificate download", ErrMismatch, serial)}
	}
	tlsCert = tls.Certificate{PrivateKey: key, Leaf: leaf}
	for _, c := range chain {
		tlsCert.Certificate = append(tlsCert.Certificate, c.Raw)
	}
	return serial, key, tlsCert, nil
}
