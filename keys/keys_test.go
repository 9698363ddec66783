package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixture holds keys generated once per test binary, since RSA key
// generation is slow under the race detector.
type fixture struct {
	key     *rsa.PrivateKey
	cert    *x509.Certificate // self-signed for key, serial 0x0A1B2C3D4E5F
	certPEM string

	pkcs1DER, pkcs8DER, spkiDER, pkcs1PubDER []byte
	pkcs1PEM, pkcs8PEM, spkiPEM, pkcs1PubPEM string

	ecPKCS8PEM, ecSECPEM, ecSPKIPEM, ecCertPEM string
	ecPKCS8DER                                 []byte
	edPKCS8PEM                                 string
}

var (
	fixtureOnce sync.Once
	theFixture  fixture
)

func fixtures(t *testing.T) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		f := &theFixture
		var err error
		if f.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		f.pkcs1DER = x509.MarshalPKCS1PrivateKey(f.key)
		f.pkcs8DER = must(x509.MarshalPKCS8PrivateKey(f.key))
		f.spkiDER = must(x509.MarshalPKIXPublicKey(&f.key.PublicKey))
		f.pkcs1PubDER = x509.MarshalPKCS1PublicKey(&f.key.PublicKey)
		f.pkcs1PEM = encodePEM("RSA PRIVATE KEY", f.pkcs1DER)
		f.pkcs8PEM = encodePEM("PRIVATE KEY", f.pkcs8DER)
		f.spkiPEM = encodePEM("PUBLIC KEY", f.spkiDER)
		f.pkcs1PubPEM = encodePEM("RSA PUBLIC KEY", f.pkcs1PubDER)
		certDER := selfSign(big.NewInt(0x0A1B2C3D4E5F), f.key)
		f.cert = must(x509.ParseCertificate(certDER))
		f.certPEM = encodePEM("CERTIFICATE", certDER)

		ecKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		f.ecPKCS8DER = must(x509.MarshalPKCS8PrivateKey(ecKey))
		f.ecPKCS8PEM = encodePEM("PRIVATE KEY", f.ecPKCS8DER)
		f.ecSECPEM = encodePEM("EC PRIVATE KEY", must(x509.MarshalECPrivateKey(ecKey)))
		f.ecSPKIPEM = encodePEM("PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&ecKey.PublicKey)))
		f.ecCertPEM = encodePEM("CERTIFICATE", selfSign(big.NewInt(7), ecKey))

		_, edKey := must2(ed25519.GenerateKey(rand.Reader))
		f.edPKCS8PEM = encodePEM("PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(edKey)))
	})
	return &theFixture
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func encodePEM(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func selfSign(serial *big.Int, key crypto.Signer) []byte {
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "1900000001", Organization: []string{"Test Merchant"}},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	return must(x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key))
}

// wrapped is base64 broken into 64-column lines, as the merchant console
// and most editors show it.
func wrapped(der []byte) string {
	s := base64.StdEncoding.EncodeToString(der)
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n")
	return b.String()
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readError is what the OS says about reading path, so expected messages
// hold on every platform.
func readError(t *testing.T, path string) string {
	t.Helper()
	_, err := os.ReadFile(path)
	var pathErr *fs.PathError
	if !errors.As(err, &pathErr) {
		t.Fatalf("reading %s: got %v, want a *fs.PathError", path, err)
	}
	return pathErr.Err.Error()
}

func TestConsoleBase64(t *testing.T) {
	// The merchant console shows the key body without its BEGIN and END
	// lines. Base64 contains '/', so this must not be taken for a path.
	data, err := os.ReadFile("testdata/key.pem")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	body := strings.Join(lines[1:len(lines)-1], "\n")
	if !strings.Contains(body, "/") {
		t.Fatal("testdata/key.pem has no '/' in its base64; pick a key that does")
	}
	key, err := PrivateKey(body)
	if err != nil {
		t.Fatal(err)
	}
	want, err := PrivateKey("testdata/key.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !key.Equal(want) {
		t.Error("loaded a different key")
	}
}

func TestPrivateKey(t *testing.T) {
	f := fixtures(t)
	ecParams := encodePEM("EC PARAMETERS", []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07})
	tests := []struct {
		name string
		src  func(t *testing.T) string
	}{
		{"PKCS#1 PEM", func(*testing.T) string { return f.pkcs1PEM }},
		{"PKCS#8 PEM", func(*testing.T) string { return f.pkcs8PEM }},
		{"PKCS#8 PEM with CRLF", func(*testing.T) string { return strings.ReplaceAll(f.pkcs8PEM, "\n", "\r\n") }},
		{"PKCS#8 PEM on one line", func(*testing.T) string { return strings.Join(strings.Fields(f.pkcs8PEM), " ") }},
		{"PKCS#1 PEM with literal \\n", func(*testing.T) string { return strings.ReplaceAll(f.pkcs1PEM, "\n", `\n`) }},
		{"PKCS#8 PEM after a certificate and EC PARAMETERS", func(*testing.T) string { return f.certPEM + ecParams + f.pkcs8PEM }},
		{"PKCS#1 labelled PRIVATE KEY", func(*testing.T) string { return encodePEM("PRIVATE KEY", f.pkcs1DER) }},
		{"PKCS#8 labelled RSA PRIVATE KEY", func(*testing.T) string { return encodePEM("RSA PRIVATE KEY", f.pkcs8DER) }},
		{"PKCS#1 file", func(t *testing.T) string { return writeFile(t, "key.pem", f.pkcs1PEM) }},
		{"PKCS#8 file", func(t *testing.T) string { return writeFile(t, "apiclient_key.pem", f.pkcs8PEM) }},
		{"file:// URL", func(t *testing.T) string { return "file://" + writeFile(t, "apiclient_key.pem", f.pkcs8PEM) }},
		{"path with surrounding whitespace", func(t *testing.T) string { return " " + writeFile(t, "key.pem", f.pkcs8PEM) + "\n" }},
		{"bare base64 PKCS#8 with line breaks", func(*testing.T) string { return wrapped(f.pkcs8DER) }},
		{"bare base64 PKCS#1 on one line", func(*testing.T) string { return base64.StdEncoding.EncodeToString(f.pkcs1DER) }},
		{"bare base64 without padding", func(*testing.T) string { return base64.RawStdEncoding.EncodeToString(f.pkcs8DER) }},
		{"base64 file", func(t *testing.T) string { return writeFile(t, "key.txt", wrapped(f.pkcs8DER)) }},
		{"DER file", func(t *testing.T) string { return writeFile(t, "key.der", string(f.pkcs8DER)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, err := PrivateKey(tt.src(t))
			if err != nil {
				t.Fatal(err)
			}
			if !key.Equal(f.key) {
				t.Error("loaded a different key")
			}
		})
	}
}

func TestPrivateKeyFromPEM(t *testing.T) {
	f := fixtures(t)
	for _, src := range []string{f.pkcs1PEM, f.pkcs8PEM} {
		key, err := PrivateKeyFromPEM([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if !key.Equal(f.key) {
			t.Error("loaded a different key")
		}
	}
}

func TestPublicKey(t *testing.T) {
	f := fixtures(t)
	tests := []struct {
		name string
		src  func(t *testing.T) string
	}{
		{"SPKI PEM", func(*testing.T) string { return f.spkiPEM }},
		{"PKCS#1 PEM", func(*testing.T) string { return f.pkcs1PubPEM }},
		{"certificate PEM", func(*testing.T) string { return f.certPEM }},
		{"private key then certificate", func(*testing.T) string { return f.pkcs8PEM + f.certPEM }},
		{"SPKI file", func(t *testing.T) string { return writeFile(t, "pub_key.pem", f.spkiPEM) }},
		{"certificate file", func(t *testing.T) string { return writeFile(t, "wechatpay_cert.pem", f.certPEM) }},
		{"file:// URL", func(t *testing.T) string { return "file://" + writeFile(t, "pub_key.pem", f.spkiPEM) }},
		{"bare base64 SPKI", func(*testing.T) string { return wrapped(f.spkiDER) }},
		{"bare base64 PKCS#1", func(*testing.T) string { return base64.StdEncoding.EncodeToString(f.pkcs1PubDER) }},
		{"bare base64 certificate", func(*testing.T) string { return wrapped(f.cert.Raw) }},
		{"PKCS#1 DER file", func(t *testing.T) string { return writeFile(t, "pub.der", string(f.pkcs1PubDER)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, err := PublicKey(tt.src(t))
			if err != nil {
				t.Fatal(err)
			}
			if !key.Equal(&f.key.PublicKey) {
				t.Error("loaded a different key")
			}
		})
	}
}

func TestPublicKeyFromPEM(t *testing.T) {
	f := fixtures(t)
	for _, src := range []string{f.spkiPEM, f.pkcs1PubPEM, f.certPEM} {
		key, err := PublicKeyFromPEM([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if !key.Equal(&f.key.PublicKey) {
			t.Error("loaded a different key")
		}
	}
}

func TestCertificate(t *testing.T) {
	f := fixtures(t)
	tests := []struct {
		name string
		src  func(t *testing.T) string
	}{
		{"PEM", func(*testing.T) string { return f.certPEM }},
		{"key then certificate", func(*testing.T) string { return f.pkcs8PEM + f.certPEM }},
		{"chain", func(*testing.T) string { return f.certPEM + f.ecCertPEM }},
		{"file", func(t *testing.T) string { return writeFile(t, "apiclient_cert.pem", f.certPEM) }},
		{"file:// URL", func(t *testing.T) string { return "file://" + writeFile(t, "apiclient_cert.pem", f.certPEM) }},
		{"bare base64", func(*testing.T) string { return wrapped(f.cert.Raw) }},
		{"DER file", func(t *testing.T) string { return writeFile(t, "apiclient_cert.der", string(f.cert.Raw)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cert, err := Certificate(tt.src(t))
			if err != nil {
				t.Fatal(err)
			}
			if !cert.Equal(f.cert) {
				t.Error("loaded a different certificate")
			}
		})
	}
	cert, err := CertificateFromPEM([]byte(f.certPEM))
	if err != nil {
		t.Fatal(err)
	}
	if !cert.Equal(f.cert) {
		t.Error("CertificateFromPEM loaded a different certificate")
	}
}

func TestSerialNumber(t *testing.T) {
	// WeChat Pay writes the serial as the integer in hex, so a leading
	// zero nibble is dropped: DER bytes 0A 1B ... give "A1B...", not
	// "0A1B..." as openssl x509 -serial prints.
	f := fixtures(t)
	if got, want := SerialNumber(f.cert), "A1B2C3D4E5F"; got != want {
		t.Errorf("SerialNumber(certificate) = %q, want %q", got, want)
	}
	for _, tt := range []struct{ serial, want string }{
		{"1", "1"},
		{"0a1b2c3d4e5f", "A1B2C3D4E5F"},
		{"5157f09efdc096de15ebe81a47057a7232f1b8e1", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"},
		{"00ff", "FF"},
	} {
		n, _ := new(big.Int).SetString(tt.serial, 16)
		if got := SerialNumber(&x509.Certificate{SerialNumber: n}); got != tt.want {
			t.Errorf("SerialNumber(0x%s) = %q, want %q", tt.serial, got, tt.want)
		}
	}
}

func TestValidity(t *testing.T) {
	f := fixtures(t)
	notBefore, notAfter := Validity(f.cert)
	want := []time.Time{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, []time.Time{notBefore, notAfter}); diff != "" {
		t.Errorf("Validity (-want +got):\n%s", diff)
	}
}

func encryptedPEM(t *testing.T, der []byte) string {
	t.Helper()
	// EncryptPEMBlock is deprecated because legacy PEM encryption is weak,
	// but old keys still arrive encrypted that way and must be recognised.
	//lint:ignore SA1019 building an old-style encrypted key on purpose
	b, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", der, []byte("password"), x509.PEMCipherAES256) //nolint:staticcheck // see above
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(b))
}

const (
	// notAKey is base64 DER, an ASN.1 SEQUENCE holding one INTEGER, but no
	// key or certificate.
	notAKey   = "MAMCAQE="
	brokenPEM = "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"
)

func TestErrors(t *testing.T) {
	f := fixtures(t)
	private := func(src string) error { _, err := PrivateKey(src); return err }
	public := func(src string) error { _, err := PublicKey(src); return err }
	certificate := func(src string) error { _, err := Certificate(src); return err }
	const encryptedMsg = "keys: private key: encrypted PEM is not supported; decrypt it first (openssl pkcs8 -topk8 -nocrypt -in key.pem -out apiclient_key.pem)"

	tests := []struct {
		name   string
		load   func(string) error
		src    func(t *testing.T) string
		want   string // whole message, or its start if prefix
		prefix bool
		is     error
	}{
		{"certificate as private key", private,
			func(*testing.T) string { return f.certPEM },
			`keys: private key: PEM block "CERTIFICATE" is not a private key`, false, nil},
		{"no private key among several blocks", private,
			func(*testing.T) string { return f.certPEM + f.spkiPEM },
			`keys: private key: PEM blocks "CERTIFICATE", "PUBLIC KEY" hold no private key`, false, nil},
		{"encrypted PKCS#1", private,
			func(t *testing.T) string { return encryptedPEM(t, f.pkcs1DER) },
			encryptedMsg, false, ErrEncrypted},
		{"encrypted PKCS#1 on one line", private,
			func(t *testing.T) string { return strings.Join(strings.Fields(encryptedPEM(t, f.pkcs1DER)), " ") },
			encryptedMsg, false, ErrEncrypted},
		{"encrypted PKCS#8", private,
			func(*testing.T) string { return encodePEM("ENCRYPTED PRIVATE KEY", f.pkcs8DER) },
			encryptedMsg, false, ErrEncrypted},
		{"ECDSA PKCS#8", private,
			func(*testing.T) string { return f.ecPKCS8PEM },
			"keys: private key: PKCS#8 key is ECDSA, want RSA", false, nil},
		{"ECDSA PKCS#8 base64", private,
			func(*testing.T) string { return wrapped(f.ecPKCS8DER) },
			"keys: private key: PKCS#8 key is ECDSA, want RSA", false, nil},
		{"Ed25519 PKCS#8", private,
			func(*testing.T) string { return f.edPKCS8PEM },
			"keys: private key: PKCS#8 key is Ed25519, want RSA", false, nil},
		{"EC PRIVATE KEY", private,
			func(*testing.T) string { return f.ecSECPEM },
			`keys: private key: PEM block "EC PRIVATE KEY" holds an ECDSA key, want RSA`, false, nil},
		{"OpenSSH key", private,
			func(*testing.T) string { return encodePEM("OPENSSH PRIVATE KEY", []byte("openssh-key-v1")) },
			`keys: private key: PEM block "OPENSSH PRIVATE KEY" is not a supported format; want "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1)`, false, nil},
		{"garbage", private,
			func(*testing.T) string { return "not a key" },
			"keys: private key: input is neither PEM text, an existing file, nor base64 DER", false, nil},
		{"empty", private,
			func(*testing.T) string { return " \n" },
			"keys: private key: input is empty", false, nil},
		{"broken PEM", private,
			func(*testing.T) string { return brokenPEM },
			"keys: private key: no PEM block found", false, nil},
		{"base64 certificate as private key", private,
			func(*testing.T) string { return wrapped(f.cert.Raw) },
			"keys: private key: input is a certificate, not a private key", false, nil},
		{"base64 DER that is no key", private,
			func(*testing.T) string { return notAKey },
			"keys: private key: neither PKCS#8 nor PKCS#1: ", true, nil},
		{"truncated PKCS#1 PEM", private,
			func(*testing.T) string { return encodePEM("RSA PRIVATE KEY", f.pkcs1DER[:100]) },
			"keys: private key: neither PKCS#1 nor PKCS#8: ", true, nil},
		{"missing file", private,
			func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing.pem") },
			"keys: reading {src}: {readError}", false, fs.ErrNotExist},
		{"missing file:// URL", private,
			func(t *testing.T) string { return "file://" + filepath.Join(t.TempDir(), "missing.pem") },
			"keys: reading {path}: {readError}", false, fs.ErrNotExist},
		{"missing relative file", private,
			func(*testing.T) string { return "apiclient_key.pem" },
			"keys: reading {src}: {readError}", false, fs.ErrNotExist},
		{"directory", private,
			func(t *testing.T) string { return t.TempDir() },
			"keys: reading {src}: {readError}", false, nil},
		{"empty file", private,
			func(t *testing.T) string { return writeFile(t, "key.pem", "\n") },
			"keys: private key in {src}: file is empty", false, nil},
		{"file of garbage", private,
			func(t *testing.T) string { return writeFile(t, "key.pem", "hello, world\n") },
			"keys: private key in {src}: file holds neither PEM, DER, nor base64 DER", false, nil},
		{"private key as public key", public,
			func(*testing.T) string { return f.pkcs8PEM },
			`keys: public key: PEM block "PRIVATE KEY" is not a public key`, false, nil},
		{"private key file as public key", public,
			func(t *testing.T) string { return writeFile(t, "key.pem", f.pkcs1PEM) },
			`keys: public key in {src}: PEM block "RSA PRIVATE KEY" is not a public key`, false, nil},
		{"ECDSA SPKI", public,
			func(*testing.T) string { return f.ecSPKIPEM },
			"keys: public key: SPKI key is ECDSA, want RSA", false, nil},
		{"ECDSA certificate as public key", public,
			func(*testing.T) string { return f.ecCertPEM },
			"keys: public key: X.509 certificate key is ECDSA, want RSA", false, nil},
		{"base64 DER that is no public key", public,
			func(*testing.T) string { return wrapped(f.pkcs8DER) },
			"keys: public key: input is a private key, not a public key", false, nil},
		{"base64 DER that is no key or certificate", public,
			func(*testing.T) string { return notAKey },
			"keys: public key: none of SPKI, PKCS#1, X.509 certificate: ", true, nil},
		{"private key as certificate", certificate,
			func(*testing.T) string { return f.pkcs8PEM },
			`keys: certificate: PEM block "PRIVATE KEY" is not a certificate`, false, nil},
		{"base64 SPKI as certificate", certificate,
			func(*testing.T) string { return wrapped(f.spkiDER) },
			"keys: certificate: input is a public key, not a certificate", false, nil},
		{"base64 DER that is no certificate", certificate,
			func(*testing.T) string { return notAKey },
			"keys: certificate: not an X.509 certificate: ", true, nil},
		{"path to PrivateKeyFromPEM", func(src string) error { _, err := PrivateKeyFromPEM([]byte(src)); return err },
			func(t *testing.T) string { return writeFile(t, "key.pem", f.pkcs8PEM) },
			"keys: private key: no PEM block found", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := tt.src(t)
			path := strings.TrimPrefix(src, "file://")
			want := strings.NewReplacer("{src}", src, "{path}", path).Replace(tt.want)
			if strings.Contains(want, "{readError}") {
				want = strings.ReplaceAll(want, "{readError}", readError(t, path))
			}
			err := tt.load(src)
			if err == nil {
				t.Fatalf("got no error, want %q", want)
			}
			if got := err.Error(); got != want && !(tt.prefix && strings.HasPrefix(got, want)) {
				t.Errorf("got error\n\t%s\nwant\n\t%s", got, want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("got a %T, want an *Error", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) = false", tt.is)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.pem")
	_, err := Certificate(path)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want an *Error", err, err)
	}
	if diff := cmp.Diff(&Error{Op: "read", Kind: "certificate", Path: path}, e, cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Err"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("*Error (-want +got):\n%s", diff)
	}
	var pathErr *fs.PathError
	if !errors.As(err, &pathErr) || pathErr.Path != path {
		t.Errorf("the cause is not the *fs.PathError for %s: %#v", path, e.Err)
	}
}

func TestMerchantCertificate(t *testing.T) {
	f := fixtures(t)
	certPath := writeFile(t, "apiclient_cert.pem", f.certPEM)
	keyPath := writeFile(t, "apiclient_key.pem", f.pkcs8PEM)

	serial, key, tlsCert, err := MerchantCertificate(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if serial != "A1B2C3D4E5F" {
		t.Errorf("serial = %q, want %q", serial, "A1B2C3D4E5F")
	}
	if !key.Equal(f.key) {
		t.Error("loaded a different key")
	}
	// What crypto/tls itself builds from the same pair.
	want, err := tls.X509KeyPair([]byte(f.certPEM), []byte(f.pkcs8PEM))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Certificate, tlsCert.Certificate); diff != "" {
		t.Errorf("tls.Certificate chain (-want +got):\n%s", diff)
	}
	if got, ok := tlsCert.PrivateKey.(*rsa.PrivateKey); !ok || !got.Equal(f.key) {
		t.Errorf("tls.Certificate.PrivateKey is %T, not the key", tlsCert.PrivateKey)
	}
	if tlsCert.Leaf == nil || !tlsCert.Leaf.Equal(f.cert) {
		t.Error("tls.Certificate.Leaf is not the certificate")
	}
}

func TestMerchantCertificateChain(t *testing.T) {
	f := fixtures(t)
	_, _, tlsCert, err := MerchantCertificate(f.certPEM+f.ecCertPEM, f.pkcs1PEM)
	if err != nil {
		t.Fatal(err)
	}
	if len(tlsCert.Certificate) != 2 || !bytes.Equal(tlsCert.Certificate[0], f.cert.Raw) {
		t.Errorf("got a chain of %d certificates, want the leaf and one more", len(tlsCert.Certificate))
	}
}

func TestMerchantCertificateErrors(t *testing.T) {
	f := fixtures(t)
	certPath := writeFile(t, "apiclient_cert.pem", f.certPEM)
	tests := []struct {
		name          string
		certSrc       string
		keySrc        string
		want          string
		op            string
		is            error
		wantErrorKind string
	}{
		{"key from another certificate", certPath, "testdata/key.pem",
			"keys: merchant certificate in " + certPath + ": private key does not match certificate A1B2C3D4E5F; use the key from the same certificate download",
			"match", ErrMismatch, "merchant certificate"},
		{"ECDSA certificate", f.ecCertPEM, f.pkcs8PEM,
			"keys: merchant certificate: certificate 7 key is ECDSA, want RSA",
			"match", nil, "merchant certificate"},
		{"bad certificate", f.pkcs8PEM, f.pkcs8PEM,
			`keys: certificate: PEM block "PRIVATE KEY" is not a certificate`,
			"parse", nil, "certificate"},
		{"encrypted key", certPath, encryptedPEM(t, f.pkcs1DER),
			"keys: private key: " + ErrEncrypted.Error(),
			"parse", ErrEncrypted, "private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serial, key, _, err := MerchantCertificate(tt.certSrc, tt.keySrc)
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if serial != "" || key != nil {
				t.Errorf("got serial %q and a key along with the error", serial)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n\t%s\nwant\n\t%s", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Op != tt.op || e.Kind != tt.wantErrorKind {
				t.Errorf("got %#v, want an *Error with Op %q and Kind %q", err, tt.op, tt.wantErrorKind)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) = false", tt.is)
			}
		})
	}
}
