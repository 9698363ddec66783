// Package bench compares this module's client with the official Go SDK,
// github.com/wechatpay-apiv3/wechatpay-go, on one APIv3 request, and with
// github.com/go-pay/gopay on one APIv2 request, each sent to the same
// loopback server in the same test binary.
//
// It is a module of its own so that the official SDK never becomes a
// dependency of the client. Everything lives in the tests; see README.md
// for how to run the comparison.
package bench
