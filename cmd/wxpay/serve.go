package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dir := fs.String("dir", "", "directory for the keys, certificates and config.json (default: a new temporary one)")
	addr := fs.String("addr", "", "address to listen on, such as 127.0.0.1:8443 (default: a free port of 127.0.0.1)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fs.Usage()
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

	srv, err := startServer(*addr)
	if err != nil {
		return fail(err)
	}
	defer srv.Close()
	config, err := srv.WriteConfig(*dir)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, `test server %s
  merchant %s (appid %s), APIv2 also merchant %s (appid %s)
  platform key %s, APIv3 key %s
  files in %s: config.json, apiclient_key.pem, apiclient_cert.pem, pub_key.pem, ca.pem

try, from another terminal:
  wxpay -c %s -q mchid=%s v3/pay/transactions/out-trade-no/1217752501201407033233368018
  wxpay -c %s -f appid=%s -f mch_id=%s -f out_trade_no=1217752501201407033233368018 v2/pay/orderquery
  wxpay crt -c %s -k %s -o %s

Type "pay OUT_TRADE_NO" here to pay a Native order: its TRANSACTION.SUCCESS callback
goes to its notify_url (on this machine). Keys and certificates are new on every
start. Ctrl-C stops the server.

`, srv.URL, srv.MchID, srv.AppID, srv.V2MchID, srv.V2AppID, srv.PlatformKeyID, srv.APIv3Key, *dir,
		config, srv.MchID, config, srv.AppID, srv.MchID, config, srv.APIv3Key, *dir)
	if ready != nil {
		ready(config)
	}

	// Commands come from stdin; a line is handled in this loop, so that
	// what it prints does not interleave with the requests.
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

	// The server records requests; show them as they come.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	shown := 0
	for {
		select {
		case <-ctx.Done():
			shown = showRequests(stdout, srv.Requests(), shown)
			fmt.Fprintf(stdout, "stopped after %d request(s)\n", shown)
			return 0
		case <-tick.C:
			shown = showRequests(stdout, srv.Requests(), shown)
		case line := <-lines:
			shown = showRequests(stdout, srv.Requests(), shown)
			command(ctx, srv, line, stdout)
		}
	}
}

// command carries out a line typed at the server.
func command(ctx context.Context, srv *wxpaytest.Server, line string, w io.Writer) {
	fields := strings.Fields(line)
	switch {
	case len(fields) == 0:
	case fields[0] == "pay" && len(fields) == 2:
		resp, err := srv.Pay(ctx, fields[1])
		switch {
		case err != nil:
			fmt.Fprintln(w, "pay:", err)
		case resp == nil:
			fmt.Fprintf(w, "pay: %s is paid; it has no notify_url, so no callback was sent\n", fields[1])
		default:
			fmt.Fprintf(w, "pay: %s is paid; TRANSACTION.SUCCESS callback -> %s\n", fields[1], resp.Status)
		}
	default:
		fmt.Fprintf(w, "unknown command %q; the one command is: pay OUT_TRADE_NO\n", line)
	}
}

// startServer starts the test server on addr, or on a free port if addr
// is empty, turning NewServer's panic on a busy address into an error.
func startServer(addr string) (srv *wxpaytest.Server, err error) {
	if addr == "" {
		return wxpaytest.NewServer(), nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return wxpaytest.NewServer(wxpaytest.WithAddr(addr)), nil
}

// showRequests prints the requests after the first shown ones and returns
// how many have been shown.
func showRequests(w io.Writer, reqs []wxpaytest.Received, shown int) int {
	for _, r := range reqs[shown:] {
		verdict := "ok"
		if r.Err != nil {
			verdict = r.Err.Error()
		}
		fmt.Fprintf(w, "%s %s -> %s\n", r.Method, r.Target, verdict)
	}
	return len(reqs)
}
