package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/keys"
)

// fileConfig is the JSON config file of the request mode.
type fileConfig struct {
	MchID        string            `json:"mchid"`
	Serial       string            `json:"serial"`
	PrivateKey   string            `json:"privateKey"`
	Certs        map[string]string `json:"certs"`
	Secret       string            `json:"secret"`
	MerchantCert string            `json:"merchantCert"`
	BaseURL      string            `json:"baseURL"`
	RootCA       string            `json:"rootCA"`
}

// pairs collects repeated name=value flags.
type pairs []string

func (p *pairs) String() string     { return strings.Join(*p, ",") }
func (p *pairs) Set(v string) error { *p = append(*p, v); return nil }

func request(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxpay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := fs.String("c", "", "config file (JSON)")
	method := fs.String("m", "", "HTTP method (default GET, or POST with -d)")
	data := fs.String("d", "", "JSON body; @FILE reads it from a file")
	var params, query, headers pairs
	fs.Var(&params, "p", "template variable name=value (repeatable)")
	fs.Var(&query, "q", "query parameter name=value (repeatable)")
	fs.Var(&headers, "H", "header 'Name: value' (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *configPath == "" || fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "wxpay:", err)
		return 1
	}

	client, err := clientFromFile(*configPath)
	if err != nil {
		return fail(err)
	}
	opts, err := requestOptions(*data, params, query, headers)
	if err != nil {
		return fail(err)
	}
	verb := strings.ToUpper(*method)
	if verb == "" {
		verb = "GET"
		if *data != "" {
			verb = "POST"
		}
	}
	node := client.Chain(fs.Arg(0))
	send := map[string]func(context.Context, ...wechatpay.M) (*wechatpay.Response, error){
		"GET": node.Get, "POST": node.Post, "PUT": node.Put, "PATCH": node.Patch, "DELETE": node.Delete,
	}[verb]
	if send == nil {
		return fail(fmt.Errorf("method %q: want GET, POST, PUT, PATCH or DELETE", *method))
	}
	resp, err := send(ctx, opts)
	var apiErr *wechatpay.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintln(stderr, "wxpay:", err)
		printBody(stdout, apiErr.Body)
		return 1
	}
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stderr, "%d %s (signature verified)\n", resp.StatusCode, resp.Header.Get("Request-Id"))
	printBody(stdout, resp.Body)
	return 0
}

// requestOptions turns the flags into chain options.
func requestOptions(data string, params, query, headers pairs) (wechatpay.M, error) {
	opts := wechatpay.M{}
	for _, p := range params {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("-p %q: want name=value", p)
		}
		opts[k] = v
	}
	if len(query) > 0 {
		q := map[string]string{}
		for _, p := range query {
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return nil, fmt.Errorf("-q %q: want name=value", p)
			}
			q[k] = v
		}
		opts["query"] = q
	}
	if len(headers) > 0 {
		h := map[string]string{}
		for _, p := range headers {
			k, v, ok := strings.Cut(p, ":")
			if !ok {
				return nil, fmt.Errorf("-H %q: want 'Name: value'", p)
			}
			h[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		opts["headers"] = h
	}
	if data != "" {
		if name, ok := strings.CutPrefix(data, "@"); ok {
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			data = string(b)
		}
		opts["json"] = data
	}
	return opts, nil
}

// clientFromFile builds a client from a JSON config file.
func clientFromFile(path string) (*wechatpay.Client, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc fileConfig
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cfg := wechatpay.Config{MchID: fc.MchID, Serial: fc.Serial, Secret: fc.Secret, BaseURL: fc.BaseURL}
	if fc.PrivateKey == "" {
		return nil, fmt.Errorf("%s: privateKey is missing", path)
	}
	key, err := keys.PrivateKey(fc.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("%s: privateKey: %w", path, err)
	}
	cfg.PrivateKey = key
	if fc.MerchantCert != "" {
		serial, _, tlsCert, err := keys.MerchantCertificate(fc.MerchantCert, fc.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("%s: merchantCert: %w", path, err)
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
			return nil, fmt.Errorf("%s: certs[%s]: %w", path, id, err)
		}
		cfg.Certs[id] = pub
	}
	if fc.RootCA != "" {
		ca, err := keys.Certificate(fc.RootCA)
		if err != nil {
			return nil, fmt.Errorf("%s: rootCA: %w", path, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pool.AddCert(ca)
		cfg.TLSConfig = &tls.Config{RootCAs: pool}
	}
	return wechatpay.New(cfg)
}

// printBody writes a JSON body indented, anything else as is.
func printBody(w io.Writer, body []byte) {
	var out bytes.Buffer
	if json.Indent(&out, body, "", "  ") == nil {
		out.WriteByte('\n')
		w.Write(out.Bytes())
		return
	}
	w.Write(body)
}
