package bills_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// One call asks for the trade bill, streams the gzip file, un-gzips it
// and checks its SHA-1 on the way.
func ExampleDownload() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(2)

	var bill bytes.Buffer // an *os.File in practice
	link, n, err := bills.Download(context.Background(), srv.Client(), &bill, "v3/bill/tradebill", wechatpay.M{
		"query": wechatpay.M{"bill_date": "2024-05-01", "bill_type": "ALL", "tar_type": "GZIP"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(link.HashType, n == int64(bill.Len()))

	r := bills.NewReader(&bill)
	for rec, err := range r.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Get("商户订单号"), rec.Get("应结订单金额"))
	}
	sum, _ := r.Summary()
	fmt.Println(sum.Get("总交易单数"), sum.Get("应结订单总金额"))
	// Output:
	// SHA1 true
	// ORDER202405010000000001 0.02
	// ORDER202405010000000002 0.03
	// 2 0.05
}

// A bill's records, with the backticks WeChat Pay puts before each value
// removed.
func ExampleNewReader() {
	text := "交易时间,商户订单号,应结订单金额\r\n" +
		"`2024-05-01 09:05:21,`1217752501201407033233368018,`0.01\r\n" +
		"总交易单数,应结订单总金额\r\n" +
		"`1,`0.01\r\n"
	r := bills.NewReader(strings.NewReader(text))
	for rec, err := range r.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Values())
	}
	sum, _ := r.Summary()
	fmt.Println(sum.Columns(), sum.Values())
	// Output:
	// [2024-05-01 09:05:21 1217752501201407033233368018 0.01]
	// [总交易单数 应结订单总金额] [1 0.01]
}

// An overseas statement is verified over its Wechatpay-Statement-Sha1
// digest, and its body against that digest as it streams.
func ExampleStatement() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(3)

	var statement bytes.Buffer
	_, err := bills.Statement(context.Background(), srv.Client(), &statement, "hk/v3/statements", wechatpay.M{
		"query":   wechatpay.M{"date": "20240501", "mchid": srv.MchID},
		"headers": wechatpay.M{"Accept-Encoding": "gzip"},
	})
	if err != nil {
		log.Fatal(err)
	}
	sum, _ := bills.NewReader(&statement).Summary()
	fmt.Println(sum.Get("总交易单数"))
	// Output: 3
}

// The sub-merchant fund flow bill comes encrypted for the merchant:
// DownloadEncrypted decrypts each part with the merchant private key,
// un-gzips it and checks its SHA-1 before writing the bill.
func ExampleDownloadEncrypted() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(2)
	merchantKey := srv.MerchantKey // keys.PrivateKey("apiclient_key.pem") in practice

	var bill bytes.Buffer // an *os.File in practice
	links, n, err := bills.DownloadEncrypted(context.Background(), srv.Client(), merchantKey, &bill, "v3/bill/sub-merchant-fundflowbill", wechatpay.M{
		"query": wechatpay.M{
			"sub_mchid": "1900000109", "bill_date": "2024-05-01", "account_type": "BASIC",
			"algorithm": "AEAD_AES_256_GCM", "tar_type": "GZIP",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(links), n == int64(bill.Len()))
	sum, _ := bills.NewReader(&bill).Summary()
	fmt.Println(sum.Get("资金流水总笔数"), sum.Get("收入金额"))
	// Output:
	// 1 true
	// 2 0.05
}
