package bench

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"sync"
)

// The seed request and its reply, shared by both clients and the server.
const (
	mchID          = "1230000109"
	appID          = "wxd678efh567hg6787"
	merchantSerial = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"
	keyID          = "PUB_KEY_ID_0114232134912410000000000000"
	outTradeNo     = "1217752501201407033233368018"
	target         = "v3/pay/transactions/out-trade-no/" + outTradeNo + "/reverse"
	replyBody      = `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1217752501201407033233368018"}`
)

// loadKey returns the RSA-2048 test key. It signs requests as the merchant
// and replies as the platform, so that both clients sign and verify with
// the same key.
var loadKey = sync.OnceValue(func() *rsa.PrivateKey {
	data, err := os.ReadFile("../signer/testdata/merchant_key.pem")
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic("merchant_key.pem holds no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return key.(*rsa.PrivateKey)
})
