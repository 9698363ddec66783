package certificates_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/certificates"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// certMode is the configuration of a merchant that holds no platform key
// yet and verifies with certificates: the server's Config without its
// public key.
func certMode(srv *wxpaytest.Server) wechatpay.Config {
	cfg := srv.Config()
	cfg.Certs = nil
	return cfg
}

// rawList fetches the certificate list without verifying it.
func rawList(t *testing.T, srv *wxpaytest.Server) []byte {
	t.Helper()
	cfg := srv.Config()
	cfg.Verifier = func(next transport.Doer) transport.Doer { return next }
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Chain("v3/certificates").Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Body
}

func TestDecrypt(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.AddPlatformCertificate()
	body := rawList(t, srv)

	certs, err := certificates.Decrypt(body, srv.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	want := srv.PlatformCertificates()
	if len(certs) != len(want) || len(certs) != 2 {
		t.Fatalf("%d certificates, want %d", len(certs), len(want))
	}
	for i, c := range certs {
		if !c.Certificate.Equal(want[i]) || c.Serial != keys.SerialNumber(want[i]) || !c.PublicKey().Equal(want[i].PublicKey) {
			t.Errorf("certificate %d: %s", i, c.Serial)
		}
		if !c.ExpireTime.Equal(want[i].NotAfter) || !c.EffectiveTime.Equal(want[i].NotBefore) {
			t.Errorf("certificate %d: valid %s to %s", i, c.EffectiveTime, c.ExpireTime)
		}
		if p, _ := keys.CertificateFromPEM(c.PEM()); p == nil || !p.Equal(want[i]) {
			t.Errorf("certificate %d: PEM does not round-trip", i)
		}
	}

	if _, err := certificates.Decrypt(body, strings.Repeat("k", 32)); !errors.Is(err, aescipher.ErrAuthentication) {
		t.Errorf("wrong APIv3 key: %v", err)
	}
	edit := func(f func(item map[string]any)) []byte {
		var doc map[string][]map[string]any
		json.Unmarshal(body, &doc)
		f(doc["data"][0])
		b, _ := json.Marshal(doc)
		return b
	}
	for name, tc := range map[string]struct {
		body []byte
		want string
	}{
		"other serial": {edit(func(m map[string]any) { m["serial_no"] = "1234" }), "serial number is"},
		"algorithm": {edit(func(m map[string]any) {
			m["encrypt_certificate"].(map[string]any)["algorithm"] = "AEAD_SM4_GCM"
		}), "algorithm"},
		"associated data": {edit(func(m map[string]any) {
			m["encrypt_certificate"].(map[string]any)["associated_data"] = "other"
		}), "authentication failed"},
		"empty":   {[]byte(`{"data":[]}`), "empty"},
		"no JSON": {[]byte(`<xml/>`), "not JSON"},
	} {
		if _, err := certificates.Decrypt(tc.body, srv.APIv3Key); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// The first download is verified with the certificates it carries: no
// platform key is configured. Other replies are not verified that way.
func TestVerifierBootstrap(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()

	cfg := certMode(srv)
	cfg.Verifier = certificates.Verifier(srv.APIv3Key, nil, nil)
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Chain("v3/certificates").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, serial := srv.PlatformCertificate(); resp.Header.Get(signer.HeaderSerial) != serial {
		t.Errorf("signed by %s, want the platform certificate %s", resp.Header.Get(signer.HeaderSerial), serial)
	}
	_, err = client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018", "query": wechatpay.M{"mchid": srv.MchID}})
	if !errors.Is(err, signer.ErrUnknownSerial) {
		t.Errorf("another reply: %v, want ErrUnknownSerial", err)
	}

	// A list that does not decrypt, or contradicts a trusted key, or is
	// signed by a key that is neither listed nor known, is refused.
	for name, tc := range map[string]struct {
		key   string
		known signer.Keys
		fault wxpaytest.Fault
		want  error
	}{
		"wrong APIv3 key": {strings.Repeat("k", 32), nil, 0, aescipher.ErrAuthentication},
		"unknown signer":  {srv.APIv3Key, nil, wxpaytest.UnknownSerial, signer.ErrUnknownSerial},
		"bad signature":   {srv.APIv3Key, nil, wxpaytest.BadSignature, signer.ErrSignatureMismatch},
	} {
		cfg := certMode(srv)
		cfg.Verifier = certificates.Verifier(tc.key, tc.known, nil)
		client, _ := wechatpay.New(cfg)
		if tc.fault != 0 {
			srv.Inject(tc.fault)
		}
		_, err := client.Chain("v3/certificates").Get(ctx)
		var verr *wechatpay.VerifyError
		if !errors.As(err, &verr) || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want a VerifyError wrapping %v", name, err, tc.want)
		}
	}
	_, serial := srv.PlatformCertificate()
	cfg = certMode(srv)
	cfg.Verifier = certificates.Verifier(srv.APIv3Key, signer.StaticKeys{serial: srv.PlatformPublicKey()}, nil)
	client, _ = wechatpay.New(cfg)
	if _, err := client.Chain("v3/certificates").Get(ctx); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Errorf("contradicting a trusted key: %v", err)
	}
}

func reverse(ctx context.Context, client *wechatpay.Client, srv *wxpaytest.Server, opts ...wechatpay.M) error {
	o := wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
	}
	for _, m := range opts {
		for k, v := range m {
			o[k] = v
		}
	}
	_, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, o)
	return err
}

// A store fetches when it starts and serves as the client's keys; with a
// public key beside it, both modes work at once.
func TestStore(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()

	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	cert, serial := srv.PlatformCertificate()
	held := store.Certificates()
	if len(held) != 1 || held[0].Serial != serial || !held[0].Certificate.Equal(cert) {
		t.Fatalf("store holds %v", held)
	}
	if key, ok := store.PublicKey(serial); !ok || !key.Equal(cert.PublicKey) {
		t.Fatal("the store does not serve the certificate's key")
	}

	cfg := certMode(srv)
	cfg.Keys = store
	certClient, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := reverse(ctx, certClient, srv); err != nil {
		t.Fatalf("certificate mode: %v", err)
	}

	// Public key and certificates at once: requests naming the public key
	// id get replies signed with it, others with the certificate.
	cfg = srv.Config()
	cfg.Keys = store
	both, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := reverse(ctx, both, srv); err != nil {
		t.Errorf("public key id: %v", err)
	}
	if err := reverse(ctx, both, srv, wechatpay.M{"headers": wechatpay.M{"Wechatpay-Serial": serial}}); err != nil {
		t.Errorf("certificate serial: %v", err)
	}
	store.Stop()
	store.Stop()
	if _, ok := store.PublicKey(serial); !ok {
		t.Error("a stopped store dropped its keys")
	}
}

// A store of a merchant outside mainland China fetches the overseas list,
// verified as the mainland one is, on start and on every refresh; the
// global list goes to apihk.mch.weixin.qq.com in front of the real API.
func TestStoreOverseas(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	for _, path := range []string{"v3/global/certificates", "hk/v3/certificates"} {
		srv.Reset()
		store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Path: path})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer store.Stop()
		if err := store.Refresh(ctx); err != nil {
			t.Fatalf("%s: refresh: %v", path, err)
		}
		_, serial := srv.PlatformCertificate()
		if held := store.Certificates(); len(held) != 1 || held[0].Serial != serial {
			t.Errorf("%s: store holds %v", path, held)
		}
		var targets []string
		for _, r := range srv.Requests() {
			targets = append(targets, r.Target)
			if r.Err != nil {
				t.Errorf("%s: server refused %s: %v", path, r.Target, r.Err)
			}
		}
		if len(targets) != 2 || targets[0] != "/"+path || targets[1] != "/"+path {
			t.Errorf("%s: store asked for %v", path, targets)
		}
		cfg := certMode(srv)
		cfg.Keys = store
		client, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := reverse(ctx, client, srv); err != nil {
			t.Errorf("%s: a request verified with the store: %v", path, err)
		}
	}

	for path, want := range map[string]string{
		"":                       "https://api.mch.weixin.qq.com/v3/certificates",
		"v3/global/certificates": "https://apihk.mch.weixin.qq.com/v3/global/certificates",
		"hk/v3/certificates":     "https://api.mch.weixin.qq.com/hk/v3/certificates",
	} {
		var got []string
		cfg := certMode(srv)
		cfg.BaseURL, cfg.BackupURL = "", "-"
		cfg.Transport = transport.DoerFunc(func(_ context.Context, req *transport.Request) (*transport.Response, error) {
			got = append(got, req.URL())
			return nil, errors.New("offline")
		})
		if _, err := certificates.NewStore(ctx, cfg, srv.APIv3Key, certificates.Options{Path: path}); err == nil || len(got) != 1 || got[0] != want {
			t.Errorf("Path %q: asked %v, want %s (%v)", path, got, want, err)
		}
	}
	if _, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Path: "v3/pay/transactions"}); err == nil || !strings.Contains(err.Error(), "Options.Path") {
		t.Errorf("a path that lists no certificates: %v", err)
	}
}

// waitFor polls cond until it holds, for at most ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
	}
}

// A rotation as WeChat Pay runs it, with requests in flight throughout:
// the new certificate is published, the store picks it up on its
// schedule, the server switches its signing key, and no request fails.
// The old certificate stays usable.
func TestStoreRotation(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Interval: 20 * time.Millisecond, RetryInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	cfg := certMode(srv)
	cfg.Keys = store
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, oldSerial := srv.PlatformCertificate()

	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := reverse(ctx, client, srv); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				} else {
					ok.Add(1)
				}
			}
		})
	}
	waitFor(t, "requests before the rotation", func() bool { return ok.Load() >= 20 })
	newSerial := keys.SerialNumber(srv.AddPlatformCertificate())
	waitFor(t, "the store to fetch the new certificate", func() bool {
		_, ok := store.PublicKey(newSerial)
		return ok
	})
	srv.RotatePlatformKey()
	if _, s := srv.PlatformCertificate(); s != newSerial {
		t.Fatalf("server signs with %s, want %s", s, newSerial)
	}
	after := ok.Load()
	waitFor(t, "requests after the rotation", func() bool { return ok.Load() >= after+20 })
	close(stop)
	wg.Wait()

	if n := failed.Load(); n != 0 {
		t.Fatalf("%d of %d requests failed during the rotation; first: %v", n, n+ok.Load(), firstErr.Load())
	}
	if _, ok := store.PublicKey(oldSerial); !ok {
		t.Error("the store dropped the old certificate during the rotation")
	}
	if n := len(store.Certificates()); n != 2 {
		t.Errorf("store holds %d certificates, want 2", n)
	}
}

// A reply signed by a certificate the store has not seen makes it fetch
// early, so a rotation it missed costs one failed request, not a day.
func TestStoreFetchesOnUnknownSerial(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{RetryInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	cfg := certMode(srv)
	cfg.Keys = store
	client, _ := wechatpay.New(cfg)

	srv.RotatePlatformKey() // publish and switch at once
	if err := reverse(ctx, client, srv); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("first reply after an unannounced rotation: %v", err)
	}
	waitFor(t, "a request to succeed again", func() bool { return reverse(ctx, client, srv) == nil })
}

func TestStoreErrors(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	ctx := context.Background()
	if _, err := certificates.NewStore(ctx, certMode(srv), strings.Repeat("k", 32), certificates.Options{}); !errors.Is(err, aescipher.ErrAuthentication) {
		t.Errorf("wrong APIv3 key: %v", err)
	}
	bad := certMode(srv)
	bad.MchID = ""
	if _, err := certificates.NewStore(ctx, bad, srv.APIv3Key, certificates.Options{}); err == nil {
		t.Error("a config without MchID made a store")
	}

	errs := make(chan error, 10)
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{
		Interval: 10 * time.Millisecond, RetryInterval: 10 * time.Millisecond,
		OnError: func(err error) {
			select {
			case errs <- err:
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	_, serial := srv.PlatformCertificate()
	srv.Close()
	if err := <-errs; err == nil {
		t.Fatal("OnError was told nil")
	}
	if _, ok := store.PublicKey(serial); !ok {
		t.Error("a failed refresh dropped the keys held")
	}
}

// With Roots, a list is taken only if a trusted root issued every
// certificate in it.
func TestVerifierRoots(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	trusted := x509.NewCertPool()
	trusted.AddCert(srv.PlatformRoot())
	other := x509.NewCertPool()
	other.AddCert(selfSignedCA(t))

	for name, tc := range map[string]struct {
		roots *x509.CertPool
		want  error
	}{
		"the issuing root": {trusted, nil},
		"another root":     {other, certificates.ErrUntrustedIssuer},
		"no roots given":   {nil, nil},
	} {
		cfg := certMode(srv)
		cfg.Verifier = certificates.Verifier(srv.APIv3Key, nil, tc.roots)
		client, err := wechatpay.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Chain("v3/certificates").Get(ctx)
		var verr *wechatpay.VerifyError
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != nil && (!errors.As(err, &verr) || !errors.Is(err, tc.want)):
			t.Errorf("%s: %v, want a VerifyError wrapping %v", name, err, tc.want)
		}
	}

	if _, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Roots: other}); !errors.Is(err, certificates.ErrUntrustedIssuer) {
		t.Errorf("NewStore with another root: %v, want ErrUntrustedIssuer", err)
	}
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Roots: trusted})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	if got := len(store.Certificates()); got != 1 {
		t.Errorf("the store holds %d certificates, want 1", got)
	}
}

// A certificate published ahead of its effective time is still judged by
// its issuer, and an expired one is not taken.
func TestIssuedValidity(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.PlatformRoot())
	cert := srv.PlatformCertificates()[0]
	certs := []certificates.Certificate{{Serial: "S", Certificate: cert}}
	if err := certificates.Issued(certs, roots, cert.NotBefore.Add(-24*time.Hour)); err != nil {
		t.Errorf("ahead of its effective time: %v", err)
	}
	if err := certificates.Issued(certs, roots, cert.NotAfter.Add(time.Hour)); !errors.Is(err, certificates.ErrUntrustedIssuer) {
		t.Errorf("expired: %v, want ErrUntrustedIssuer", err)
	}
}

func selfSignedCA(t *testing.T) *x509.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Tenpay.com Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// memCache is a Cache in memory, shared by the stores of a test as Redis
// would be by the instances of a service.
type memCache struct {
	mu      sync.Mutex
	body    []byte
	at      time.Time
	fetches int
	since   []time.Time // of each List call
}

func (c *memCache) List(ctx context.Context, since time.Time, fetch func(context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.since = append(c.since, since)
	if c.body != nil && !c.at.Before(since) {
		return c.body, nil
	}
	body, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	c.fetches++
	c.body, c.at = body, time.Now()
	return body, nil
}

func (c *memCache) fetched() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

func (c *memCache) put(body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.body, c.at = body, time.Now()
}

// Stores sharing a cache fetch once between them, and each serves the
// certificates; Refresh takes only a list fetched after it was called.
func TestStoreCache(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	cache := &memCache{}
	_, serial := srv.PlatformCertificate()
	var stores []*certificates.Store
	for range 4 {
		store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Stop()
		stores = append(stores, store)
	}
	if n := len(srv.Requests()); n != 1 || cache.fetched() != 1 {
		t.Fatalf("4 stores made %d requests, %d fetches; want 1", n, cache.fetched())
	}
	for i, store := range stores {
		if _, ok := store.PublicKey(serial); !ok {
			t.Errorf("store %d lacks %s", i, serial)
		}
	}
	before := time.Now()
	if err := stores[0].Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	cache.mu.Lock()
	got := cache.since[len(cache.since)-1]
	cache.mu.Unlock()
	if got.Before(before) {
		t.Errorf("Refresh asked for a list since %s, before it was called at %s", got, before)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("Refresh made %d requests in all, want 2", n)
	}
}

// A list read from the cache is checked as a download is: it must
// decrypt with the store's APIv3 key, agree with the keys it knows, and
// with Roots be issued by one of them.
func TestStoreCacheChecks(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()

	// Another merchant's list, encrypted under another APIv3 key.
	other := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer other.Close()
	cache := &memCache{}
	cache.put(rawList(t, other))
	if _, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Cache: cache}); !errors.Is(err, aescipher.ErrAuthentication) {
		t.Errorf("a list under another APIv3 key: %v", err)
	}

	// A list that gives a trusted serial another key.
	_, serial := srv.PlatformCertificate()
	cfg := certMode(srv)
	cfg.Keys = signer.StaticKeys{serial: srv.PlatformPublicKey()}
	cache.put(rawList(t, srv))
	if _, err := certificates.NewStore(ctx, cfg, srv.APIv3Key, certificates.Options{Cache: cache}); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Errorf("a list contradicting a trusted key: %v", err)
	}

	// With Roots, a certificate no trusted root issued.
	roots := x509.NewCertPool()
	roots.AddCert(selfSignedCA(t))
	cache.put(rawList(t, srv))
	if _, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Cache: cache, Roots: roots}); !errors.Is(err, certificates.ErrUntrustedIssuer) {
		t.Errorf("a list no trusted root issued: %v", err)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("the server saw %d requests, want the 2 of rawList", n)
	}
}

// With a cache, a reply signed by an unknown certificate still makes the
// store fetch early, taking no list older than RetryInterval.
func TestStoreCacheFetchesOnUnknownSerial(t *testing.T) {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	cache := &memCache{}
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Cache: cache, RetryInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	cfg := certMode(srv)
	cfg.Keys = store
	client, _ := wechatpay.New(cfg)

	srv.RotatePlatformKey()
	if err := reverse(ctx, client, srv); !errors.Is(err, signer.ErrUnknownSerial) {
		t.Fatalf("first reply after an unannounced rotation: %v", err)
	}
	waitFor(t, "a request to succeed again", func() bool { return reverse(ctx, client, srv) == nil })
	if cache.fetched() < 2 {
		t.Errorf("%d fetches, want the first and one after the rotation", cache.fetches)
	}
}
