package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/internal/catalog"
)

// fileConfig is the JSON config file of the request mode.
type fileConfig = configfile.File

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
	security := fs.Bool("security", false, "APIv2: send with the merchant certificate (mutual TLS)")
	verbose := fs.Bool("v", false, "log the request to standard error")
	var params, query, headers, fields pairs
	fs.Var(&params, "p", "template variable name=value (repeatable)")
	fs.Var(&query, "q", "query parameter name=value (repeatable)")
	fs.Var(&headers, "H", "header 'Name: value' (repeatable)")
	fs.Var(&fields, "f", "APIv2 field name=value (repeatable)")
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

	client, err := clientFromFile(*configPath, func(cfg *wechatpay.Config) {
		if *verbose {
			cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	})
	if err != nil {
		return fail(err)
	}
	opts, err := requestOptions(*data, params, query, headers)
	if err != nil {
		return fail(err)
	}
	if len(fields) > 0 {
		xml := map[string]string{}
		for _, p := range fields {
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return fail(fmt.Errorf("-f %q: want name=value", p))
			}
			xml[k] = v
		}
		opts["xml"] = xml
	}
	if *security {
		opts["security"] = true
	}
	verb := strings.ToUpper(*method)
	if verb == "" {
		verb = "GET"
		if *data != "" || len(fields) > 0 {
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
	fmt.Fprintf(stderr, "%d %s(%s)\n", resp.StatusCode, requestID(resp), verified(verb, fs.Arg(0)))
	printBody(stdout, resp.Body)
	return 0
}

func requestID(resp *wechatpay.Response) string {
	if id := resp.Header.Get("Request-Id"); id != "" {
		return id + " "
	}
	return ""
}

// verified says what vouches for a reply: its signature, unless the
// catalog marks the endpoint as one whose replies WeChat Pay does not sign.
// A placeholder of the template matches any segment in the lookup.
func verified(method, template string) string {
	path := wechatpay.Normalize(strings.TrimPrefix(template, "/"))
	if ep, ok := catalog.Lookup(method, path); ok && !ep.SignedResponse {
		return "an endpoint whose replies WeChat Pay does not sign"
	}
	return "signature verified"
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

// clientFromFile builds a client from a JSON config file; adjust may
// change the configuration first.
func clientFromFile(path string, adjust ...func(*wechatpay.Config)) (*wechatpay.Client, error) {
	cfg, err := configfile.Read(path)
	if err != nil {
		return nil, err
	}
	for _, f := range adjust {
		f(&cfg)
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
	if bytes.HasPrefix(body, []byte("<xml>")) && !bytes.HasSuffix(body, []byte("\n")) {
		// An APIv2 reply ends on a line of its own, as JSON does; a file
		// (a bill) is written byte for byte.
		io.WriteString(w, "\n")
	}
}
