package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/redisstore"
)

// One Check per callback: a new nonce each time, one round trip to a
// local Redis.
func BenchmarkReplayGuardCheck(b *testing.B) {
	rs := startRedis(b)
	client, _ := rs.Client(b)
	g := &redisstore.ReplayGuard{Client: client}
	now := time.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if seen, err := g.Check("N"+strconv.Itoa(i), now); seen || err != nil {
			b.Fatal(seen, err)
		}
	}
}

// A store reading the list another instance stored: one GET.
func BenchmarkCertificateCacheList(b *testing.B) {
	rs := startRedis(b)
	client, _ := rs.Client(b)
	cache := &redisstore.CertificateCache{Client: client}
	list := []byte(`{"data":[{"serial_no":"5157F09EFDC096DE15EBE81A47057A7232F1B8E1","effective_time":"2026-01-01T00:00:00+08:00","expire_time":"2031-01-01T00:00:00+08:00","encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","nonce":"61f9c719728a","associated_data":"certificate","ciphertext":"AAAA"}}]}`)
	ctx := context.Background()
	fetch := func(context.Context) ([]byte, error) { return list, nil }
	if _, err := cache.List(ctx, time.Now(), fetch); err != nil {
		b.Fatal(err)
	}
	since := time.Now().Add(-time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.List(ctx, since, func(context.Context) ([]byte, error) {
			b.Fatal("downloaded")
			return nil, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// A delivery of an APIv2 result already handled: a claim that fails, and
// a GET.
func BenchmarkV2DedupHandled(b *testing.B) {
	rs := startRedis(b)
	client, _ := rs.Client(b)
	d := &redisstore.V2Dedup{Client: client}
	n := &notify.NotificationV2{Fields: map[string]string{"transaction_id": "4200000000202612060000000003"}}
	ctx := context.Background()
	handle := func(context.Context) error { return nil }
	if err := d.Do(ctx, n, handle); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Do(ctx, n, func(context.Context) error { b.Fatal("handled again"); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
