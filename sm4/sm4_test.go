package sm4

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The key, and the plain text, of the examples of GB/T 32907-2016,
// Appendix A.
const exampleKey = "0123456789abcdeffedcba9876543210"

// GB/T 32907-2016 Example 1: one block, both ways, with the round keys the
// standard lists.
func TestStandardExample1(t *testing.T) {
	key, plain := unhex(t, exampleKey), unhex(t, exampleKey)
	want := unhex(t, "681edf34d206965e86b3e94f536e4246")
	block, err := NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	rk := block.(*sm4Cipher).enc
	for _, c := range []struct {
		i    int
		want uint32
	}{{0, 0xf12186f9}, {1, 0x41662b61}, {15, 0x104495a1}, {30, 0x01cf72e5}, {31, 0x9124a012}} {
		if rk[c.i] != c.want {
			t.Errorf("rk_%d = %08x, want %08x", c.i, rk[c.i], c.want)
		}
	}
	got := make([]byte, BlockSize)
	block.Encrypt(got, plain)
	if !bytes.Equal(got, want) {
		t.Fatalf("encrypt: %x, want %x", got, want)
	}
	block.Decrypt(got, got) // in place
	if !bytes.Equal(got, plain) {
		t.Fatalf("decrypt: %x, want %x", got, plain)
	}
}

// GB/T 32907-2016 Example 2: the same block encrypted 1,000,000 times
// under the same key. That is a fraction of a second, but some seconds
// under the race detector, which watches every S-box lookup.
func TestStandardExample2(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000,000 blocks")
	}
	block, err := NewCipher(unhex(t, exampleKey))
	if err != nil {
		t.Fatal(err)
	}
	buf := unhex(t, exampleKey)
	for range 1_000_000 {
		block.Encrypt(buf, buf)
	}
	if want := unhex(t, "595298c7c6fd271f0402f804c33d3f66"); !bytes.Equal(buf, want) {
		t.Fatalf("after 1,000,000 encryptions: %x, want %x", buf, want)
	}
}

// CK is computed from its definition; these are the words the standard
// lists.
func TestCK(t *testing.T) {
	listed := [rounds]uint32{
		0x00070e15, 0x1c232a31, 0x383f464d, 0x545b6269, 0x70777e85, 0x8c939aa1, 0xa8afb6bd, 0xc4cbd2d9,
		0xe0e7eef5, 0xfc030a11, 0x181f262d, 0x343b4249, 0x50575e65, 0x6c737a81, 0x888f969d, 0xa4abb2b9,
		0xc0c7ced5, 0xdce3eaf1, 0xf8ff060d, 0x141b2229, 0x30373e45, 0x4c535a61, 0x686f767d, 0x848b9299,
		0xa0a7aeb5, 0xbcc3cad1, 0xd8dfe6ed, 0xf4fb0209, 0x10171e25, 0x2c333a41, 0x484f565d, 0x646b7279,
	}
	if ck != listed {
		t.Errorf("CK = %08x\nwant %08x", ck, listed)
	}
}

// The S-box is a permutation of the bytes: a mistyped entry would
// most likely repeat another.
func TestSboxPermutation(t *testing.T) {
	var seen [256]bool
	for _, v := range sbox {
		if seen[v] {
			t.Fatalf("S-box value %02x appears twice", v)
		}
		seen[v] = true
	}
	if sbox[0xef] != 0x84 { // the standard's example lookup
		t.Errorf("S(ef) = %02x, want 84", sbox[0xef])
	}
}

// RFC 8998, Appendix A.1: SM4-GCM with the standard library's GCM.
func TestGCMRFC8998(t *testing.T) {
	key := unhex(t, exampleKey)
	nonce := unhex(t, "00001234567800000000ABCD")
	plain := unhex(t, `AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
		EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA`)
	ad := unhex(t, "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
	want := unhex(t, `17F399F08C67D5EE19D0DC9969C4BB7D 5FD46FD3756489069157B282BB200735
		D82710CA5C22F0CCFA7CBF93D496AC15 A56834CBCF98C397B4024A2691233B8D
		83DE3541E4C2B58177E065A9BF7B62EC`) // ciphertext, then tag

	block, err := NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	sealed := aead.Seal(nil, nonce, plain, ad)
	if !bytes.Equal(sealed, want) {
		t.Fatalf("seal: %X\nwant  %X", sealed, want)
	}
	opened, err := aead.Open(nil, nonce, sealed, ad)
	if err != nil || !bytes.Equal(opened, plain) {
		t.Fatalf("open: %X, %v", opened, err)
	}
	for _, i := range []int{0, len(plain) - 1, len(sealed) - 1} {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x80
		if _, err := aead.Open(nil, nonce, bad, ad); err == nil {
			t.Errorf("byte %d altered: opened", i)
		}
	}
	if _, err := aead.Open(nil, nonce, sealed, ad[1:]); err == nil {
		t.Error("other associated data: opened")
	}
}

// Random keys and blocks decrypt to what was encrypted, into another
// buffer or in place, and only the first block of a longer buffer is
// touched.
func TestRoundTrip(t *testing.T) {
	key, plain := make([]byte, KeySize), make([]byte, 3*BlockSize)
	for range 200 {
		rand.Read(key)
		rand.Read(plain)
		block, err := NewCipher(key)
		if err != nil {
			t.Fatal(err)
		}
		if block.BlockSize() != BlockSize {
			t.Fatalf("BlockSize %d", block.BlockSize())
		}
		ct := make([]byte, len(plain))
		block.Encrypt(ct, plain)
		if bytes.Equal(ct[:BlockSize], plain[:BlockSize]) || !bytes.Equal(ct[BlockSize:], make([]byte, 2*BlockSize)) {
			t.Fatalf("key %x: encrypt %x to %x", key, plain, ct)
		}
		inPlace := bytes.Clone(plain)
		block.Encrypt(inPlace, inPlace)
		if !bytes.Equal(inPlace[:BlockSize], ct[:BlockSize]) {
			t.Fatalf("key %x: in place %x, not %x", key, inPlace[:BlockSize], ct[:BlockSize])
		}
		pt := make([]byte, BlockSize)
		block.Decrypt(pt, ct)
		block.Decrypt(inPlace, inPlace)
		if !bytes.Equal(pt, plain[:BlockSize]) || !bytes.Equal(inPlace, plain) {
			t.Fatalf("key %x: %x decrypts to %x and %x, not %x", key, ct[:BlockSize], pt, inPlace[:BlockSize], plain[:BlockSize])
		}
	}
}

// Any key but a 16-byte one is a KeySizeError, as crypto/aes reports.
func TestKeySize(t *testing.T) {
	for _, n := range []int{0, 1, 15, 17, 24, 32} {
		block, err := NewCipher(make([]byte, n))
		var kerr KeySizeError
		if block != nil || !errors.As(err, &kerr) || int(kerr) != n {
			t.Errorf("%d-byte key: %v, %v", n, block, err)
		}
		if err != nil && err.Error() != "sm4: invalid key size "+strconv.Itoa(n)+", want 16" {
			t.Errorf("%d-byte key: %q", n, err)
		}
	}
}

// A buffer shorter than a block is a caller's bug, and panics.
func TestShortBlockPanics(t *testing.T) {
	block, _ := NewCipher(make([]byte, KeySize))
	full, short := make([]byte, BlockSize), make([]byte, BlockSize-1)
	for name, f := range map[string]func(){
		"encrypt short src": func() { block.Encrypt(full, short) },
		"encrypt short dst": func() { block.Encrypt(short, full) },
		"decrypt short src": func() { block.Decrypt(full, short) },
		"decrypt short dst": func() { block.Decrypt(short, full) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// A block costs no allocation.
func TestNoAllocs(t *testing.T) {
	block, _ := NewCipher(make([]byte, KeySize))
	buf := make([]byte, BlockSize)
	if n := testing.AllocsPerRun(100, func() { block.Encrypt(buf, buf); block.Decrypt(buf, buf) }); n != 0 {
		t.Errorf("%v allocations a block", n)
	}
}

func BenchmarkEncrypt(b *testing.B) {
	block, _ := NewCipher(make([]byte, KeySize))
	buf := make([]byte, BlockSize)
	b.SetBytes(BlockSize)
	b.ReportAllocs()
	for b.Loop() {
		block.Encrypt(buf, buf)
	}
}

func BenchmarkDecrypt(b *testing.B) {
	block, _ := NewCipher(make([]byte, KeySize))
	buf := make([]byte, BlockSize)
	b.SetBytes(BlockSize)
	b.ReportAllocs()
	for b.Loop() {
		block.Decrypt(buf, buf)
	}
}

func BenchmarkNewCipher(b *testing.B) {
	key := make([]byte, KeySize)
	b.ReportAllocs()
	for b.Loop() {
		NewCipher(key)
	}
}

// SM4-GCM over 16 KiB, sealing into a reused buffer, as a bill is opened
// in place.
func BenchmarkGCMSeal16K(b *testing.B) {
	block, _ := NewCipher(make([]byte, KeySize))
	aead, _ := cipher.NewGCM(block)
	nonce, plain := make([]byte, aead.NonceSize()), make([]byte, 16<<10)
	out := make([]byte, 0, len(plain)+aead.Overhead())
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		out = aead.Seal(out[:0], nonce, plain, nil)
	}
}

func BenchmarkGCMOpen16K(b *testing.B) {
	block, _ := NewCipher(make([]byte, KeySize))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	sealed := aead.Seal(nil, nonce, make([]byte, 16<<10), nil)
	out := make([]byte, 0, len(sealed))
	b.SetBytes(16 << 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := aead.Open(out[:0], nonce, sealed, nil); err != nil {
			b.Fatal(err)
		}
	}
}
