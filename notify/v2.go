package notify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/valyala/fasthttp"
	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// ErrV2Failure reports an APIv2 callback whose return_code is not SUCCESS.
// WeChat Pay does not sign those, so nothing in them can be trusted.
var ErrV2Failure = errors.New("return_code is not SUCCESS")

// NotificationV2 is a verified APIv2 callback. It holds only what the
// APIv2 key authenticates, so that nothing a forger added can be read from
// it by mistake.
type NotificationV2 struct {
	// Refund is true for a refund result, authenticated by its req_info,
	// false for a callback authenticated by its sign (a payment result).
	Refund bool
	// Fields are the authenticated fields. For a signed callback, every
	// field the sign covers: out_trade_no, transaction_id, total_fee and
	// the rest. For a refund result, the fields decrypted from req_info
	// (out_refund_no, refund_status, refund_fee, ...) and return_code: the
	// fields beside req_info (appid, mch_id, nonce_str) are covered by
	// nothing, and anyone could have written them, so they are left out.
	Fields map[string]string
	// Body is the request body as received, authenticated only in the
	// parts Fields holds.
	Body []byte
}

// ParseV2 reads and checks an APIv2 callback sent to a net/http handler.
// secret is the APIv2 key. A callback with req_info is a refund result,
// which WeChat Pay does not sign: it is authenticated by its req_info,
// which only the APIv2 key decrypts, and only what decrypts is trusted. Any
// other callback, such as a payment result, must carry a sign that
// verifies (MD5 or HMAC-SHA256, told apart by the sign's length); so must
// a refund result that carries a sign. Failures are *Error values; pass
// them to ReplyV2.
func ParseV2(r *http.Request, secret string) (*NotificationV2, error) {
	if r.Method != http.MethodPost {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: %s", ErrMethod, r.Method)}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, DefaultMaxBody+1))
	if err != nil {
		return nil, &Error{Step: StepRead, Err: err}
	}
	if len(body) > DefaultMaxBody {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, DefaultMaxBody)}
	}
	return VerifyV2(body, secret)
}

// ParseV2FastHTTP is ParseV2 for a fasthttp handler.
func ParseV2FastHTTP(ctx *fasthttp.RequestCtx, secret string) (*NotificationV2, error) {
	if !ctx.IsPost() {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: %s", ErrMethod, ctx.Method())}
	}
	body := ctx.PostBody()
	if len(body) > DefaultMaxBody {
		return nil, &Error{Step: StepRead, Err: fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, DefaultMaxBody)}
	}
	return VerifyV2(bytes.Clone(body), secret)
}

// VerifyV2 checks an APIv2 callback body, as ParseV2 does.
func VerifyV2(body []byte, secret string) (*NotificationV2, error) {
	fields, err := transformer.ToMap(body)
	if err != nil {
		return nil, &Error{Step: StepDecode, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	if rc := fields["return_code"]; rc != "SUCCESS" {
		return nil, &Error{Step: StepVerify, Err: fmt.Errorf("%w: %q %s", ErrV2Failure, rc, fields["return_msg"])}
	}
	reqInfo, refund := fields["req_info"]
	if _, signed := fields["sign"]; signed || !refund {
		if err := xmlsign.Verify(fields, secret); err != nil {
			return nil, &Error{Step: StepVerify, Err: err}
		}
	}
	if !refund {
		return &NotificationV2{Fields: fields, Body: body}, nil
	}
	plain, err := aescipher.DecryptECB(secret, reqInfo)
	if err != nil {
		return nil, &Error{Step: StepDecrypt, Err: err}
	}
	trusted, err := transformer.ToMap(plain)
	if err != nil {
		return nil, &Error{Step: StepDecrypt, Err: fmt.Errorf("%w: req_info: %v", ErrMalformed, err)}
	}
	trusted["return_code"] = "SUCCESS"
	return &NotificationV2{Refund: true, Fields: trusted, Body: body}, nil
}

// AnswerV2 returns the reply WeChat Pay expects for an APIv2 callback:
// <xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>
// when err is nil, otherwise return_code FAIL and a message chosen as
// Answer chooses it. APIv2 replies are always HTTP 200; the return_code
// tells WeChat Pay whether to send the callback again.
func AnswerV2(err error) []byte {
	reply := map[string]string{"return_code": "SUCCESS", "return_msg": "OK"}
	if err != nil {
		reply["return_code"], reply["return_msg"] = "FAIL", "processing failed"
		var e *Error
		if errors.As(err, &e) {
			reply["return_msg"] = e.message()
		}
	}
	b, xerr := transformer.ToXML(reply)
	if xerr != nil {
		// Only invalid UTF-8 fails, and the messages are ASCII.
		panic("notify: " + xerr.Error())
	}
	return b
}

// ReplyV2 writes AnswerV2(err) to w.
func ReplyV2(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(AnswerV2(err))
}

// ReplyV2FastHTTP writes AnswerV2(err) to ctx.
func ReplyV2FastHTTP(ctx *fasthttp.RequestCtx, err error) {
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.SetContentType("text/xml; charset=utf-8")
	ctx.SetBody(AnswerV2(err))
}
