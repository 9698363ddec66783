// Package api is the root of the typed request and reply bodies of every
// WeChat Pay operation, generated from the OpenAPI description of the API
// (internal/openapi, with its repairs and reviewed corrections). It holds no
// code: import the package of the operations you call.
//
// # Packages
//
// One package per path prefix, mirroring the chain: v3/pay/... is
// api/v3/pay, v3/refund/... is api/v3/refund, v2/secapi/... is
// api/v2/secapi, hk/v3/... is api/hk and global/v3/... is api/global. A
// prefix with more than 64 operations is split one level deeper
// (v3/marketing/busifavor/... is api/v3/marketing/busifavor). Folder and
// package names are the segment in lower case without '-' or '_'
// (v3/fund-app is api/v3/fundapp). Each package's doc lists its operations
// and their types.
//
// # Names
//
// An operation is named after the literal segments of its path that follow
// its package's prefix, in CamelCase (POST v3/pay/transactions/out-trade-no/
// {out_trade_no}/reverse is TransactionsOutTradeNoReverse in api/v3/pay).
// Where two operations of a package would share that name, each of them
// adds its method (POST and GET v3/refund/domestic/refunds... are
// DomesticRefundsPost and DomesticRefundsGet); where that is still shared,
// each adds its path parameters (...ByOutRefundNo). A name changes only when
// an operation is added that shares it.
//
// The types of an operation are its name plus Request (the JSON body, or
// the query of a GET or DELETE), Query (the query beside a body) and
// Response (the reply). A nested object is a named struct called after its
// field (Amount) when every field of that name in the package has the same
// shape, else after its parent too (DomesticRefundsGetResponseAmount). A
// string with a fixed list of values is a named string type with one
// constant per value.
//
// # Fields
//
//   - Money and counts are int64 (amounts in fen, never float); the rare real
//     decimal is float64.
//   - Times are strings in RFC 3339 as WeChat Pay sends and takes them
//     ("2018-06-08T10:34:56+08:00"): no conversion, nothing lost.
//   - Optional fields are values with omitempty (omitzero for structs), so
//     a request names only what it sets. Required numbers and booleans are
//     always sent (0 and false are values); a required string left empty is
//     left out, so the check can say it is missing.
//   - A value of any kind is json.RawMessage.
//   - APIv2 types are flat, with xml tags; nonce_str and sign are not fields
//     (the client adds them), nor are indexed fields (goods_id_$n: use a map).
//
// # Use
//
// A model goes where the map went, and comes back with Response.Decode:
//
//	resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
//		"out_trade_no": "1217752501201407033233368018",
//		"json":         &pay.TransactionsOutTradeNoReverseRequest{AppID: "wxd678efh567hg6787", MchID: "1230000109"},
//	})
//	var out pay.TransactionsOutTradeNoReverseResponse
//	err = resp.Decode(&out)
//
// "query" takes a Request or Query type the same way, and "xml" an APIv2
// Request type.
package api

//go:generate go run ../internal/openapi/gen
