package certificates_test

import (
	"context"
	"fmt"
	"log"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/certificates"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// A merchant in certificate mode: the store fetches the platform
// certificates at once, verifying the list with the certificates it
// carries, and is the client's source of platform keys from then on.
func ExampleNewStore() {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()
	ctx := context.Background()

	cfg := srv.Config()
	cfg.Certs = nil // no platform key configured yet
	store, err := certificates.NewStore(ctx, cfg, srv.APIv3Key, certificates.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Stop()
	cfg.Keys = store
	client, err := wechatpay.New(cfg)
	if err != nil {
		log.Fatal(err)
	}

	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(ctx, wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, serial := srv.PlatformCertificate()
	fmt.Println(len(store.Certificates()), resp.Header.Get("Wechatpay-Serial") == serial)
	// Output: 1 true
}

// The first download of the certificates, as `wxpay crt` does it.
func ExampleVerifier() {
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(wxpaytest.KeysBoth))
	defer srv.Close()

	cfg := srv.Config()
	cfg.Certs = nil
	cfg.Verifier = certificates.Verifier(srv.APIv3Key, nil, nil)
	client, err := wechatpay.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.Chain("v3/certificates").Get(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	certs, err := certificates.Decrypt(resp.Body, srv.APIv3Key)
	if err != nil {
		log.Fatal(err)
	}
	_, serial := srv.PlatformCertificate()
	fmt.Println(len(certs), certs[0].Serial == serial)
	// Output: 1 true
}
