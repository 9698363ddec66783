// Package bills downloads WeChat Pay bills and overseas statements as
// streams, and reads their CSV layout.
//
// A bill API (v3/bill/tradebill, v3/bill/fundflowbill, ...) answers with a
// download_url and the SHA-1 of the bill's plain text; the file at that
// URL carries no signature. Download asks for the link and streams the
// file to a writer, un-gzipped, hashing it on the way: memory stays flat
// whatever the size of the bill, and a file that does not match the
// signed digest is an error.
//
//	f, _ := os.Create("tradebill-2024-05-01.csv")
//	link, n, err := bills.Download(ctx, client, f, "v3/bill/tradebill", wechatpay.M{
//		"query": wechatpay.M{"bill_date": "2024-05-01", "bill_type": "ALL", "tar_type": "GZIP"},
//	})
//
// The writer has received the whole file by the time the digest can be
// checked, so write to a temporary file and keep it only when Download
// succeeds.
//
// The sub-merchant and e-commerce fund flow bills come encrypted for the
// merchant; DownloadEncrypted reads them, with the merchant private key.
package bills

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
)

// Link is what a bill API answers: where the bill is, and the digest of
// its plain text (after un-gzipping). An encrypted bill, an entry of a
// download_bill_list, also carries its place in the bill and what it is
// encrypted with.
type Link struct {
	DownloadURL string `json:"download_url"`
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`

	BillSequence int    `json:"bill_sequence,omitempty"` // the part of the bill, from 1
	EncryptKey   string `json:"encrypt_key,omitempty"`   // the file's AES-256 or SM4 key, RSA-OAEP-encrypted for the merchant, in base64
	Nonce        string `json:"nonce,omitempty"`         // the file's GCM nonce

	// Algorithm is the algorithm the bill was asked for with,
	// AlgorithmSM4GCM or AlgorithmAESGCM (also when empty). The list does
	// not say it, so it is not JSON: DownloadEncrypted sets it from the
	// query.
	Algorithm string `json:"-"`
}

// ErrEncrypted reports a bill API that answered Download with a list of
// encrypted bills (download_bill_list, as the sub-merchant and e-commerce
// fund flow bills do); DownloadEncrypted reads them.
var ErrEncrypted = errors.New("bills: the API answered with encrypted bills (download_bill_list); DownloadEncrypted reads them")

// Download asks a bill API for its download link, with opts as for any
// request (the query carries bill_date, bill_type or account_type, and
// tar_type), and streams the bill to w as Fetch does. It returns the link
// and the number of plain bytes written.
func Download(ctx context.Context, client *wechatpay.Client, w io.Writer, api string, opts ...wechatpay.M) (Link, int64, error) {
	resp, err := client.Chain(api).Get(ctx, opts...)
	if err != nil {
		return Link{}, 0, err
	}
	var link Link
	if err := json.Unmarshal(resp.Body, &link); err != nil {
		return Link{}, 0, fmt.Errorf("bills: %s answered no JSON object: %w", api, err)
	}
	if link.DownloadURL == "" {
		if resp.Get("download_bill_list").Exists() {
			return Link{}, 0, ErrEncrypted
		}
		return Link{}, 0, fmt.Errorf("bills: %s answered no download_url", api)
	}
	n, err := Fetch(ctx, client, w, link)
	return link, n, err
}

// Fetch streams the bill at link to w: a signed GET of the download URL
// (whose answer is not signed), un-gzipped when the file is gzip
// (tar_type=GZIP), and hashed as it goes. It returns the number of plain
// bytes written, and a *DigestError if they do not match link.HashValue.
// A link to an encrypted bill (with an EncryptKey) is FetchEncrypted's.
func Fetch(ctx context.Context, client *wechatpay.Client, w io.Writer, link Link) (int64, error) {
	if !strings.EqualFold(link.HashType, "SHA1") {
		return 0, fmt.Errorf("bills: hash_type %q is not SHA1", link.HashType)
	}
	if link.EncryptKey != "" {
		return 0, errors.New("bills: the link is to an encrypted bill; FetchEncrypted reads it")
	}
	resp, err := client.DownloadURL(ctx, link.DownloadURL)
	if err != nil {
		return 0, err
	}
	defer resp.BodyStream.Close()
	return copyChecked(w, resp.BodyStream, resp.Header.Get("Content-Encoding"), link.HashValue, client.MaxDownloadBytes(), client.MaxDownloadBytes(), "downloading "+withoutQuery(link.DownloadURL))
}

// copyChecked un-gzips a bill file if it is gzip and writes it to w,
// holding what it writes to the SHA1 the API gave with the link, and to
// left more bytes of the limit of Client.MaxDownloadBytes.
func copyChecked(w io.Writer, file io.Reader, encoding, hashValue string, left, limit int64, doing string) (int64, error) {
	r, err := plain(file, encoding)
	if err != nil {
		return 0, err
	}
	h := sha1.New()
	lw := &limitWriter{w: io.MultiWriter(w, h), left: left, limit: limit}
	n, err := io.Copy(lw, r)
	if err != nil {
		var tooLarge *wechatpay.DownloadTooLargeError
		if errors.As(err, &tooLarge) {
			return n, err
		}
		return n, fmt.Errorf("bills: %s: %w", doing, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, hashValue) {
		return n, &DigestError{HashType: "SHA1", Want: hashValue, Got: got}
	}
	return n, nil
}

// withoutQuery leaves the download token out of error text.
func withoutQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u
}

// limitWriter writes at most left more bytes of a bill's plain text
// (limit in all), however much a gzip file inflates to.
type limitWriter struct {
	w           io.Writer
	left, limit int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= l.left {
		n, err := l.w.Write(p)
		l.left -= int64(n)
		return n, err
	}
	n, err := l.w.Write(p[:l.left])
	l.left -= int64(n)
	if err == nil {
		err = &wechatpay.DownloadTooLargeError{What: "the plain text of the bill", Limit: l.limit}
	}
	return n, err
}

// plain un-gzips a bill file if it is gzip, by its magic number or by its
// Content-Encoding.
func plain(body io.Reader, encoding string) (io.Reader, error) {
	br := bufio.NewReaderSize(body, 64<<10)
	magic, _ := br.Peek(2)
	if !strings.EqualFold(encoding, "gzip") && !(len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("bills: the gzip file is damaged: %w", err)
	}
	return zr, nil
}

// Statement downloads an overseas statement (hk/v3/statements or
// v3/global/statements, with opts carrying its date) and streams it to w.
// Statements are signed over their Wechatpay-Statement-Sha1 digest rather
// than their body; the client verifies that signature and holds the body
// to the digest as it is read, so a damaged statement is an error wrapping
// signer.ErrDigestMismatch. Add {"headers": {"Accept-Encoding": "gzip"}}
// to have it sent compressed: it is still written plain.
func Statement(ctx context.Context, client *wechatpay.Client, w io.Writer, api string, opts ...wechatpay.M) (int64, error) {
	resp, err := client.Chain(api).Download(ctx, opts...)
	if err != nil {
		return 0, err
	}
	defer resp.BodyStream.Close()
	n, err := io.Copy(w, resp.BodyStream)
	if err != nil {
		return n, fmt.Errorf("bills: downloading %s: %w", api, err)
	}
	return n, nil
}

// DigestError is a file whose digest is not the one its API announced.
// errors.Is(err, signer.ErrDigestMismatch) holds for it.
type DigestError struct {
	HashType string
	Want     string // announced
	Got      string // of the bytes received
}

func (e *DigestError) Error() string {
	return "bills: the file's " + e.HashType + " is " + e.Got + ", the API announced " + e.Want
}

// Unwrap makes errors.Is(err, signer.ErrDigestMismatch) hold.
func (e *DigestError) Unwrap() error { return signer.ErrDigestMismatch }
