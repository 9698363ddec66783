package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/wxpay-go/wechatpay/configfile"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// serve runs the built-in test server until ctx ends, for requests from
// other programs and languages: it writes the merchant's files and a
// config file to a directory, says how to use them, and prints each
// request the server gets with what it made of it. A line "pay
// OUT_TRADE_NO" on stdin pays that order and sends its payment callback to
// its notify_url. ready, if not nil, is called with the config file's path
// once the server is up.
func serve(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, ready func(config string)) int {
	fs := flag.NewFlagSet("wxpay serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = commandUsage(fs, "serve")
	dir := fs.String("dir", "", "directory for the keys, certificates and config.json (default: a new temporary one)")
	addr := fs.String("addr", "", "address to listen on, such as 127.0.0.1:8443 (default: a free port of 127.0.0.1)")
	keysFlag := fs.String("keys", "", "the merchant's WeChat Pay keys: certificate (platform certificates only), pubkey (the WeChat Pay public key only) or both (switching between them); default: the public key signs, v3/certificates still lists certificates")
	fixturesFile := fs.String("fixtures", "", "a JSON file of orders to place and replies to script at start (see docs/test-server.md)")
	checksFlag := fs.String("checks", "server", "how far requests are checked against the OpenAPI description: server (what WeChat Pay refuses), strict (unknown fields too) or none")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	var keyMode wxpaytest.Keys
	if *keysFlag != "" {
		k, err := wxpaytest.ParseKeys(*keysFlag)
		if err != nil || k == wxpaytest.KeysDefault {
			fmt.Fprintf(stderr, "wxpay serve: -keys %q: want certificate, pubkey or both\n", *keysFlag)
			return 2
		}
		keyMode = k
	}
	checks, err := wxpaytest.ParseChecks(*checksFlag)
	if err != nil {
		fmt.Fprintf(stderr, "wxpay serve: -checks %q: want server, strict or none\n", *checksFlag)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "wxpay serve:", err)
		return 1
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "wxpaytest-")
		if err != nil {
			return fail(err)
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fail(err)
	}

	// Requests are printed as the server answers them, each once, after
	// its verdict; out keeps their lines and the commands' whole.
	out := &lockedWriter{w: stdout}
	shown := 0
	srv, err := startServer(*addr, wxpaytest.WithKeys(keyMode), wxpaytest.WithChecks(checks), wxpaytest.WithAnswered(func(r wxpaytest.Received) {
		out.mu.Lock()
		defer out.mu.Unlock()
		shown++
		showRequest(out.w, r)
	}))
	if err != nil {
		return fail(err)
	}
	defer srv.Close()
	config, err := srv.WriteConfig(*dir)
	if err != nil {
		return fail(err)
	}
	fc, err := configfile.ReadFile(config)
	if err != nil {
		return fail(err)
	}
	if *fixturesFile != "" {
		orders, replies, err := loadFixtures(ctx, srv, *fixturesFile)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(out, "fixtures: %d order(s) placed, %d repl(ies) scripted from %s\n", orders, replies, *fixturesFile)
	}
	out.Write([]byte(banner(srv, config, fc, *dir)))
	if ready != nil {
		ready(config)
	}

	// Commands come from stdin, one line at a time.
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			srv.Close() // waits for the requests in flight to be answered
			out.mu.Lock()
			defer out.mu.Unlock()
			fmt.Fprintf(out.w, "stopped after %d request(s)\n", shown)
			return 0
		case line := <-lines:
			var buf strings.Builder
			command(ctx, srv, line, &buf)
			out.Write([]byte(buf.String()))
		}
	}
}

// banner says where the server is, who its merchant is and where each of
// its files is, as config.json names them, with commands to try.
func banner(srv *wxpaytest.Server, config string, fc configfile.File, dir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "test server %s\n", srv.URL)
	fmt.Fprintf(&b, "  merchant %s (appid %s), APIv2 also merchant %s (appid %s)\n", srv.MchID, srv.AppID, srv.V2MchID, srv.V2AppID)
	fmt.Fprintf(&b, "  keys %s: %s\n", srv.Keys(), keysMeaning[srv.Keys()])
	fmt.Fprintf(&b, "  APIv3 key %s, APIv2 key %s (both in config.json)\n", fc.APIv3Key, fc.Secret)
	fmt.Fprintf(&b, "files in %s:\n", dir)
	fmt.Fprintf(&b, "  config.json         %s\n", config)
	fmt.Fprintf(&b, "  merchant key        %s\n", fc.PrivateKey)
	fmt.Fprintf(&b, "  merchant cert       %s (serial %s)\n", fc.MerchantCert, fc.Serial)
	serials := make([]string, 0, len(fc.Certs))
	for serial := range fc.Certs {
		serials = append(serials, serial)
	}
	sort.Strings(serials)
	for _, serial := range serials {
		what := "platform cert "
		if serial == srv.PlatformKeyID {
			what = "WeChat Pay key"
		}
		fmt.Fprintf(&b, "  %s      %s (%s)\n", what, fc.Certs[serial], serial)
	}
	fmt.Fprintf(&b, "  TLS CA              %s\n", fc.RootCA)
	fmt.Fprintf(&b, `
try, from another terminal:
  wxpay -c %s -q mchid=%s v3/pay/transactions/out-trade-no/1217752501201407033233368018
  wxpay -c %s -f appid=%s -f mch_id=%s -f out_trade_no=1217752501201407033233368018 v2/pay/orderquery
  wxpay crt -c %s -k %s -o %s

Type "pay OUT_TRADE_NO" here to pay an order: its TRANSACTION.SUCCESS callback
goes to its notify_url (on this machine); "help" lists the other commands (refund,
share, transfer, resend, fault, ...). Keys and certificates are new on every
start. Ctrl-C stops the server.

`, config, srv.MchID, config, srv.AppID, srv.MchID, config, fc.APIv3Key, dir)
	return b.String()
}

var keysMeaning = map[wxpaytest.Keys]string{
	wxpaytest.KeysDefault:     "the WeChat Pay public key signs; v3/certificates still lists platform certificates",
	wxpaytest.KeysPublicKey:   "the WeChat Pay public key only; v3/certificates answers 404",
	wxpaytest.KeysCertificate: "platform certificates only; they sign every reply and callback",
	wxpaytest.KeysBoth:        "switching: the public key signs when Wechatpay-Serial names it, certificates otherwise",
}

// lockedWriter is a writer the server's goroutines and the command loop
// share.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// startServer starts the test server on addr, or on a free port if addr
// is empty, turning NewServer's panic on a busy address into an error.
func startServer(addr string, opts ...wxpaytest.Option) (srv *wxpaytest.Server, err error) {
	if addr == "" {
		return wxpaytest.NewServer(opts...), nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return wxpaytest.NewServer(append(opts, wxpaytest.WithAddr(addr))...), nil
}

// showRequest prints a request with its verdict.
func showRequest(w io.Writer, r wxpaytest.Received) {
	verdict := "ok"
	if r.Err != nil {
		verdict = r.Err.Error()
	}
	fmt.Fprintf(w, "%s %s -> %s\n", r.Method, r.Target, verdict)
}
