package aescipher_test

import (
	"fmt"

	"github.com/wxpay-go/wechatpay/aescipher"
)

// A callback resource or a downloaded certificate is decrypted with the
// APIv3 key and the nonce and associated data that travel beside it.
func ExampleDecryptGCM() {
	const apiV3Key = "0d6a21a3ec3b1d5fe5c7a5c4a3e1f2b9"
	ciphertext, _ := aescipher.EncryptGCM(apiV3Key, "iKtWOA7GL44Z", "transaction", []byte(`{"trade_state":"SUCCESS"}`))

	plain, err := aescipher.DecryptGCM(apiV3Key, "iKtWOA7GL44Z", "transaction", ciphertext)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(plain))

	_, err = aescipher.DecryptGCM(apiV3Key, "iKtWOA7GL44Z", "refund", ciphertext)
	fmt.Println(err)
	// Output:
	// {"trade_state":"SUCCESS"}
	// aescipher: decrypt GCM: message authentication failed (tampered ciphertext, wrong associated data, or wrong APIv3 key)
}

// An APIv2 refund callback's req_info is decrypted with the APIv2 key
// itself; DecryptECB derives the AES key from it.
func ExampleDecryptECB() {
	const apiV2Key = "192006250b4c09247ec02edce69f6a2d"
	reqInfo, _ := aescipher.EncryptECB(apiV2Key, []byte("<root><refund_status><![CDATA[SUCCESS]]></refund_status></root>"))

	plain, err := aescipher.DecryptECB(apiV2Key, reqInfo)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(plain))
	// Output: <root><refund_status><![CDATA[SUCCESS]]></refund_status></root>
}
