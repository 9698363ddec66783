package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Two instances of the service of the example, each with its own Redis
// client, behind one address each: they make one certificate download
// between them, and a callback delivered to both is taken by one.
func TestTwoInstances(t *testing.T) {
	rs := startRedis(t)
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()

	var mu sync.Mutex
	paid := map[string]int{}
	markPaid := func(_ context.Context, outTradeNo string) error {
		mu.Lock()
		paid[outTradeNo]++
		mu.Unlock()
		return nil
	}
	var urls []string
	var services []*Service
	for range 2 {
		rdb, _ := rs.Client(t)
		svc, err := NewService(ctx, srv.Config(), srv.APIv3Key, rdb, markPaid)
		if err != nil {
			t.Fatal(err)
		}
		defer svc.Stop()
		hs := httptest.NewServer(svc.Handler)
		defer hs.Close()
		urls = append(urls, hs.URL)
		services = append(services, svc)
	}
	if n := downloads(srv); n != 1 {
		t.Errorf("two instances made %d certificate downloads, want 1", n)
	}
	for i, svc := range services {
		if _, err := svc.Client.Chain("v3/certificates").Get(ctx); err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}

	// An APIv3 callback reaches both instances at once.
	c := capture(t, srv, "order-v3")
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Go(func() { statuses[i] = deliver(t, url+"/notify/v3", c) })
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusNoContent, http.StatusConflict}) {
		t.Errorf("the APIv3 callback delivered to both: %v, want one 204 and one 409", statuses)
	}

	// WeChat Pay's deliveries of an APIv2 payment result reach both.
	var bodies [][]byte
	for range 3 {
		bodies = append(bodies, captureV2(t, func(target string) error {
			_, err := srv.NotifyV2(ctx, target, map[string]string{"result_code": "SUCCESS", "transaction_id": "4200000000202612060000000002", "out_trade_no": "order-v2", "total_fee": "100"})
			return err
		}))
	}
	codes := make([][]string, 2)
	for i, url := range urls {
		wg.Go(func() {
			for _, b := range bodies {
				codes[i] = append(codes[i], deliverV2(t, url+"/notify/v2", b))
			}
		})
	}
	wg.Wait()
	if paid["order-v3"] != 1 || paid["order-v2"] != 1 {
		t.Errorf("orders marked paid: %v, want each once", paid)
	}
	t.Logf("APIv3 callback: %v; APIv2 deliveries: %v", statuses, codes)
}
