package notify

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/valyala/fasthttp"
)

// Answer returns the reply WeChat Pay expects for the outcome of handling
// a callback: 204 and no body when err is nil; otherwise a 4xx or 5xx
// status and {"code":"FAIL","message":...}. An *Error from this package
// gets its StatusCode; any other error (the merchant's own processing
// failed) gets 500 and a generic message, since the text goes to WeChat
// Pay rather than to the merchant's logs.
func Answer(err error) (status int, body []byte) {
	if err == nil {
		return http.StatusNoContent, nil
	}
	status, msg := http.StatusInternalServerError, "processing failed"
	var e *Error
	if errors.As(err, &e) {
		status, msg = e.StatusCode(), e.message()
	}
	body, _ = json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"FAIL", msg})
	return status, body
}

// Reply writes Answer(err) to w.
func Reply(w http.ResponseWriter, err error) {
	status, body := Answer(err)
	if body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	w.Write(body)
}

// ReplyFastHTTP writes Answer(err) to ctx.
func ReplyFastHTTP(ctx *fasthttp.RequestCtx, err error) {
	status, body := Answer(err)
	ctx.SetStatusCode(status)
	if body != nil {
		ctx.SetContentType("application/json")
		ctx.SetBody(body)
	}
}
