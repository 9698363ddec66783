package main

import (
	"context"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/certificates"
	"github.com/wxpay-go/wechatpay/keys"
	"github.com/wxpay-go/wechatpay/signer"
)

// crt downloads the platform certificates into a directory, one PEM file
// per certificate, named by serial number.
func crt(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxpay crt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = commandUsage(fs, "crt")
	configPath := fs.String("c", "", "config file (JSON)")
	apiv3Key := fs.String("k", "", "APIv3 key")
	dir := fs.String("o", ".", "directory to write the certificates to")
	list := fs.String("path", "v3/certificates", "the list to fetch: v3/certificates, v3/global/certificates or hk/v3/certificates")
	rootFile := fs.String("root", "", "PEM file of the root CA that must have issued every certificate (WeChat Pay's Tenpay.com Root CA)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch *list {
	case "v3/certificates", "v3/global/certificates", "hk/v3/certificates":
	default:
		fmt.Fprintf(stderr, "wxpay crt: -path %q: want v3/certificates, v3/global/certificates or hk/v3/certificates\n", *list)
		return 2
	}
	if *configPath == "" || *apiv3Key == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "wxpay crt:", err)
		return 1
	}

	var roots *x509.CertPool
	if *rootFile != "" {
		root, err := keys.Certificate(*rootFile)
		if err != nil {
			return fail(fmt.Errorf("-root: %w", err))
		}
		roots = x509.NewCertPool()
		roots.AddCert(root)
	}

	// The reply is verified with the certificates it carries, and with
	// the keys the config already trusts when they name its signer.
	var configured signer.Keys
	client, err := clientFromFile(*configPath, func(cfg *wechatpay.Config) {
		configured = signer.MultiKeys(signer.StaticKeys(cfg.Certs), cfg.Keys)
		cfg.Verifier = certificates.Verifier(*apiv3Key, configured, roots)
	})
	if err != nil {
		return fail(err)
	}
	resp, err := client.Chain(*list).Get(ctx)
	if err != nil {
		return fail(err)
	}
	certs, err := certificates.Decrypt(resp.Body, *apiv3Key)
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fail(err)
	}
	signedBy := resp.Header.Get(signer.HeaderSerial)
	how := "a downloaded certificate"
	if _, ok := configured.PublicKey(signedBy); ok {
		how = "a configured key"
	}
	fmt.Fprintf(stderr, "%d certificates; the reply is signed by %s, %s\n", len(certs), signedBy, how)
	if roots != nil {
		fmt.Fprintf(stderr, "every certificate is issued by the root in %s\n", *rootFile)
	}
	for _, c := range certs {
		serial := keys.SerialNumber(c.Certificate)
		path := filepath.Join(*dir, "wechatpay_"+serial+".pem")
		if err := os.WriteFile(path, c.PEM(), 0o644); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%s %s %s %s\n", serial, c.EffectiveTime.Format(time.RFC3339), c.ExpireTime.Format(time.RFC3339), path)
	}
	return 0
}
