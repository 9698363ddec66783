package sm4_test

import (
	"crypto/cipher"
	"encoding/hex"
	"fmt"

	"github.com/wxpay-go/wechatpay/sm4"
)

// SM4-GCM is the standard library's GCM over the SM4 block. These are the
// key, nonce and associated data of RFC 8998, Appendix A.1.
func ExampleNewCipher() {
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	nonce, _ := hex.DecodeString("00001234567800000000abcd")
	ad, _ := hex.DecodeString("feedfacedeadbeeffeedfacedeadbeefabaddad2")

	block, err := sm4.NewCipher(key)
	if err != nil {
		fmt.Println(err)
		return
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		fmt.Println(err)
		return
	}
	sealed := aead.Seal(nil, nonce, []byte("记账时间,微信支付业务单号"), ad)
	plain, err := aead.Open(nil, nonce, sealed, ad)
	fmt.Println(string(plain), err)

	sealed[0] ^= 1
	_, err = aead.Open(nil, nonce, sealed, ad)
	fmt.Println(err)

	_, err = sm4.NewCipher(key[:8])
	fmt.Println(err)
	// Output:
	// 记账时间,微信支付业务单号 <nil>
	// cipher: message authentication failed
	// sm4: invalid key size 8, want 16
}
