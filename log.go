package wechatpay

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/transport"
)

// requestLog records each request a client sends to Config.Logger. It is
// the outermost middleware, so it sees one entry per call, a backup retry
// included, and the time the caller waited. It logs the method, path,
// status, Request-ID and time taken, never a header, a query string or a
// body: those carry signatures, ids and personal data.
type requestLog struct {
	log    *slog.Logger
	prefix string // "v2/" for APIv2, whose prefix is not sent
	next   transport.Doer
}

func (l *requestLog) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	began := time.Now()
	resp, err := l.next.Do(ctx, req)
	// The path as the chain names it, as errors do: v3/..., v2/...
	path, _, _ := strings.Cut(req.Target(), "?")
	path = l.prefix + strings.TrimPrefix(path, "/")
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", path),
		slog.Duration("elapsed", time.Since(began)),
	}
	if err != nil {
		// No reply, or one that was refused (a bad signature): the caller
		// gets an error, and whoever runs the service wants to see it.
		l.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay: request failed", append(attrs, slog.Any("error", err))...)
		return resp, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	if id := resp.Header.Get("Request-Id"); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	// A non-2xx reply is usually a business answer (ORDER_NOT_EXIST, ...),
	// worth more than the routine 2xx but not a warning.
	level := slog.LevelDebug
	if resp.StatusCode/100 != 2 {
		level = slog.LevelInfo
	}
	l.log.LogAttrs(ctx, level, "wechatpay: request", attrs...)
	return resp, nil
}
