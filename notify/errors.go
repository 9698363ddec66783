package notify

import (
	"errors"
	"net/http"

	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/signer"
)

// Steps of handling a callback, in order, as Error.Step.
const (
	StepRead    = "read"    // reading the request
	StepVerify  = "verify"  // checking the headers and signature
	StepReplay  = "replay"  // the replay guard
	StepDecode  = "decode"  // decoding the body
	StepDecrypt = "decrypt" // decrypting the resource
)

// Reasons a callback is refused, besides those of signer (ErrMissingHeader,
// ErrStale, ErrUnknownSerial, ErrSignatureMismatch, ErrSignTest) and
// aescipher (ErrKeyLength, ErrAuthentication, ...), for errors.Is.
var (
	ErrMethod    = errors.New("method is not POST")
	ErrTooLarge  = errors.New("body too large")
	ErrReplay    = errors.New("nonce already seen")
	ErrMalformed = errors.New("malformed notification")
	ErrAlgorithm = errors.New("unsupported resource algorithm")
	// ErrSignatureType reports a Wechatpay-Signature-Type other than
	// WECHATPAY2-SHA256-RSA2048.
	ErrSignatureType = errors.New("unsupported signature type")
)

// Error is a callback that was refused. Step says how far it got; the
// notification ID is set once the body was decoded.
type Error struct {
	Step string
	ID   string
	Err  error
}

// Error reads like "notify: verify: WECHATPAY/SIGNTEST/ probe signature"
// or "notify: decrypt EV-2018022511223320873: aescipher: ...".
func (e *Error) Error() string {
	s := "notify: " + e.Step
	if e.ID != "" {
		s += " " + e.ID
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause, such as signer.ErrSignTest.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode is the HTTP status Reply answers e with. A callback refused
// at any step is sent again later, so a merchant who fixes a key gets it.
func (e *Error) StatusCode() int {
	switch e.Step {
	case StepRead:
		switch {
		case errors.Is(e.Err, ErrMethod):
			return http.StatusMethodNotAllowed
		case errors.Is(e.Err, ErrTooLarge):
			return http.StatusRequestEntityTooLarge
		}
		return http.StatusBadRequest
	case StepVerify:
		return http.StatusUnauthorized
	case StepReplay:
		if errors.Is(e.Err, ErrReplay) {
			return http.StatusConflict
		}
		// The replay store could not answer; WeChat Pay retries later.
		return http.StatusServiceUnavailable
	case StepDecode:
		return http.StatusBadRequest
	}
	// The callback was genuine but cannot be decrypted: the APIv3 key is
	// wrong or missing here.
	return http.StatusInternalServerError
}

// message is what the reply tells WeChat Pay. It names the failure without
// the details, which are for the merchant's logs, not for whoever sent a
// forged request.
func (e *Error) message() string {
	switch e.Step {
	case StepRead:
		return "cannot read the notification: " + e.Err.Error()
	case StepVerify:
		if errors.Is(e.Err, signer.ErrSignTest) {
			return "signature test probe rejected"
		}
		if errors.Is(e.Err, ErrV2Failure) {
			return "return_code is not SUCCESS"
		}
		return "signature verification failed"
	case StepReplay:
		if errors.Is(e.Err, ErrReplay) {
			return "notification nonce already used"
		}
		return "cannot check the notification nonce now"
	case StepDecode:
		return "malformed notification"
	}
	if errors.Is(e.Err, aescipher.ErrKeyLength) {
		return "merchant key is not configured correctly"
	}
	return "cannot decrypt the resource"
}
