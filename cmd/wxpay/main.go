// Command wxpay sends WeChat Pay API requests from the command line, and
// shows the client at work against the built-in test server.
//
//	wxpay demo
//	wxpay serve [-dir DIR] [-addr 127.0.0.1:PORT] [-keys certificate|pubkey|both] [-checks server|strict|none]
//	wxpay crt -c config.json -k APIV3KEY [-o DIR] [-path LIST] [-root CA.pem]
//	wxpay -c config.json [-m post] [-d BODY] [-p name=value]... [-q name=value]... [-H 'K: V']... URI
//
// The config file is JSON:
//
//	{
//	  "mchid": "1230000109",
//	  "serial": "3775B6A45ACD588826D15E583A95F5DD2C39D42B",
//	  "privateKey": "/path/to/apiclient_key.pem",
//	  "certs": {"PUB_KEY_ID_0114232134912410000000000000": "/path/to/pub_key.pem"},
//	  "secret": "APIv2 key",
//	  "merchantCert": "/path/to/apiclient_cert.pem",
//	  "baseURL": "https://api.mch.weixin.qq.com/",
//	  "rootCA": "/path/to/extra-ca.pem"
//	}
//
// "serial" may be left out when "merchantCert" is given. Key fields take a
// file path, a file:// URL, PEM text or the bare base64 body.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command, apart from the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			fs := flag.NewFlagSet("wxpay demo", flag.ContinueOnError)
			fs.SetOutput(stderr)
			fs.Usage = commandUsage(fs, "demo")
			if err := fs.Parse(args[1:]); err != nil {
				return 2
			}
			if fs.NArg() != 0 {
				fs.Usage()
				return 2
			}
			if err := demo(ctx, stdout); err != nil {
				fmt.Fprintln(stderr, "wxpay demo:", err)
				return 1
			}
			return 0
		case "serve":
			return serve(ctx, args[1:], os.Stdin, stdout, stderr, nil)
		case "crt":
			return crt(ctx, args[1:], stdout, stderr)
		case "port":
			return portCmd(args[1:], os.Stdin, stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return request(ctx, args, stdout, stderr)
}

const usage = `usage:
  wxpay demo
      Start the built-in test server and run the order-reverse calls against it.
  wxpay serve [-dir DIR] [-addr 127.0.0.1:PORT] [-keys certificate|pubkey|both] [-fixtures FILE] [-checks server|strict|none]
      Run the built-in test server until Ctrl-C, for programs in any language: write its
      merchant keys, certificates and a config.json to DIR, and print each request it gets.
      Typing "pay OUT_TRADE_NO" pays an order and sends its callback to its notify_url;
      "help" lists the other commands (refund, share, transfer, resend, fault, ...).
      -fixtures places the orders and scripts the replies of a JSON file at start.
      -keys plays a merchant with platform certificates only, the WeChat Pay public key
      only, or both while switching (which key signs, what v3/certificates answers).
      -checks: how far requests are checked against the OpenAPI description (server: what
      WeChat Pay refuses; strict: unknown fields too; none).
  wxpay -c config.json [-m METHOD] [-d BODY] [-p name=value]... [-q name=value]... [-H 'K: V']...
        [-f name=value]... [-security] [-v] URI
      Send one request. URI is a chain such as v3/pay/transactions/id/{transaction_id};
      -p fills its placeholders, -q adds query parameters, -d is the JSON body.
      For an APIv2 URI (v2/...), -f gives the XML fields and -security sends with the
      merchant certificate. -v logs the request to standard error.
  wxpay crt -c config.json -k APIV3KEY [-o DIR] [-path LIST] [-root CA.pem]
      Download the platform certificates, decrypt them with the APIv3 key, verify the
      reply with them (and with the configured keys), and write DIR/wechatpay_SERIAL.pem.
      -root requires every certificate to be issued by that CA (Tenpay.com Root CA).
  wxpay port [-main] [-var name=value]... [FILE|-]
      Print Go for the PHP or Node chain calls in FILE (see wxpay port -h).
`

// commandUsage is the Usage of a command's flag set: the command's own
// lines of the general usage, then its flags.
func commandUsage(fs *flag.FlagSet, name string) func() {
	return func() {
		w := fs.Output()
		fmt.Fprint(w, "usage:\n"+usageOf(name))
		fs.PrintDefaults()
	}
}

// usageOf returns the lines of the general usage about "wxpay NAME".
func usageOf(name string) string {
	var b strings.Builder
	in := false
	for line := range strings.Lines(usage) {
		if strings.HasPrefix(line, "  wxpay ") {
			rest := strings.TrimPrefix(line, "  wxpay ")
			in = strings.HasPrefix(rest, name+" ") || strings.TrimSpace(rest) == name
		}
		if in {
			b.WriteString(line)
		}
	}
	return b.String()
}
