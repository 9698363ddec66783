// Package configfile reads the JSON file that configures a client, the
// format the wxpay command's -c flag takes and the programs of
// "wxpay port -main" read:
//
//	{
//	  "mchid": "1230000109",
//	  "serial": "3775B6A45ACD588826D15E583A95F5DD2C39D42B",
//	  "privateKey": "/path/to/apiclient_key.pem",
//	  "certs": {"PUB_KEY_ID_0114232134912410000000000000": "/path/to/pub_key.pem"},
//	  "secret": "APIv2 key",
//	  "merchantCert": "/path/to/apiclient_cert.pem",
//	  "baseURL": "https://api.mch.weixin.qq.com/",
//	  "rootCA": "/path/to/extra-ca.pem",
//	  "apiv3Key": "the 32-character APIv3 key"
//	}
//
// "serial" may be left out when "merchantCert" is given. Key fields take a
// file path, a file:// URL, PEM text or the bare base64 body (package
// keys). Unknown fields are an error: they are usually typos.
//
// "apiv3Key" is not part of the client configuration: no request is
// signed with it. It decrypts callbacks and downloaded platform
// certificates, so a program that handles those keeps it here beside the
// rest; ReadFile hands it back.
package configfile

import (
	"bytes"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/keys"
)

// File is the JSON config file.
type File struct {
	MchID        string            `json:"mchid"`
	Serial       string            `json:"serial"`
	PrivateKey   string            `json:"privateKey"`
	Certs        map[string]string `json:"certs"`
	Secret       string            `json:"secret"`
	MerchantCert string            `json:"merchantCert"`
	BaseURL      string            `json:"baseURL"`
	RootCA       string            `json:"rootCA"`
	APIv3Key     string            `json:"apiv3Key,omitempty"`
}

// Load reads the config file at path and returns a client built from it.
func Load(path string) (*wechatpay.Client, error) {
	cfg, err := Read(path)
	if err != nil {
		return nil, err
	}
	return wechatpay.New(cfg)
}

// Read reads the config file at path and loads its keys, for a caller
// that adjusts the configuration before wechatpay.New. Errors name the
// file and the field.
func Read(path string) (wechatpay.Config, error) {
	fc, err := ReadFile(path)
	if err != nil {
		return wechatpay.Config{}, err
	}
	cfg, err := fc.Config()
	if err != nil {
		return wechatpay.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ReadFile reads the config file at path as it is, without loading the
// keys it names, for its other fields such as APIv3Key.
func ReadFile(path string) (File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return File{}, err
	}
	var fc File
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	return fc, nil
}

// Config loads the keys the file names and returns the client
// configuration.
func (fc File) Config() (wechatpay.Config, error) {
	cfg := wechatpay.Config{MchID: fc.MchID, Serial: fc.Serial, Secret: fc.Secret, BaseURL: fc.BaseURL}
	if fc.PrivateKey == "" {
		return cfg, fmt.Errorf("privateKey is missing")
	}
	key, err := keys.PrivateKey(fc.PrivateKey)
	if err != nil {
		return cfg, fmt.Errorf("privateKey: %w", err)
	}
	cfg.PrivateKey = key
	if fc.MerchantCert != "" {
		serial, _, tlsCert, err := keys.MerchantCertificate(fc.MerchantCert, fc.PrivateKey)
		if err != nil {
			return cfg, fmt.Errorf("merchantCert: %w", err)
		}
		if cfg.Serial == "" {
			cfg.Serial = serial
		}
		cfg.Merchant = &tlsCert
	}
	cfg.Certs = make(map[string]*rsa.PublicKey, len(fc.Certs))
	names := make([]string, 0, len(fc.Certs))
	for id := range fc.Certs {
		names = append(names, id)
	}
	sort.Strings(names)
	for _, id := range names {
		pub, err := keys.PublicKey(fc.Certs[id])
		if err != nil {
			return cfg, fmt.Errorf("certs[%s]: %w", id, err)
		}
		cfg.Certs[id] = pub
	}
	if fc.RootCA != "" {
		ca, err := keys.Certificate(fc.RootCA)
		if err != nil {
			return cfg, fmt.Errorf("rootCA: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pool.AddCert(ca)
		cfg.TLSConfig = &tls.Config{RootCAs: pool}
	}
	return cfg, nil
}
