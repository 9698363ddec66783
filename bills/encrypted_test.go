package bills_test

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/bills"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/sm4"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// encryptedAPIs are the two bill APIs that encrypt their bills, with the
// query each takes.
var encryptedAPIs = map[string]wechatpay.M{
	"v3/bill/sub-merchant-fundflowbill": {"sub_mchid": "1900000109", "account_type": "BASIC"},
	"v3/ecommerce/bill/fundflowbill":    {"account_type": "ALL"},
}

func encryptedQuery(api, date, tar string) wechatpay.M {
	return algorithmQuery(api, date, tar, bills.AlgorithmAESGCM)
}

// algorithmQuery is encryptedQuery asking for another algorithm.
func algorithmQuery(api, date, tar, algorithm string) wechatpay.M {
	q := wechatpay.M{"bill_date": date, "algorithm": algorithm}
	for k, v := range encryptedAPIs[api] {
		q[k] = v
	}
	if tar != "" {
		q["tar_type"] = tar
	}
	return wechatpay.M{"query": q}
}

// An encrypted fund flow bill, AES-256-GCM or SM4-GCM, whole or in parts,
// plain or gzip, over both transports, decrypts to the same bill the
// merchant's own fund flow bill API serves for the day.
func TestDownloadEncryptedEndToEnd(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(200)
	ctx := context.Background()
	var want bytes.Buffer
	if _, _, err := bills.Download(ctx, srv.Client(), &want, "v3/bill/fundflowbill", query("2024-05-01", "")); err != nil {
		t.Fatal(err)
	}
	for name, client := range clients(t, srv) {
		for api := range encryptedAPIs {
			for _, alg := range []string{bills.AlgorithmAESGCM, bills.AlgorithmSM4GCM} {
				for _, tar := range []string{"", "GZIP"} {
					for _, parts := range []int{1, 3} {
						srv.SplitEncryptedBills(parts)
						what := fmt.Sprintf("%s %s %s %s in %d", name, api, alg, tar, parts)
						var buf bytes.Buffer
						links, n, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, &buf, api, algorithmQuery(api, "2024-05-01", tar, alg))
						if err != nil {
							t.Fatalf("%s: %v", what, err)
						}
						if n != int64(buf.Len()) || !bytes.Equal(buf.Bytes(), want.Bytes()) {
							t.Errorf("%s: %d bytes, not the bill", what, n)
						}
						if len(links) != parts {
							t.Fatalf("%s: %d links", what, len(links))
						}
						for i, l := range links {
							if l.BillSequence != i+1 || l.HashType != "SHA1" || l.EncryptKey == "" || len(l.Nonce) != 16 || l.Algorithm != alg {
								t.Errorf("%s: link %d: %+v", what, i, l)
							}
						}
					}
				}
			}
		}
	}
	srv.SplitEncryptedBills(1)

	r := bills.NewReader(&want)
	rows := 0
	for _, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		rows++
	}
	if sum, err := r.Summary(); err != nil || rows != 200 || sum.Get("资金流水总笔数") != "200" {
		t.Errorf("%d rows, summary %v, %v", rows, sum.Values(), err)
	}
	for _, r := range srv.Requests() {
		if r.Err != nil {
			t.Errorf("server refused %s: %v", r.Target, r.Err)
		}
	}
}

// A damaged encrypted file fails its authentication, and nothing of it is
// written; so does one decrypted with another merchant's key, which is
// caught before the file is fetched.
func TestEncryptedBillRefused(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	api := "v3/bill/sub-merchant-fundflowbill"
	for name, client := range clients(t, srv) {
		for _, alg := range []string{bills.AlgorithmAESGCM, bills.AlgorithmSM4GCM} {
			for _, tar := range []string{"", "GZIP"} {
				srv.CorruptNextFile()
				var buf bytes.Buffer
				_, n, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, &buf, api, algorithmQuery(api, "2024-05-01", tar, alg))
				if !errors.Is(err, bills.ErrAuthentication) || n != 0 || buf.Len() != 0 {
					t.Errorf("%s %s %s tampered: %d bytes written, %v", name, alg, tar, buf.Len(), err)
				}
			}
		}
	}

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	var buf bytes.Buffer
	_, _, err = bills.DownloadEncrypted(ctx, srv.Client(), other, &buf, api, encryptedQuery(api, "2024-05-01", ""))
	if !errors.Is(err, sensitive.ErrDecryption) || buf.Len() != 0 {
		t.Errorf("another merchant's key: %d bytes written, %v", buf.Len(), err)
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Target, "/v3/billdownload/") {
			t.Errorf("fetched %s with a key that cannot open it", r.Target)
		}
	}

	// A file that decrypts but is not the bill its digest names.
	resp, err := srv.Client().Chain(api).Get(ctx, encryptedQuery(api, "2024-05-01", ""))
	if err != nil {
		t.Fatal(err)
	}
	link := bills.Link{
		DownloadURL: resp.Get("download_bill_list.0.download_url").String(),
		HashType:    "SHA1",
		HashValue:   strings.Repeat("0", 40),
		EncryptKey:  resp.Get("download_bill_list.0.encrypt_key").String(),
		Nonce:       resp.Get("download_bill_list.0.nonce").String(),
	}
	_, err = bills.FetchEncrypted(ctx, srv.Client(), srv.MerchantKey, io.Discard, link)
	var derr *bills.DigestError
	if !errors.As(err, &derr) || !errors.Is(err, signer.ErrDigestMismatch) {
		t.Errorf("wrong digest: %v", err)
	}
	if _, err := bills.Fetch(ctx, srv.Client(), io.Discard, link); err == nil || !strings.Contains(err.Error(), "FetchEncrypted") {
		t.Errorf("Fetch of an encrypted link: %v", err)
	}
}

// fileServer is a client whose transport answers every request with
// answer, unverified.
func fileServer(t *testing.T, srv *wxpaytest.Server, answer func(*transport.Request) *transport.Response) *wechatpay.Client {
	t.Helper()
	cfg := srv.Config()
	cfg.Verifier = func(next transport.Doer) transport.Doer { return next }
	cfg.Transport = transport.DoerFunc(func(_ context.Context, req *transport.Request) (*transport.Response, error) {
		return answer(req), nil
	})
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// sealedLink encrypts text as WeChat Pay encrypts a bill, with a 12-byte
// nonce, and returns the file and its link.
func sealedLink(t *testing.T, srv *wxpaytest.Server, text []byte) ([]byte, bills.Link) {
	t.Helper()
	key, nonce := strings.Repeat("k", aescipher.KeyLength), aescipher.NewNonce()
	sealed, err := aescipher.EncryptGCM(key, nonce, "", text)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := base64.StdEncoding.DecodeString(sealed)
	encKey, err := sensitive.Encrypt(&srv.MerchantKey.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(text)
	return file, bills.Link{
		BillSequence: 1, DownloadURL: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x",
		HashType: "SHA1", HashValue: hex.EncodeToString(sum[:]), EncryptKey: encKey, Nonce: nonce,
	}
}

// A 12-byte nonce works as the documented 16-byte one does; a file with no
// Content-Length is read to its end; a file larger than MaxEncryptedSize
// is refused before it is read.
func TestFetchEncryptedFile(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	text := []byte("记账时间,微信支付业务单号\r\n`2024-05-01 00:00:01,`1\r\n资金流水总笔数\r\n`1\r\n")
	file, link := sealedLink(t, srv, text)

	client := fileServer(t, srv, func(*transport.Request) *transport.Response {
		return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: file}
	})
	var buf bytes.Buffer
	if n, err := bills.FetchEncrypted(ctx, client, srv.MerchantKey, &buf, link); err != nil || n != int64(len(text)) || !bytes.Equal(buf.Bytes(), text) {
		t.Errorf("12-byte nonce: %d bytes %q, %v", n, buf.Bytes(), err)
	}

	huge := fileServer(t, srv, func(*transport.Request) *transport.Response {
		h := http.Header{"Content-Length": {strconv.Itoa(bills.MaxEncryptedSize + 1)}}
		return &transport.Response{StatusCode: 200, Header: h, BodyStream: io.NopCloser(strings.NewReader("never read"))}
	})
	if _, err := bills.FetchEncrypted(ctx, huge, srv.MerchantKey, io.Discard, link); !errors.Is(err, bills.ErrTooLarge) {
		t.Errorf("file over the limit: %v", err)
	}

	short := fileServer(t, srv, func(*transport.Request) *transport.Response {
		h := http.Header{"Content-Length": {strconv.Itoa(len(file) + 10)}}
		return &transport.Response{StatusCode: 200, Header: h, BodyStream: io.NopCloser(bytes.NewReader(file))}
	})
	if _, err := bills.FetchEncrypted(ctx, short, srv.MerchantKey, io.Discard, link); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("file cut short: %v", err)
	}

	for name, l := range map[string]bills.Link{
		"no nonce":  {DownloadURL: link.DownloadURL, HashType: "SHA1", EncryptKey: link.EncryptKey},
		"SM3":       {DownloadURL: link.DownloadURL, HashType: "SM3", EncryptKey: link.EncryptKey, Nonce: link.Nonce},
		"key junk":  {DownloadURL: link.DownloadURL, HashType: "SHA1", EncryptKey: "!!", Nonce: link.Nonce},
		"short key": {DownloadURL: link.DownloadURL, HashType: "SHA1", EncryptKey: mustEncrypt(t, srv, "sixteen-byte-key"), Nonce: link.Nonce},
	} {
		if _, err := bills.FetchEncrypted(ctx, client, srv.MerchantKey, io.Discard, l); err == nil {
			t.Errorf("%s: fetched", name)
		}
	}
}

// sm4SealedLink encrypts text as WeChat Pay encrypts an SM4_GCM bill,
// with a 12-byte nonce and key, and returns the file and its link.
func sm4SealedLink(t *testing.T, srv *wxpaytest.Server, key string, text []byte) ([]byte, bills.Link) {
	t.Helper()
	block, err := sm4.NewCipher([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := aescipher.NewNonce()
	sum := sha1.Sum(text)
	return aead.Seal(nil, []byte(nonce), text, nil), bills.Link{
		BillSequence: 1, DownloadURL: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x",
		HashType: "SHA1", HashValue: hex.EncodeToString(sum[:]), EncryptKey: mustEncrypt(t, srv, key), Nonce: nonce,
		Algorithm: bills.AlgorithmSM4GCM,
	}
}

// An SM4_GCM link decrypts with SM4-GCM; the key must be the size its
// algorithm takes, which catches a link whose Algorithm is not the
// query's before the file is fetched, and an unknown algorithm is refused
// before the key is even decrypted.
func TestFetchEncryptedSM4(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	text := []byte("记账时间,微信支付业务单号\r\n`2024-05-01 00:00:01,`1\r\n资金流水总笔数\r\n`1\r\n")
	file, link := sm4SealedLink(t, srv, "sixteen-byte-key", text)
	_, aesLink := sealedLink(t, srv, text)

	fetched := 0
	client := fileServer(t, srv, func(*transport.Request) *transport.Response {
		fetched++
		return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: file}
	})
	var buf bytes.Buffer
	if n, err := bills.FetchEncrypted(ctx, client, srv.MerchantKey, &buf, link); err != nil || n != int64(len(text)) || !bytes.Equal(buf.Bytes(), text) {
		t.Errorf("SM4_GCM: %d bytes %q, %v", n, buf.Bytes(), err)
	}

	asAES := link
	asAES.Algorithm = ""
	otherKey := link
	otherKey.EncryptKey = mustEncrypt(t, srv, "another 16 bytes")
	fetched = 0
	for name, c := range map[string]struct {
		link    bills.Link
		want    error
		fetches int
	}{
		"SM4 bill as AES": {asAES, nil, 0},
		"AES bill as SM4": {bills.Link{DownloadURL: aesLink.DownloadURL, HashType: "SHA1", EncryptKey: aesLink.EncryptKey, Nonce: aesLink.Nonce, Algorithm: bills.AlgorithmSM4GCM}, nil, 0},
		"unknown":         {bills.Link{DownloadURL: link.DownloadURL, HashType: "SHA1", EncryptKey: "!!", Nonce: link.Nonce, Algorithm: "SM4_CCM"}, bills.ErrAlgorithm, 0},
		"another SM4 key": {otherKey, bills.ErrAuthentication, 1},
		"AES name as SM4": {bills.Link{DownloadURL: link.DownloadURL, HashType: "SHA1", EncryptKey: link.EncryptKey, Nonce: link.Nonce, Algorithm: bills.AlgorithmAESGCM}, nil, 0},
	} {
		fetched = 0
		n, err := bills.FetchEncrypted(ctx, client, srv.MerchantKey, io.Discard, c.link)
		switch {
		case err == nil || n != 0 || fetched != c.fetches:
			t.Errorf("%s: %d fetches, %d bytes, %v", name, fetched, n, err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", name, err, c.want)
		case c.want == nil && !strings.Contains(err.Error(), "-byte key"):
			t.Errorf("%s: %v, want a key size error", name, err)
		}
	}
}

func mustEncrypt(t *testing.T, srv *wxpaytest.Server, s string) string {
	t.Helper()
	ct, err := sensitive.Encrypt(&srv.MerchantKey.PublicKey, s)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// A list with parts missing or miscounted is refused before anything is
// fetched; a plain bill API is Download's, and an encrypted one
// DownloadEncrypted's.
func TestDownloadEncryptedList(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	for name, body := range map[string]string{
		"gap":      `{"download_bill_count":2,"download_bill_list":[{"bill_sequence":1,"download_url":"https://x/1"},{"bill_sequence":3,"download_url":"https://x/3"}]}`,
		"repeated": `{"download_bill_count":2,"download_bill_list":[{"bill_sequence":1,"download_url":"https://x/1"},{"bill_sequence":1,"download_url":"https://x/3"}]}`,
		"count":    `{"download_bill_count":2,"download_bill_list":[{"bill_sequence":1,"download_url":"https://x/1"}]}`,
		"empty":    `{"download_bill_count":0}`,
		"no JSON":  `<xml/>`,
	} {
		fetched := 0
		client := fileServer(t, srv, func(req *transport.Request) *transport.Response {
			if strings.HasPrefix(req.BaseURL, "https://x/") {
				fetched++
			}
			return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(body)}
		})
		if _, _, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, io.Discard, "v3/ecommerce/bill/fundflowbill", encryptedQuery("v3/ecommerce/bill/fundflowbill", "2024-05-01", "")); err == nil || fetched != 0 {
			t.Errorf("%s: %d fetched, %v", name, fetched, err)
		}
	}

	api := "v3/bill/sub-merchant-fundflowbill"
	if _, _, err := bills.Download(ctx, srv.Client(), io.Discard, api, encryptedQuery(api, "2024-05-01", "")); !errors.Is(err, bills.ErrEncrypted) {
		t.Errorf("Download of an encrypted bill: %v", err)
	}
	if _, _, err := bills.DownloadEncrypted(ctx, srv.Client(), srv.MerchantKey, io.Discard, "v3/bill/tradebill", query("2024-05-01", "")); err == nil || !strings.Contains(err.Error(), "Download reads it") {
		t.Errorf("DownloadEncrypted of a plain bill: %v", err)
	}
}

// The algorithm comes from the query, whichever form it takes, and the
// last option map with a query wins, as it does for the request; an
// algorithm other than AEAD_AES_256_GCM and SM4_GCM, or one given twice,
// is refused before anything is asked for.
func TestDownloadEncryptedAlgorithm(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	api := "v3/bill/sub-merchant-fundflowbill"
	base := url.Values{"sub_mchid": {"1900000109"}, "account_type": {"BASIC"}, "bill_date": {"2024-05-01"}}
	with := func(alg ...string) url.Values {
		q := maps.Clone(base)
		q["algorithm"] = alg
		return q
	}
	plainMap := map[string]string{"sub_mchid": "1900000109", "account_type": "BASIC", "bill_date": "2024-05-01", "algorithm": "SM4_GCM"}
	for name, c := range map[string]struct {
		opts []wechatpay.M
		want string
	}{
		"url.Values":        {[]wechatpay.M{{"query": with("SM4_GCM")}}, bills.AlgorithmSM4GCM},
		"map[string]string": {[]wechatpay.M{{"query": plainMap}}, bills.AlgorithmSM4GCM},
		"M of []string":     {[]wechatpay.M{{"query": wechatpay.M{"sub_mchid": "1900000109", "account_type": "BASIC", "bill_date": "2024-05-01", "algorithm": []string{"SM4_GCM"}}}}, bills.AlgorithmSM4GCM},
		"last query wins":   {[]wechatpay.M{{"query": with("SM4_GCM")}, {"query": with("AEAD_AES_256_GCM")}}, bills.AlgorithmAESGCM},
		"other options":     {[]wechatpay.M{{"query": with("SM4_GCM")}, {"headers": wechatpay.M{"X-Test": "1"}}}, bills.AlgorithmSM4GCM},
	} {
		var buf bytes.Buffer
		links, _, err := bills.DownloadEncrypted(ctx, srv.Client(), srv.MerchantKey, &buf, api, c.opts...)
		if err != nil || len(links) != 1 || links[0].Algorithm != c.want || buf.Len() == 0 {
			t.Errorf("%s: %d bytes, links %+v, %v", name, buf.Len(), links, err)
		}
	}

	for name, opts := range map[string]wechatpay.M{
		"unknown":      algorithmQuery(api, "2024-05-01", "", "AES_128_GCM"),
		"lower case":   algorithmQuery(api, "2024-05-01", "", "sm4_gcm"),
		"given twice":  {"query": with("SM4_GCM", "AEAD_AES_256_GCM")},
		"not a string": {"query": wechatpay.M{"bill_date": "2024-05-01", "algorithm": 4}},
		"twice in M":   {"query": wechatpay.M{"bill_date": "2024-05-01", "algorithm": []string{"SM4_GCM", "SM4_GCM"}}},
	} {
		asked := 0
		client := fileServer(t, srv, func(*transport.Request) *transport.Response {
			asked++
			return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: []byte(`{}`)}
		})
		if _, _, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, io.Discard, api, opts); !errors.Is(err, bills.ErrAlgorithm) || asked != 0 {
			t.Errorf("%s: %d requests, %v", name, asked, err)
		}
	}
}

// Fetching an encrypted bill, AES-256-GCM or SM4-GCM, costs about the size
// of its file, once: the file is read into one buffer and decrypted in
// place. (The server
// encrypts the bill when its link is asked for, before the count starts.)
func TestFetchEncryptedMemory(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	api := "v3/ecommerce/bill/fundflowbill"
	for name, client := range clients(t, srv) {
		srv.SetBillRows(1000)
		sample := &hashCounter{h: sha1.New()}
		if _, _, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, sample, api, encryptedQuery(api, "2024-04-30", "")); err != nil {
			t.Fatal(err)
		}
		srv.SetBillRows(int((16 << 20) / (sample.n / 1000)))
		for _, alg := range []string{bills.AlgorithmAESGCM, bills.AlgorithmSM4GCM} {
			if alg == bills.AlgorithmSM4GCM && raceEnabled {
				continue // the race detector watches every S-box lookup: seconds a bill
			}
			resp, err := client.Chain(api).Get(ctx, algorithmQuery(api, "2024-05-01", "", alg))
			if err != nil {
				t.Fatal(err)
			}
			link := bills.Link{
				BillSequence: 1,
				DownloadURL:  resp.Get("download_bill_list.0.download_url").String(),
				HashType:     "SHA1",
				HashValue:    resp.Get("download_bill_list.0.hash_value").String(),
				EncryptKey:   resp.Get("download_bill_list.0.encrypt_key").String(),
				Nonce:        resp.Get("download_bill_list.0.nonce").String(),
				Algorithm:    alg,
			}
			w := &hashCounter{h: sha1.New()}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			n, err := bills.FetchEncrypted(ctx, client, srv.MerchantKey, w, link)
			runtime.ReadMemStats(&after)
			if err != nil || n != w.n {
				t.Fatalf("%s %s: %d bytes, %v", name, alg, n, err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s %s: %d MiB bill, %d KiB allocated", name, alg, n>>20, alloc>>10)
			if alloc > uint64(n)*3/2 {
				t.Errorf("%s %s: a %d-byte encrypted bill allocated %d bytes", name, alg, n, alloc)
			}
		}
	}
}

// The parts of a split bill are all asked for before any of them is
// read, as WeChat Pay advises: their links expire five minutes after the
// list. Here no part's download goes on until every part has been asked
// for, which would stall a download that fetched them one by one (the
// context's deadline then fails the test instead of hanging it).
func TestDownloadEncryptedFetchesPartsAtOnce(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(60)
	const parts = 3
	srv.SplitEncryptedBills(parts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var asked sync.WaitGroup
	asked.Add(parts)
	cfg := srv.Config()
	fast := transport.NewFastHTTP(transport.FastHTTPOptions{TLSConfig: cfg.TLSConfig})
	cfg.Transport = transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		if strings.HasPrefix(req.URI, "v3/billdownload/file?") {
			asked.Done()
			all := make(chan struct{})
			go func() { asked.Wait(); close(all) }()
			select {
			case <-all:
			case <-ctx.Done():
				return nil, fmt.Errorf("the other parts were not asked for: %w", ctx.Err())
			}
		}
		return fast.Do(ctx, req)
	})
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	api := "v3/ecommerce/bill/fundflowbill"
	var got, want bytes.Buffer
	links, _, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, &got, api, encryptedQuery(api, "2024-05-01", "GZIP"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bills.Download(ctx, srv.Client(), &want, "v3/bill/fundflowbill", query("2024-05-01", "")); err != nil {
		t.Fatal(err)
	}
	if len(links) != parts || !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%d links, %d bytes, want %d links and the %d-byte bill", len(links), got.Len(), parts, want.Len())
	}
}

// A part that fails stops the download: the parts before it are written,
// none after it, and the error names it.
func TestDownloadEncryptedPartFails(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	srv.SetBillRows(60)
	srv.SplitEncryptedBills(3)
	ctx := context.Background()
	api := "v3/ecommerce/bill/fundflowbill"
	cfg := srv.Config()
	fast := transport.NewFastHTTP(transport.FastHTTPOptions{TLSConfig: cfg.TLSConfig})
	var mu sync.Mutex
	var second string // the download URL of the second part
	spoiled := 0
	cfg.Transport = transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		resp, err := fast.Do(ctx, req)
		if err != nil {
			return resp, err
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasPrefix(req.URI, api+"?"):
			second = gjson.GetBytes(resp.Body, "download_bill_list.#(bill_sequence==2).download_url").String()
		case second != "" && req.URL() == second:
			spoiled++
			data, _ := io.ReadAll(resp.BodyStream)
			resp.BodyStream.Close()
			data[len(data)/2] ^= 1
			resp.BodyStream = io.NopCloser(bytes.NewReader(data))
		}
		return resp, nil
	})
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got, whole bytes.Buffer
	links, n, err := bills.DownloadEncrypted(ctx, client, srv.MerchantKey, &got, api, encryptedQuery(api, "2024-05-01", ""))
	if !errors.Is(err, bills.ErrAuthentication) || !strings.Contains(err.Error(), "bill 2") {
		t.Fatalf("want bill 2 to fail its authentication, got %v", err)
	}
	if _, _, err := bills.Download(ctx, srv.Client(), &whole, "v3/bill/fundflowbill", query("2024-05-01", "")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if spoiled != 1 || len(links) != 3 || n != int64(got.Len()) || n == 0 || n >= int64(whole.Len()) || !bytes.HasPrefix(whole.Bytes(), got.Bytes()) {
		t.Errorf("%d spoiled, %d links, %d bytes written (%d counted): want the first part of the %d-byte bill", spoiled, len(links), got.Len(), n, whole.Len())
	}
}
