// Package aescipher holds the two symmetric ciphers of WeChat Pay:
// AES-256-GCM keyed with the APIv3 key, which protects callback resources
// and downloaded platform certificates, and AES-256-ECB with PKCS #7
// padding keyed with the MD5 of the APIv2 key, which protects the req_info
// field of APIv2 refund callbacks.
//
// Every function takes and returns base64 (standard alphabet, padded) for
// the ciphertext, because that is how both APIs carry it.
package aescipher

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeyLength is the length of an APIv3 key, and of the AES-256 key derived
// from an APIv2 key.
const KeyLength = 32

// NonceLength is the length of the GCM nonces WeChat Pay uses.
const NonceLength = 12

// Reasons an operation fails, for errors.Is.
var (
	// ErrKeyLength reports an APIv3 key that is not 32 bytes, or an empty
	// APIv2 key.
	ErrKeyLength = errors.New("key must be 32 bytes")
	// ErrNonceLength reports a GCM nonce that is not 12 bytes.
	ErrNonceLength = errors.New("nonce must be 12 bytes")
	// ErrBase64 reports a ciphertext that is not standard base64.
	ErrBase64 = errors.New("ciphertext is not base64")
	// ErrAuthentication reports a GCM ciphertext that fails its tag check:
	// the ciphertext or associated data was altered, or the key is wrong.
	ErrAuthentication = errors.New("message authentication failed (tampered ciphertext, wrong associated data, or wrong APIv3 key)")
	// ErrPadding reports an ECB plaintext whose PKCS #7 padding is
	// malformed, or a ciphertext that is not whole blocks: usually the
	// APIv2 key is wrong or the ciphertext was cut.
	ErrPadding = errors.New("bad PKCS #7 padding (wrong APIv2 key or damaged ciphertext)")
)

// EncryptGCM encrypts plaintext with AES-256-GCM under the APIv3 key and
// returns base64(ciphertext || tag).
func EncryptGCM(key, nonce, associatedData string, plaintext []byte) (string, error) {
	aead, err := newGCM(key, nonce)
	if err != nil {
		return "", fmt.Errorf("aescipher: encrypt GCM: %w", err)
	}
	sealed := aead.Seal(nil, []byte(nonce), plaintext, []byte(associatedData))
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// DecryptGCM decrypts base64(ciphertext || tag) with AES-256-GCM under the
// APIv3 key, as in a callback's resource or a downloaded certificate.
func DecryptGCM(key, nonce, associatedData, ciphertextBase64 string) ([]byte, error) {
	aead, err := newGCM(key, nonce)
	if err != nil {
		return nil, fmt.Errorf("aescipher: decrypt GCM: %w", err)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(ciphertextBase64)))
	n, err := base64.StdEncoding.Decode(buf, []byte(ciphertextBase64))
	if err != nil {
		return nil, fmt.Errorf("aescipher: decrypt GCM: %w: %v", ErrBase64, err)
	}
	if n < aead.Overhead() {
		return nil, fmt.Errorf("aescipher: decrypt GCM: %w: %d bytes is shorter than the 16-byte tag", ErrAuthentication, n)
	}
	plain, err := aead.Open(buf[:0], []byte(nonce), buf[:n], []byte(associatedData))
	if err != nil {
		return nil, fmt.Errorf("aescipher: decrypt GCM: %w", ErrAuthentication)
	}
	return plain, nil
}

func newGCM(key, nonce string) (cipher.AEAD, error) {
	if len(key) != KeyLength {
		return nil, fmt.Errorf("%w: APIv3 key has %d", ErrKeyLength, len(key))
	}
	if len(nonce) != NonceLength {
		return nil, fmt.Errorf("%w: got %d", ErrNonceLength, len(nonce))
	}
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// NewNonce returns a random 12-character GCM nonce of [0-9A-Za-z], the
// form WeChat Pay uses.
func NewNonce() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var b [NonceLength]byte
	var raw [32]byte
	n := 0
	for n < NonceLength {
		rand.Read(raw[:]) // never fails, per crypto/rand
		for _, r := range raw {
			if r < 248 && n < NonceLength { // 248 = 4 * 62, so no bias
				b[n] = alphabet[r%62]
				n++
			}
		}
	}
	return string(b[:])
}

// ecbKey derives the req_info key: the lower-case hex MD5 of the APIv2 key,
// whose 32 characters are used as an AES-256 key.
func ecbKey(secret string) (cipher.Block, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: APIv2 key is empty", ErrKeyLength)
	}
	sum := md5.Sum([]byte(secret))
	var key [2 * md5.Size]byte
	hex.Encode(key[:], sum[:])
	return aes.NewCipher(key[:])
}

// DecryptECB decrypts an APIv2 refund callback's req_info: base64 of
// AES-256-ECB with PKCS #7 padding, keyed with the lower-case hex MD5 of
// the APIv2 key.
func DecryptECB(keyV2Secret string, ciphertextBase64 string) ([]byte, error) {
	block, err := ecbKey(keyV2Secret)
	if err != nil {
		return nil, fmt.Errorf("aescipher: decrypt ECB: %w", err)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(ciphertextBase64)))
	n, err := base64.StdEncoding.Decode(buf, []byte(ciphertextBase64))
	if err != nil {
		return nil, fmt.Errorf("aescipher: decrypt ECB: %w: %v", ErrBase64, err)
	}
	buf = buf[:n]
	if n == 0 || n%aes.BlockSize != 0 {
		return nil, fmt.Errorf("aescipher: decrypt ECB: %w: %d bytes is not a whole number of 16-byte blocks", ErrPadding, n)
	}
	for i := 0; i < n; i += aes.BlockSize {
		block.Decrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	pad := int(buf[n-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("aescipher: decrypt ECB: %w", ErrPadding)
	}
	for _, b := range buf[n-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("aescipher: decrypt ECB: %w", ErrPadding)
		}
	}
	return buf[:n-pad], nil
}

// EncryptECB is the inverse of DecryptECB, for tests and test servers.
func EncryptECB(keyV2Secret string, plaintext []byte) (string, error) {
	block, err := ecbKey(keyV2Secret)
	if err != nil {
		return "", fmt.Errorf("aescipher: encrypt ECB: %w", err)
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	for i := 0; i < len(buf); i += aes.BlockSize {
		block.Encrypt(buf[i:i+aes.BlockSize], buf[i:i+aes.BlockSize])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}
