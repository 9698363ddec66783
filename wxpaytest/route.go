package wxpaytest

import (
	"net/http"
	"net/url"
	"strings"
)

// route is one endpoint. An empty pattern segment is a path parameter.
type route struct {
	method  string
	pattern []string
	handle  func(*Server, call) reply
}

// call is what an endpoint gets of a verified request.
type call struct {
	params []string // path parameters, percent-decoded
	query  url.Values
	body   []byte
	header http.Header
}

var routes = []route{
	{http.MethodPost, split("v3/pay/transactions/native"), (*Server).native},
	{http.MethodPost, split("v3/pay/transactions/jsapi"), (*Server).jsapi},
	{http.MethodPost, split("v3/pay/transactions/app"), (*Server).app},
	{http.MethodPost, split("v3/pay/transactions/h5"), (*Server).h5},
	{http.MethodPost, split("v3/refund/domestic/refunds"), (*Server).createRefund},
	{http.MethodGet, split("v3/refund/domestic/refunds/{out_refund_no}"), (*Server).queryRefund},
	{http.MethodPost, split("v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund"), (*Server).applyAbnormalRefund},
	{http.MethodGet, split("v3/pay/transactions/id/{transaction_id}"), (*Server).queryByID},
	{http.MethodGet, split("v3/pay/transactions/out-trade-no/{out_trade_no}"), (*Server).queryByOutTradeNo},
	{http.MethodPost, split("v3/pay/transactions/out-trade-no/{out_trade_no}/close"), (*Server).close},
	{http.MethodPost, split("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse"), (*Server).reverse},
	{http.MethodPost, split("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse"), (*Server).combineReverse},
	{http.MethodPost, split("v3/profitsharing/receivers/add"), (*Server).addReceiver},
	{http.MethodPost, split("v3/profitsharing/receivers/delete"), (*Server).deleteReceiver},
	{http.MethodPost, split("v3/profitsharing/orders"), (*Server).createShare},
	{http.MethodGet, split("v3/profitsharing/orders/{out_order_no}"), (*Server).queryShare},
	{http.MethodPost, split("v3/profitsharing/orders/unfreeze"), (*Server).unfreezeShare},
	{http.MethodPost, split("v3/profitsharing/return-orders"), (*Server).createShareReturn},
	{http.MethodGet, split("v3/profitsharing/return-orders/{out_return_no}"), (*Server).queryShareReturn},
	{http.MethodGet, split("v3/profitsharing/transactions/{transaction_id}/amounts"), (*Server).shareAmounts},
	{http.MethodPost, split("v3/fund-app/mch-transfer/transfer-bills"), (*Server).createTransferBill},
	{http.MethodGet, split("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}"), (*Server).queryTransferBill},
	{http.MethodGet, split("v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}"), (*Server).queryTransferBillByNo},
	{http.MethodPost, split("v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}/cancel"), (*Server).cancelTransferBill},
	{http.MethodPost, split("v3/transfer/batches"), (*Server).createTransferBatch},
	{http.MethodGet, split("v3/transfer/batches/out-batch-no/{out_batch_no}"), (*Server).queryTransferBatch},
	{http.MethodGet, split("v3/transfer/batches/batch-id/{batch_id}"), (*Server).queryTransferBatchByID},
	{http.MethodGet, split("v3/transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}"), (*Server).queryTransferDetail},
	{http.MethodGet, split("v3/transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}"), (*Server).queryTransferDetailByID},
	{http.MethodGet, split("v3/certificates"), (*Server).certificates},
	{http.MethodGet, split("v3/global/certificates"), (*Server).certificates},
	{http.MethodGet, split("hk/v3/certificates"), (*Server).certificates},
	{http.MethodPost, split("v3/merchant/media/upload"), (*Server).uploadMedia},
	{http.MethodPost, split("v3/merchant/media/video_upload"), (*Server).uploadVideo},
	{http.MethodPost, split("v3/marketing/favor/media/image-upload"), (*Server).uploadFavorImage},
	{http.MethodPost, split("v3/merchant-service/images/upload"), (*Server).uploadServiceImage},
	{http.MethodGet, split("v3/bill/tradebill"), (*Server).tradeBill},
	{http.MethodGet, split("v3/bill/fundflowbill"), (*Server).fundFlowBill},
	{http.MethodGet, split("v3/bill/sub-merchant-fundflowbill"), (*Server).subMerchantFundFlowBill},
	{http.MethodGet, split("v3/ecommerce/bill/fundflowbill"), (*Server).ecommerceFundFlowBill},
	{http.MethodGet, split("v3/billdownload/file"), (*Server).billDownload},
	{http.MethodGet, split("hk/v3/statements"), (*Server).statements},
	{http.MethodGet, split("v3/global/statements"), (*Server).statements},
}

func split(template string) []string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = ""
		}
	}
	return segs
}

// match finds the endpoint of a raw request target. The path is split
// before it is decoded, so an encoded "/" stays inside its parameter.
func match(method, target string) (*route, call, *Error) {
	return matchIn(routes, method, target)
}

// matchIn is match over a table of routes.
func matchIn(routes []route, method, target string) (*route, call, *Error) {
	rawPath, rawQuery, _ := strings.Cut(target, "?")
	if !strings.HasPrefix(rawPath, "/") {
		return nil, call{}, notFound(rawPath)
	}
	segs := strings.Split(rawPath[1:], "/")
	for i, seg := range segs {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return nil, call{}, paramError("path segment %q is not valid percent-encoding", seg)
		}
		segs[i] = dec
	}
	var found *route
	var params []string
	pathKnown := false
	for i := range routes {
		p, ok := matchSegments(routes[i].pattern, segs)
		if !ok {
			continue
		}
		pathKnown = true
		if routes[i].method == method {
			found, params = &routes[i], p
			break
		}
	}
	switch {
	case found == nil && pathKnown:
		return nil, call{}, notAllowed(method, rawPath)
	case found == nil:
		return nil, call{}, notFound(rawPath)
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, call{}, paramError("query string %q is malformed: %v", rawQuery, err)
	}
	return found, call{params: params, query: query}, nil
}

func matchSegments(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch {
		case p == "" && segs[i] != "":
			params = append(params, segs[i])
		case p != segs[i] || p == "":
			return nil, false
		}
	}
	return params, true
}

func notAllowed(method, path string) *Error {
	return &Error{StatusCode: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: method + " is not allowed on " + path}
}

func notFound(path string) *Error {
	return &Error{StatusCode: http.StatusNotFound, Code: "NOT_FOUND", Message: "no API at " + path}
}
