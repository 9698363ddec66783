package wechatpay

import (
	"context"
	"errors"
	"log/slog"

	"github.com/wxpay-go/wechatpay/transport"
)

// backupRetry sends a request once more to the backup domain when the
// primary one could not be reached or timed out before any response
// arrived, as WeChat Pay's documentation advises. It sits outside the
// signer, so the retry carries a fresh timestamp, nonce and signature.
type backupRetry struct {
	primary string
	backup  string
	next    transport.Doer
	log     *slog.Logger // Config.Logger, or nil
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
