package wechatpay_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// A bill API hands out a download_url; DownloadURL fetches it with a
// signed GET and leaves the body unread. (Package bills does this, and
// checks the file's digest.)
func ExampleClient_DownloadURL() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client := srv.Client()

	link, err := client.Chain("v3/bill/tradebill").Get(ctx, wechatpay.M{"query": wechatpay.M{"bill_date": "2024-05-01"}})
	if err != nil {
		log.Fatal(err)
	}
	file, err := client.DownloadURL(ctx, link.Get("download_url").String())
	if err != nil {
		log.Fatal(err)
	}
	defer file.BodyStream.Close()
	n, err := io.Copy(io.Discard, file.BodyStream)
	fmt.Println(link.Get("hash_type"), n > 0, err)
	// Output: SHA1 true <nil>
}

// Download is Get with the body left unread, for replies too large to
// hold: an overseas statement here, verified over its digest.
func ExampleChain_Download() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	resp, err := srv.Client().Chain("hk/v3/statements").Download(context.Background(), wechatpay.M{
		"query": wechatpay.M{"date": "20240501"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.BodyStream.Close()
	n, err := io.Copy(io.Discard, resp.BodyStream) // fails at the end if the body is not the signed digest's
	fmt.Println(resp.Header.Get("Wechatpay-Statement-Sha1") != "", n > 0, err)
	// Output: true true <nil>
}
