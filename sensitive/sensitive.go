// Package sensitive encrypts and decrypts the sensitive fields of WeChat Pay
// requests and responses (names, ID numbers, phone numbers, bank cards):
// RSAES-OAEP with SHA-1 and MGF1-SHA-1, base64-encoded, as WeChat Pay
// requires for both APIv3 and the APIv2 bank-card transfer.
//
// Outgoing fields are encrypted with the WeChat Pay public key (or a
// platform certificate's key), and the request must name that key in a
// Wechatpay-Serial header; EncryptFields does both in one call. Incoming
// fields arrive encrypted with the merchant certificate's key and are
// decrypted with the merchant private key.
//
// The APIv2 bank-card transfer (enc_bank_no, enc_true_name) uses the same
// padding with the key that risk/getpublickey returns, a PKCS #1 "RSA
// PUBLIC KEY"; load it with keys.PublicKey and call Encrypt.
package sensitive

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
)

// HeaderSerial names the key sensitive fields were encrypted with.
const HeaderSerial = "Wechatpay-Serial"

// Reasons an operation fails, for errors.Is.
var (
	// ErrNoKey reports a nil key.
	ErrNoKey = errors.New("no key")
	// ErrTooLong reports a plaintext longer than OAEP allows for the key:
	// 214 bytes of UTF-8 for a 2048-bit key.
	ErrTooLong = errors.New("plaintext too long for RSA-OAEP")
	// ErrBase64 reports a ciphertext that is not standard base64.
	ErrBase64 = errors.New("ciphertext is not base64")
	// ErrDecryption reports a ciphertext the private key cannot open: it
	// was encrypted for another key, or damaged.
	ErrDecryption = errors.New("decryption failed (encrypted for another key, or damaged)")
)

// Encrypt returns base64(RSA-OAEP-SHA1(plaintext)) under key. The result
// differs on every call: OAEP is randomized.
func Encrypt(key *rsa.PublicKey, plaintext string) (string, error) {
	if key == nil {
		return "", fmt.Errorf("sensitive: encrypt: %w", ErrNoKey)
	}
	// 2*20+2 bytes of every block go to OAEP-SHA1 padding.
	if limit := key.Size() - 2*sha1.Size - 2; len(plaintext) > limit {
		return "", fmt.Errorf("sensitive: encrypt: %w: %d bytes, at most %d for a %d-bit key", ErrTooLong, len(plaintext), limit, key.N.BitLen())
	}
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, []byte(plaintext), nil)
	if err != nil {
		return "", fmt.Errorf("sensitive: encrypt: %w", err)
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// EncryptFields encrypts each plaintext with key, the WeChat Pay public key
// or platform certificate key named keyID, and returns the ciphertexts in
// the same order with the header the request must carry:
//
//	enc, header, err := sensitive.EncryptFields(pub, "PUB_KEY_ID_0114...", "张三", "13800138000")
//	resp, err := client.Chain("v3/...").Post(ctx, wechatpay.M{
//		"json":    wechatpay.M{"name": enc[0], "mobile": enc[1]},
//		"headers": header,
//	})
func EncryptFields(key *rsa.PublicKey, keyID string, plaintexts ...string) ([]string, http.Header, error) {
	if keyID == "" {
		return nil, nil, errors.New("sensitive: encrypt: no key id for the " + HeaderSerial + " header")
	}
	out := make([]string, len(plaintexts))
	for i, p := range plaintexts {
		var err error
		if out[i], err = Encrypt(key, p); err != nil {
			return nil, nil, fmt.Errorf("%w (field %d of %d)", err, i+1, len(plaintexts))
		}
	}
	return out, http.Header{HeaderSerial: {keyID}}, nil
}

// Decrypt opens a field WeChat Pay encrypted with the merchant
// certificate's key. key is the merchant private key (an *rsa.PrivateKey),
// or any crypto.Decrypter that does RSA-OAEP, such as an HSM.
func Decrypt(key crypto.Decrypter, ciphertext string) (string, error) {
	if key == nil {
		return "", fmt.Errorf("sensitive: decrypt: %w", ErrNoKey)
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("sensitive: decrypt: %w: %v", ErrBase64, err)
	}
	plain, err := key.Decrypt(rand.Reader, ct, &rsa.OAEPOptions{Hash: crypto.SHA1})
	if err != nil {
		return "", fmt.Errorf("sensitive: decrypt: %w", ErrDecryption)
	}
	return string(plain), nil
}
