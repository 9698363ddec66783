package configfile_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Load builds a client from the config file, here one written for the
// test server. Key fields may hold PEM text as well as paths; a real file
// names the merchant's apiclient_key.pem and the WeChat Pay public key.
func ExampleLoad() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	keyDER, _ := x509.MarshalPKCS8PrivateKey(srv.MerchantKey)
	pubDER, _ := x509.MarshalPKIXPublicKey(srv.PlatformPublicKey())
	pemText := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	data, _ := json.Marshal(configfile.File{
		MchID:      srv.MchID,
		Serial:     srv.MerchantSerial,
		PrivateKey: pemText("PRIVATE KEY", keyDER),
		Certs:      map[string]string{srv.PlatformKeyID: pemText("PUBLIC KEY", pubDER)},
		BaseURL:    srv.URL,
		RootCA:     pemText("CERTIFICATE", srv.Certificate().Raw),
	})
	f, err := os.CreateTemp("", "config-*.json")
	if err != nil {
		panic(err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		panic(err)
	}
	f.Close()

	client, err := configfile.Load(f.Name())
	if err != nil {
		panic(err)
	}
	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, resp.Get("trade_state"))
	// Output: 200 USERPAYING
}
