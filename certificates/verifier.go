package certificates

import (
	"context"
	"crypto/rsa"
	"fmt"

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
func Verifier(apiv3Key string, known signer.Keys) transport.Middleware {
	return func(next transport.Doer) transport.Doer {
		return transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
			resp, err := next.Do(ctx, req)
			ks := known
			if err == nil && resp.StatusCode/100 == 2 && !req.Unsigned && isList(transport.BasePath(req.BaseURL), req.URI) {
				certs, derr := Decrypt(resp.Body, apiv3Key)
				if derr == nil {
					derr = agree(known, certs)
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
