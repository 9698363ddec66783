package wxpaytest

import (
	"crypto/rsa"
	"fmt"
	"net/http"

	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/signer"
)

// Keys is which WeChat Pay keys the server's merchant has, and so which
// key signs its replies and callbacks and what v3/certificates answers.
// A merchant verifies WeChat Pay with platform certificates (downloaded
// from v3/certificates, renewed every five years), with the WeChat Pay
// public key (PlatformKeyID, from the merchant console; new merchants get
// only this), or, while moving from the first to the second, with both.
type Keys int

const (
	// KeysDefault is the zero Keys: every reply and callback is signed
	// with PlatformKey under PlatformKeyID, and v3/certificates still
	// lists platform certificates (signed under PlatformKeyID too), as
	// for a merchant who moved to the public key while its certificates
	// are valid. A request's Wechatpay-Serial may name either.
	KeysDefault Keys = iota
	// KeysPublicKey is a merchant with the WeChat Pay public key only:
	// replies and callbacks are signed under PlatformKeyID, a
	// Wechatpay-Serial must name PlatformKeyID, and v3/certificates (and
	// its overseas paths) answer 404 RESOURCE_NOT_EXISTS, as WeChat Pay
	// answers a merchant that has no platform certificate.
	KeysPublicKey
	// KeysCertificate is a merchant with platform certificates only:
	// replies and callbacks are signed with the current platform
	// certificate under its serial number, a Wechatpay-Serial must name a
	// listed certificate, and Config trusts the listed certificates
	// instead of the public key.
	KeysCertificate
	// KeysBoth is a merchant moving from certificates to the public key.
	// A reply is signed under PlatformKeyID when the request's
	// Wechatpay-Serial names it, with the current platform certificate
	// otherwise; callbacks take turns, the first under PlatformKeyID and
	// the next with the certificate, as WeChat Pay moves a share of them
	// during the switch. Config trusts both.
	KeysBoth
)

var keysNames = [...]string{KeysDefault: "default", KeysPublicKey: "pubkey", KeysCertificate: "certificate", KeysBoth: "both"}

// String returns the name ParseKeys reads: "default", "pubkey",
// "certificate" or "both".
func (k Keys) String() string {
	if k >= 0 && int(k) < len(keysNames) {
		return keysNames[k]
	}
	return fmt.Sprintf("Keys(%d)", int(k))
}

// ParseKeys reads a Keys by its name, as wxpay serve -keys takes it.
func ParseKeys(name string) (Keys, error) {
	for k, n := range keysNames {
		if n == name {
			return Keys(k), nil
		}
	}
	return 0, fmt.Errorf("wxpaytest: keys %q: want pubkey, certificate or both", name)
}

// WithKeys starts the server for a merchant with the keys k says.
func WithKeys(k Keys) Option {
	return func(s *Server) { s.certs.mode = k }
}

// Keys returns the key mode the server was started with.
func (s *Server) Keys() Keys {
	return s.certs.mode
}

// usesPublicKey reports whether the merchant verifies with the public
// key; usesCertificates, with platform certificates.
func (k Keys) usesPublicKey() bool    { return k != KeysCertificate }
func (k Keys) usesCertificates() bool { return k != KeysPublicKey }

// replySigner picks the key and serial a reply to r is signed with.
func (s *Server) replySigner(r *http.Request) (*rsa.PrivateKey, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.certs.mode {
	case KeysCertificate:
		return s.currentCertLocked()
	case KeysBoth:
		if r.Header.Get(signer.HeaderSerial) != s.PlatformKeyID {
			return s.currentCertLocked()
		}
	}
	return s.PlatformKey, s.PlatformKeyID
}

// callbackSigner picks the key and serial of the next callback.
func (s *Server) callbackSigner() (*rsa.PrivateKey, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.certs.mode {
	case KeysCertificate:
		return s.currentCertLocked()
	case KeysBoth:
		s.certs.callbacks++
		if s.certs.callbacks%2 == 0 {
			return s.currentCertLocked()
		}
	}
	return s.PlatformKey, s.PlatformKeyID
}

func (s *Server) currentCertLocked() (*rsa.PrivateKey, string) {
	pc := s.certsLocked()[s.certs.signing]
	return pc.key, keys.SerialNumber(pc.cert)
}

// checkSerial checks a request's Wechatpay-Serial, which names the key the
// merchant verifies with (and encrypted sensitive fields with): one the
// merchant has.
func (s *Server) checkSerial(serial string) *Error {
	if serial == "" {
		return nil
	}
	mode := s.certs.mode
	if mode.usesPublicKey() && serial == s.PlatformKeyID {
		return nil
	}
	if mode.usesCertificates() && s.isPlatformSerial(serial) {
		return nil
	}
	var want string
	switch mode {
	case KeysPublicKey:
		want = "the WeChat Pay public key " + s.PlatformKeyID + " (this merchant has no platform certificate)"
	case KeysCertificate:
		want = "a platform certificate of v3/certificates (this merchant has no WeChat Pay public key)"
	default:
		want = "the WeChat Pay public key " + s.PlatformKeyID + " or a platform certificate of v3/certificates"
	}
	return paramError("%s %q names no key of this merchant; want %s", signer.HeaderSerial, serial, want)
}

// verifyKeys returns the keys a client of the server trusts, by serial:
// the public key, the listed certificates, or both, as the mode says.
func (s *Server) verifyKeys() map[string]*rsa.PublicKey {
	out := map[string]*rsa.PublicKey{}
	if s.certs.mode.usesPublicKey() {
		out[s.PlatformKeyID] = s.PlatformPublicKey()
	}
	if s.certs.mode.usesCertificates() && s.certs.mode != KeysDefault {
		for _, c := range s.PlatformCertificates() {
			out[keys.SerialNumber(c)] = c.PublicKey.(*rsa.PublicKey)
		}
	}
	return out
}
