package certificates

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
)

// Verifier returns an APIv3 verification middleware, for Config.Verifier,
// that checks every reply as signer.Verifier does with known, and a
// certificate list (v3/certificates) also with the certificates it
// carries, decrypted with apiv3Key. That is how the first download is
// verified, before any platform key is held: the list must be signed by
// one of its own certificates (or by a key in known), and only someone
// holding the APIv3 key could have encrypted them.
//
// A listed certificate whose serial known already names must hold the
// same key, so a list cannot replace a key the client trusts. known may
// be nil.
//
// When roots is not nil, every listed certificate must also be issued by
// one of them (WeChat Pay's is the Tenpay.com Root CA, which merchants
// download from the merchant platform): then even someone holding the
// APIv3 key cannot slip in a certificate of their own. nil skips that
// check, as the official SDKs do.
func Verifier(apiv3Key string, known signer.Keys, roots *x509.CertPool) transport.Middleware {
	return func(next transport.Doer) transport.Doer {
		return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
			resp, err := next.Do(ctx, req)
			ks := known
			if err == nil && resp.StatusCode/100 == 2 && !req.Unsigned && isList(transport.BasePath(req.BaseURL), req.URI) {
				certs, derr := Decrypt(resp.Body, apiv3Key)
				if derr == nil {
					derr = agree(known, certs)
				}
				if derr == nil && roots != nil {
					derr = Issued(certs, roots, time.Now())
				}
				if derr != nil {
					return nil, &signer.VerifyError{Method: req.Method, Target: req.Target(), Err: derr}
				}
				ks = signer.MultiKeys(known, list(certs))
			}
			received := transport.DoerFunc(func(context.Context, *transport.Request) (*transport.Response, error) {
				return resp, err
			})
			return (&signer.Verifier{Keys: ks, Next: received}).Do(ctx, req)
		})
	}
}

// agree checks that no certificate contradicts a key already trusted.
func agree(known signer.Keys, certs []Certificate) error {
	if known == nil {
		return nil
	}
	for _, c := range certs {
		if key, ok := known.PublicKey(c.Serial); ok && !key.Equal(c.PublicKey()) {
			return fmt.Errorf("certificates: %s holds another key than the one already trusted under that serial", c.Serial)
		}
	}
	return nil
}

// ErrUntrustedIssuer reports a platform certificate that no trusted root
// issued.
var ErrUntrustedIssuer = errors.New("certificates: the certificate is not issued by a trusted root")

// Issued checks that each certificate was issued by one of roots and is
// valid at now. A certificate published ahead of its effective time (as
// WeChat Pay does before a rotation) is checked at its start instead: not
// being in force yet is not a reason to distrust it.
func Issued(certs []Certificate, roots *x509.CertPool, now time.Time) error {
	for _, c := range certs {
		at := now
		if at.Before(c.Certificate.NotBefore) {
			at = c.Certificate.NotBefore
		}
		_, err := c.Certificate.Verify(x509.VerifyOptions{
			Roots:       roots,
			CurrentTime: at,
			// Platform certificates name no extended key usage.
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		})
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrUntrustedIssuer, c.Serial, err)
		}
	}
	return nil
}

// list is a certificate list as platform keys.
type list []Certificate

func (l list) PublicKey(serial string) (*rsa.PublicKey, bool) {
	for _, c := range l {
		if c.Serial == serial {
			return c.PublicKey(), true
		}
	}
	return nil, false
}
