package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"
	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/certificates"
	"github.com/wxpay-go/wechatpay/notify"
	"github.com/wxpay-go/wechatpay/redisstore"
	"github.com/wxpay-go/wechatpay/signer"
)

// Service is one instance of a merchant's service: an API client and the
// callback handlers, sharing through Redis what one instance alone would
// keep in its memory.
type Service struct {
	Client  *wechatpay.Client
	Handler http.Handler // POST /notify/v3 and /notify/v2
	store   *certificates.Store
}

// NewService starts an instance. cfg is the merchant's configuration
// (Certs may hold a WeChat Pay public key, beside the certificates), and
// paid handles a payment result by its out_trade_no.
func NewService(ctx context.Context, cfg wechatpay.Config, apiv3Key string, rdb redis.UniversalClient,
	paid func(ctx context.Context, outTradeNo string) error) (*Service, error) {
	// One instance downloads the platform certificates, the others read
	// the list it stored. The APIv3 key stays here.
	store, err := certificates.NewStore(ctx, cfg, apiv3Key, certificates.Options{
		Cache: &redisstore.CertificateCache{Client: rdb, Key: "wechatpay:certificates:" + cfg.MchID},
	})
	if err != nil {
		return nil, err
	}
	cfg.Keys = store
	client, err := wechatpay.New(cfg)
	if err != nil {
		store.Stop()
		return nil, err
	}

	// An APIv3 callback's nonce is taken once across the instances; when
	// Redis cannot answer, the callback is refused with a 503 and WeChat
	// Pay sends it again.
	verifier := &notify.Verifier{
		Keys:     signer.MultiKeys(signer.StaticKeys(cfg.Certs), store),
		APIv3Key: apiv3Key,
		Replay:   &redisstore.ReplayGuard{Client: rdb, Prefix: "wechatpay:nonce:" + cfg.MchID + ":"},
	}
	// An APIv2 result is handled once across the instances, by its
	// transaction_id or out_refund_no.
	dedup := &redisstore.V2Dedup{Client: rdb, Prefix: "wechatpay:v2:" + cfg.MchID + ":"}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /notify/v3", func(w http.ResponseWriter, r *http.Request) {
		n, err := verifier.Parse(r)
		if err == nil && n.EventType == "TRANSACTION.SUCCESS" {
			err = paid(r.Context(), n.Get("out_trade_no").String())
		}
		notify.Reply(w, err)
	})
	mux.HandleFunc("POST /notify/v2", func(w http.ResponseWriter, r *http.Request) {
		n, err := notify.ParseV2(r, cfg.Secret)
		if err == nil && !n.Refund {
			err = dedup.Do(r.Context(), n, func(ctx context.Context) error {
				return paid(ctx, n.Fields["out_trade_no"])
			})
		}
		notify.ReplyV2(w, err)
	})
	return &Service{Client: client, Handler: mux, store: store}, nil
}

// Stop ends the certificate refresh.
func (s *Service) Stop() { s.store.Stop() }

// Each instance of the service runs the same program, with its own Redis
// client of the same Redis.
func Example() {
	ctx := context.Background()
	cfg, apiv3Key := merchantConfig()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	defer rdb.Close()
	svc, err := NewService(ctx, cfg, apiv3Key, rdb, markPaid)
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Stop()
	log.Fatal(http.ListenAndServe(":8080", svc.Handler))
}

// merchantConfig and markPaid are the service's own: its configuration
// (keys from files, see the wechatpay package) and its order database,
// where marking an order paid twice does no harm.
var (
	merchantConfig = func() (wechatpay.Config, string) { return wechatpay.Config{}, "" }
	markPaid       = func(ctx context.Context, outTradeNo string) error { return nil }
)
