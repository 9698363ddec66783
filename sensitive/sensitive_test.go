package sensitive

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/keys"
)

func loadKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PublicKey) {
	t.Helper()
	priv, err := keys.PrivateKey("../signer/testdata/merchant_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.PublicKey("../signer/testdata/merchant_pub.pem")
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestDecryptOpenSSLVector(t *testing.T) {
	priv, _ := loadKeys(t)
	ct, err := os.ReadFile("testdata/oaep_ciphertext.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/oaep_plaintext.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decrypt(priv, strings.TrimSpace(string(ct)))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	priv, pub := loadKeys(t)
	for _, plain := range []string{"", "张三", "13800138000", "6225880137000000", strings.Repeat("a", 214)} {
		ct, err := Encrypt(pub, plain)
		if err != nil {
			t.Fatalf("%q: %v", plain, err)
		}
		if raw, _ := base64.StdEncoding.DecodeString(ct); len(raw) != 256 {
			t.Fatalf("%q: ciphertext is %d bytes, want 256", plain, len(raw))
		}
		again, _ := Encrypt(pub, plain)
		if again == ct {
			t.Errorf("%q: two encryptions are equal; OAEP must be randomized", plain)
		}
		got, err := Decrypt(priv, ct)
		if err != nil || got != plain {
			t.Fatalf("%q: Decrypt = %q, %v", plain, got, err)
		}
	}
}

// The APIv2 bank-card transfer key comes from risk/getpublickey in PKCS #1.
func TestRoundTripAPIv2PublicKey(t *testing.T) {
	priv, _ := loadKeys(t)
	pem, err := os.ReadFile("testdata/merchant_pub_pkcs1.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pem), "-----BEGIN RSA PUBLIC KEY-----") {
		t.Fatalf("testdata is not PKCS #1: %.40s", pem)
	}
	pub, err := keys.PublicKey(string(pem))
	if err != nil {
		t.Fatal(err)
	}
	encBankNo, err := Encrypt(pub, "6225880137000000")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Decrypt(priv, encBankNo); err != nil || got != "6225880137000000" {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
}

func TestEncryptFields(t *testing.T) {
	priv, pub := loadKeys(t)
	enc, header, err := EncryptFields(pub, "PUB_KEY_ID_0114232134912410000000000000", "张三", "13800138000")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(http.Header{"Wechatpay-Serial": {"PUB_KEY_ID_0114232134912410000000000000"}}, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	var got []string
	for _, c := range enc {
		p, err := Decrypt(priv, c)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	if diff := cmp.Diff([]string{"张三", "13800138000"}, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestFailures(t *testing.T) {
	priv, pub := loadKeys(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	forOther, _ := Encrypt(&other.PublicKey, "张三")
	good, _ := Encrypt(pub, "张三")
	raw, _ := base64.StdEncoding.DecodeString(good)
	raw[10] ^= 1
	damaged := base64.StdEncoding.EncodeToString(raw)

	for _, tc := range []struct {
		name string
		err  error
		want error
		text string
	}{
		{"too long", second(Encrypt(pub, strings.Repeat("a", 215))), ErrTooLong, "215 bytes, at most 214 for a 2048-bit key"},
		{"nil public key", second(Encrypt(nil, "x")), ErrNoKey, "sensitive: encrypt: no key"},
		{"nil private key", second(Decrypt(nil, good)), ErrNoKey, "sensitive: decrypt: no key"},
		{"other key", second(Decrypt(priv, forOther)), ErrDecryption, "encrypted for another key"},
		{"damaged", second(Decrypt(priv, damaged)), ErrDecryption, ""},
		{"not base64", second(Decrypt(priv, "***")), ErrBase64, "not base64"},
		{"pkcs1 v1.5 ciphertext", second(Decrypt(priv, pkcs1v15(t, pub))), ErrDecryption, ""},
	} {
		if !errors.Is(tc.err, tc.want) || !strings.Contains(tc.err.Error(), tc.text) {
			t.Errorf("%s: err = %v, want %v containing %q", tc.name, tc.err, tc.want, tc.text)
		}
	}

	_, _, err = EncryptFields(pub, "", "x")
	if err == nil || !strings.Contains(err.Error(), "no key id") {
		t.Errorf("EncryptFields without id: %v", err)
	}
	_, _, err = EncryptFields(pub, "PUB_KEY_ID_1", "ok", strings.Repeat("a", 300))
	if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "field 2 of 2") {
		t.Errorf("EncryptFields with a long field: %v", err)
	}
}

func second(_ string, err error) error { return err }

// pkcs1v15 encrypts with the other RSA padding, which merchants pick by
// mistake; it must not decrypt.
func pkcs1v15(t *testing.T, pub *rsa.PublicKey) string {
	//lint:ignore SA1019 the deprecated padding is the point: a merchant's mistake to refuse
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, pub, []byte("张三"))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// hsm is a crypto.Decrypter that is not an *rsa.PrivateKey.
type hsm struct{ key *rsa.PrivateKey }

func (h hsm) Public() crypto.PublicKey { return h.key.Public() }
func (h hsm) Decrypt(r io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	return h.key.Decrypt(r, msg, opts)
}

func TestDecryptWithDecrypter(t *testing.T) {
	priv, pub := loadKeys(t)
	ct, _ := Encrypt(pub, "13800138000")
	if got, err := Decrypt(hsm{priv}, ct); err != nil || got != "13800138000" {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
}
