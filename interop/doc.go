// Package interop drives the built-in test server (package wxpaytest, as
// wxpay serve runs it) with other WeChat Pay SDKs, unmodified: the
// official Go SDK (github.com/wechatpay-apiv3/wechatpay-go) here, and
// the Node wechatpay-axios-plugin in node/. It is a module of its own so
// that those SDKs never enter the main module's dependencies; it holds
// tests only.
package interop
