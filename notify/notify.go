// Package notify receives WeChat Pay callbacks (回调通知): it verifies them
// and hands back what they carry.
//
// An APIv3 callback is a signed JSON envelope whose resource is encrypted
// with the APIv3 key. A Verifier checks the Wechatpay-* headers (timestamp
// within 300 seconds, a known platform serial, the RSA signature, and not
// a WECHATPAY/SIGNTEST/ probe), optionally refuses replayed nonces, and
// decrypts the resource:
//
//	v := &notify.Verifier{Keys: signer.StaticKeys(certs), APIv3Key: apiV3Key}
//	http.HandleFunc("/notify", func(w http.ResponseWriter, r *http.Request) {
//		n, err := v.Parse(r)
//		if err == nil {
//			err = process(n.EventType, n.Get("out_trade_no").String())
//		}
//		notify.Reply(w, err)
//	})
//
// Reply answers as WeChat Pay documents: 204 when the callback was taken,
// otherwise a 4xx or 5xx status with a JSON {"code","message"} body, upon
// which WeChat Pay sends the callback again later. ParseFastHTTP and
// ReplyFastHTTP do the same for fasthttp servers, and Verify for any other
// framework.
//
// APIv2 callbacks are XML signed with the APIv2 key; see ParseV2.
package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/signer"
)

// DefaultMaxBody bounds a callback body; real ones are a few kilobytes.
const DefaultMaxBody = 1 << 20

// HeaderSignatureType names the signature scheme of a callback; only
// signer.Scheme (RSA) is supported.
const HeaderSignatureType = "Wechatpay-Signature-Type"

// AlgorithmGCM is the only resource algorithm WeChat Pay uses.
const AlgorithmGCM = "AEAD_AES_256_GCM"

// Verifier checks and decrypts APIv3 callbacks. Keys and APIv3Key are
// required; the other fields have good zero values. It is safe for
// concurrent use and must not be changed while in use.
type Verifier struct {
	Keys     signer.Keys // platform certificates and/or WeChat Pay public keys, by serial or PUB_KEY_ID_...
	APIv3Key string      // the 32-byte APIv3 key set in the merchant console

	// Replay, if set, refuses a nonce already seen in a verified callback.
	// A NonceCache does this for one process.
	Replay ReplayGuard
	// Window is how far Wechatpay-Timestamp may be from the local clock.
	// Default signer.DefaultWindow (300 s).
	Window time.Duration
	// MaxBody bounds the body Parse reads. Default DefaultMaxBody.
	MaxBody int64
	// Now is the clock; time.Now if nil.
	Now func() time.Time
}

// Notification is a verified APIv3 callback.
type Notification struct {
	ID           string   `json:"id"`
	CreateTime   string   `json:"create_time"` // RFC 3339, as sent
	EventType    string   `json:"event_type"`  // TRANSACTION.SUCCESS, REFUND.SUCCESS, ...
	ResourceType string   `json:"resource_type"`
	Summary      string   `json:"summary"`
	Resource     Resource `json:"resource"`

	// Plaintext is the decrypted resource, a JSON object such as a
	// transaction or a refund.
	Plaintext []byte `json:"-"`
	// Body is the request body as received.
	Body []byte `json:"-"`
}

// Resource is the encrypted part of a callback.
type Resource struct {
	OriginalType   string `json:"original_type"`
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	AssociatedData string `json:"associated_data"`
	Nonce          string `json:"nonce"`
}

// Get reads the decrypted resource with a gjson path, such as
// "out_trade_no" or "amount.total".
func (n *Notification) Get(path string) gjson.Result {
	return gjson.GetBytes(n.Plaintext, path)
}

// Decode unmarshals the decrypted resource into v.
func (n *Notification) Decode(v any) error {
	if err := json.Unmarshal(n.Plaintext, v); err != nil {
		return fmt.Errorf("notify: decoding %s resource: %w", n.Resource.OriginalType, err)
	}
	return nil
}

// Parse reads, verifies and decrypts a callback sent to a net/http
// handler. Failures are *Error values; pass them to Reply.
func (v *Verifier) Parse(r *http.Request) (*Notification, error) {
	if r.Method != http.MethodPost {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: %s", ErrMethod, r.Method)}
	}
	limit := v.maxBody()
	var buf bytes.Buffer
	if n := r.ContentLength; n > limit {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrTooLarge, n, limit)}
	} else if n > 0 {
		buf.Grow(int(n) + 1) // +1 so the check for more below does not grow it
	}
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		return nil, &Error{Step: StepRead, Err: err}
	}
	if int64(buf.Len()) > limit {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, limit)}
	}
	return v.Verify(r.Header.Get, buf.Bytes())
}

// ParseFastHTTP is Parse for a fasthttp handler. The body must fit in
// MaxBody as well as in the server's MaxRequestBodySize.
func (v *Verifier) ParseFastHTTP(ctx *fasthttp.RequestCtx) (*Notification, error) {
	if !ctx.IsPost() {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: %s", ErrMethod, ctx.Method())}
	}
	body := ctx.PostBody()
	if limit := v.maxBody(); int64(len(body)) > limit {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, limit)}
	}
	// fasthttp reuses the request's buffers after the handler returns.
	body = bytes.Clone(body)
	h := &ctx.Request.Header
	return v.Verify(func(name string) string { return string(h.Peek(name)) }, body)
}

// Verify checks a callback given its headers (through get, such as
// http.Header.Get) and body, and decrypts its resource. The Notification
// keeps body.
func (v *Verifier) Verify(get func(string) string, body []byte) (*Notification, error) {
	// Only RSA is supported; an SM2 callback would otherwise fail as a
	// mere signature mismatch. A probe is left for Check to name.
	if st := get(HeaderSignatureType); st != "" && st != signer.Scheme && !strings.HasPrefix(get(signer.HeaderSignature), "WECHATPAY/SIGNTEST/") {
		return nil, &Error{Step: StepVerify, Err: fmt.Errorf("%w %q", ErrSignatureType, st)}
	}
	sv := signer.Verifier{Keys: v.Keys, Window: v.Window, Now: v.Now}
	if err := sv.Check(get, body); err != nil {
		return nil, &Error{Step: StepVerify, Err: err}
	}
	// Only a verified nonce is remembered, so forged requests cannot fill
	// the cache or lock a real callback out.
	if v.Replay != nil {
		if err := v.replay(get(signer.HeaderNonce)); err != nil {
			return nil, err
		}
	}
	return open(body, v.APIv3Key)
}

// replay asks the replay guard about a verified nonce.
func (v *Verifier) replay(nonce string) error {
	var seen bool
	var err error
	if s, ok := v.Replay.(ReplayStore); ok {
		seen, err = s.Check(nonce, v.now())
	} else {
		seen = v.Replay.Seen(nonce, v.now())
	}
	switch {
	case err != nil:
		return &Error{Step: StepReplay, Err: err}
	case seen:
		return &Error{Step: StepReplay, Err: fmt.Errorf("%w: %s %s", ErrReplay, signer.HeaderNonce, nonce)}
	}
	return nil
}

// open decodes a verified body and decrypts its resource.
func open(body []byte, apiV3Key string) (*Notification, error) {
	n := &Notification{Body: body}
	if err := n.decode(string(body)); err != nil {
		return nil, &Error{Step: StepDecode, ID: n.ID, Err: err}
	}
	r := &n.Resource
	if r.Algorithm != AlgorithmGCM {
		return nil, &Error{Step: StepDecode, ID: n.ID, Err: fmt.Errorf("%w %q", ErrAlgorithm, r.Algorithm)}
	}
	if r.Ciphertext == "" || r.Nonce == "" {
		return nil, &Error{Step: StepDecode, ID: n.ID, Err: fmt.Errorf("%w: resource lacks ciphertext or nonce", ErrMalformed)}
	}
	plain, err := aescipher.DecryptGCM(apiV3Key, r.Nonce, r.AssociatedData, r.Ciphertext)
	if err != nil {
		return nil, &Error{Step: StepDecrypt, ID: n.ID, Err: err}
	}
	n.Plaintext = plain
	return n, nil
}

// decode fills n from the JSON envelope. It reads with gjson rather than
// encoding/json because the fields then share one copy of the body, which
// keeps a callback to a handful of allocations.
func (n *Notification) decode(body string) error {
	if !gjson.Valid(body) {
		return fmt.Errorf("%w: body is not JSON", ErrMalformed)
	}
	doc := gjson.Parse(body)
	if !doc.IsObject() {
		return fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	var err error
	str := func(dst *string, name string, v gjson.Result) bool {
		if v.Type != gjson.String {
			err = fmt.Errorf("%w: %s is not a string", ErrMalformed, name)
			return false
		}
		*dst = v.Str
		return true
	}
	doc.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "id":
			return str(&n.ID, "id", v)
		case "create_time":
			return str(&n.CreateTime, "create_time", v)
		case "event_type":
			return str(&n.EventType, "event_type", v)
		case "resource_type":
			return str(&n.ResourceType, "resource_type", v)
		case "summary":
			return str(&n.Summary, "summary", v)
		case "resource":
			if !v.IsObject() {
				err = fmt.Errorf("%w: resource is not an object", ErrMalformed)
				return false
			}
			r := &n.Resource
			v.ForEach(func(k, v gjson.Result) bool {
				switch k.Str {
				case "original_type":
					return str(&r.OriginalType, "resource.original_type", v)
				case "algorithm":
					return str(&r.Algorithm, "resource.algorithm", v)
				case "ciphertext":
					return str(&r.Ciphertext, "resource.ciphertext", v)
				case "associated_data":
					return str(&r.AssociatedData, "resource.associated_data", v)
				case "nonce":
					return str(&r.Nonce, "resource.nonce", v)
				}
				return true
			})
			return err == nil
		}
		return true
	})
	if err != nil {
		return err
	}
	if n.ID == "" {
		return fmt.Errorf("%w: no id", ErrMalformed)
	}
	return nil
}

func (v *Verifier) maxBody() int64 {
	if v.MaxBody > 0 {
		return v.MaxBody
	}
	return DefaultMaxBody
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}
