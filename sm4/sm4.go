// Package sm4 implements the SM4 block cipher of the Chinese national
// standard GB/T 32907-2016 (published before as SMS4 and GM/T 0002-2012,
// and adopted in ISO/IEC 18033-3): a 128-bit block under a 128-bit key,
// 32 rounds of an unbalanced Feistel network.
//
// WeChat Pay encrypts fund flow bills asked for with algorithm=SM4_GCM
// with SM4 in GCM mode. The standard library has no SM4, but its GCM takes
// any cipher.Block of 16 bytes, so this package gives only the block:
//
//	block, err := sm4.NewCipher(key) // 16 bytes
//	aead, err := cipher.NewGCM(block)
//
// It is written in plain Go from the published algorithm, for decrypting
// files, not for speed: its S-box is a table lookup indexed by secret
// bytes, like the standard library's portable AES, so its timing is not
// constant where the cache can be observed.
package sm4

import (
	"crypto/cipher"
	"encoding/binary"
	"math/bits"
	"strconv"
)

// BlockSize is the SM4 block size in bytes.
const BlockSize = 16

// KeySize is the SM4 key size in bytes: the standard has no other.
const KeySize = 16

// rounds is the number of rounds, and of round keys.
const rounds = 32

// KeySizeError reports a key that is not KeySize bytes long.
type KeySizeError int

func (k KeySizeError) Error() string {
	return "sm4: invalid key size " + strconv.Itoa(int(k)) + ", want 16"
}

// sbox is the S-box of GB/T 32907-2016, section 6.2: the nonlinear
// substitution τ applies it to each byte of a word.
var sbox = [256]byte{
	0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
	0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
	0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
	0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
	0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
	0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
	0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
	0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
	0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
	0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
	0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
	0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
	0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
	0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
	0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
	0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
}

// fk is the system parameter FK of the key schedule (section 7.3).
var fk = [4]uint32{0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc}

// ck holds the fixed parameters CK of the key schedule. The standard
// defines byte j of CK_i as (4i+j)·7 mod 256 and also lists the words;
// they are computed here from the definition, and the test holds them to
// the list.
var ck = func() (ck [rounds]uint32) {
	for i := range ck {
		for j := range 4 {
			ck[i] = ck[i]<<8 | uint32(byte((4*i+j)*7))
		}
	}
	return ck
}()

// tau is the nonlinear transformation τ: the S-box on each byte.
func tau(a uint32) uint32 {
	return uint32(sbox[a>>24])<<24 | uint32(sbox[a>>16&0xff])<<16 | uint32(sbox[a>>8&0xff])<<8 | uint32(sbox[a&0xff])
}

// l is the round's linear transformation
// L(B) = B ⊕ (B<<<2) ⊕ (B<<<10) ⊕ (B<<<18) ⊕ (B<<<24).
func l(b uint32) uint32 {
	return b ^ bits.RotateLeft32(b, 2) ^ bits.RotateLeft32(b, 10) ^ bits.RotateLeft32(b, 18) ^ bits.RotateLeft32(b, 24)
}

// lsbox is L applied to each S-box entry in the low byte of a word. L is
// a sum of rotations, so it commutes with rotation and distributes over
// ⊕: L(τ(a)) is the ⊕ of the four bytes' entries, each rotated into its
// place, which spares each round the rotations of L itself.
var lsbox = func() (tab [256]uint32) {
	for i := range tab {
		tab[i] = l(uint32(sbox[i]))
	}
	return tab
}()

// t is the round's mixer-substitution T = L(τ(.)).
func t(x uint32) uint32 {
	return bits.RotateLeft32(lsbox[x>>24], 24) ^ bits.RotateLeft32(lsbox[x>>16&0xff], 16) ^
		bits.RotateLeft32(lsbox[x>>8&0xff], 8) ^ lsbox[x&0xff]
}

// tPrime is the key schedule's T' = L'(τ(.)), with
// L'(B) = B ⊕ (B<<<13) ⊕ (B<<<23).
func tPrime(x uint32) uint32 {
	b := tau(x)
	return b ^ bits.RotateLeft32(b, 13) ^ bits.RotateLeft32(b, 23)
}

// sm4Cipher holds the round keys in the order encryption uses them, and
// in the reverse order decryption does: the structure is its own inverse.
type sm4Cipher struct {
	enc, dec [rounds]uint32
}

// NewCipher returns SM4 under key, which must be 16 bytes. Use it with
// cipher.NewGCM for SM4-GCM.
func NewCipher(key []byte) (cipher.Block, error) {
	if len(key) != KeySize {
		return nil, KeySizeError(len(key))
	}
	c := new(sm4Cipher)
	// Section 7.3: K_0..K_3 = MK ⊕ FK, then
	// rk_i = K_{i+4} = K_i ⊕ T'(K_{i+1} ⊕ K_{i+2} ⊕ K_{i+3} ⊕ CK_i).
	var k [4]uint32
	for i := range k {
		k[i] = binary.BigEndian.Uint32(key[4*i:]) ^ fk[i]
	}
	for i := range rounds {
		next := k[0] ^ tPrime(k[1]^k[2]^k[3]^ck[i])
		c.enc[i], c.dec[rounds-1-i] = next, next
		k = [4]uint32{k[1], k[2], k[3], next}
	}
	return c, nil
}

func (c *sm4Cipher) BlockSize() int { return BlockSize }

// Encrypt encrypts the first block of src into dst. dst and src may
// overlap entirely or not at all, as cipher.Block asks; partial overlap
// does no harm either, since the whole block is read before any of it is
// written.
func (c *sm4Cipher) Encrypt(dst, src []byte) {
	checkBlock(dst, src)
	crypt(&c.enc, dst, src)
}

// Decrypt decrypts the first block of src into dst, with the round keys
// in reverse order.
func (c *sm4Cipher) Decrypt(dst, src []byte) {
	checkBlock(dst, src)
	crypt(&c.dec, dst, src)
}

// checkBlock panics, as crypto/aes does, on a buffer shorter than a
// block: a caller's bug that must not pass silently.
func checkBlock(dst, src []byte) {
	if len(src) < BlockSize {
		panic("sm4: input not full block")
	}
	if len(dst) < BlockSize {
		panic("sm4: output not full block")
	}
}

// crypt runs the 32 rounds X_{i+4} = X_i ⊕ T(X_{i+1} ⊕ X_{i+2} ⊕ X_{i+3} ⊕
// rk_i) (section 7.1) and the reverse transformation R, which writes the
// last four words in reverse order.
func crypt(rk *[rounds]uint32, dst, src []byte) {
	x0 := binary.BigEndian.Uint32(src[0:4])
	x1 := binary.BigEndian.Uint32(src[4:8])
	x2 := binary.BigEndian.Uint32(src[8:12])
	x3 := binary.BigEndian.Uint32(src[12:16])
	for _, k := range rk {
		x0, x1, x2, x3 = x1, x2, x3, x0^t(x1^x2^x3^k)
	}
	binary.BigEndian.PutUint32(dst[0:4], x3)
	binary.BigEndian.PutUint32(dst[4:8], x2)
	binary.BigEndian.PutUint32(dst[8:12], x1)
	binary.BigEndian.PutUint32(dst[12:16], x0)
}
