package transport

import (
	"errors"
	"net"
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
	// Retryable is true when no response arrived (a refused or reset
	// connection, a timeout), so the backup domain may be tried.
	Retryable bool
}

func (e *Error) Error() string {
	return e.Method + " " + e.URL + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
