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

// NotificationV2 is a verified APIv2 callback.
type NotificationV2 struct {
	// Fields are the callback's fields as received: for a payment,
	// out_trade_no, transaction_id, total_fee and the rest.
	Fields map[string]string
	// ReqInfo holds the decrypted req_info of a refund callback
	// (out_refund_no, refund_status, ...), nil for other callbacks.
	ReqInfo map[string]string
	// Body is the request body as received.
	Body []byte
}

// ParseV2 reads and checks an APIv2 callback sent to a net/http handler.
// secret is the APIv2 key. A callback with a sign, such as a payment
// result, must verify (MD5 or HMAC-SHA256, told apart by the sign's
// length); a refund result carries no sign, and is authenticated instead
// by its req_info, which only the APIv2 key decrypts. Failures are *Error
// values; pass them to ReplyV2.
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
	n := &NotificationV2{Fields: fields, Body: body}
	if rc := fields["return_code"]; rc != "SUCCESS" {
		return nil, &Error{Step: StepVerify, Err: fmt.Errorf("%w: %q %s", ErrV2Failure, rc, fields["return_msg"])}
	}
	reqInfo, refund := fields["req_info"]
	if _, signed := fields["sign"]; signed || !refund {
		if err := xmlsign.Verify(fields, secret); err != nil {
			return nil, &Error{Step: StepVerify, Err: err}
		}
	}
	if refund {
		plain, err := aescipher.DecryptECB(secret, reqInfo)
		if err != nil {
			return nil, &Error{Step: StepDecrypt, Err: err}
		}
		if n.ReqInfo, err = transformer.ToMap(plain); err != nil {
			return nil, &Error{Step: StepDecrypt, Err: fmt.Errorf("%w: req_info: %v", ErrMalformed, err)}
		}
	}
	return n, nil
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
