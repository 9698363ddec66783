module github.com/wxpay-go/wechatpay/bench

go 1.26.0

require (
	github.com/go-pay/gopay v1.5.123
	github.com/google/go-cmp v0.7.0
	github.com/valyala/fasthttp v1.78.0
	github.com/wechatpay-apiv3/wechatpay-go v0.2.21
	github.com/wxpay-go/wechatpay v0.0.0
)

require (
	github.com/go-pay/crypto v0.0.3 // indirect
	github.com/go-pay/util v0.0.4 // indirect
	github.com/go-pay/xlog v0.0.3 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/molecule-man/go-brrr v1.3.1 // indirect
	github.com/tidwall/gjson v1.20.2 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.3.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
)

replace github.com/wxpay-go/wechatpay => ../
