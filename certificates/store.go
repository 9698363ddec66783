package certificates

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
)

// Options are the rare knobs of a Store; the zero value is a good
// default.
type Options struct {
	// Interval is the longest wait between two fetches: 12 hours if zero.
	// The wait is shorter when the newest certificate held expires within
	// twice the interval: half the time left.
	Interval time.Duration
	// RetryInterval is the wait after a failed fetch, and the least time
	// between two: one minute if zero, and never more than Interval.
	RetryInterval time.Duration
	// OnError, if set, is told of each failed background fetch. The keys
	// held so far stay in use.
	OnError func(error)
	// Path is the certificate list fetched: "v3/certificates" if empty.
	// Merchants outside mainland China fetch "v3/global/certificates"
	// (served at apihk.mch.weixin.qq.com, where the client sends it when
	// Config.BaseURL is the default) or "hk/v3/certificates".
	Path string
	// Roots, if set, are the certificate authorities that must have issued
	// every platform certificate fetched (WeChat Pay's Tenpay.com Root CA);
	// see Verifier.
	Roots *x509.CertPool
	// Cache, if set, shares the lists fetched with the other instances of
	// a service, so that one fetch serves them all; see Cache.
	Cache Cache
}

// Cache shares certificate lists between the instances of a service, so
// that one of them fetches for all and they agree on the keys (the
// redisstore module keeps one in Redis). It holds lists as WeChat Pay
// sends them, with the certificates encrypted under the APIv3 key: a
// Store decrypts and checks a list it reads from the cache as it checks
// one it downloads (the key it knows, Options.Roots), so the APIv3 key
// never leaves the process, and whoever can write to the cache cannot
// slip in a certificate.
type Cache interface {
	// List returns the body of a certificate list fetched at since or
	// later: the one the cache holds if it is that recent, otherwise the
	// one fetch downloads, which the cache then holds for the others.
	List(ctx context.Context, since time.Time, fetch func(context.Context) ([]byte, error)) ([]byte, error)
}

// Store holds the platform certificates of a merchant and keeps them
// current. It implements signer.Keys, to be the client's Config.Keys:
// lookups read an immutable snapshot and never block, while fetches
// replace the snapshot whole. It is safe for concurrent use.
//
// A fetch keeps every certificate it lists and every certificate held
// before that has not expired, so replies signed with the old key still
// verify while WeChat Pay moves to the new one. A lookup of a serial the
// store does not hold (other than a public key id, PUB_KEY_ID_...) asks
// for an early fetch, at most one per RetryInterval.
type Store struct {
	client   *wechatpay.Client
	apiv3Key string
	opts     Options
	known    signer.Keys // the keys a list must agree with

	held    atomic.Pointer[map[string]Certificate]
	fetchMu sync.Mutex // one fetch at a time
	lastMu  sync.Mutex
	last    time.Time // when the last fetch began

	kick   chan struct{}
	ctx    context.Context // cancelled by Stop
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// NewStore fetches the platform certificates (Options.Path) with the merchant identity of
// cfg (MchID, Serial, PrivateKey, BaseURL, TLSConfig, Transport) and
// starts refreshing them in the background. The first list is verified
// with the certificates it carries and with the platform keys of cfg
// (Certs, Keys) that name its signer; see Verifier. Call Stop when done.
func NewStore(ctx context.Context, cfg wechatpay.Config, apiv3Key string, o Options) (*Store, error) {
	if o.Interval <= 0 {
		o.Interval = 12 * time.Hour
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = time.Minute
	}
	o.RetryInterval = min(o.RetryInterval, o.Interval)
	if o.Path == "" {
		o.Path = "v3/certificates"
	}
	if !isList("/", o.Path) {
		return nil, fmt.Errorf("certificates: Options.Path %q is not v3/certificates, v3/global/certificates or hk/v3/certificates", o.Path)
	}
	s := &Store{apiv3Key: apiv3Key, opts: o, kick: make(chan struct{}, 1), done: make(chan struct{})}
	s.held.Store(&map[string]Certificate{})
	s.known = signer.MultiKeys(signer.StaticKeys(cfg.Certs), cfg.Keys, heldKeys{s})
	cfg.Verifier = Verifier(apiv3Key, s.known, o.Roots)
	client, err := wechatpay.New(cfg)
	if err != nil {
		return nil, err
	}
	s.client = client
	if err := s.refresh(ctx, time.Now().Add(-o.Interval)); err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.run()
	return s, nil
}

// PublicKey returns the key of the certificate serial names, unless it
// has expired.
func (s *Store) PublicKey(serial string) (*rsa.PublicKey, bool) {
	if key, ok := s.lookup(serial); ok {
		return key, true
	}
	if !strings.HasPrefix(serial, "PUB_KEY_ID_") {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return nil, false
}

func (s *Store) lookup(serial string) (*rsa.PublicKey, bool) {
	c, ok := (*s.held.Load())[serial]
	if !ok || time.Now().After(c.ExpireTime) {
		return nil, false
	}
	return c.PublicKey(), true
}

// heldKeys is the store as known keys of its own fetches: no early fetch
// for what a list does not name.
type heldKeys struct{ s *Store }

func (h heldKeys) PublicKey(serial string) (*rsa.PublicKey, bool) { return h.s.lookup(serial) }

// Certificates returns the certificates held, the one that expires last
// first.
func (s *Store) Certificates() []Certificate {
	held := *s.held.Load()
	out := make([]Certificate, 0, len(held))
	for _, c := range held {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ExpireTime.After(out[j].ExpireTime) })
	return out
}

// Refresh fetches the certificate list now (with a Cache, it takes a
// list another instance fetched after Refresh was called). On failure the
// certificates held stay as they were.
func (s *Store) Refresh(ctx context.Context) error {
	return s.refresh(ctx, time.Now())
}

// refresh fetches the certificate list, or with a Cache takes one fetched
// at since or later.
func (s *Store) refresh(ctx context.Context, since time.Time) error {
	s.fetchMu.Lock()
	defer s.fetchMu.Unlock()
	s.lastMu.Lock()
	s.last = time.Now()
	s.lastMu.Unlock()
	var body []byte
	var err error
	if s.opts.Cache != nil {
		body, err = s.opts.Cache.List(ctx, since, s.download)
	} else {
		body, err = s.download(ctx)
	}
	if err != nil {
		return err
	}
	certs, err := Decrypt(body, s.apiv3Key)
	if err != nil {
		return err
	}
	now := time.Now()
	if s.opts.Cache != nil {
		// A download was checked by the Verifier middleware; a list from
		// the cache may not have been downloaded here.
		if err := agree(s.known, certs); err != nil {
			return err
		}
		if s.opts.Roots != nil {
			if err := Issued(certs, s.opts.Roots, now); err != nil {
				return err
			}
		}
	}
	next := make(map[string]Certificate, len(certs)+1)
	for serial, c := range *s.held.Load() {
		if now.Before(c.ExpireTime) {
			next[serial] = c
		}
	}
	for _, c := range certs {
		next[c.Serial] = c
	}
	s.held.Store(&next)
	return nil
}

// download fetches the certificate list, verified by the client's
// Verifier middleware.
func (s *Store) download(ctx context.Context) ([]byte, error) {
	resp, err := s.client.Chain(s.opts.Path).Get(ctx)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Stop ends the background refresh and waits for it. The certificates
// held stay usable. Stop may be called more than once.
func (s *Store) Stop() {
	s.once.Do(func() {
		s.cancel()
		<-s.done
	})
}

func (s *Store) run() {
	defer close(s.done)
	d := s.wait(true)
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		// A list another instance fetched within the wait is as fresh as
		// one this store would have fetched on its own schedule.
		var since time.Time
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
			since = time.Now().Add(-d)
		case <-s.kick:
			s.lastMu.Lock()
			recent := time.Since(s.last) < s.opts.RetryInterval
			s.lastMu.Unlock()
			if recent {
				continue
			}
			since = time.Now().Add(-s.opts.RetryInterval)
		}
		err := s.refresh(s.ctx, since)
		if err != nil && s.ctx.Err() == nil && s.opts.OnError != nil {
			s.opts.OnError(err)
		}
		d = s.wait(err == nil)
		timer.Reset(d)
	}
}

// wait is how long to wait before the next fetch.
func (s *Store) wait(fetched bool) time.Duration {
	if !fetched {
		return s.opts.RetryInterval
	}
	d := s.opts.Interval
	var latest time.Time
	for _, c := range *s.held.Load() {
		if c.ExpireTime.After(latest) {
			latest = c.ExpireTime
		}
	}
	if half := time.Until(latest) / 2; half < d {
		d = half
	}
	return max(d, s.opts.RetryInterval)
}
