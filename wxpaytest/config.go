package wxpaytest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"

	"github.com/wxpay-go/wechatpay/configfile"
)

// WriteConfig writes the server's merchant files to dir as WeChat Pay
// hands them out, apiclient_key.pem (the merchant API key, PKCS #8),
// apiclient_cert.pem (the merchant certificate, for APIv2 "security"
// requests) and pub_key.pem (the WeChat Pay public key, under
// PlatformKeyID), with ca.pem (the server's TLS certificate) and
// config.json naming them all with the merchant id, the APIv2 key and the
// URL, and returns the path of config.json. That is the file wxpay -c and
// configfile.Load read, so a program configured by file can be tested
// against the server, in Go or in any language.
func (s *Server) WriteConfig(dir string) (string, error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(s.MerchantKey)
	if err != nil {
		return "", err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(s.PlatformPublicKey())
	if err != nil {
		return "", err
	}
	files := []struct {
		name, typ string
		der       []byte
	}{
		{"apiclient_key.pem", "PRIVATE KEY", keyDER},
		{"apiclient_cert.pem", "CERTIFICATE", s.merchantCert(s.MchID).Certificate[0]},
		{"pub_key.pem", "PUBLIC KEY", pubDER},
		{"ca.pem", "CERTIFICATE", s.Certificate().Raw},
	}
	path := make(map[string]string, len(files))
	for _, f := range files {
		path[f.name] = filepath.Join(dir, f.name)
		if err := os.WriteFile(path[f.name], pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return "", err
		}
	}
	data, err := json.MarshalIndent(configfile.File{
		MchID:        s.MchID,
		Serial:       s.MerchantSerial,
		PrivateKey:   path["apiclient_key.pem"],
		Certs:        map[string]string{s.PlatformKeyID: path["pub_key.pem"]},
		Secret:       s.Secret,
		MerchantCert: path["apiclient_cert.pem"],
		BaseURL:      s.URL,
		RootCA:       path["ca.pem"],
	}, "", "  ")
	if err != nil {
		return "", err
	}
	config := filepath.Join(dir, "config.json")
	return config, os.WriteFile(config, append(data, '\n'), 0o600)
}
