package aescipher

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

const (
	testKey   = "0d6a21a3ec3b1d5fe5c7a5c4a3e1f2b9" // an APIv3 key: 32 bytes
	testNonce = "iKtWOA7GL44Z"
	testV2Key = "192006250b4c09247ec02edce69f6a2d" // the APIv2 key of the WeChat Pay signature docs
)

func TestGCMVectorFromNode(t *testing.T) {
	data, err := os.ReadFile("testdata/gcm_vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Key, Nonce, Ciphertext, Plaintext string
		AD                                string `json:"associated_data"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	got, err := DecryptGCM(v.Key, v.Nonce, v.AD, v.Ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != v.Plaintext {
		t.Fatalf("plaintext\n got %s\nwant %s", got, v.Plaintext)
	}
	// GCM is deterministic for a given key and nonce, so encryption must
	// reproduce the other implementation's bytes exactly.
	enc, err := EncryptGCM(v.Key, v.Nonce, v.AD, []byte(v.Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if enc != v.Ciphertext {
		t.Fatalf("ciphertext\n got %s\nwant %s", enc, v.Ciphertext)
	}
}

// TestGCMVectorSpec checks an AES-256 vector of the GCM specification test
// set (12-byte IV, associated data), with binary key and nonce.
func TestGCMVectorSpec(t *testing.T) {
	unhex := func(s string) string {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	key := unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
	nonce := unhex("e1934f5db57cc983e6b180e7")
	plain := unhex("73ed042327f70fe9c572a61545eda8b2a0c6e1d6c291ef19248e973aee6c312012f490c2c6f6166f4a59431e182663fcaea05a")
	ad := unhex("0a8a18a7150e940c3d87b38e73baee9a5c049ee21795663e264b694a949822b639092d0e67015e86363583fcf0ca645af9f43375f05fdb4ce84f411dcbca73c2220dea03a20115d2e51398344b16bee1ed7c499b353d6c597af8")
	sealed := base64.StdEncoding.EncodeToString([]byte(unhex("fc1ae2b5dcd2c4176c3f538b4c3cc21197f79e608cc3730167936382e4b1e5a7b75ae1678bcebd876705477eb0e0fdbbcda92fb9a0dc58c8d8f84fb590e0422e6077ef")))
	got, err := EncryptGCM(key, nonce, ad, []byte(plain))
	if err != nil || got != sealed {
		t.Fatalf("EncryptGCM = %q, %v; want %q", got, err, sealed)
	}
	back, err := DecryptGCM(key, nonce, ad, sealed)
	if err != nil || string(back) != plain {
		t.Fatalf("DecryptGCM = %x, %v", back, err)
	}
}

func TestGCMRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, ad, plain string }{
		{"empty associated data", "", `{"a":1}`},
		{"certificate", "certificate", "-----BEGIN CERTIFICATE-----\n..."},
		{"empty plaintext", "transaction", ""},
		{"utf-8", "refund", "退款成功"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nonce := NewNonce()
			enc, err := EncryptGCM(testKey, nonce, tc.ad, []byte(tc.plain))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecryptGCM(testKey, nonce, tc.ad, enc)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.plain {
				t.Fatalf("got %q, want %q", got, tc.plain)
			}
		})
	}
}

func TestGCMFailures(t *testing.T) {
	good, err := EncryptGCM(testKey, testNonce, "transaction", []byte(`{"trade_state":"SUCCESS"}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(good)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 0x80
		return base64.StdEncoding.EncodeToString(b)
	}
	for _, tc := range []struct {
		name                  string
		key, nonce, ad, input string
		want                  error
		text                  string
	}{
		{"short key", testKey[:16], testNonce, "transaction", good, ErrKeyLength, "APIv3 key has 16"},
		{"long key", testKey + "x", testNonce, "transaction", good, ErrKeyLength, "key must be 32 bytes"},
		{"empty key", "", testNonce, "transaction", good, ErrKeyLength, "APIv3 key has 0"},
		{"short nonce", testKey, "abc", "transaction", good, ErrNonceLength, "got 3"},
		{"wrong key", strings.ToUpper(testKey), testNonce, "transaction", good, ErrAuthentication, "wrong APIv3 key"},
		{"wrong nonce", testKey, "iKtWOA7GL44Y", "transaction", good, ErrAuthentication, "authentication failed"},
		{"wrong associated data", testKey, testNonce, "refund", good, ErrAuthentication, "wrong associated data"},
		{"missing associated data", testKey, testNonce, "", good, ErrAuthentication, ""},
		{"tampered ciphertext", testKey, testNonce, "transaction", flip(0), ErrAuthentication, "tampered"},
		{"tampered tag", testKey, testNonce, "transaction", flip(len(raw) - 1), ErrAuthentication, ""},
		{"truncated", testKey, testNonce, "transaction", good[:len(good)-8], ErrAuthentication, ""},
		{"shorter than the tag", testKey, testNonce, "transaction", base64.StdEncoding.EncodeToString(raw[:10]), ErrAuthentication, "shorter than the 16-byte tag"},
		{"not base64", testKey, testNonce, "transaction", "%%%" + good, ErrBase64, "not base64"},
		{"url-safe base64", testKey, testNonce, "transaction", strings.NewReplacer("+", "-", "/", "_").Replace(good) + "-_", ErrBase64, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecryptGCM(tc.key, tc.nonce, tc.ad, tc.input)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if got != nil {
				t.Errorf("plaintext %q returned with an error", got)
			}
			if !strings.HasPrefix(err.Error(), "aescipher: decrypt GCM: ") || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("message %q lacks %q", err, tc.text)
			}
		})
	}
	// Sentinels are distinct: callers tell a key misconfiguration from a
	// forged message.
	all := []error{ErrKeyLength, ErrNonceLength, ErrBase64, ErrAuthentication, ErrPadding}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v is %v", a, b)
			}
		}
	}
}

func TestEncryptGCMFailures(t *testing.T) {
	if _, err := EncryptGCM("short", testNonce, "", nil); !errors.Is(err, ErrKeyLength) || !strings.HasPrefix(err.Error(), "aescipher: encrypt GCM: ") {
		t.Errorf("short key: %v", err)
	}
	if _, err := EncryptGCM(testKey, "0123456789abcdef", "", nil); !errors.Is(err, ErrNonceLength) {
		t.Errorf("16-byte nonce: %v", err)
	}
}

func TestNewNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := NewNonce()
		if len(n) != NonceLength || strings.Trim(n, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("nonce %q", n)
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
	}
}

func TestECBVectorFromOpenSSL(t *testing.T) {
	plain, err := os.ReadFile("testdata/ecb_plaintext.xml")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile("testdata/ecb_ciphertext.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecryptECB(testV2Key, strings.TrimSpace(string(enc)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("got %s\nwant %s", got, plain)
	}
	again, err := EncryptECB(testV2Key, plain)
	if err != nil || again != strings.TrimSpace(string(enc)) {
		t.Fatalf("EncryptECB = %q, %v", again, err)
	}
}

func TestECBRoundTrip(t *testing.T) {
	// Lengths around the block size exercise every padding length,
	// including a whole block of padding.
	for n := range 40 {
		plain := bytes.Repeat([]byte{'x'}, n)
		enc, err := EncryptECB(testV2Key, plain)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if want := (n/16 + 1) * 16; len(raw) != want {
			t.Fatalf("%d bytes encrypt to %d, want %d", n, len(raw), want)
		}
		got, err := DecryptECB(testV2Key, enc)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: got %q, %v", n, got, err)
		}
	}
}

func TestECBFailures(t *testing.T) {
	good, err := EncryptECB(testV2Key, []byte("<root><refund_status>SUCCESS</refund_status></root>"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(good)
	lastBlockFlipped := bytes.Clone(raw)
	lastBlockFlipped[len(raw)-1] ^= 0xff
	for _, tc := range []struct {
		name, key, input string
		want             error
		text             string
	}{
		{"wrong key", "another APIv2 key", good, ErrPadding, "wrong APIv2 key"},
		{"empty key", "", good, ErrKeyLength, "APIv2 key is empty"},
		{"not base64", testV2Key, "not base64!", ErrBase64, "not base64"},
		{"empty", testV2Key, "", ErrPadding, "0 bytes is not a whole number of 16-byte blocks"},
		{"partial block", testV2Key, base64.StdEncoding.EncodeToString(raw[:len(raw)-3]), ErrPadding, "not a whole number"},
		{"damaged last block", testV2Key, base64.StdEncoding.EncodeToString(lastBlockFlipped), ErrPadding, "bad PKCS #7 padding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecryptECB(tc.key, tc.input)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) || !strings.HasPrefix(err.Error(), "aescipher: decrypt ECB: ") {
				t.Fatalf("err = %v, want %v containing %q", err, tc.want, tc.text)
			}
			if got != nil {
				t.Errorf("plaintext %q returned with an error", got)
			}
		})
	}
	if _, err := EncryptECB("", nil); !errors.Is(err, ErrKeyLength) {
		t.Errorf("EncryptECB with no key: %v", err)
	}
}

func BenchmarkDecryptGCM(b *testing.B) {
	plain := bytes.Repeat([]byte(`{"trade_state":"SUCCESS"}`), 40) // about a transaction's size
	enc, err := EncryptGCM(testKey, testNonce, "transaction", plain)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecryptGCM(testKey, testNonce, "transaction", enc); err != nil {
			b.Fatal(err)
		}
	}
}
