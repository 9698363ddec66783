package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/redisstore"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// captured is one callback as WeChat Pay sent it, to deliver again.
type captured struct {
	header http.Header
	body   []byte
}

// capture makes the test server send a callback and keeps it.
func capture(t *testing.T, srv *wxpaytest.Server, outTradeNo string) captured {
	t.Helper()
	var c captured
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.header = r.Header.Clone()
		c.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hs.Close()
	if _, err := srv.Notify(context.Background(), hs.URL, "TRANSACTION.SUCCESS",
		`{"out_trade_no":"`+outTradeNo+`","trade_state":"SUCCESS"}`); err != nil {
		t.Fatal(err)
	}
	return c
}

// deliver posts a captured callback to url and returns the reply status.
func deliver(t *testing.T, url string, c captured) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(c.body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header = c.header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// instance is one instance of a merchant's service: its own Redis client,
// guard, verifier and callback handler.
type instance struct {
	url      string
	trips    *atomic.Int64 // Redis round trips
	accepted atomic.Int64
	errs     chan error // refusals other than replays
}

func newInstance(t *testing.T, rs *redisServer, srv *wxpaytest.Server) *instance {
	client, trips := rs.Client(t)
	v := &notify.Verifier{
		Keys:     signer.StaticKeys{srv.PlatformKeyID: srv.PlatformPublicKey()},
		APIv3Key: srv.APIv3Key,
		Replay:   &redisstore.ReplayGuard{Client: client},
	}
	in := &instance{trips: trips, errs: make(chan error, 1000)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := v.Parse(r)
		if err == nil {
			in.accepted.Add(1)
		} else if !errors.Is(err, notify.ErrReplay) {
			in.errs <- err
		}
		notify.Reply(w, err)
	}))
	t.Cleanup(hs.Close)
	in.url = hs.URL
	return in
}

// The same callbacks reach several instances at once, each with its own
// Redis client, several times over: each callback is taken exactly once,
// and each delivery costs one round trip to Redis.
func TestReplayGuardInstances(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer()
	defer srv.Close()
	const instances, perInstance, callbacks = 4, 3, 10
	var ins []*instance
	for range instances {
		ins = append(ins, newInstance(t, rs, srv))
	}
	var cbs []captured
	for i := range callbacks {
		cbs = append(cbs, capture(t, srv, "order-"+string(rune('a'+i))))
	}

	statuses := make(map[int]int)
	var mu sync.Mutex
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, in := range ins {
		for range perInstance {
			wg.Go(func() {
				<-start
				for _, c := range cbs {
					s := deliver(t, in.url, c)
					mu.Lock()
					statuses[s]++
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()

	deliveries := instances * perInstance * callbacks
	if statuses[http.StatusNoContent] != callbacks || statuses[http.StatusConflict] != deliveries-callbacks || len(statuses) != 2 {
		t.Errorf("replies %v, want %d×204 and %d×409", statuses, callbacks, deliveries-callbacks)
	}
	var accepted, trips int64
	for i, in := range ins {
		accepted += in.accepted.Load()
		trips += in.trips.Load()
		select {
		case err := <-in.errs:
			t.Errorf("instance %d: %v", i, err)
		default:
		}
	}
	if accepted != callbacks {
		t.Errorf("%d callbacks taken, want %d", accepted, callbacks)
	}
	if trips != int64(deliveries) {
		t.Errorf("%d round trips to Redis for %d deliveries, want one each", trips, deliveries)
	}
	if n := rs.Commands(t, "set"); n != deliveries {
		t.Errorf("Redis ran SET %d times for %d deliveries", n, deliveries)
	}
	t.Logf("%d deliveries of %d callbacks to %d instances: %v, %d Redis round trips", deliveries, callbacks, instances, statuses, trips)
}

// A nonce is kept for twice the window, the time its callback verifies.
func TestReplayGuardExpiry(t *testing.T) {
	rs := startRedis(t)
	client, _ := rs.Client(t)
	g := &redisstore.ReplayGuard{Client: client, Window: 90 * time.Second, Prefix: "test:"}
	now := time.Now()
	if seen, err := g.Check("N1", now); seen || err != nil {
		t.Fatalf("first check: %v %v", seen, err)
	}
	if seen, err := g.Check("N1", now); !seen || err != nil {
		t.Fatalf("second check: %v %v", seen, err)
	}
	ttl, err := client.PTTL(context.Background(), "test:N1").Result()
	if err != nil || ttl <= 170*time.Second || ttl > 180*time.Second {
		t.Errorf("the nonce expires in %v (%v), want 180 s", ttl, err)
	}
}

// Redis dies while callbacks arrive: every callback it cannot check is
// refused with a 503 and a typed error, none is taken; once Redis is back,
// callbacks are taken again.
func TestReplayGuardRedisKilled(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer()
	defer srv.Close()
	in := newInstance(t, rs, srv)

	for i := range 3 {
		if s := deliver(t, in.url, capture(t, srv, "before")); s != http.StatusNoContent {
			t.Fatalf("callback %d before the kill: %d", i, s)
		}
	}
	rs.Kill()
	const during = 5
	for i := range during {
		c := capture(t, srv, "during")
		if s := deliver(t, in.url, c); s != http.StatusServiceUnavailable {
			t.Errorf("callback %d with Redis down: %d, want 503", i, s)
		}
		err := <-in.errs
		var re *redisstore.Error
		var ne *notify.Error
		if !errors.As(err, &re) || re.Op != "replay check" || !errors.As(err, &ne) || ne.Step != notify.StepReplay {
			t.Errorf("callback %d with Redis down: %v", i, err)
		}
	}
	if n := in.accepted.Load(); n != 3 {
		t.Errorf("%d callbacks taken, want the 3 before the kill", n)
	}

	// The guard alone: down means seen, so a plain ReplayGuard caller
	// refuses too.
	client, _ := rs.Client(t)
	g := &redisstore.ReplayGuard{Client: client, Timeout: time.Second}
	if !g.Seen("N-down", time.Now()) {
		t.Error("Seen with Redis down said not seen")
	}

	rs.Restart(t)
	// The client dials again in the background after failed dials; a
	// callback answered 503 meanwhile is one WeChat Pay sends again.
	var c captured
	for i := 0; ; i++ {
		c = capture(t, srv, "after")
		s := deliver(t, in.url, c)
		if s == http.StatusNoContent {
			break
		}
		if s != http.StatusServiceUnavailable || i == 200 {
			t.Fatalf("after Redis is back: %d", s)
		}
		<-in.errs
		time.Sleep(50 * time.Millisecond)
	}
	if s := deliver(t, in.url, c); s != http.StatusConflict {
		t.Errorf("replayed after Redis is back: %d", s)
	}
	t.Logf("before the kill 3 taken; with Redis down %d refused with 503; after the restart taken again", during)
}
