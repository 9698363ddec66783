package notify

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/wxpay-go/wechatpay/signer"
)

// FuzzNotify feeds arbitrary bodies and headers to the APIv3 parser:
// through Verify, which checks the headers and signature first, and
// through open, the decoding and decryption that follow a valid signature
// (the fuzzer cannot forge one). Seeds are small because the fuzzer's
// minimizer is quadratic in input length and every input that reaches the
// RSA check costs tens of microseconds.
func FuzzNotify(f *testing.F) {
	seed := func(plaintext, ad string) {
		body := envelope(f, plaintext, ad)
		h := signed(f, body)
		f.Add(body, h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), h.Get("Wechatpay-Signature"), testKeyID)
	}
	seed(`{}`, "")
	seed(`{"out_trade_no":"1217752501201407033233368018","amount":{"total":100}}`, "transaction")
	ts := strconv.FormatInt(testNow.Unix(), 10)
	f.Add([]byte(`{"id":"EV-1","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"AAAA","nonce":"iKtWOA7GL44Z"}}`), ts, "n", "AAAA", testKeyID)
	f.Add([]byte(`{"id":"\u0045V","resource":[]}`), ts, "n", "AAAA", "PUB_KEY_ID_X")
	f.Add([]byte(`[]`), "x", "", "WECHATPAY/SIGNTEST/AAAA", "")

	// No replay guard: state carried from one input to the next would make
	// coverage depend on the order of inputs, which misleads the fuzzer.
	v := newVerifier(f)
	f.Fuzz(func(t *testing.T, body []byte, timestamp, nonce, signature, serial string) {
		h := http.Header{}
		h.Set(signer.HeaderTimestamp, timestamp)
		h.Set(signer.HeaderNonce, nonce)
		h.Set(signer.HeaderSignature, signature)
		h.Set(signer.HeaderSerial, serial)
		check(t, "Verify", body)(v.Verify(h.Get, body))
		check(t, "open", body)(open(body, testAPIv3Key))
	})
}

// check returns a function that checks one outcome: a notification that
// decrypted, or an *Error that replies with a failure status.
func check(t *testing.T, what string, body []byte) func(*Notification, error) {
	return func(n *Notification, err error) {
		t.Helper()
		if err != nil {
			var e *Error
			if n != nil || !errors.As(err, &e) {
				t.Fatalf("%s: %T %v with notification %v", what, err, err, n)
			}
			if status, reply := Answer(err); status < 400 || len(reply) == 0 {
				t.Fatalf("%s: %v answers %d %q", what, err, status, reply)
			}
			_ = err.Error()
			return
		}
		if n == nil || n.ID == "" || n.Plaintext == nil || n.Resource.Algorithm != AlgorithmGCM || string(n.Body) != string(body) {
			t.Fatalf("%s: accepted %+v", what, n)
		}
	}
}
