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
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// captureV2 keeps the APIv2 callback send makes the test server post.
func captureV2(t *testing.T, send func(target string) error) []byte {
	t.Helper()
	var body []byte
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		notify.ReplyV2(w, nil)
	}))
	defer hs.Close()
	if err := send(hs.URL); err != nil {
		t.Fatal(err)
	}
	return body
}

// deliverV2 posts an APIv2 callback to url and returns the return_code of
// the reply.
func deliverV2(t *testing.T, url string, body []byte) string {
	resp, err := http.Post(url, "text/xml", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	fields, err := transformer.ToMap(reply)
	if err != nil {
		t.Errorf("reply %s: %v", reply, err)
	}
	return fields["return_code"]
}

// v2Instance is one instance's APIv2 callback handler: its own Redis
// client and V2Dedup, verifying with the server's APIv2 key, counting
// what it handled by key.
type v2Instance struct {
	url string
}

func newV2Instance(t *testing.T, rs *redisServer, srv *wxpaytest.Server, handled *sync.Map, failures chan<- error) *v2Instance {
	client, _ := rs.Client(t)
	d := &redisstore.V2Dedup{Client: client}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := notify.ParseV2(r, srv.Secret)
		if err == nil {
			err = d.Do(r.Context(), n, func(context.Context) error {
				key, _ := d.Key(n)
				count, _ := handled.LoadOrStore(key, new(atomic.Int64))
				count.(*atomic.Int64).Add(1)
				time.Sleep(5 * time.Millisecond) // some work, so that deliveries overlap it
				return nil
			})
		}
		if err != nil && !errors.Is(err, redisstore.ErrInProgress) {
			failures <- err
		}
		notify.ReplyV2(w, err)
	}))
	t.Cleanup(hs.Close)
	return &v2Instance{url: hs.URL}
}

// WeChat Pay's deliveries of the same payment and refund results (each
// with its own nonce_str and sign) reach several instances at once, each
// with its own Redis client: each result is handled exactly once, and
// once handled, every delivery is answered SUCCESS.
func TestV2DedupInstances(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	const transactionID = "4200000000202612060000000001"
	var deliveries [][]byte
	for range 5 {
		deliveries = append(deliveries,
			captureV2(t, func(target string) error {
				_, err := srv.NotifyV2(ctx, target, map[string]string{"result_code": "SUCCESS", "transaction_id": transactionID, "out_trade_no": "order-1", "total_fee": "100"})
				return err
			}),
			// A refund of the same payment: another result, handled on its
			// own.
			captureV2(t, func(target string) error {
				_, err := srv.NotifyV2Refund(ctx, target, map[string]string{"refund_status": "SUCCESS", "transaction_id": transactionID, "out_trade_no": "order-1", "out_refund_no": "refund-1", "refund_fee": "100"})
				return err
			}))
	}

	var handled sync.Map
	failures := make(chan error, 1000)
	var ins []*v2Instance
	for range 4 {
		ins = append(ins, newV2Instance(t, rs, srv, &handled, failures))
	}
	replies := map[string]int{}
	var mu sync.Mutex
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, in := range ins {
		for range 3 {
			wg.Go(func() {
				<-start
				for _, body := range deliveries {
					code := deliverV2(t, in.url, body)
					mu.Lock()
					replies[code]++
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Errorf("a delivery failed: %v", err)
	}
	want := []string{"wechatpay:v2:pay:" + transactionID, "wechatpay:v2:refund:refund-1"}
	for _, key := range want {
		count, ok := handled.Load(key)
		if !ok || count.(*atomic.Int64).Load() != 1 {
			t.Errorf("%s handled %v times, want once", key, count)
		}
	}
	// Once handled, a delivery to any instance is answered SUCCESS.
	for i, in := range ins {
		for _, body := range deliveries[:2] {
			if code := deliverV2(t, in.url, body); code != "SUCCESS" {
				t.Errorf("instance %d after handling: %s", i, code)
			}
		}
	}
	for _, key := range want {
		if count, _ := handled.Load(key); count.(*atomic.Int64).Load() != 1 {
			t.Errorf("%s handled again", key)
		}
	}
	t.Logf("%d deliveries of 2 results to 4 instances: %v", 12*len(deliveries), replies)
}

// A handler that fails releases the claim: the next delivery runs it
// again. A handled result is remembered for Keep.
func TestV2DedupHandlerFails(t *testing.T) {
	rs := startRedis(t)
	client, _ := rs.Client(t)
	ctx := context.Background()
	d := &redisstore.V2Dedup{Client: client, Keep: time.Hour}
	n := &notify.NotificationV2{Fields: map[string]string{"transaction_id": "T1"}}
	broken := errors.New("the order database is down")
	runs := 0
	if err := d.Do(ctx, n, func(context.Context) error { runs++; return broken }); !errors.Is(err, broken) {
		t.Fatalf("a failing handler: %v", err)
	}
	if err := d.Do(ctx, n, func(context.Context) error { runs++; return nil }); err != nil {
		t.Fatalf("the next delivery: %v", err)
	}
	if err := d.Do(ctx, n, func(context.Context) error { runs++; return nil }); err != nil {
		t.Fatalf("a delivery after handling: %v", err)
	}
	if runs != 2 {
		t.Errorf("the handler ran %d times, want 2", runs)
	}
	ttl, err := client.PTTL(ctx, "wechatpay:v2:pay:T1").Result()
	if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("the handled result is kept for %v (%v), want an hour", ttl, err)
	}
}

// The claim of an instance that died while handling lapses after Hold;
// until then deliveries get ErrInProgress, answered FAIL.
func TestV2DedupClaimLapses(t *testing.T) {
	rs := startRedis(t)
	client, _ := rs.Client(t)
	ctx := context.Background()
	d := &redisstore.V2Dedup{Client: client}
	n := &notify.NotificationV2{Refund: true, Fields: map[string]string{"out_refund_no": "R1"}}
	if err := client.Set(ctx, "wechatpay:v2:refund:R1", "handling by a dead instance", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	ran := false
	err := d.Do(ctx, n, func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, redisstore.ErrInProgress) || ran {
		t.Fatalf("while claimed: %v, ran %v", err, ran)
	}
	if bytes.Contains(notify.AnswerV2(err), []byte("SUCCESS")) {
		t.Errorf("in progress answered %s", notify.AnswerV2(err))
	}
	waitFor(t, "the claim to lapse", func() bool {
		return d.Do(ctx, n, func(context.Context) error { ran = true; return nil }) == nil
	})
	if !ran {
		t.Error("the handler did not run after the claim lapsed")
	}
}

// The handler's context ends with the claim, after Hold.
func TestV2DedupHandlerContext(t *testing.T) {
	rs := startRedis(t)
	client, _ := rs.Client(t)
	d := &redisstore.V2Dedup{Client: client, Hold: 50 * time.Millisecond}
	n := &notify.NotificationV2{Fields: map[string]string{"transaction_id": "T2"}}
	err := d.Do(context.Background(), n, func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a handler outliving its claim: %v", err)
	}
}

// A callback that names no id, and one that Redis cannot check, are
// refused without running the handler.
func TestV2DedupRefusals(t *testing.T) {
	rs := startRedis(t)
	client, _ := rs.Client(t)
	ctx := context.Background()
	d := &redisstore.V2Dedup{Client: client, Timeout: time.Second}
	ran := false
	handle := func(context.Context) error { ran = true; return nil }
	if err := d.Do(ctx, &notify.NotificationV2{Refund: true, Fields: map[string]string{"transaction_id": "T3"}}, handle); !errors.Is(err, redisstore.ErrNoID) {
		t.Errorf("a refund result without out_refund_no: %v", err)
	}
	rs.Kill()
	err := d.Do(ctx, &notify.NotificationV2{Fields: map[string]string{"transaction_id": "T3"}}, handle)
	var re *redisstore.Error
	if !errors.As(err, &re) || re.Op != "v2 claim" || re.Key != "wechatpay:v2:pay:T3" {
		t.Errorf("with Redis down: %v", err)
	}
	if bytes.Contains(notify.AnswerV2(err), []byte("SUCCESS")) {
		t.Errorf("with Redis down answered %s", notify.AnswerV2(err))
	}
	if ran {
		t.Error("the handler ran")
	}
}
