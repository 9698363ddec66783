package wechatpay_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// A download URL carries the merchant's signed Authorization only to the
// configured API hosts and WeChat Pay's own: the signature does not cover
// the host, so one captured elsewhere could be replayed.
func TestFaultDownloadHost(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			srv := wxpaytest.NewServer()
			defer srv.Close()
			other := newCounter(t) // another server on this machine
			cfg := srv.Config()
			cfg.Transport = tr.new(cfg)
			client, err := wechatpay.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			port := strings.TrimPrefix(srv.URL, "https://127.0.0.1:")
			for _, u := range []string{
				other.URL() + "v3/billdownload/file?token=x",
				"https://evil.example/v3/billdownload/file?token=x",
				"https://api.mch.weixin.qq.com.evil.example/v3/billdownload/file",
				"https://api.mch.weixin.qq.com:8443/v3/billdownload/file",
				"https://localhost:" + port + "v3/billdownload/file", // the test server's port, another name
			} {
				_, err := client.DownloadURL(ctx, u)
				var reqErr *wechatpay.RequestError
				if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), "configured API host") {
					t.Errorf("%s: %v, want a RequestError", u, err)
				}
				_, err = bills.Fetch(ctx, client, &strings.Builder{}, bills.Link{DownloadURL: u, HashType: "SHA1", HashValue: "00"})
				if !errors.As(err, &reqErr) {
					t.Errorf("bills.Fetch %s: %v, want a RequestError", u, err)
				}
			}
			if n := other.count(); n != 0 {
				t.Errorf("the other server got %d connections", n)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("the test server got %d requests", n)
			}

			// The test server's own download URLs work.
			var sb strings.Builder
			if _, _, err := bills.Download(ctx, client, &sb, "v3/bill/tradebill", wechatpay.M{"query": wechatpay.M{"bill_date": "2024-01-01"}}); err != nil {
				t.Fatal(err)
			}
			if sb.Len() == 0 {
				t.Error("empty bill")
			}
		})
	}
}
