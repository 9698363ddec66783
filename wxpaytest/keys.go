package wxpaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"sync"
)

// Generating a 2048-bit RSA key takes long enough (seconds under -race)
// that every server of a test binary shares one merchant and one platform
// key. Servers still differ in TLS certificate, port and state.
var (
	keysOnce    sync.Once
	merchantKey *rsa.PrivateKey
	platformKey *rsa.PrivateKey
)

func sharedKeys() (merchant, platform *rsa.PrivateKey) {
	keysOnce.Do(func() {
		var wg sync.WaitGroup
		for _, k := range []**rsa.PrivateKey{&merchantKey, &platformKey} {
			wg.Go(func() {
				key, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic("wxpaytest: generating an RSA key: " + err.Error())
				}
				*k = key
			})
		}
		wg.Wait()
	})
	return merchantKey, platformKey
}

// serialOf makes a 40-digit hex serial, the shape of a merchant API
// certificate serial number, from the public key so that it is stable for
// the life of the process.
func serialOf(key *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		panic("wxpaytest: " + err.Error())
	}
	sum := sha256.Sum256(der)
	return strings.ToUpper(hex.EncodeToString(sum[:20]))
}
