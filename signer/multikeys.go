package signer

import "crypto/rsa"

// MultiKeys looks a serial up in each source in turn, such as static
// WeChat Pay public keys (PUB_KEY_ID_...) and a rotating platform
// certificate store while a merchant moves from one mode to the other.
// Nil sources are skipped.
func MultiKeys(sources ...Keys) Keys {
	var ks multiKeys
	for _, k := range sources {
		if k != nil {
			ks = append(ks, k)
		}
	}
	return ks
}

type multiKeys []Keys

func (m multiKeys) PublicKey(serial string) (*rsa.PublicKey, bool) {
	for _, k := range m {
		if key, ok := k.PublicKey(serial); ok {
			return key, true
		}
	}
	return nil, false
}
