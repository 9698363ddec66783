package wxpaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/internal/catalog"
	"github.com/wxpay-go/wechatpay/internal/schema"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// minAnswered is how many catalog operations must answer a minimal valid
// request with a reply valid against their own schema.
const minAnswered = 1110

// TestEveryOperationAnswers sends every operation of the catalog a minimal
// valid request, built from its description (the required fields, with
// values that pass their checks), through the real client, and checks
// each reply against the operation's reply schema. The operations that do
// not answer so are those emulated by hand, whose state a made-up request
// does not match; unanswered lists them with the reason, and the test
// fails when the list changes either way.
func TestEveryOperationAnswers(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	client, err := wechatpay.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	answered := 0
	got := map[string]string{}
	for _, ep := range catalog.All() {
		key := ep.Method + " " + ep.Path
		op := schema.Find(ep.Method, ep.Path)
		if op == nil {
			got[key] = "not described"
			continue
		}
		r, err := sendOperation(ctx, client, ep, minimalRequest(srv, ep, op))
		if reason := judge(op, r, err); reason != "" {
			got[key] = reason
			continue
		}
		answered++
	}
	t.Logf("%d of %d operations answered schema-valid", answered, len(catalog.All()))
	if answered < minAnswered {
		t.Errorf("%d operations answered schema-valid, want at least %d", answered, minAnswered)
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		want, listed := unanswered[key]
		switch {
		case !listed:
			t.Errorf("%s: %s (not in unanswered)", key, got[key])
		case want.outcome != got[key]:
			t.Errorf("%s: %s, unanswered says %s", key, got[key], want.outcome)
		}
	}
	for key, why := range unanswered {
		if _, still := got[key]; !still {
			t.Errorf("%s answers now; take it out of unanswered (%s)", key, why.why)
		}
	}
}

// sendOperation makes the request of an operation through the chain.
func sendOperation(ctx context.Context, c *wechatpay.Client, ep catalog.Endpoint, opts wechatpay.M) (*wechatpay.Response, error) {
	node := c.Chain(ep.Path)
	switch ep.Method {
	case http.MethodGet:
		return node.Get(ctx, opts)
	case http.MethodPost:
		return node.Post(ctx, opts)
	case http.MethodPut:
		return node.Put(ctx, opts)
	case http.MethodPatch:
		return node.Patch(ctx, opts)
	case http.MethodDelete:
		return node.Delete(ctx, opts)
	}
	return nil, fmt.Errorf("method %s", ep.Method)
}

// judge says why a reply is not a schema-valid answer, "" if it is.
func judge(op *schema.Operation, resp *wechatpay.Response, err error) string {
	var apiErr *wechatpay.APIError
	var v2Err *wechatpay.V2Error
	switch {
	case errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.StatusCode) + " " + apiErr.Code
	case errors.As(err, &v2Err):
		return strings.TrimSpace(v2Err.ReturnCode + " " + v2Err.ErrCode)
	case err != nil:
		return "error: " + err.Error()
	}
	reply := op.Reply
	switch {
	case reply == nil || reply.Kind == "file":
		return ""
	case op.V2() && resp.Fields != nil:
		if e := checkReplyFields(reply, resp.Fields); e != nil {
			return e.Error()
		}
	case json.Valid(resp.Body):
		if e := schema.CheckJSON(reply, "reply", resp.Body, schema.Server); e != nil {
			return e.Error()
		}
	default:
		return "reply is not JSON"
	}
	return ""
}

// checkReplyFields checks APIv2 reply fields but the sign, which the
// client has verified (the description gives it the 32 characters of an
// MD5 sign, where an HMAC-SHA256 one has 64).
func checkReplyFields(reply *schema.Node, fields map[string]string) *schema.Error {
	op := &schema.Operation{Body: reply}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if name == "sign" {
			continue
		}
		if e := op.CheckField(name, fields[name], schema.Server); e != nil {
			e.In = "reply"
			return e
		}
	}
	if e := op.CheckRequired(func(name string) bool { return fields[name] != "" }); e != nil {
		e.In = "reply"
		return e
	}
	return nil
}

// minimalRequest builds the options of a request that gives an
// operation's required fields, with values that pass their checks.
func minimalRequest(srv *wxpaytest.Server, ep catalog.Endpoint, op *schema.Operation) wechatpay.M {
	opts := wechatpay.M{}
	for _, name := range ep.PathParams {
		opts[name] = identifier(srv, name)
	}
	if op.Query != nil {
		q := wechatpay.M{}
		for name, n := range op.Query.Props {
			if n.Required {
				q[name] = sample(srv, name, n)
			}
		}
		if len(q) > 0 {
			opts["query"] = q
		}
	}
	if ep.MTLS {
		opts["security"] = true
	}
	switch {
	case ep.Content == "multipart":
		opts["body"] = media.FromBytes("e2e.png", pngImage)
	case op.V2():
		fields := wechatpay.M{"appid": srv.AppID, "mch_id": srv.MchID}
		if op.Body != nil {
			for name, n := range op.Body.Props {
				switch {
				case !n.Required || strings.Contains(name, "$") || name == "sign" || name == "nonce_str":
				case strings.HasSuffix(name, "mch_id") || strings.HasSuffix(name, "mchid"):
					fields[name] = identifier(srv, name)
				default:
					fields[name] = text(sample(srv, name, n))
				}
			}
		}
		if ep.Method == http.MethodGet {
			opts["query"], opts["nonceless"] = fields, true
		} else {
			opts["xml"] = fields
		}
	case op.Body != nil && ep.Method != http.MethodGet:
		opts["json"] = sample(srv, "", op.Body)
	}
	return opts
}

// text is a sample value as an APIv2 field carries it.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// sample is a value of node that passes its checks: the required members
// of an object, one item of an array, an enum's first value, a date-time,
// and identifiers of the server's merchant where the name says so.
func sample(srv *wxpaytest.Server, name string, n *schema.Node) any {
	switch n.Kind {
	case "object":
		m := wechatpay.M{}
		for k, p := range n.Props {
			if p.Required && !strings.Contains(k, "$") {
				m[k] = sample(srv, k, p)
			}
		}
		return m
	case "array":
		if n.Items == nil {
			return []any{}
		}
		return []any{sample(srv, name, n.Items)}
	case "integer", "number":
		if len(n.Enum) > 0 {
			v, _ := strconv.Atoi(n.Enum[0])
			return v
		}
		return 1
	case "boolean":
		return true
	}
	switch {
	case len(n.Enum) > 0:
		return n.Enum[0]
	case n.DateTime:
		return "2026-01-01T08:00:00+08:00"
	}
	s := identifier(srv, name)
	if name == "out_trade_no" {
		orderSeq++ // a new order for every operation that places one
		s = "E2E" + strconv.Itoa(orderSeq)
	}
	if n.MaxLength > 0 && len(s) > n.MaxLength {
		s = s[:n.MaxLength]
	}
	return s
}

// identifier is a value for a field or parameter by its name: the
// server's merchant and app, the fixture order, else a number.
func identifier(srv *wxpaytest.Server, name string) string {
	switch {
	case name == "sub_mchid" || name == "sub_mch_id":
		return "1900000109"
	case strings.HasSuffix(name, "mchid") || strings.HasSuffix(name, "mch_id"):
		return srv.MchID
	case name == "sub_appid":
		return "wxd678efh567hg6999"
	case strings.HasSuffix(name, "appid"):
		return srv.AppID
	case name == "out_trade_no":
		return fixtureOrder
	case name == "transaction_id":
		return "4200000985202103031441826014"
	case strings.HasSuffix(name, "url"):
		return "https://127.0.0.1/notify"
	}
	return "1217752501201407033233368018"
}

var orderSeq int

// pngImage is a 1x1 PNG.
var pngImage = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// unanswered are the operations that do not answer a minimal request with
// a schema-valid reply: what they answer, and why. Those emulated by hand
// keep state that a made-up request does not match, or check more than
// the description says; the others have a reply schema that describes
// something else than a success.
var unanswered = map[string]struct{ outcome, why string }{
	"GET hk/v3/statements":                  {`400 PARAM_ERROR`, "emulated: date must be a date like 20060102; the description gives no format"},
	"GET v2/papay/h5entrustweb":             {`SUCCESS PARAM_ERROR`, "emulated: version must be 1.0, which the description does not say"},
	"GET v3/bill/fundflowbill":              {`400 PARAM_ERROR`, "emulated: bill_date must be a date like 2006-01-02; the description gives no format"},
	"GET v3/bill/sub-merchant-fundflowbill": {`400 PARAM_ERROR`, "emulated: bill_date must be a date like 2006-01-02; the description gives no format"},
	"GET v3/bill/tradebill":                 {`400 PARAM_ERROR`, "emulated: bill_date must be a date like 2006-01-02; the description gives no format"},
	"GET v3/billdownload/file":              {`400 INVALID_REQUEST`, "emulated: the token is one a bill request handed out"},
	"GET v3/ecommerce/bill/fundflowbill":    {`400 PARAM_ERROR`, "emulated: bill_date must be a date like 2006-01-02; the description gives no format"},
	"GET v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{transfer_bill_no}": {`404 NOT_FOUND`, "emulated: no such transfer bill"},
	"GET v3/global/statements":                                                                  {`400 PARAM_ERROR`, "emulated: date must be a date like 20060102; the description gives no format"},
	"GET v3/pay/transactions/id/{transaction_id}":                                               {`reply field description: is required`, "emulated: the fixture code-payment order has no description, which the schema requires"},
	"GET v3/pay/transactions/out-trade-no/{out_trade_no}":                                       {`reply field amount.payer_total: is required`, "emulated: an unpaid order has no amount.payer_total, which the schema requires"},
	"GET v3/profitsharing/orders/{out_order_no}":                                                {`404 RESOURCE_NOT_EXISTS`, "emulated: no such sharing order"},
	"GET v3/profitsharing/return-orders/{out_return_no}":                                        {`404 RESOURCE_NOT_EXISTS`, "emulated: no such return order"},
	"GET v3/refund/domestic/refunds/{out_refund_no}":                                            {`404 RESOURCE_NOT_EXISTS`, "emulated: no such refund"},
	"GET v3/transfer/batches/batch-id/{batch_id}":                                               {`404 NOT_FOUND`, "emulated: no such batch"},
	"GET v3/transfer/batches/batch-id/{batch_id}/details/detail-id/{detail_id}":                 {`404 NOT_FOUND`, "emulated: no such batch"},
	"GET v3/transfer/batches/out-batch-no/{out_batch_no}/details/out-detail-no/{out_detail_no}": {`reply field user_name: is required`, "emulated: a detail without user_name, which the schema requires"},
	"POST v2/billcommentsp/batchquerycomment":                                                   {`reply field result_code: "SUCCESS" is not one of FAIL`, "the description gives the failure reply only (result_code FAIL); success is a file"},
	"POST v2/mmpaysptrans/pay_bank":                                                             {`reply field nonce_str: is required`, "the catalog marks the reply unsigned, so it has no nonce_str, which the schema requires"},
	"POST v2/pay/downloadbill":                                                                  {`FAIL`, "emulated: bill_date must be a date like 20060102; the description gives no format"},
	"POST v2/pay/downloadfundflow":                                                              {`reply field result_code: "SUCCESS" is not one of FAIL`, "the description gives the failure reply only (result_code FAIL); success is a file"},
	"POST v2/pay/micropay":                                                                      {`SUCCESS AUTH_CODE_INVALID`, "emulated: auth_code must be a payment code (18 digits, 10-15 first)"},
	"POST v2/pay/orderquery":                                                                    {`SUCCESS PARAM_ERROR`, "emulated: needs transaction_id or out_trade_no, either one, so neither is required"},
	"POST v2/pay/refundquery":                                                                   {`SUCCESS PARAM_ERROR`, "emulated: needs one of four identifiers, so none is required"},
	"POST v2/sandboxnew/pay/downloadbill":                                                       {`reply field return_code: "SUCCESS" is not one of FAIL`, "the description gives the failure reply only (return_code FAIL); success is a file"},
	"POST v2/secapi/mch/uploadmedia":                                                            {`reply field appid: is required`, "emulated: the upload reply carries no appid (the request has none), which the schema requires"},
	"POST v2/secapi/pay/facepayreverse":                                                         {`SUCCESS ORDERNOTEXIST`, "emulated: the order made up for the request does not exist"},
	"POST v2/secapi/pay/refund":                                                                 {`SUCCESS PARAM_ERROR`, "emulated: needs transaction_id or out_trade_no, either one, so neither is required"},
	"POST v2/secapi/pay/reverse":                                                                {`SUCCESS ORDERNOTEXIST`, "emulated: the order made up for the request does not exist"},
	"POST v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse":               {`400 PARAM_ERROR`, "emulated: sub_orders is needed, which the description leaves optional"},
	"POST v3/merchant/media/video_upload":                                                       {`400 PARAM_ERROR`, "emulated: the file must be a video; the test sends a PNG"},
	"POST v3/pay/transactions/h5":                                                               {`400 PARAM_ERROR`, "emulated: scene_info.payer_client_ip is needed, which the description leaves optional"},
	"POST v3/profitsharing/orders":                                                              {`400 PARAM_ERROR`, "emulated: receivers is needed, which the description leaves optional"},
	"POST v3/profitsharing/orders/unfreeze":                                                     {`400 INVALID_REQUEST`, "emulated: the fixture order is not paid (reverse revoked it earlier in the run)"},
	"POST v3/profitsharing/receivers/add":                                                       {`400 PARAM_ERROR`, "emulated: a MERCHANT_ID receiver needs its name"},
	"POST v3/profitsharing/return-orders":                                                       {`400 PARAM_ERROR`, "emulated: needs order_id or out_order_no, either one, so neither is required"},
	"POST v3/refund/domestic/refunds":                                                           {`400 PARAM_ERROR`, "emulated: needs transaction_id or out_trade_no, either one, so neither is required"},
	"POST v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund":                         {`404 RESOURCE_NOT_EXISTS`, "emulated: no such refund"},
}
