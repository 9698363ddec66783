package wxpaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// Each key mode signs replies and callbacks with the key a merchant in
// that state verifies with, and Config trusts exactly those keys.
func TestKeys(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		keys wxpaytest.Keys
		// the serial a reply is signed under, with no Wechatpay-Serial,
		// with one naming the public key id, and with one naming the
		// certificate; "cert" is the current platform certificate
		plain, withKeyID, withCert string
		listed                     bool     // v3/certificates lists certificates
		callbacks                  []string // serials of two callbacks in a row
		keyIDRefused               bool     // a Wechatpay-Serial naming the public key id is refused
		certRefused                bool     // one naming a certificate is refused
	}{
		{wxpaytest.KeysDefault, "keyid", "keyid", "keyid", true, []string{"keyid", "keyid"}, false, false},
		{wxpaytest.KeysPublicKey, "keyid", "keyid", "", false, []string{"keyid", "keyid"}, false, true},
		{wxpaytest.KeysCertificate, "cert", "", "cert", true, []string{"cert", "cert"}, true, false},
		{wxpaytest.KeysBoth, "cert", "keyid", "cert", true, []string{"keyid", "cert"}, false, false},
	} {
		t.Run(tc.keys.String(), func(t *testing.T) {
			srv := start(t, wxpaytest.WithKeys(tc.keys))
			if srv.Keys() != tc.keys {
				t.Fatalf("Keys() = %v", srv.Keys())
			}
			cert, certSerial := srv.PlatformCertificate()
			if (cert == nil) != (tc.keys == wxpaytest.KeysPublicKey) || (cert == nil) != (len(srv.PlatformCertificates()) == 0) {
				t.Errorf("PlatformCertificate() = %v; only a public-key-only server has none", cert)
			}
			name := map[string]string{"keyid": srv.PlatformKeyID, "cert": certSerial}

			// The server's own client, from Config, verifies every reply.
			client := srv.Client()
			reverse := func(serial string) (*wechatpay.Response, error) {
				return client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}/reverse").Post(ctx, wechatpay.M{
					"out_trade_no": "1217752501201407033233368018",
					"json":         wechatpay.M{"appid": srv.AppID, "mchid": srv.MchID},
					"headers":      wechatpay.M{signer.HeaderSerial: serial},
				})
			}
			otherCert := "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
			if certSerial != "" {
				otherCert = certSerial
			}
			for _, sent := range []struct {
				serial  string
				want    string // the serial the reply is signed under
				refused bool
			}{
				{"", name[tc.plain], false},
				{srv.PlatformKeyID, name[tc.withKeyID], tc.keyIDRefused},
				{otherCert, name[tc.withCert], tc.certRefused},
			} {
				resp, err := reverse(sent.serial)
				var apiErr *wechatpay.APIError
				switch {
				case sent.refused:
					if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "PARAM_ERROR" {
						t.Errorf("Wechatpay-Serial %q: %v, want 400 PARAM_ERROR", sent.serial, err)
					}
				case err != nil:
					t.Errorf("Wechatpay-Serial %q: %v", sent.serial, err)
				case resp.Header.Get(signer.HeaderSerial) != sent.want:
					t.Errorf("reply to Wechatpay-Serial %q signed under %s, want %s", sent.serial, resp.Header.Get(signer.HeaderSerial), sent.want)
				}
			}

			var apiErr *wechatpay.APIError
			resp, err := client.Chain("v3/certificates").Get(ctx)
			switch {
			case tc.listed && err != nil:
				t.Errorf("v3/certificates: %v", err)
			case !tc.listed && (!errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "RESOURCE_NOT_EXISTS"):
				t.Errorf("v3/certificates: %v, want 404 RESOURCE_NOT_EXISTS", err)
			case tc.listed && resp.Get("data.#").Int() != int64(len(srv.PlatformCertificates())):
				t.Errorf("v3/certificates lists %s", resp.Body)
			}

			// Callbacks, verified with the keys of Config.
			serials := make(chan string, 2)
			verify := &signer.Verifier{Keys: signer.StaticKeys(srv.Config().Certs)}
			handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if err := verify.Check(r.Header.Get, body); err != nil {
					t.Errorf("callback does not verify with Config's keys: %v", err)
				}
				serials <- r.Header.Get(signer.HeaderSerial)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer handler.Close()
			for i, want := range tc.callbacks {
				if _, err := srv.Notify(ctx, handler.URL, "TRANSACTION.SUCCESS", wechatpay.M{"out_trade_no": "N"}); err != nil {
					t.Fatal(err)
				}
				if got := <-serials; got != name[want] {
					t.Errorf("callback %d signed under %s, want %s", i+1, got, name[want])
				}
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	for _, k := range []wxpaytest.Keys{wxpaytest.KeysDefault, wxpaytest.KeysPublicKey, wxpaytest.KeysCertificate, wxpaytest.KeysBoth} {
		if got, err := wxpaytest.ParseKeys(k.String()); err != nil || got != k {
			t.Errorf("ParseKeys(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := wxpaytest.ParseKeys("certificates"); err == nil {
		t.Error("ParseKeys accepted a misspelt name")
	}
}
