module github.com/wxpay-go/wechatpay/interop

go 1.26.0

require (
	github.com/wechatpay-apiv3/wechatpay-go v0.2.21
	github.com/wxpay-go/wechatpay v0.0.0
)

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/molecule-man/go-brrr v1.3.1 // indirect
	github.com/tidwall/gjson v1.20.2 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.3.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasthttp v1.78.0 // indirect
)

replace github.com/wxpay-go/wechatpay => ../
