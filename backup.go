package wechatpay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/wxpay-go/wechatpay/transport"
)

// ErrNotResent is in the error of a request that was sent in full to the
// primary domain and got no reply, and that the client did not send again
// to the backup domain because WeChat Pay may have executed it. Find out
// (query the order, the refund, the batch) before sending it again, and
// then send it with the same merchant number (out_trade_no,
// out_refund_no, out_batch_no, ...). See docs/errors.md.
var ErrNotResent = errors.New("sent in full with no reply; not resent to the backup domain, as WeChat Pay may have executed it")

// backupRetry sends a request once more to the backup domain when the
// primary one failed before it could have acted on it, as WeChat Pay's
// documentation advises for connection failures and timeouts. It sits
// outside the signer, so the retry carries a fresh timestamp, nonce and
// signature.
//
// The policy, written out in docs/errors.md "Where a request is sent
// again": never once a byte of a reply arrived; always when the primary
// did not receive the whole request (refused, unreachable, TLS failed,
// reset while sending); when the whole request was sent and no reply
// came, only a query (a GET or HEAD, or an APIv2 query, see readOnly).
// A payment, refund, transfer or any other POST, PUT, PATCH or DELETE
// could then be executing in the primary data center, and its merchant
// number's idempotency is WeChat Pay's promise for one order, not a
// promise that the other data center already knows of it: the caller
// decides, after a query, with ErrNotResent in the error.
type backupRetry struct {
	primary string
	backup  string
	next    transport.Doer
	log     *slog.Logger // Config.Logger, or nil
	v2      bool         // the APIv2 stack, whose queries are POSTs
}

func (b *backupRetry) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	resp, err := b.next.Do(ctx, req)
	var terr *transport.Error
	if err == nil || req.BaseURL != b.primary || !errors.As(err, &terr) || !terr.Retryable || ctx.Err() != nil {
		return resp, err
	}
	if bodyFailed(req) != nil {
		return resp, err // the caller's body failed: it would fail again
	}
	if terr.Sent && !b.readOnly(req) {
		return nil, &transport.Error{Method: terr.Method, URL: terr.URL, Retryable: true, Sent: true,
			Err: fmt.Errorf("%w: %w", ErrNotResent, terr.Err)}
	}
	if req.BodyStream != nil && !rewind(req.BodyStream) {
		return resp, err // the stream was read: it cannot be sent again
	}
	if b.log != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay: primary domain failed, retrying on the backup domain",
			slog.String("method", req.Method), slog.String("backup", b.backup), slog.Any("error", err))
	}
	retry := *req
	retry.BaseURL = b.backup
	retry.Header = req.Header.Clone()
	resp, err2 := b.next.Do(ctx, &retry)
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return resp, nil
}

// readOnly reports whether a request only reads, and so may be sent again
// after it reached the primary domain: a GET or HEAD, or one of APIv2's
// queries and downloads, which are POSTs (pay/orderquery,
// pay/refundquery, pay/downloadbill, risk/getpublickey, ...), told by
// their last path segment.
func (b *backupRetry) readOnly(req *transport.Request) bool {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return true
	}
	if !b.v2 {
		return false
	}
	path, _, _ := strings.Cut(req.URI, "?")
	last := strings.ToLower(path[strings.LastIndexByte(path, '/')+1:])
	return strings.Contains(last, "query") || strings.HasPrefix(last, "get") || strings.HasPrefix(last, "download")
}
