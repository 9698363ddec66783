package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/wxpay-go/wechatpay/certificates"
)

// CertificateCache shares the platform certificate list between the
// instances of a service through Redis: set it as
// certificates.Options.Cache. When the list it holds is older than a
// Store asks for, one instance downloads a new one, under a lock in
// Redis, and the others wait for it and read what it stored, so N
// instances make one download and agree on the keys.
//
// Redis holds the list as WeChat Pay sends it, with the certificates
// encrypted under the APIv3 key, and when it was fetched. Each Store
// decrypts and checks a list it reads as it checks a download, so the
// APIv3 key never leaves the process and whoever can write to Redis
// cannot slip in a certificate. Each Store keeps the certificates it held
// before until they expire, whether the next list came from Redis or from
// WeChat Pay.
//
// When Redis cannot answer, the instance downloads the list itself, as it
// would without a cache (a list is checked either way), and OnError is
// told.
type CertificateCache struct {
	Client redis.UniversalClient
	// Key names the list in Redis, one per merchant and list (a list kept
	// under another merchant's key does not decrypt with this one's APIv3
	// key, and the Store refuses it): default "wechatpay:certificates".
	// The lock is Key + ":lock".
	Key string
	// Lock is the longest one instance holds the download to itself: if it
	// dies meanwhile, another downloads after that. Default 10 seconds.
	Lock    time.Duration
	Timeout time.Duration // of each round trip; default DefaultTimeout
	// OnError, if set, is told of each Redis failure the cache went
	// around by downloading.
	OnError func(error)
}

var _ certificates.Cache = (*CertificateCache)(nil)

// pollInterval is how often an instance waiting for another's download
// looks for it.
const pollInterval = 50 * time.Millisecond

// cachedList is the value kept under Key.
type cachedList struct {
	Fetched time.Time       `json:"fetched"` // when the download began
	List    json.RawMessage `json:"list"`    // the body of v3/certificates
}

// List implements certificates.Cache: it returns the list held in Redis
// if it was fetched at since or later; otherwise it downloads with fetch,
// or waits for the instance that holds the lock to download, and returns
// that list.
func (c *CertificateCache) List(ctx context.Context, since time.Time, fetch func(context.Context) ([]byte, error)) ([]byte, error) {
	key := c.Key
	if key == "" {
		key = "wechatpay:certificates"
	}
	lock := key + ":lock"
	hold := c.Lock
	if hold <= 0 {
		hold = 10 * time.Second
	}
	token := newToken()
	for {
		held, err := c.get(ctx, key)
		if err != nil {
			return c.around(ctx, err, fetch)
		}
		if held != nil && !held.Fetched.Before(since) {
			return held.List, nil
		}
		rctx, cancel := context.WithTimeout(ctx, timeout(c.Timeout))
		took, err := c.Client.SetNX(rctx, lock, token, hold).Result()
		cancel()
		if err != nil {
			return c.around(ctx, &Error{Op: "certificate lock", Key: lock, Err: err}, fetch)
		}
		if took {
			return c.download(ctx, key, lock, token, since, fetch)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

// download fetches the list while holding the lock, stores it, and
// releases the lock.
func (c *CertificateCache) download(ctx context.Context, key, lock, token string, since time.Time, fetch func(context.Context) ([]byte, error)) ([]byte, error) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout(c.Timeout))
		defer cancel()
		if err := release.Run(rctx, c.Client, []string{lock}, token).Err(); err != nil {
			c.report(&Error{Op: "certificate unlock", Key: lock, Err: err})
		}
	}()
	// Another instance may have stored a list and let the lock go between
	// the read and the lock.
	if held, err := c.get(ctx, key); err == nil && held != nil && !held.Fetched.Before(since) {
		return held.List, nil
	}
	began := time.Now()
	body, err := fetch(ctx)
	if err != nil {
		return nil, err
	}
	value, err := json.Marshal(cachedList{Fetched: began, List: body})
	if err != nil {
		// Only a body that is not JSON fails, which no Store would take.
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, timeout(c.Timeout))
	defer cancel()
	if err := c.Client.Set(rctx, key, value, 0).Err(); err != nil {
		c.report(&Error{Op: "certificate cache write", Key: key, Err: err})
	}
	return body, nil
}

// get reads the list held under key: nil if there is none, or if what is
// there cannot be read (a download then replaces it).
func (c *CertificateCache) get(ctx context.Context, key string) (*cachedList, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout(c.Timeout))
	defer cancel()
	raw, err := c.Client.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Op: "certificate cache read", Key: key, Err: err}
	}
	var held cachedList
	if json.Unmarshal(raw, &held) != nil || len(held.List) == 0 {
		return nil, nil
	}
	return &held, nil
}

// around downloads without the cache, after err.
func (c *CertificateCache) around(ctx context.Context, err error, fetch func(context.Context) ([]byte, error)) ([]byte, error) {
	c.report(err)
	return fetch(ctx)
}

func (c *CertificateCache) report(err error) {
	if c.OnError != nil {
		c.OnError(err)
	}
}
