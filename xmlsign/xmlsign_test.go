package xmlsign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// The worked example of the WeChat Pay APIv2 security rules (安全规范,
// 签名算法: pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3). The
// expected signs are the documentation's, not computed here.
var (
	docParams = map[string]string{
		"appid":       "wxd930ea5d5a258f4f",
		"mch_id":      "10000100",
		"device_info": "1000",
		"body":        "test",
		"nonce_str":   "ibuaiVcKdpRxkhJA",
	}
	docKey     = "192006250b4c09247ec02edce69f6a2d"
	docMessage = "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d"
	docMD5     = "9A0A8659F005D6984697E2CA0A9CF3B7"
	docHMAC    = "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
)

func TestSignKnownAnswers(t *testing.T) {
	if got := Message(docParams, docKey); got != docMessage {
		t.Fatalf("message\n got %s\nwant %s", got, docMessage)
	}
	for _, tc := range []struct{ signType, want string }{
		{"", docMD5},
		{MD5, docMD5},
		{HMACSHA256, docHMAC},
	} {
		got, err := Sign(docParams, docKey, tc.signType)
		if err != nil || got != tc.want {
			t.Errorf("Sign(%q) = %s, %v; want %s", tc.signType, got, err, tc.want)
		}
	}
}

func TestSignSkipsSignAndEmptyValues(t *testing.T) {
	with := map[string]string{"sign": "whatever", "attach": "", "sign_type": ""}
	for k, v := range docParams {
		with[k] = v
	}
	got, err := Sign(with, docKey, MD5)
	if err != nil || got != docMD5 {
		t.Fatalf("Sign = %s, %v; want %s", got, err, docMD5)
	}
}

func TestSignSortsByteWise(t *testing.T) {
	params := map[string]string{"b": "1", "B": "2", "a_b": "3", "a": "4", "ab": "5"}
	if got, want := Message(params, "k"), "B=2&a=4&a_b=3&ab=5&b=1&key=k"; got != want {
		t.Fatalf("message %s, want %s", got, want)
	}
}

func TestSignErrors(t *testing.T) {
	if _, err := Sign(docParams, docKey, "SHA1"); err == nil || !strings.Contains(err.Error(), `"SHA1"`) {
		t.Errorf("unknown sign_type: %v", err)
	}
	if _, err := Sign(docParams, docKey, "md5"); err == nil {
		t.Errorf("sign_type is case sensitive, as WeChat Pay's is: %v", err)
	}
	if _, err := Sign(docParams, "", MD5); err == nil {
		t.Error("an empty key signs nothing")
	}
}

func TestVerify(t *testing.T) {
	with := func(sign string) map[string]string {
		m := map[string]string{"sign": sign}
		for k, v := range docParams {
			m[k] = v
		}
		return m
	}
	for _, sign := range []string{docMD5, docHMAC, strings.ToLower(docMD5), strings.ToLower(docHMAC)} {
		if err := Verify(with(sign), docKey); err != nil {
			t.Errorf("Verify(%s): %v", sign, err)
		}
	}
	bad := []byte(docHMAC)
	bad[10] = 'F'
	for _, tc := range []struct {
		name   string
		params map[string]string
		key    string
		want   error
	}{
		{"missing", docParams, docKey, ErrMissingSign},
		{"empty", with(""), docKey, ErrMissingSign},
		{"flipped digit", with(string(bad)), docKey, ErrSignatureMismatch},
		{"wrong key", with(docMD5), "x" + docKey[1:], ErrSignatureMismatch},
		{"odd length", with(docMD5[:31]), docKey, ErrSignatureMismatch},
		{"MD5 sign padded to 64", with(docMD5 + docMD5), docKey, ErrSignatureMismatch},
		{"not hex", with(strings.Repeat("Z", 32)), docKey, ErrSignatureMismatch},
	} {
		if err := Verify(tc.params, tc.key); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	tampered := with(docMD5)
	tampered["body"] = "test2"
	if err := Verify(tampered, docKey); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("tampered field: %v", err)
	}
	added := with(docMD5)
	added["total_fee"] = "1"
	if err := Verify(added, docKey); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("added field: %v", err)
	}
	if err := Verify(with(docMD5), ""); err == nil || errors.Is(err, nil) {
		t.Errorf("empty key: %v", err)
	}
}

func BenchmarkSign(b *testing.B) {
	for _, signType := range []string{MD5, HMACSHA256} {
		b.Run(signType, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sign(docParams, docKey, signType); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// HMAC-SHA256 against crypto/hmac, keys of every length around the block
// size included.
func TestHMACMatchesStandardLibrary(t *testing.T) {
	for _, n := range []int{1, 31, 32, 33, 63, 64, 65, 100, 200} {
		key := strings.Repeat("k", n)
		got, err := Sign(docParams, key, HMACSHA256)
		if err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write([]byte(Message(docParams, key)))
		if want := strings.ToUpper(hex.EncodeToString(mac.Sum(nil))); got != want {
			t.Errorf("key of %d bytes: %s, want %s", n, got, want)
		}
	}
}
