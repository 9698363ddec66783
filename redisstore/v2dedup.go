package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/wxpay-go/wechatpay/notify"
)

// V2Dedup runs the handling of an APIv2 callback once across all the
// instances of a service. APIv2 callbacks carry no nonce, and WeChat Pay
// sends a result again (with a new nonce_str and sign) until it is
// answered SUCCESS, to whichever instance the load balancer picks; what a
// merchant must handle once is the result itself: the payment named by
// its transaction_id, the refund named by its out_refund_no. V2Dedup
// keys each by that id and the kind of result.
//
// Do claims the key in Redis (SET NX, for Hold) before it runs the
// handler, and marks it handled (for Keep) when the handler succeeds. A
// delivery of a result already handled is answered SUCCESS without
// running the handler again; one that arrives while another instance
// handles it gets ErrInProgress, answered FAIL, and WeChat Pay sends it
// again later. When Redis cannot answer, Do returns an *Error without
// running the handler: the callback is answered FAIL and comes again,
// never handled unchecked.
type V2Dedup struct {
	Client redis.UniversalClient
	// Prefix of the keys: default "wechatpay:v2:". Give each merchant its
	// own when several share a Redis.
	Prefix string
	// Hold is how long a claim lasts: the handler's context ends then, and
	// if the instance dies while handling, another may handle after that.
	// Default one minute.
	Hold time.Duration
	// Keep is how long a handled result is remembered: longer than WeChat
	// Pay goes on sending it (about 24 hours for an unanswered payment
	// result). Default 48 hours.
	Keep    time.Duration
	Timeout time.Duration // of each round trip; default DefaultTimeout
}

// handled is the value of a key whose result was handled; a claim holds
// "handling " and its token.
const handled = "handled"

// Key returns the key Do claims for n: Prefix + "pay:" + transaction_id
// for a payment result, Prefix + "refund:" + out_refund_no for a refund
// result.
func (d *V2Dedup) Key(n *notify.NotificationV2) (string, error) {
	prefix := d.Prefix
	if prefix == "" {
		prefix = "wechatpay:v2:"
	}
	kind, id := "pay:", n.Fields["transaction_id"]
	if n.Refund {
		kind, id = "refund:", n.Fields["out_refund_no"]
	}
	if id == "" {
		return "", ErrNoID
	}
	return prefix + kind + id, nil
}

// Do runs handle for the verified callback n unless an instance handled
// its result already (then it returns nil) or handles it now (then
// ErrInProgress). A handler's error releases the claim, so that WeChat
// Pay's next delivery runs it again, and is returned. Pass what Do
// returns to notify.ReplyV2.
func (d *V2Dedup) Do(ctx context.Context, n *notify.NotificationV2, handle func(context.Context) error) error {
	key, err := d.Key(n)
	if err != nil {
		return err
	}
	hold := d.Hold
	if hold <= 0 {
		hold = time.Minute
	}
	keep := d.Keep
	if keep <= 0 {
		keep = 48 * time.Hour
	}
	claim := "handling " + newToken()
	rctx, cancel := context.WithTimeout(ctx, timeout(d.Timeout))
	took, err := d.Client.SetNX(rctx, key, claim, hold).Result()
	cancel()
	if err != nil {
		return &Error{Op: "v2 claim", Key: key, Err: err}
	}
	if !took {
		rctx, cancel := context.WithTimeout(ctx, timeout(d.Timeout))
		v, err := d.Client.Get(rctx, key).Result()
		cancel()
		switch {
		case err == nil && v == handled:
			return nil
		case err == nil || errors.Is(err, redis.Nil):
			// Handled now, or released by a handler that failed a moment
			// ago: either way, the next delivery settles it.
			return ErrInProgress
		default:
			return &Error{Op: "v2 claim", Key: key, Err: err}
		}
	}

	hctx, cancel := context.WithTimeout(ctx, hold)
	herr := handle(hctx)
	cancel()
	rctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), timeout(d.Timeout))
	defer cancel()
	if herr != nil {
		if err := release.Run(rctx, d.Client, []string{key}, claim).Err(); err != nil {
			// The claim then lapses after Hold.
			return fmt.Errorf("%w (and %w)", herr, &Error{Op: "v2 release", Key: key, Err: err})
		}
		return herr
	}
	// The result is handled even if Redis cannot record it: the claim then
	// lapses after Hold, and only a delivery after that (WeChat Pay sends
	// none once answered SUCCESS) would run the handler again.
	finish.Run(rctx, d.Client, []string{key}, claim, handled, keep.Milliseconds())
	return nil
}
