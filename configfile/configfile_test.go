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
