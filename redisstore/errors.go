package redisstore

import "errors"

// Error is a Redis command that failed: Op says what it was for, Key the
// key it was about, Err why (a network error, a timeout, a Redis error
// reply).
type Error struct {
	Op  string // "replay check", "certificate cache read", "v2 claim", ...
	Key string
	Err error
}

// Error reads like "redisstore: replay check wechatpay:nonce:ABC: dial tcp
// 127.0.0.1:6379: connect: connection refused".
func (e *Error) Error() string {
	return "redisstore: " + e.Op + " " + e.Key + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrInProgress reports an APIv2 callback that another instance is
// handling right now; answered FAIL, WeChat Pay sends it again later.
var ErrInProgress = errors.New("redisstore: the callback is being handled by another instance")

// ErrNoID reports an APIv2 callback that names neither a transaction_id
// (a payment result) nor an out_refund_no (a refund result).
var ErrNoID = errors.New("redisstore: the callback names no transaction_id or out_refund_no")
