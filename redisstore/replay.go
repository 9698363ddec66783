package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/signer"
)

// DefaultTimeout bounds each Redis round trip a value of this package
// makes, when its Timeout is zero.
const DefaultTimeout = 2 * time.Second

// ReplayGuard remembers the nonces of verified APIv3 callbacks in Redis,
// for every instance of a service: set it as notify.Verifier.Replay. The
// first instance to see a nonce takes the callback; the others, and
// anyone who replays a captured callback, are refused (409).
//
// Each check is one round trip, SET key value NX with an expiry of twice
// Window: a timestamp is accepted from Window before the local clock to
// Window after it, so a signed callback verifies for up to twice Window,
// as notify.NonceCache reckons. The instances' clocks are taken to agree
// (NTP); raise Window on all of them to allow for more drift.
//
// When Redis cannot answer in Timeout, Check returns an *Error and the
// Verifier refuses the callback with a 503, so WeChat Pay sends it again
// later, with a new nonce; Seen says seen. A callback is never taken
// unchecked.
type ReplayGuard struct {
	Client  redis.UniversalClient
	Window  time.Duration // the Verifier's Window; default signer.DefaultWindow
	Prefix  string        // of the keys; default "wechatpay:nonce:"
	Timeout time.Duration // of a check; default DefaultTimeout
}

var _ notify.ReplayStore = (*ReplayGuard)(nil)

// Check implements notify.ReplayStore: it records nonce and reports
// whether any instance recorded it before, within twice Window.
func (g *ReplayGuard) Check(nonce string, now time.Time) (seen bool, err error) {
	keep := 2 * g.Window
	if keep <= 0 {
		keep = 2 * signer.DefaultWindow
	}
	key := g.Prefix
	if key == "" {
		key = "wechatpay:nonce:"
	}
	key += nonce
	ctx, cancel := context.WithTimeout(context.Background(), timeout(g.Timeout))
	defer cancel()
	first, err := g.Client.SetNX(ctx, key, now.Unix(), keep).Result()
	if err != nil {
		return false, &Error{Op: "replay check", Key: key, Err: err}
	}
	return !first, nil
}

// Seen implements notify.ReplayGuard: a nonce Redis could not check
// counts as seen. A Verifier calls Check instead.
func (g *ReplayGuard) Seen(nonce string, now time.Time) bool {
	seen, err := g.Check(nonce, now)
	return seen || err != nil
}

func timeout(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return DefaultTimeout
}
