package keys_test

import (
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"math/big"
	"time"

	"github.com/wxpay-go/wechatpay/keys"
)

// The files in testdata are a throwaway merchant certificate and key; see
// testdata/README.md.

//go:embed testdata/cert.pem
var certPEM []byte

//go:embed testdata/key.pem
var keyPEM []byte

func ExamplePrivateKey() {
	// The same call takes PEM text, a file:// URL, or the bare base64
	// copied from the merchant console.
	key, err := keys.PrivateKey("testdata/key.pem")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.N.BitLen())
	// Output: 2048
}

func ExamplePrivateKey_missingFile() {
	_, err := keys.PrivateKey("testdata/missing.pem")
	var e *keys.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, e.Path, errors.Is(err, fs.ErrNotExist))
	}
	// Output: read testdata/missing.pem true
}

func ExamplePrivateKeyFromPEM() {
	key, err := keys.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.N.BitLen())
	// Output: 2048
}

func ExamplePublicKey() {
	// A platform certificate stands in for its key here; the WeChat Pay
	// public key file (PUB_KEY_ID_...) loads the same way.
	key, err := keys.PublicKey("testdata/cert.pem")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.N.BitLen(), key.E)
	// Output: 2048 65537
}

func ExamplePublicKeyFromPEM() {
	key, err := keys.PublicKeyFromPEM(certPEM)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.E)
	// Output: 65537
}

func ExampleCertificate() {
	cert, err := keys.Certificate("testdata/cert.pem")
	if err != nil {
		log.Fatal(err)
	}
	notBefore, notAfter := keys.Validity(cert)
	fmt.Println(keys.SerialNumber(cert))
	fmt.Println(notBefore.Format(time.DateOnly), notAfter.Format(time.DateOnly))
	// Output:
	// 4E2F0A9D3C6B17E85A0F2D4C6B8A1E3F5D7C9B0A
	// 2026-11-26 2036-11-23
}

func ExampleCertificateFromPEM() {
	cert, err := keys.CertificateFromPEM(certPEM)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cert.Subject.CommonName)
	// Output: 1900000001
}

func ExampleSerialNumber() {
	// The integer in upper-case hex: a leading zero nibble is not written.
	cert := &x509.Certificate{SerialNumber: big.NewInt(0x0A1B2C3D4E5F)}
	fmt.Println(keys.SerialNumber(cert))
	// Output: A1B2C3D4E5F
}

func ExampleMerchantCertificate() {
	serial, key, tlsCert, err := keys.MerchantCertificate("testdata/cert.pem", "testdata/key.pem")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(serial)
	fmt.Println(key.N.BitLen(), len(tlsCert.Certificate))
	// Output:
	// 4E2F0A9D3C6B17E85A0F2D4C6B8A1E3F5D7C9B0A
	// 2048 1
}
