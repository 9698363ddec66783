package signer_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/wxpay-go/wechatpay/signer"
)

// The string an APIv3 request signature covers: method, target as sent,
// timestamp, nonce and body, each followed by a line feed.
func ExampleRequestMessage() {
	msg := signer.RequestMessage("POST", "/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse",
		1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", []byte(`{"appid":"wxd678efh567hg6787","mchid":"1230000109"}`))
	fmt.Printf("%q\n", msg)
	// Output:
	// "POST\n/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\"}\n"
}

// Authorization signs a request, and ParseAuthorization reads the header
// back, as a server (or a test) does.
func ExampleAuthorization() {
	data, err := os.ReadFile("testdata/merchant_key.pem")
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	value, err := signer.Authorization("1230000109", "3775B6A45ACD588826D15E583A95F5DD2C39D42B", key.(*rsa.PrivateKey),
		"GET", "/v3/certificates", nil, 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242")
	if err != nil {
		panic(err)
	}
	fmt.Println(value)
	c, err := signer.ParseAuthorization(value)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.MchID, c.Serial, c.Timestamp, c.Nonce)
	// Output:
	// WECHATPAY2-SHA256-RSA2048 mchid="1230000109",serial_no="3775B6A45ACD588826D15E583A95F5DD2C39D42B",timestamp="1554208460",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="pt0dpxh5kiGOA9nIjk/SUmikWlfoasi08k50iJycxHsnTl3EdsE54vmT5d1EXMQdfCXCnQZtE9E2WhZBfeQy7SK6y/hOYT9PaNxC9O1qYkDLqTfChqoLKEGf0cej+lK/rnehfVxynFY/rD2CI1xwcXVx5R6QiMG7oSnAB4awFGK8GY61oyCDO8SJkR+/oCdEV/PxL0FQxe+wp28WIa8iYMEayCmiZWiafOUS8xlTO6cpG4XEwW4xgY0Kb+qbdEgwLEbikPfqdI6L7ZHqDr49WOtuI5ZNBrQ/zZ8mbI7HvesdLwHT3NxmxjDT7usWKx/C2LW/a5NaXsmvrpua0cjDIg=="
	// 1230000109 3775B6A45ACD588826D15E583A95F5DD2C39D42B 1554208460 593BEC0C930BF1AFEB40B4A08C8FB242
}
