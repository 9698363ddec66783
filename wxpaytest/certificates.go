package wxpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/keys"
)

// Platform certificates.
//
//	GET /v3/certificates   200 {"data":[{"serial_no","effective_time","expire_time","encrypt_certificate"}]}
//	GET /v3/global/certificates, /hk/v3/certificates   the same list
//
// Which key signs replies and callbacks, and whether v3/certificates
// lists any certificate, is the server's Keys (WithKeys): by default
// every reply is signed under PlatformKeyID while the certificates are
// listed too; KeysPublicKey has no certificates, KeysCertificate signs
// with them, KeysBoth with either. Certificates are encrypted with
// APIv3Key, and listed at v3/certificates and the two overseas paths.
//
// AddPlatformCertificate and RotatePlatformKey play a certificate
// rotation: WeChat Pay publishes the new certificate some time before it
// signs with it, and keeps listing the old one until it expires.

// certState is the server's platform certificates; Server.mu guards all
// but mode, which is set before the server starts.
type certState struct {
	mode      Keys
	list      []*platformCert // published, oldest first
	signing   int             // index in list of the one that signs
	callbacks int             // callbacks signed so far, for KeysBoth's turns
}

type platformCert struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
	pem  []byte
}

// certKeys are the platform certificate keys, made on first use and
// shared by every server of the process, since RSA key generation is
// slow; servers still issue their own certificates.
var certKeys struct {
	sync.Mutex
	list []*rsa.PrivateKey
}

func certKey(i int) *rsa.PrivateKey {
	certKeys.Lock()
	defer certKeys.Unlock()
	for len(certKeys.list) <= i {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("wxpaytest: generating an RSA key: " + err.Error())
		}
		certKeys.list = append(certKeys.list, key)
	}
	return certKeys.list[i]
}

// platformRoot is the test stand-in for WeChat Pay's "Tenpay.com Root
// CA", which issues every platform certificate: made on first use, valid
// for a century so that no test clock falls outside it, and shared by
// every server of the process.
var platformRoot = sync.OnceValues(func() (*x509.Certificate, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("wxpaytest: generating an RSA key: " + err.Error())
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{
			CommonName: "Tenpay.com Root CA (wxpaytest)", Organization: []string{"Tenpay.com"},
			OrganizationalUnit: []string{"Tenpay.com CA Center"}, Country: []string{"CN"},
		},
		NotBefore:             time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("wxpaytest: issuing the root certificate: " + err.Error())
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic("wxpaytest: " + err.Error())
	}
	return cert, key
})

// PlatformRoot returns the certificate authority that issues the server's
// platform certificates, the test stand-in for WeChat Pay's Tenpay.com
// Root CA: the root to give certificates.Options.Roots or wxpay crt -root.
func (s *Server) PlatformRoot() *x509.Certificate {
	root, _ := platformRoot()
	return root
}

// issueLocked adds a platform certificate, issued by PlatformRoot, valid
// from an hour ago for five years. s.mu is held.
func (s *Server) issueLocked() *platformCert {
	key := certKey(len(s.certs.list))
	serial := make([]byte, 20)
	rand.Read(serial)
	serial[0] = serial[0]&0x7f | 0x10 // positive, and 40 hex digits
	now := s.clock()
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(serial),
		Subject: pkix.Name{
			CommonName: "Tenpay.com sign", Organization: []string{"Tenpay.com"},
			OrganizationalUnit: []string{"Tenpay.com CA Center"}, Country: []string{"CN"},
		},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.AddDate(5, 0, 0),
		KeyUsage:  x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
	}
	root, rootKey := platformRoot()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, root, &key.PublicKey, rootKey)
	if err != nil {
		panic("wxpaytest: issuing a platform certificate: " + err.Error())
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic("wxpaytest: " + err.Error())
	}
	pc := &platformCert{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	s.certs.list = append(s.certs.list, pc)
	return pc
}

// certsLocked returns the published certificates, issuing the first on
// first use. s.mu is held.
func (s *Server) certsLocked() []*platformCert {
	if len(s.certs.list) == 0 {
		s.issueLocked()
	}
	return s.certs.list
}

// PlatformCertificates returns the platform certificates v3/certificates
// lists, oldest first; none for KeysPublicKey.
func (s *Server) PlatformCertificates() []*x509.Certificate {
	if !s.certs.mode.usesCertificates() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*x509.Certificate
	for _, pc := range s.certsLocked() {
		out = append(out, pc.cert)
	}
	return out
}

// PlatformCertificate returns the platform certificate that signs
// replies, and its serial number; nil and "" for KeysPublicKey.
func (s *Server) PlatformCertificate() (*x509.Certificate, string) {
	if !s.certs.mode.usesCertificates() {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pc := s.certsLocked()[s.certs.signing]
	return pc.cert, keys.SerialNumber(pc.cert)
}

// AddPlatformCertificate publishes a new platform certificate with a new
// key, as WeChat Pay does ahead of a rotation; replies are still signed
// with the current one.
func (s *Server) AddPlatformCertificate() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.certsLocked()
	return s.issueLocked().cert
}

// RotatePlatformKey makes the newest platform certificate sign replies,
// publishing a new one first if the newest signs already. The old
// certificate stays listed.
func (s *Server) RotatePlatformKey() *x509.Certificate {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.certs.signing == len(s.certsLocked())-1 {
		s.issueLocked()
	}
	s.certs.signing = len(s.certs.list) - 1
	return s.certs.list[s.certs.signing].cert
}

// isPlatformSerial reports whether serial names a published certificate.
func (s *Server) isPlatformSerial(serial string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pc := range s.certs.list {
		if keys.SerialNumber(pc.cert) == serial {
			return true
		}
	}
	return false
}

// certificates lists the platform certificates, each encrypted with
// APIv3Key as WeChat Pay does, or says there are none.
func (s *Server) certificates(call) reply {
	if !s.certs.mode.usesCertificates() {
		return fail(http.StatusNotFound, "RESOURCE_NOT_EXISTS", "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥 "+
			"(no platform certificate: this merchant verifies with the WeChat Pay public key "+s.PlatformKeyID+")")
	}
	s.mu.Lock()
	list := append([]*platformCert(nil), s.certsLocked()...)
	s.mu.Unlock()
	type encrypted struct {
		Algorithm      string `json:"algorithm"`
		Nonce          string `json:"nonce"`
		AssociatedData string `json:"associated_data"`
		Ciphertext     string `json:"ciphertext"`
	}
	type item struct {
		SerialNo      string    `json:"serial_no"`
		EffectiveTime string    `json:"effective_time"`
		ExpireTime    string    `json:"expire_time"`
		Encrypted     encrypted `json:"encrypt_certificate"`
	}
	var out struct {
		Data []item `json:"data"`
	}
	for _, pc := range list {
		nonce := aescipher.NewNonce()
		ct, err := aescipher.EncryptGCM(s.APIv3Key, nonce, "certificate", pc.pem)
		if err != nil {
			panic("wxpaytest: encrypting a certificate: " + err.Error())
		}
		out.Data = append(out.Data, item{
			SerialNo:      keys.SerialNumber(pc.cert),
			EffectiveTime: pc.cert.NotBefore.In(chinaTime).Format(time.RFC3339),
			ExpireTime:    pc.cert.NotAfter.In(chinaTime).Format(time.RFC3339),
			Encrypted:     encrypted{"AEAD_AES_256_GCM", nonce, "certificate", ct},
		})
	}
	return ok(out)
}
