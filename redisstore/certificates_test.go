package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/certificates"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/redisstore"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// certMode is the configuration of a merchant that verifies with
// platform certificates and holds none yet.
func certMode(srv *wxpaytest.Server) wechatpay.Config {
	cfg := srv.Config()
	cfg.Certs = nil
	return cfg
}

// downloads counts the certificate lists the server sent.
func downloads(srv *wxpaytest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Target == "/v3/certificates" {
			n++
		}
	}
	return n
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

// serials returns the serials a store holds.
func serials(store *certificates.Store) map[string]bool {
	out := map[string]bool{}
	for _, c := range store.Certificates() {
		out[c.Serial] = true
	}
	return out
}

// waitFor polls cond until it holds, failing the test after a generous
// while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i == 1000 {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Instances starting at once, each with its own Redis client, make one
// download between them; a store started later reads the list another
// fetched, in one round trip.
func TestCertificateCacheInstances(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	_, serial := srv.PlatformCertificate()

	const instances = 4
	stores := make([]*certificates.Store, instances)
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		client, _ := rs.Client(t)
		wg.Go(func() {
			stores[i], errs[i] = certificates.NewStore(ctx, certMode(srv), srv.APIv3Key,
				certificates.Options{Cache: &redisstore.CertificateCache{Client: client}})
		})
	}
	wg.Wait()
	for i, store := range stores {
		if errs[i] != nil {
			t.Fatalf("store %d: %v", i, errs[i])
		}
		defer store.Stop()
		if _, ok := store.PublicKey(serial); !ok {
			t.Errorf("store %d lacks %s", i, serial)
		}
	}
	if n := downloads(srv); n != 1 {
		t.Errorf("%d instances made %d downloads, want 1", instances, n)
	}

	// After a rotation one instance refreshes; one started next reads its
	// list and holds the new certificate without a download.
	next := srv.AddPlatformCertificate()
	if err := stores[0].Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	client, trips := rs.Client(t)
	late, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key,
		certificates.Options{Cache: &redisstore.CertificateCache{Client: client}})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Stop()
	if !serials(late)[keys.SerialNumber(next)] || !serials(stores[0])[keys.SerialNumber(next)] {
		t.Errorf("after the rotation: the refreshed store holds %v, the late one %v", serials(stores[0]), serials(late))
	}
	if n := downloads(srv); n != 2 {
		t.Errorf("%d downloads, want 2: the first and the refresh", n)
	}
	if n := trips.Load(); n != 1 {
		t.Errorf("the late store made %d round trips to Redis, want 1", n)
	}
}

// A store keeps the certificates it held until they expire when a list
// from Redis no longer names them, as it does with a download; the APIv3
// key is not in Redis.
func TestCertificateCacheKeepsOldKeys(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	_, old := srv.PlatformCertificate()
	next := keys.SerialNumber(srv.AddPlatformCertificate())

	var stores []*certificates.Store
	for range 2 {
		client, _ := rs.Client(t)
		store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{
			Cache: &redisstore.CertificateCache{Client: client, Key: "wechatpay:certificates:" + srv.MchID},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Stop()
		stores = append(stores, store)
	}

	// A list that names only the new certificate, stored as an instance
	// stores one, dated ahead so that it is the one a Refresh takes.
	var list struct{ Data []json.RawMessage }
	if err := json.Unmarshal(rawList(t, srv), &list); err != nil || len(list.Data) != 2 {
		t.Fatalf("the server lists %d certificates (%v), want 2", len(list.Data), err)
	}
	var newest []json.RawMessage
	for _, item := range list.Data {
		var c struct {
			SerialNo string `json:"serial_no"`
		}
		json.Unmarshal(item, &c)
		if c.SerialNo == next {
			newest = append(newest, item)
		}
	}
	if len(newest) != 1 {
		t.Fatalf("%d items name %s", len(newest), next)
	}
	body, _ := json.Marshal(map[string]any{"data": newest})
	value, _ := json.Marshal(map[string]any{"fetched": time.Now().Add(time.Hour), "list": json.RawMessage(body)})
	client, _ := rs.Client(t)
	if err := client.Set(ctx, "wechatpay:certificates:"+srv.MchID, value, 0).Err(); err != nil {
		t.Fatal(err)
	}
	before := downloads(srv)
	for i, store := range stores {
		if err := store.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if s := serials(store); !s[next] || !s[old] {
			t.Errorf("store %d holds %v, want %s from the list and %s, which has not expired", i, s, next, old)
		}
		if _, ok := store.PublicKey(old); !ok {
			t.Errorf("store %d does not serve %s", i, old)
		}
	}
	if n := downloads(srv) - before; n != 0 {
		t.Errorf("%d downloads while Redis held a fresh list", n)
	}

	stored, err := client.Get(ctx, "wechatpay:certificates:"+srv.MchID).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(stored) || strings.Contains(string(stored), srv.APIv3Key) {
		t.Errorf("Redis holds %s", stored)
	}
}

// A list read from Redis is checked as a download is: another merchant's
// list does not decrypt with this merchant's APIv3 key.
func TestCertificateCacheChecksList(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	other := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer other.Close()
	ctx := context.Background()
	client, _ := rs.Client(t)
	value, _ := json.Marshal(map[string]any{"fetched": time.Now(), "list": json.RawMessage(rawList(t, other))})
	if err := client.Set(ctx, "wechatpay:certificates", value, 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key,
		certificates.Options{Cache: &redisstore.CertificateCache{Client: client}})
	if !errors.Is(err, aescipher.ErrAuthentication) {
		t.Errorf("another merchant's list from Redis: %v", err)
	}
}

// An instance that took the lock and died holds it up to Lock; then
// another downloads.
func TestCertificateCacheLockExpires(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	client, _ := rs.Client(t)
	if err := client.Set(ctx, "wechatpay:certificates:lock", "a dead instance", 200*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key,
		certificates.Options{Cache: &redisstore.CertificateCache{Client: client}})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Stop()
	if n := downloads(srv); n != 1 {
		t.Errorf("%d downloads, want 1 once the lock expired", n)
	}
	if n, err := client.Exists(ctx, "wechatpay:certificates:lock").Result(); n != 0 || err != nil {
		t.Errorf("the lock is still there (%d, %v)", n, err)
	}
}

// With Redis down, a store downloads on its own and OnError is told; once
// Redis is back, the list is shared again.
func TestCertificateCacheRedisDown(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()
	rs.Kill()
	client, _ := rs.Client(t)
	var mu sync.Mutex
	var failures []error
	cache := &redisstore.CertificateCache{Client: client, Timeout: time.Second, OnError: func(err error) {
		mu.Lock()
		failures = append(failures, err)
		mu.Unlock()
	}}
	store, err := certificates.NewStore(ctx, certMode(srv), srv.APIv3Key, certificates.Options{Cache: cache})
	if err != nil {
		t.Fatalf("with Redis down: %v", err)
	}
	defer store.Stop()
	_, serial := srv.PlatformCertificate()
	if _, ok := store.PublicKey(serial); !ok {
		t.Errorf("the store lacks %s", serial)
	}
	mu.Lock()
	var re *redisstore.Error
	if len(failures) != 1 || !errors.As(failures[0], &re) || re.Op != "certificate cache read" {
		t.Errorf("OnError was told %v", failures)
	}
	mu.Unlock()

	rs.Restart(t)
	waitFor(t, "Redis to answer", func() bool { return client.Ping(ctx).Err() == nil })
	if err := store.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := client.Exists(ctx, "wechatpay:certificates").Result(); n != 1 || err != nil {
		t.Errorf("after Redis is back the list is not shared (%d, %v)", n, err)
	}
}
