// Package certificates downloads WeChat Pay platform certificates
// (v3/certificates, or v3/global/certificates and hk/v3/certificates
// outside mainland China), decrypts them with the APIv3 key, and keeps
// them current in a Store that serves the client as its source of
// platform keys.
//
// A merchant that verifies replies with platform certificates rather than
// a WeChat Pay public key (PUB_KEY_ID_...) must hold the certificate that
// signs each reply, and WeChat Pay rotates them: it publishes a new
// certificate some time before it signs with it, and keeps listing the
// old one until it expires. A Store fetches the list when it starts and
// again on a schedule, keeps every certificate that has not expired, and
// is read without locks.
//
//	store, err := certificates.NewStore(ctx, cfg, apiv3Key, certificates.Options{})
//	if err != nil {
//		return err
//	}
//	defer store.Stop()
//	cfg.Keys = store // beside any public key in cfg.Certs
//	client, err := wechatpay.New(cfg)
package certificates

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/keys"
)

// Certificate is one platform certificate.
type Certificate struct {
	Serial        string // serial_no, as WeChat Pay writes it in Wechatpay-Serial
	Certificate   *x509.Certificate
	EffectiveTime time.Time
	ExpireTime    time.Time
}

// PEM returns the certificate PEM-encoded, as WeChat Pay sends it.
func (c Certificate) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate.Raw})
}

// PublicKey returns the RSA key that verifies the replies the certificate
// signs.
func (c Certificate) PublicKey() *rsa.PublicKey {
	key, _ := c.Certificate.PublicKey.(*rsa.PublicKey)
	return key
}

// Decrypt reads the body of a v3/certificates response and decrypts each
// certificate with the APIv3 key (AES-256-GCM). A certificate that does
// not decrypt, does not parse, holds no RSA key, or whose serial number is
// not the serial_no it is listed under, fails the whole list.
func Decrypt(body []byte, apiv3Key string) ([]Certificate, error) {
	var doc struct {
		Data []struct {
			SerialNo      string `json:"serial_no"`
			EffectiveTime string `json:"effective_time"`
			ExpireTime    string `json:"expire_time"`
			Encrypted     struct {
				Algorithm      string `json:"algorithm"`
				Nonce          string `json:"nonce"`
				AssociatedData string `json:"associated_data"`
				Ciphertext     string `json:"ciphertext"`
			} `json:"encrypt_certificate"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("certificates: the list is not JSON: %w", err)
	}
	if len(doc.Data) == 0 {
		return nil, fmt.Errorf("certificates: the list is empty")
	}
	out := make([]Certificate, 0, len(doc.Data))
	for _, item := range doc.Data {
		fail := func(format string, args ...any) ([]Certificate, error) {
			return nil, fmt.Errorf("certificates: %s: %w", item.SerialNo, fmt.Errorf(format, args...))
		}
		if item.Encrypted.Algorithm != "AEAD_AES_256_GCM" {
			return fail("algorithm %q is not AEAD_AES_256_GCM", item.Encrypted.Algorithm)
		}
		plain, err := aescipher.DecryptGCM(apiv3Key, item.Encrypted.Nonce, item.Encrypted.AssociatedData, item.Encrypted.Ciphertext)
		if err != nil {
			return fail("%w", err)
		}
		cert, err := keys.CertificateFromPEM(plain)
		if err != nil {
			return fail("%w", err)
		}
		if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
			return fail("the certificate holds a %s key, want RSA", cert.PublicKeyAlgorithm)
		}
		if n, ok := new(big.Int).SetString(item.SerialNo, 16); !ok || n.Cmp(cert.SerialNumber) != 0 {
			return fail("the certificate's serial number is %s", keys.SerialNumber(cert))
		}
		c := Certificate{Serial: item.SerialNo, Certificate: cert, EffectiveTime: cert.NotBefore, ExpireTime: cert.NotAfter}
		if t, err := time.Parse(time.RFC3339, item.EffectiveTime); err == nil {
			c.EffectiveTime = t
		}
		if t, err := time.Parse(time.RFC3339, item.ExpireTime); err == nil {
			c.ExpireTime = t
		}
		out = append(out, c)
	}
	return out, nil
}

// isList tells a request for a certificate list: v3/certificates, and its
// overseas twins hk/v3/certificates and v3/global/certificates.
func isList(basePath, uri string) bool {
	path, _, _ := strings.Cut(uri, "?")
	path = basePath + path
	return path == "/v3/certificates" || path == "/hk/v3/certificates" || path == "/v3/global/certificates"
}
