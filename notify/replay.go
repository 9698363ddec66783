package notify

import (
	"sync"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
)

// ReplayGuard remembers the nonces of verified callbacks. A captured
// callback could otherwise be sent again within the 300 s window and pass
// verification; older ones fail the timestamp check anyway. WeChat Pay
// signs each delivery, retries included, with a fresh nonce.
//
// Servers behind a load balancer need a shared store (Redis SET NX with an
// expiry of the window, say; the redisstore module has one), which is a
// ReplayStore; NonceCache serves one process.
type ReplayGuard interface {
	// Seen records nonce at now and reports whether it was recorded
	// before, recently enough that its callback could still verify.
	Seen(nonce string, now time.Time) bool
}

// ReplayStore is a ReplayGuard kept outside the process, which can fail
// to answer. A Verifier whose Replay is a ReplayStore calls Check instead
// of Seen, and refuses a callback it could not check at StepReplay with
// the store's error, answered 503 so that WeChat Pay sends it again
// later: a callback is never taken unchecked.
type ReplayStore interface {
	ReplayGuard
	// Check is Seen, with the reason the store could not tell.
	Check(nonce string, now time.Time) (seen bool, err error)
}

// NonceCache is an in-memory ReplayGuard. The zero value is ready to use.
// A timestamp is accepted from Window before the local clock to Window
// after it, so one signed callback verifies for up to twice Window; the
// cache remembers each nonce that long.
type NonceCache struct {
	Window time.Duration // the Verifier's Window; default signer.DefaultWindow

	mu    sync.Mutex
	seen  map[string]time.Time
	swept time.Time
}

// Seen implements ReplayGuard.
func (c *NonceCache) Seen(nonce string, now time.Time) bool {
	keep := 2 * c.Window
	if keep <= 0 {
		keep = 2 * signer.DefaultWindow
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	// Sweeping once per period keeps the map at most two periods of
	// callbacks long without a goroutine.
	if now.Sub(c.swept) >= keep {
		for n, at := range c.seen {
			if now.Sub(at) >= keep {
				delete(c.seen, n)
			}
		}
		c.swept = now
	}
	if at, ok := c.seen[nonce]; ok && now.Sub(at) < keep {
		return true
	}
	c.seen[nonce] = now
	return false
}

// Len returns how many nonces are remembered, for monitoring.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
