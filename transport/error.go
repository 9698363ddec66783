package transport

import (
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/valyala/fasthttp"
)

// ErrBodyTooLarge reports a response body over the configured limit.
var ErrBodyTooLarge = errors.New("response body too large")

// retryable tells whether err means that no response arrived, so the
// request may be sent again to the backup domain.
func retryable(err error) bool {
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		return false
	}
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout),
		errors.Is(err, fasthttp.ErrConnectionClosed), errors.Is(err, fasthttp.ErrNoFreeConns),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &netErr):
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// Error is a failed exchange: nothing, or nothing usable, came back.
type Error struct {
	Method string
	URL    string
	Err    error
	// Retryable is true when the network failed (a refused or reset
	// connection, a timeout) before any byte of a response arrived.
	Retryable bool
	// Sent is true when the whole request had been written when the
	// exchange failed: the server may have received and executed it.
	Sent bool
}

// Error names the URL without its query, which carries merchant and
// order numbers and download tokens: error text ends up in logs.
func (e *Error) Error() string {
	u, _, _ := strings.Cut(e.URL, "?")
	return e.Method + " " + u + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
