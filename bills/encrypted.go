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
	"slices"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/sensitive"
)

// Encrypted bills.
//
// The sub-merchant and e-commerce fund flow bills
// (v3/bill/sub-merchant-fundflowbill, v3/ecommerce/bill/fundflowbill)
// answer with download_bill_list: one entry per part of the bill (WeChat
// Pay splits a bill of more than about 16 GB of plain text), each with
// its own download_url, hash and key. Each file is AEAD_AES_256_GCM
// (AES-256-GCM, no associated data) under a key of its own, which comes
// in encrypt_key encrypted with RSA-OAEP (SHA-1) for the merchant
// certificate, and the nonce the entry gives. When the bill was asked for
// with tar_type=GZIP, what is encrypted is the gzip file: decrypt, then
// un-gzip. hash_value is the SHA-1 of the plain text of the part, after
// both. The parts, each decrypted, in bill_sequence order, make the bill.

// MaxEncryptedSize is the largest encrypted bill file FetchEncrypted takes:
// 1 GiB. AES-GCM authenticates a file only at its end, and no byte of an
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
	// ErrAuthentication reports an encrypted file that fails its AES-GCM
	// authentication: damaged on the way, or not encrypted with
	// AEAD_AES_256_GCM (the bill was asked for with algorithm=SM4_GCM).
	ErrAuthentication = errors.New("the encrypted bill fails its AES-GCM authentication (damaged, or not AEAD_AES_256_GCM)")
)

// DownloadEncrypted asks a bill API that answers with encrypted bills
// (v3/bill/sub-merchant-fundflowbill, v3/ecommerce/bill/fundflowbill) for
// its list, with opts as for any request (the query carries bill_date,
// account_type, algorithm=AEAD_AES_256_GCM and tar_type, and sub_mchid for
// the sub-merchant bill), and writes the bill to w: each part fetched and
// decrypted as FetchEncrypted does, in bill_sequence order. key is the
// merchant private key (an *rsa.PrivateKey, or any crypto.Decrypter that
// does RSA-OAEP). It returns the list, sorted, and the number of plain
// bytes written.
//
// The parts are fetched one after another. Their links are valid for 5
// minutes from the answer; a part whose link has expired is an
// *wechatpay.APIError, and asking again gives new links.
func DownloadEncrypted(ctx context.Context, client *wechatpay.Client, key crypto.Decrypter, w io.Writer, api string, opts ...wechatpay.M) ([]Link, int64, error) {
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
	slices.SortStableFunc(links, func(a, b Link) int { return a.BillSequence - b.BillSequence })
	if len(links) > 1 {
		for i, l := range links {
			if l.BillSequence != i+1 {
				return nil, 0, fmt.Errorf("bills: %s listed bill_sequence %d where %d belongs: parts are missing or repeated", api, l.BillSequence, i+1)
			}
		}
	}
	var total int64
	for _, l := range links {
		n, err := FetchEncrypted(ctx, client, key, w, l)
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
// decrypts it with AES-256-GCM under that key and link.Nonce, un-gzips it
// if it is gzip, and hashes it as it writes it. Nothing is written unless
// the whole file authenticates; the file is held in memory for that, up to
// MaxEncryptedSize. It returns the number of plain bytes written, and a
// *DigestError if they do not match link.HashValue.
func FetchEncrypted(ctx context.Context, client *wechatpay.Client, key crypto.Decrypter, w io.Writer, link Link) (int64, error) {
	if !strings.EqualFold(link.HashType, "SHA1") {
		return 0, fmt.Errorf("bills: hash_type %q is not SHA1", link.HashType)
	}
	if link.EncryptKey == "" || link.Nonce == "" {
		return 0, errors.New("bills: the link has no encrypt_key or nonce; Fetch reads a plain bill")
	}
	fileKey, err := sensitive.Decrypt(key, link.EncryptKey)
	if err != nil {
		return 0, fmt.Errorf("bills: bill %d: encrypt_key: %w", link.BillSequence, err)
	}
	block, err := aes.NewCipher([]byte(fileKey))
	if err != nil || len(fileKey) != 32 {
		return 0, fmt.Errorf("bills: bill %d: encrypt_key holds a %d-byte key, not an AES-256 key", link.BillSequence, len(fileKey))
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(link.Nonce))
	if err != nil {
		return 0, fmt.Errorf("bills: bill %d: nonce: %w", link.BillSequence, err)
	}

	resp, err := client.DownloadURL(ctx, link.DownloadURL)
	if err != nil {
		return 0, err
	}
	defer resp.BodyStream.Close()
	sealed, err := readBounded(resp.BodyStream, resp.Header.Get("Content-Length"))
	if err != nil {
		return 0, fmt.Errorf("bills: downloading %s: %w", link.DownloadURL, err)
	}
	text, err := aead.Open(sealed[:0], []byte(link.Nonce), sealed, nil)
	if err != nil {
		return 0, fmt.Errorf("bills: bill %d at %s: %w", link.BillSequence, link.DownloadURL, ErrAuthentication)
	}

	return copyChecked(w, bytes.NewReader(text), "", link.HashValue, "writing bill "+strconv.Itoa(link.BillSequence))
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
