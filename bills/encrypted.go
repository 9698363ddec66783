package bills

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/sensitive"
	"github.com/wxpay-go/wechatpay/sm4"
)

// Encrypted bills.
//
// The sub-merchant and e-commerce fund flow bills
// (v3/bill/sub-merchant-fundflowbill, v3/ecommerce/bill/fundflowbill)
// answer with download_bill_list: one entry per part of the bill (WeChat
// Pay splits a bill of more than about 16 GB of plain text), each with
// its own download_url, hash and key. Each file is encrypted with the
// algorithm the query asked for, AEAD_AES_256_GCM (AES-256-GCM) or
// SM4_GCM (SM4 in GCM mode), with no associated data, under a key of its
// own, which comes in encrypt_key encrypted with RSA-OAEP (SHA-1) for the
// merchant certificate, and the nonce the entry gives. The entries do not
// say which algorithm: only the query does. When the bill was asked for
// with tar_type=GZIP, what is encrypted is the gzip file: decrypt, then
// un-gzip. hash_value is the SHA-1 of the plain text of the part, after
// both. The parts, each decrypted, in bill_sequence order, make the bill.

// The algorithms of encrypted bills, as the query's algorithm and
// Link.Algorithm name them.
const (
	AlgorithmAESGCM = "AEAD_AES_256_GCM" // AES-256-GCM, under a 32-byte key
	AlgorithmSM4GCM = "SM4_GCM"          // SM4-GCM (GB/T 32907-2016), under a 16-byte key
)

// MaxEncryptedSize is the largest encrypted bill file FetchEncrypted takes:
// 1 GiB. GCM authenticates a file only at its end, and no byte of an
// unauthenticated file is handed on, so the file is held in memory and
// decrypted in place: a bill costs about the size of its encrypted file,
// once. Ask for tar_type=GZIP, which shrinks a bill several times over, to
// keep that small; WeChat Pay splits a bill into parts of at most about 16 GB of
// plain text.
const MaxEncryptedSize = 1 << 30

// Reasons an encrypted bill is refused, for errors.Is. A wrong merchant
// key is sensitive.ErrDecryption.
var (
	// ErrTooLarge reports an encrypted file of more than
	// MaxEncryptedSize bytes.
	ErrTooLarge = errors.New("the encrypted bill is larger than bills.MaxEncryptedSize")
	// ErrAuthentication reports an encrypted file that fails its GCM
	// authentication: damaged on the way, or encrypted with another
	// algorithm than Link.Algorithm says (a link whose Algorithm was not
	// set to the query's).
	ErrAuthentication = errors.New("the encrypted bill fails its GCM authentication (damaged, or not encrypted with the algorithm asked for)")
	// ErrAlgorithm reports an algorithm, in the query or in a Link, that
	// is neither AEAD_AES_256_GCM nor SM4_GCM, or a query that gives it
	// twice or as something other than a string; it is refused before
	// anything is asked for.
	ErrAlgorithm = errors.New("the algorithm is not " + AlgorithmAESGCM + " or " + AlgorithmSM4GCM)
)

// DownloadEncrypted asks a bill API that answers with encrypted bills
// (v3/bill/sub-merchant-fundflowbill, v3/ecommerce/bill/fundflowbill) for
// its list, with opts as for any request (the query carries bill_date,
// account_type, algorithm and tar_type, and sub_mchid for the
// sub-merchant bill), and writes the bill to w: each part fetched and
// decrypted as FetchEncrypted does, in bill_sequence order, with the
// algorithm the query names (AlgorithmAESGCM or AlgorithmSM4GCM; any
// other is ErrAlgorithm, before the list is asked for). key is the
// merchant private key (an *rsa.PrivateKey, or any crypto.Decrypter that
// does RSA-OAEP). It returns the list, sorted, each Link's Algorithm set
// to the query's, and the number of plain bytes written.
//
// The parts of a split bill are fetched at once, as WeChat Pay advises,
// since their links expire 5 minutes after the answer (an expired link is
// an *wechatpay.APIError; asking again gives new links), and each is held
// in memory until its turn to be written: a split bill costs the sum of
// its encrypted parts. To keep them on disk instead, fetch each Link
// with FetchEncrypted into a file of its own. key is then used from
// several goroutines at once.
func DownloadEncrypted(ctx context.Context, client *wechatpay.Client, key crypto.Decrypter, w io.Writer, api string, opts ...wechatpay.M) ([]Link, int64, error) {
	algorithm, err := queryAlgorithm(opts)
	if err == nil {
		_, err = fileKeySize(algorithm)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bills: %s: %w", api, err)
	}
	resp, err := client.Chain(api).Get(ctx, opts...)
	if err != nil {
		return nil, 0, err
	}
	var doc struct {
		Count int    `json:"download_bill_count"`
		List  []Link `json:"download_bill_list"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		return nil, 0, fmt.Errorf("bills: %s answered no JSON object: %w", api, err)
	}
	links := doc.List
	switch {
	case len(links) == 0 && resp.Get("download_url").Exists():
		return nil, 0, fmt.Errorf("bills: %s answered a plain bill (download_url); Download reads it", api)
	case len(links) == 0:
		return nil, 0, fmt.Errorf("bills: %s answered no download_bill_list", api)
	case doc.Count != len(links):
		return nil, 0, fmt.Errorf("bills: %s answered download_bill_count %d with %d bills listed", api, doc.Count, len(links))
	}
	for i := range links {
		links[i].Algorithm = algorithm
	}
	slices.SortStableFunc(links, func(a, b Link) int { return a.BillSequence - b.BillSequence })
	if len(links) > 1 {
		for i, l := range links {
			if l.BillSequence != i+1 {
				return nil, 0, fmt.Errorf("bills: %s listed bill_sequence %d where %d belongs: parts are missing or repeated", api, l.BillSequence, i+1)
			}
		}
	}
	if len(links) == 1 {
		n, err := FetchEncrypted(ctx, client, key, w, links[0])
		return links, n, err
	}

	// The links of a split bill expire five minutes after the list, so
	// every part is fetched at once, as WeChat Pay advises, and written in
	// its turn. A failure stops the fetches still running.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type part struct {
		text []byte
		err  error
	}
	parts := make([]chan part, len(links))
	for i, l := range links {
		parts[i] = make(chan part, 1)
		go func() {
			text, err := openEncrypted(ctx, client, key, l)
			parts[i] <- part{text, err}
		}()
	}
	var total int64
	for i, l := range links {
		p := <-parts[i]
		if p.err != nil {
			return links, total, p.err
		}
		n, err := writePart(w, p.text, l, client.MaxDownloadBytes()-total, client.MaxDownloadBytes())
		total += n
		if err != nil {
			return links, total, err
		}
	}
	return links, total, nil
}

// FetchEncrypted writes to w the encrypted bill at link, one entry of a
// download_bill_list: it decrypts link.EncryptKey with key (the merchant
// private key), fetches the file with a signed GET of the download URL,
// decrypts it under that key and link.Nonce with link.Algorithm
// (AES-256-GCM when empty, SM4-GCM when AlgorithmSM4GCM), un-gzips it if
// it is gzip, and hashes it as it writes it. Nothing is written unless the
// whole file authenticates; the file is held in memory for that, up to
// MaxEncryptedSize. It returns the number of plain bytes written, and a
// *DigestError if they do not match link.HashValue.
func FetchEncrypted(ctx context.Context, client *wechatpay.Client, key crypto.Decrypter, w io.Writer, link Link) (int64, error) {
	text, err := openEncrypted(ctx, client, key, link)
	if err != nil {
		return 0, err
	}
	return writePart(w, text, link, client.MaxDownloadBytes(), client.MaxDownloadBytes())
}

// writePart writes a decrypted part, un-gzipped if it is gzip, and holds
// it to the link's digest.
func writePart(w io.Writer, text []byte, link Link, left, limit int64) (int64, error) {
	return copyChecked(w, bytes.NewReader(text), "", link.HashValue, left, limit, "writing bill "+strconv.Itoa(link.BillSequence))
}

// openEncrypted fetches the encrypted bill at link and returns it
// decrypted and authenticated (still gzip if it was asked for so).
func openEncrypted(ctx context.Context, client *wechatpay.Client, key crypto.Decrypter, link Link) ([]byte, error) {
	if !strings.EqualFold(link.HashType, "SHA1") {
		return nil, fmt.Errorf("bills: hash_type %q is not SHA1", link.HashType)
	}
	if link.EncryptKey == "" || link.Nonce == "" {
		return nil, errors.New("bills: the link has no encrypt_key or nonce; Fetch reads a plain bill")
	}
	keySize, err := fileKeySize(link.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("bills: bill %d: %w", link.BillSequence, err)
	}
	fileKey, err := sensitive.Decrypt(key, link.EncryptKey)
	if err != nil {
		return nil, fmt.Errorf("bills: bill %d: encrypt_key: %w", link.BillSequence, err)
	}
	if len(fileKey) != keySize {
		return nil, fmt.Errorf("bills: bill %d: encrypt_key holds a %d-byte key; %s takes %d bytes", link.BillSequence, len(fileKey), algorithmName(link.Algorithm), keySize)
	}
	var block cipher.Block
	if link.Algorithm == AlgorithmSM4GCM {
		block, err = sm4.NewCipher([]byte(fileKey))
	} else {
		block, err = aes.NewCipher([]byte(fileKey))
	}
	if err != nil {
		return nil, fmt.Errorf("bills: bill %d: %w", link.BillSequence, err)
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(link.Nonce))
	if err != nil {
		return nil, fmt.Errorf("bills: bill %d: nonce: %w", link.BillSequence, err)
	}

	resp, err := client.DownloadURL(ctx, link.DownloadURL)
	if err != nil {
		return nil, err
	}
	defer resp.BodyStream.Close()
	sealed, err := readBounded(resp.BodyStream, resp.Header.Get("Content-Length"))
	if err != nil {
		return nil, fmt.Errorf("bills: downloading %s: %w", link.DownloadURL, err)
	}
	text, err := aead.Open(sealed[:0], []byte(link.Nonce), sealed, nil)
	if err != nil {
		return nil, fmt.Errorf("bills: bill %d at %s: %w", link.BillSequence, link.DownloadURL, ErrAuthentication)
	}
	return text, nil
}

// fileKeySize checks an algorithm, and returns the size of its key.
func fileKeySize(algorithm string) (int, error) {
	switch algorithm {
	case "", AlgorithmAESGCM:
		return 32, nil
	case AlgorithmSM4GCM:
		return sm4.KeySize, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrAlgorithm, algorithm)
}

// algorithmName names the algorithm of a Link, whose empty Algorithm is
// AES-256-GCM's.
func algorithmName(algorithm string) string {
	if algorithm == "" {
		return AlgorithmAESGCM
	}
	return algorithm
}

// queryAlgorithm reads the algorithm of the request's query as the request
// will send it: the query option of the last option map that has one, as
// later keys win. A query without one reads as "" (AES-256-GCM's default;
// WeChat Pay refuses a query without it anyway), as does a query of a type
// the request refuses itself; an algorithm given twice is refused rather
// than guessed at.
func queryAlgorithm(opts []wechatpay.M) (string, error) {
	var query any
	for _, o := range opts {
		if q, ok := o["query"]; ok {
			query = q
		}
	}
	var values []string
	switch q := query.(type) {
	case url.Values:
		values = q["algorithm"]
	case map[string]string:
		if v, ok := q["algorithm"]; ok {
			values = []string{v}
		}
	case wechatpay.M:
		switch v := q["algorithm"].(type) {
		case nil:
		case string:
			values = []string{v}
		case []string:
			values = v
		default:
			return "", fmt.Errorf("%w: the query's algorithm is a %T", ErrAlgorithm, v)
		}
	}
	switch len(values) {
	case 0:
		return "", nil
	case 1:
		return values[0], nil
	}
	return "", fmt.Errorf("%w: the query gives algorithm %d times", ErrAlgorithm, len(values))
}

// readBounded reads a whole encrypted file into one buffer, sized by its
// Content-Length when it has one, and refuses one larger than
// MaxEncryptedSize.
func readBounded(body io.Reader, contentLength string) ([]byte, error) {
	if n, err := strconv.ParseInt(contentLength, 10, 64); err == nil && n >= 0 {
		if n > MaxEncryptedSize {
			return nil, fmt.Errorf("%w: it is %d bytes", ErrTooLarge, n)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf, err := io.ReadAll(io.LimitReader(body, MaxEncryptedSize+1))
	if err != nil {
		return nil, err
	}
	if len(buf) > MaxEncryptedSize {
		return nil, fmt.Errorf("%w: it is more than %d bytes", ErrTooLarge, MaxEncryptedSize)
	}
	return buf, nil
}
