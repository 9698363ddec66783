package sensitive_test

import (
	"fmt"

	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/sensitive"
)

// Encrypt the sensitive fields of a request with the WeChat Pay public key
// and send the header that names it, as "headers" of the request options.
func ExampleEncryptFields() {
	pub, err := keys.PublicKey("../signer/testdata/merchant_pub.pem") // pub_key.pem from the merchant console
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, header, err := sensitive.EncryptFields(pub, "PUB_KEY_ID_0114232134912410000000000000", "张三", "13800138000")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The request then carries
	//	wechatpay.M{"json": wechatpay.M{"name": enc[0], "mobile": enc[1]}, "headers": header}
	fmt.Println(len(enc), header.Get("Wechatpay-Serial"))
	// Output: 2 PUB_KEY_ID_0114232134912410000000000000
}

// Fields in responses are encrypted with the merchant certificate's key.
func ExampleDecrypt() {
	key, err := keys.PrivateKey("../signer/testdata/merchant_key.pem") // apiclient_key.pem
	if err != nil {
		fmt.Println(err)
		return
	}
	ciphertext, _ := sensitive.Encrypt(&key.PublicKey, "13800138000") // as WeChat Pay would send it
	plain, err := sensitive.Decrypt(key, ciphertext)
	fmt.Println(plain, err)
	// Output: 13800138000 <nil>
}

// The APIv2 bank-card transfer encrypts enc_bank_no and enc_true_name with
// the PKCS #1 key from risk/getpublickey.
func ExampleEncrypt_apiv2BankCard() {
	// pubKey is the pub_key field of the risk/getpublickey reply.
	pubKey := "../sensitive/testdata/merchant_pub_pkcs1.pem"
	key, err := keys.PublicKey(pubKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	encBankNo, err := sensitive.Encrypt(key, "6225880137000000")
	if err != nil {
		fmt.Println(err)
		return
	}
	encTrueName, _ := sensitive.Encrypt(key, "张三")
	fmt.Println(len(encBankNo), len(encTrueName))
	// Output: 344 344
}
