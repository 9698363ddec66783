package interop

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// apiHost is where wechatpay-go sends every request; it has no setting
// for another base URL.
const apiHost = "https://api.mch.weixin.qq.com"

// merchant is what a program using wechatpay-go loads from the files
// wxpay serve writes: config.json and the PEM files it names.
type merchant struct {
	srv      *wxpaytest.Server
	cfg      configfile.File
	key      *rsa.PrivateKey
	pubKeyID string              // empty when the merchant has no WeChat Pay public key
	pubKey   *rsa.PublicKey      // from pub_key.pem
	certs    []*x509.Certificate // from wechatpay_SERIAL.pem
	http     *http.Client
}

// newMerchant starts a server with the given keys, writes its files as
// wxpay serve does and loads them with wechatpay-go's own loaders.
func newMerchant(t *testing.T, keys wxpaytest.Keys) *merchant {
	t.Helper()
	srv := wxpaytest.NewServer(wxpaytest.WithKeys(keys))
	t.Cleanup(srv.Close)
	config, err := srv.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configfile.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	m := &merchant{srv: srv, cfg: cfg}
	if m.key, err = utils.LoadPrivateKeyWithPath(cfg.PrivateKey); err != nil {
		t.Fatal(err)
	}
	for serial, path := range cfg.Certs {
		if filepath.Base(path) == "pub_key.pem" {
			m.pubKeyID = serial
			if m.pubKey, err = utils.LoadPublicKeyWithPath(path); err != nil {
				t.Fatal(err)
			}
			continue
		}
		c, err := utils.LoadCertificateWithPath(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := utils.GetCertificateSerialNumber(*c); got != serial {
			t.Fatalf("%s: serial %s, config.json says %s", path, got, serial)
		}
		m.certs = append(m.certs, c)
	}
	m.http = routeTo(t, srv.URL, cfg.RootCA)
	return m
}

// routeTo returns an HTTP client that reaches the test server when asked
// for api.mch.weixin.qq.com, as a hosts file entry would, trusting the
// server's TLS certificate. Requests go out as the SDK made them.
func routeTo(t *testing.T, serverURL, caFile string) *http.Client {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr != "api.mch.weixin.qq.com:443" {
				return nil, fmt.Errorf("no route to %s in this test", addr)
			}
			return d.DialContext(ctx, network, u.Host)
		},
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: u.Hostname()},
	}}
}

// client builds a wechatpay-go client that verifies replies with
// verifier.
func (m *merchant) client(t *testing.T, verifier auth.Verifier) *core.Client {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithMerchantCredential(m.cfg.MchID, m.cfg.Serial, m.key),
		option.WithVerifier(verifier),
		option.WithHTTPClient(m.http))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// publicKeyClient is configured as the SDK's README says for the WeChat
// Pay public key.
func (m *merchant) publicKeyClient(t *testing.T) *core.Client {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayPublicKeyAuthCipher(m.cfg.MchID, m.cfg.Serial, m.key, m.pubKeyID, m.pubKey),
		option.WithHTTPClient(m.http))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// certificateClient is configured with the platform certificates of the
// files, as the SDK's README says for a merchant with certificates.
func (m *merchant) certificateClient(t *testing.T) *core.Client {
	t.Helper()
	c, err := core.NewClient(context.Background(),
		option.WithWechatPayAuthCipher(m.cfg.MchID, m.cfg.Serial, m.key, m.certs),
		option.WithHTTPClient(m.http))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// autoClient downloads the platform certificates with the SDK's own
// downloader manager and verifies with what it downloaded
// (WithWechatPayAutoAuthCipher, on the test server).
func (m *merchant) autoClient(t *testing.T) *core.Client {
	t.Helper()
	ctx := context.Background()
	mgr := downloader.NewCertificateDownloaderMgr(ctx)
	t.Cleanup(mgr.Stop)
	bare, err := core.NewClient(ctx,
		option.WithMerchantCredential(m.cfg.MchID, m.cfg.Serial, m.key),
		option.WithoutValidator(),
		option.WithHTTPClient(m.http))
	if err != nil {
		t.Fatal(err)
	}
	if err := mgr.RegisterDownloaderWithClient(ctx, bare, m.cfg.MchID, m.cfg.APIv3Key); err != nil {
		t.Fatalf("the SDK's certificate downloader: %v", err)
	}
	c, err := core.NewClient(ctx,
		option.WithWechatPayAutoAuthCipherUsingDownloaderMgr(m.cfg.MchID, m.cfg.Serial, m.key, mgr),
		option.WithHTTPClient(m.http))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWechatpayGo runs wechatpay-go v0.2.21 against the server in each
// key mode, with each way the SDK is configured for that mode.
func TestWechatpayGo(t *testing.T) {
	type setup struct {
		name   string
		client func(*merchant, *testing.T) *core.Client
	}
	pub := setup{"pubkey-config", (*merchant).publicKeyClient}
	cert := setup{"certificate-config", (*merchant).certificateClient}
	auto := setup{"auto-download", (*merchant).autoClient}
	for _, tc := range []struct {
		keys   wxpaytest.Keys
		setups []setup
	}{
		{wxpaytest.KeysDefault, []setup{pub}},
		{wxpaytest.KeysPublicKey, []setup{pub}},
		{wxpaytest.KeysCertificate, []setup{cert, auto}},
		{wxpaytest.KeysBoth, []setup{pub, cert, auto}},
	} {
		for _, s := range tc.setups {
			t.Run(tc.keys.String()+"/"+s.name, func(t *testing.T) {
				m := newMerchant(t, tc.keys)
				flows(t, m, s.client(m, t))
			})
		}
	}
}

// flows are the calls a merchant makes: Native prepay, query, close,
// reverse and a combine order's reverse (204).
func flows(t *testing.T, m *merchant, c *core.Client) {
	ctx := context.Background()
	svc := native.NativeApiService{Client: c}
	resp, result, err := svc.Prepay(ctx, native.PrepayRequest{
		Appid: core.String(m.srv.AppID), Mchid: core.String(m.srv.MchID), Description: core.String("Image形象店-深圳腾大-QQ公仔"),
		OutTradeNo: core.String("GO1"), NotifyUrl: core.String("https://127.0.0.1:1/notify"),
		Amount: &native.Amount{Total: core.Int64(100)},
	})
	if err != nil {
		t.Fatalf("native prepay: %v", err)
	}
	if result.Response.StatusCode != http.StatusOK || !strings.HasPrefix(*resp.CodeUrl, "weixin://wxpay/") {
		t.Errorf("native prepay: %d code_url %q", result.Response.StatusCode, *resp.CodeUrl)
	}

	tx, _, err := svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("GO1"), Mchid: core.String(m.srv.MchID)})
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	if *tx.TradeState != "NOTPAY" || *tx.OutTradeNo != "GO1" || *tx.Amount.Total != 100 {
		t.Errorf("query: trade_state %s out_trade_no %s total %d", *tx.TradeState, *tx.OutTradeNo, *tx.Amount.Total)
	}

	result, err = svc.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String("GO1"), Mchid: core.String(m.srv.MchID)})
	if err != nil || result.Response.StatusCode != http.StatusNoContent {
		t.Fatalf("close: %v %v", result, err)
	}
	if tx, _, err = svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("GO1"), Mchid: core.String(m.srv.MchID)}); err != nil || *tx.TradeState != "CLOSED" {
		t.Errorf("query after close: %v %v", tx, err)
	}

	// The SDK has no service for these; its core client posts them.
	result, err = c.Post(ctx, apiHost+"/v3/pay/transactions/out-trade-no/1217752501201407033233368018/reverse",
		map[string]string{"appid": m.srv.AppID, "mchid": m.srv.MchID})
	if err != nil || result.Response.StatusCode != http.StatusOK {
		t.Fatalf("reverse: %v %v", result, err)
	}
	result, err = c.Post(ctx, apiHost+"/v3/ecommerce/combine-papay/transactions/P20150806125346/reverse", map[string]any{
		"combine_appid": m.srv.AppID,
		"sub_orders":    []map[string]string{{"mchid": m.srv.MchID, "out_trade_no": "20150806125346", "sub_mchid": "1900000109", "sub_appid": "wxd678efh567hg6999"}},
	})
	if err != nil || result.Response.StatusCode != http.StatusNoContent {
		t.Fatalf("combine reverse: %v %v", result, err)
	}

	// A refusal comes back as the SDK's APIError.
	_, _, err = svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("NONE"), Mchid: core.String(m.srv.MchID)})
	var apiErr *core.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Code != "ORDER_NOT_EXIST" {
		t.Errorf("query of no order: %v", err)
	}
}

// The SDK's certificate downloader in each key mode: it decrypts and
// keeps the listed certificates where the merchant has them, and reports
// WeChat Pay's 404 where it has the public key only. A second download
// is verified with the certificates of the first, as the downloader
// refreshes them; that needs a server whose certificates sign
// (KeysCertificate, KeysBoth).
func TestWechatpayGoDownloader(t *testing.T) {
	for _, keys := range []wxpaytest.Keys{wxpaytest.KeysDefault, wxpaytest.KeysPublicKey, wxpaytest.KeysCertificate, wxpaytest.KeysBoth} {
		t.Run(keys.String(), func(t *testing.T) {
			m := newMerchant(t, keys)
			ctx := context.Background()
			bare, err := core.NewClient(ctx,
				option.WithMerchantCredential(m.cfg.MchID, m.cfg.Serial, m.key),
				option.WithoutValidator(),
				option.WithHTTPClient(m.http))
			if err != nil {
				t.Fatal(err)
			}
			d, err := downloader.NewCertificateDownloaderWithClient(ctx, bare, m.cfg.APIv3Key)
			if keys == wxpaytest.KeysPublicKey {
				var apiErr *core.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Code != "RESOURCE_NOT_EXISTS" {
					t.Fatalf("download with the public key only: %v, want 404 RESOURCE_NOT_EXISTS", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := m.srv.PlatformCertificates()
			got := d.GetAll(ctx)
			if len(got) != len(want) {
				t.Fatalf("downloaded %d certificates, the server lists %d", len(got), len(want))
			}
			for _, c := range want {
				serial := utils.GetCertificateSerialNumber(*c)
				if dc, ok := got[serial]; !ok || !dc.Equal(c) {
					t.Errorf("certificate %s not downloaded as listed", serial)
				}
			}
			err = d.DownloadCertificates(ctx)
			if keys == wxpaytest.KeysDefault {
				// The default server signs every reply under the public
				// key, so a refresh verified with the certificates alone
				// fails: a downloader user starts it with -keys
				// certificate or both.
				if err == nil || !strings.Contains(err.Error(), "not found in verifier") {
					t.Errorf("second download in the default mode: %v, want the public key's serial unknown to the downloader", err)
				}
				return
			}
			if err != nil {
				t.Errorf("second download, verified with the first: %v", err)
			}
		})
	}
}

// TestWechatpayGoNotify pays orders and has the SDK's own notify handler
// verify and decrypt the TRANSACTION.SUCCESS callbacks, in each key mode
// with the verifier the SDK has for it. With both keys the callbacks are
// signed in turn with the public key and with a certificate.
func TestWechatpayGoNotify(t *testing.T) {
	for _, keys := range []wxpaytest.Keys{wxpaytest.KeysDefault, wxpaytest.KeysPublicKey, wxpaytest.KeysCertificate, wxpaytest.KeysBoth} {
		t.Run(keys.String(), func(t *testing.T) {
			m := newMerchant(t, keys)
			var verifier auth.Verifier
			switch keys {
			case wxpaytest.KeysCertificate:
				verifier = verifiers.NewSHA256WithRSAVerifier(core.NewCertificateMapWithList(m.certs))
			case wxpaytest.KeysBoth:
				verifier = verifiers.NewSHA256WithRSACombinedVerifier(core.NewCertificateMapWithList(m.certs), m.pubKeyID, *m.pubKey)
			default:
				verifier = verifiers.NewSHA256WithRSAPubkeyVerifier(m.pubKeyID, *m.pubKey)
			}
			handler, err := notify.NewRSANotifyHandler(m.cfg.APIv3Key, verifier)
			if err != nil {
				t.Fatal(err)
			}
			type seen struct {
				serial string
				tx     payments.Transaction
				req    *notify.Request
				err    error
			}
			got := make(chan seen, 1)
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var s seen
				s.serial = r.Header.Get("Wechatpay-Serial")
				s.req, s.err = handler.ParseNotifyRequest(r.Context(), r, &s.tx)
				if s.err != nil {
					w.WriteHeader(http.StatusUnauthorized)
				} else {
					w.WriteHeader(http.StatusNoContent)
				}
				got <- s
			}))
			defer hook.Close()

			ctx := context.Background()
			c := m.client(t, verifier)
			svc := native.NativeApiService{Client: c}
			serials := map[string]bool{}
			for _, no := range []string{"GO-N1", "GO-N2"} {
				if _, _, err := svc.Prepay(ctx, native.PrepayRequest{
					Appid: core.String(m.srv.AppID), Mchid: core.String(m.srv.MchID), Description: core.String("d"),
					OutTradeNo: core.String(no), NotifyUrl: core.String(hook.URL + "/notify"),
					Amount: &native.Amount{Total: core.Int64(1)},
				}); err != nil {
					t.Fatalf("prepay %s: %v", no, err)
				}
				resp, err := m.srv.Pay(ctx, no)
				if err != nil {
					t.Fatal(err)
				}
				s := <-got
				if s.err != nil {
					t.Fatalf("callback of %s (Wechatpay-Serial %s) refused by the SDK: %v", no, s.serial, s.err)
				}
				if resp.StatusCode != http.StatusNoContent || s.req.EventType != "TRANSACTION.SUCCESS" ||
					*s.tx.OutTradeNo != no || *s.tx.TradeState != "SUCCESS" || *s.tx.Amount.Total != 1 {
					t.Errorf("callback of %s: %d %s %+v", no, resp.StatusCode, s.req.EventType, s.tx)
				}
				serials[s.serial] = true
			}
			if keys == wxpaytest.KeysBoth && len(serials) != 2 {
				t.Errorf("with both keys the callbacks were signed under %v, want the public key and a certificate", serials)
			}
		})
	}
}
