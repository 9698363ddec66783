package configfile_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	dir := t.TempDir()
	keyDER, _ := x509.MarshalPKCS8PrivateKey(srv.MerchantKey)
	pubDER, _ := x509.MarshalPKIXPublicKey(srv.PlatformPublicKey())
	fc := configfile.File{
		MchID:      srv.MchID,
		Serial:     srv.MerchantSerial,
		PrivateKey: writeFile(t, dir, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
		// PEM text works as well as a path.
		Certs:   map[string]string{srv.PlatformKeyID: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))},
		BaseURL: srv.URL,
		RootCA:  "file://" + writeFile(t, dir, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})),
	}
	data, _ := json.Marshal(fc)
	client, err := configfile.Load(writeFile(t, dir, "config.json", data))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.V3().Pay().Transactions().OutTradeNo().OutTradeNo_().Get(context.Background(), wechatpay.M{
		"out_trade_no": "1217752501201407033233368018",
		"query":        wechatpay.M{"mchid": srv.MchID},
	})
	if err != nil || resp.Get("trade_state").String() != "USERPAYING" {
		t.Fatalf("%v %v", resp, err)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ config, want string }{
		{`{"mchid":"1","privatekey_typo":"x"}`, `unknown field "privatekey_typo"`},
		{`{"mchid":"1"}`, "privateKey is missing"},
		{`{"mchid":"1","privateKey":"/nonexistent.pem"}`, "privateKey:"},
		{`[`, "unexpected EOF"},
	} {
		path := writeFile(t, dir, "c.json", []byte(tc.config))
		_, err := configfile.Read(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: error %v, want %q", tc.config, err, tc.want)
		}
	}
	if _, err := configfile.Read(filepath.Join(dir, "missing.json")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// The APIv3 key is kept in the file for the program's callbacks and
// certificate downloads: Read accepts the field, ReadFile hands it back.
func TestAPIv3Key(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	config, err := srv.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fc, err := configfile.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	if fc.APIv3Key != srv.APIv3Key || fc.MchID != srv.MchID {
		t.Errorf("ReadFile: apiv3Key %q mchid %q, want %q %q", fc.APIv3Key, fc.MchID, srv.APIv3Key, srv.MchID)
	}
	if _, err := configfile.Read(config); err != nil {
		t.Errorf("Read: %v", err)
	}
	if _, err := configfile.ReadFile(writeFile(t, t.TempDir(), "c.json", []byte(`{"apiv3_key":"x"}`))); err == nil || !strings.Contains(err.Error(), `unknown field "apiv3_key"`) {
		t.Errorf("misspelt field: %v", err)
	}
}

// The config the test server writes trusts the keys its merchant has, in
// each key mode: a query's signed reply verifies with the file alone.
func TestLoadKeyModes(t *testing.T) {
	for _, mode := range []wxpaytest.Keys{wxpaytest.KeysDefault, wxpaytest.KeysPublicKey, wxpaytest.KeysCertificate, wxpaytest.KeysBoth} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := wxpaytest.NewServer(wxpaytest.WithKeys(mode))
			defer srv.Close()
			config, err := srv.WriteConfig(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			fc, err := configfile.ReadFile(config)
			if err != nil {
				t.Fatal(err)
			}
			_, hasPub := fc.Certs[srv.PlatformKeyID]
			if wantPub := mode != wxpaytest.KeysCertificate; hasPub != wantPub {
				t.Errorf("certs %v: public key listed %v, want %v", fc.Certs, hasPub, wantPub)
			}
			wantCerts := 0
			if mode == wxpaytest.KeysCertificate || mode == wxpaytest.KeysBoth {
				wantCerts = len(srv.PlatformCertificates())
			}
			certs := 0
			for serial := range fc.Certs {
				if serial != srv.PlatformKeyID {
					certs++
				}
			}
			if certs != wantCerts {
				t.Errorf("certs %v: %d certificates, want %d", fc.Certs, certs, wantCerts)
			}
			client, err := configfile.Load(config)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Chain("v3/pay/transactions/out-trade-no/{out_trade_no}").Get(context.Background(), wechatpay.M{
				"out_trade_no": "1217752501201407033233368018",
				"query":        wechatpay.M{"mchid": srv.MchID},
			})
			if err != nil || resp.Get("trade_state").String() != "USERPAYING" {
				t.Fatalf("%v %v", resp, err)
			}
		})
	}
}
