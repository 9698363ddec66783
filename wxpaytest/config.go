package wxpaytest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"

	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/keys"
)

// WriteConfig writes the server's merchant files to dir as WeChat Pay
// hands them out, apiclient_key.pem (the merchant API key, PKCS #8),
// apiclient_cert.pem (the merchant certificate, for APIv2 "security"
// requests) and the keys that verify WeChat Pay as the server's Keys
// say: pub_key.pem (the WeChat Pay public key, under PlatformKeyID)
// and/or wechatpay_SERIAL.pem (each platform certificate, under its serial
// number, named as the SDKs' certificate downloaders name them). With
// them come ca.pem (the server's TLS certificate) and config.json naming
// them all with the merchant id, the APIv2 key, the APIv3 key and the URL.
// It returns the path of config.json. That is the file wxpay -c and
// configfile.Load read, so a program configured by file can be tested
// against the server, in Go or in any language.
func (s *Server) WriteConfig(dir string) (string, error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(s.MerchantKey)
	if err != nil {
		return "", err
	}
	type file struct {
		name, typ string
		der       []byte
	}
	files := []file{
		{"apiclient_key.pem", "PRIVATE KEY", keyDER},
		{"apiclient_cert.pem", "CERTIFICATE", s.merchantCert(s.MchID).Certificate[0]},
		{"ca.pem", "CERTIFICATE", s.Certificate().Raw},
	}
	// The keys Config trusts, by serial, each in a file of its own.
	certs := map[string]string{}
	if s.certs.mode.usesPublicKey() {
		pubDER, err := x509.MarshalPKIXPublicKey(s.PlatformPublicKey())
		if err != nil {
			return "", err
		}
		files = append(files, file{"pub_key.pem", "PUBLIC KEY", pubDER})
		certs[s.PlatformKeyID] = "pub_key.pem"
	}
	if s.certs.mode.usesCertificates() && s.certs.mode != KeysDefault {
		for _, c := range s.PlatformCertificates() {
			serial := keys.SerialNumber(c)
			files = append(files, file{"wechatpay_" + serial + ".pem", "CERTIFICATE", c.Raw})
			certs[serial] = "wechatpay_" + serial + ".pem"
		}
	}
	path := make(map[string]string, len(files))
	for _, f := range files {
		path[f.name] = filepath.Join(dir, f.name)
		if err := os.WriteFile(path[f.name], pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			return "", err
		}
	}
	for serial, name := range certs {
		certs[serial] = path[name]
	}
	data, err := json.MarshalIndent(configfile.File{
		MchID:        s.MchID,
		Serial:       s.MerchantSerial,
		PrivateKey:   path["apiclient_key.pem"],
		Certs:        certs,
		Secret:       s.Secret,
		MerchantCert: path["apiclient_cert.pem"],
		BaseURL:      s.URL,
		RootCA:       path["ca.pem"],
		APIv3Key:     s.APIv3Key,
	}, "", "  ")
	if err != nil {
		return "", err
	}
	config := filepath.Join(dir, "config.json")
	return config, os.WriteFile(config, append(data, '\n'), 0o600)
}
