package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// The commands a tester types at wxpay serve, each moving a flow on as
// WeChat Pay would, and the fixtures file it can start with.

// serveCommand is one command: its arguments as help shows them, what it
// does, and how many arguments it takes.
type serveCommand struct {
	name, args, help string
	min, max         int // max -1: any number
	run              func(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error
}

var serveCommands []serveCommand

func init() {
	serveCommands = []serveCommand{
		{"pay", "OUT_TRADE_NO", "pay an order; its TRANSACTION.SUCCESS callback goes to its notify_url", 1, 1, cmdPay},
		{"fail", "OUT_TRADE_NO", "make a payment under way fail (PAYERROR), as when the payer's bank refuses it", 1, 1, cmdFail},
		{"close", "OUT_TRADE_NO", "close an unpaid order, as when it times out", 1, 1, cmdClose},
		{"refund", "OUT_REFUND_NO [ok|abnormal|closed]", "end a PROCESSING refund (ok by default) and send its callback", 1, 2, cmdRefund},
		{"share", "OUT_ORDER_NO [ok|closed]", "end a PROCESSING profit sharing order and send its callbacks", 1, 2, cmdShare},
		{"transfer", "OUT_BILL_NO [ok|fail|cancel]", "end a transfer bill (the payee confirms, it fails, or a cancel completes)", 1, 2, cmdTransfer},
		{"batch", "OUT_BATCH_NO [ok|closed] [FAILED_OUT_DETAIL_NO...]", "end a transfer batch, the details named failing", 1, -1, cmdBatch},
		{"resend", "[SUBJECT]", "send the last callback (about an out_trade_no, out_refund_no, ...) again", 0, 1, cmdResend},
		{"callbacks", "", "list the callbacks sent and how the merchant answered", 0, 0, cmdCallbacks},
		{"fault", "NAME [N]", "spoil the next N replies (1 by default): " + strings.Join(faultNames(), ", "), 1, 2, cmdFault},
		{"bills", "", "issue today's bills now instead of tomorrow", 0, 0, cmdBills},
		{"help", "", "list the commands", 0, 0, cmdHelp},
	}
}

// command carries out a line typed at the server.
func command(ctx context.Context, srv *wxpaytest.Server, line string, w io.Writer) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return
	}
	for _, c := range serveCommands {
		if c.name != fields[0] {
			continue
		}
		args := fields[1:]
		if len(args) < c.min || (c.max >= 0 && len(args) > c.max) {
			fmt.Fprintf(w, "usage: %s\n", strings.TrimSpace(c.name+" "+c.args))
			return
		}
		if err := c.run(ctx, srv, args, w); err != nil {
			fmt.Fprintf(w, "%s: %v\n", c.name, err)
		}
		return
	}
	fmt.Fprintf(w, "unknown command %q; type help for the commands\n", line)
}

func cmdHelp(_ context.Context, _ *wxpaytest.Server, _ []string, w io.Writer) error {
	for _, c := range serveCommands {
		fmt.Fprintf(w, "  %-52s %s\n", strings.TrimSpace(c.name+" "+c.args), c.help)
	}
	return nil
}

// callbackResult says how a callback went.
func callbackResult(event string, resp *http.Response) string {
	if resp == nil {
		return "no notify_url, so no callback was sent"
	}
	return event + " callback -> " + resp.Status
}

func cmdPay(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	resp, err := srv.Pay(ctx, args[0])
	if err != nil {
		return err
	}
	if resp == nil {
		fmt.Fprintf(w, "pay: %s is paid; it has no notify_url, so no callback was sent\n", args[0])
		return nil
	}
	fmt.Fprintf(w, "pay: %s is paid; TRANSACTION.SUCCESS callback -> %s\n", args[0], resp.Status)
	return nil
}

func cmdFail(_ context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	if err := srv.FailPayment(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(w, "fail: %s is PAYERROR\n", args[0])
	return nil
}

func cmdClose(_ context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	if err := srv.CloseOrder(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(w, "close: %s is CLOSED\n", args[0])
	return nil
}

// outcome maps the word typed to the state a flow ends in.
func outcome(args []string, states map[string]string) (string, error) {
	word := "ok"
	if len(args) > 1 {
		word = args[1]
	}
	state, found := states[word]
	if !found {
		words := make([]string, 0, len(states))
		for k := range states {
			words = append(words, k)
		}
		sort.Strings(words)
		return "", fmt.Errorf("%q is not one of %s", word, strings.Join(words, ", "))
	}
	return state, nil
}

func cmdRefund(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	status, err := outcome(args, map[string]string{"ok": "SUCCESS", "abnormal": "ABNORMAL", "closed": "CLOSED"})
	if err != nil {
		return err
	}
	resp, err := srv.CompleteRefund(ctx, args[0], status)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "refund: %s is %s; %s\n", args[0], status, callbackResult("REFUND."+status, resp))
	return nil
}

func cmdShare(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	result, err := outcome(args, map[string]string{"ok": "SUCCESS", "closed": "CLOSED"})
	if err != nil {
		return err
	}
	if err := srv.CompleteProfitSharing(ctx, args[0], result); err != nil {
		return err
	}
	_, results := srv.ProfitSharingState(args[0])
	fmt.Fprintf(w, "share: %s is FINISHED, receivers %s\n", args[0], strings.Join(results, " "))
	return nil
}

func cmdTransfer(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	state, err := outcome(args, map[string]string{"ok": "SUCCESS", "fail": "FAIL", "cancel": "CANCELLED"})
	if err != nil {
		return err
	}
	resp, err := srv.CompleteTransfer(ctx, args[0], state)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "transfer: %s is %s; %s\n", args[0], state, callbackResult("MCHTRANSFER.BILL.FINISHED", resp))
	return nil
}

func cmdBatch(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	status, failed := "FINISHED", args[1:]
	if len(args) > 1 && (args[1] == "ok" || args[1] == "closed") {
		if args[1] == "closed" {
			status = "CLOSED"
		}
		failed = args[2:]
	}
	resp, err := srv.CompleteTransferBatch(ctx, args[0], status, failed...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "batch: %s is %s; %s\n", args[0], status, callbackResult("MCHTRANSFER.BATCH.FINISHED", resp))
	return nil
}

func cmdResend(ctx context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	subject := ""
	if len(args) == 1 {
		subject = args[0]
	}
	cb, resp, err := srv.Resend(ctx, subject)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "resend: %s %s (%s) -> %s\n", cb.EventType, cb.Subject, cb.ID, resp.Status)
	return nil
}

func cmdCallbacks(_ context.Context, srv *wxpaytest.Server, _ []string, w io.Writer) error {
	cbs := srv.Callbacks()
	if len(cbs) == 0 {
		fmt.Fprintln(w, "callbacks: none sent yet")
	}
	for _, cb := range cbs {
		answer := strconv.Itoa(cb.Status)
		if cb.Err != nil {
			answer = cb.Err.Error()
		}
		fmt.Fprintf(w, "  %s %s -> %s: %s\n", cb.EventType, cb.Subject, cb.Target, answer)
	}
	return nil
}

// faultByName is every fault by the name it prints as.
func faultByName() map[string]wxpaytest.Fault {
	out := map[string]wxpaytest.Fault{}
	for f := wxpaytest.Fault(1); f < 200; f++ {
		if name := f.String(); !strings.HasPrefix(name, "Fault(") {
			out[strings.ToLower(name)] = f
		}
	}
	return out
}

func faultNames() []string {
	var names []string
	for f := wxpaytest.Fault(1); f < 200; f++ {
		if name := f.String(); !strings.HasPrefix(name, "Fault(") {
			names = append(names, name)
		}
	}
	return names
}

func cmdFault(_ context.Context, srv *wxpaytest.Server, args []string, w io.Writer) error {
	f, found := faultByName()[strings.ToLower(args[0])]
	if !found {
		return fmt.Errorf("no fault %q; the faults are %s", args[0], strings.Join(faultNames(), ", "))
	}
	n := 1
	if len(args) == 2 {
		var err error
		if n, err = strconv.Atoi(args[1]); err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("the count %q is not a number from 1 to 1000", args[1])
		}
	}
	faults := make([]wxpaytest.Fault, n)
	for i := range faults {
		faults[i] = f
	}
	srv.Inject(faults...)
	fmt.Fprintf(w, "fault: the next %d repl%s get %s\n", n, map[bool]string{true: "y", false: "ies"}[n == 1], f)
	return nil
}

func cmdBills(_ context.Context, srv *wxpaytest.Server, _ []string, w io.Writer) error {
	srv.CloseBillDay()
	fmt.Fprintln(w, "bills: today's trade and fund flow bills are out")
	return nil
}

// fixtures is what wxpay serve -fixtures FILE starts the server with:
// orders placed and moved to their state, and scripted replies.
type fixtures struct {
	Orders []struct {
		OutTradeNo    string `json:"out_trade_no"`
		Total         int    `json:"total"`
		Description   string `json:"description"`
		NotifyURL     string `json:"notify_url"`
		State         string `json:"state"` // NOTPAY (default), SUCCESS, PAYERROR or CLOSED
		ProfitSharing bool   `json:"profit_sharing"`
	} `json:"orders"`
	Replies []struct {
		Method string            `json:"method"`
		Path   string            `json:"path"` // the catalog's template, "v3/refund/domestic/refunds/{out_refund_no}"
		Status int               `json:"status"`
		Body   json.RawMessage   `json:"body"`   // APIv3: the JSON reply
		Fields map[string]string `json:"fields"` // APIv2: the reply's fields
	} `json:"replies"`
}

// loadFixtures places the orders of a fixtures file through the API, as
// a merchant would (so they show among the requests), moves each to its
// state, and sets the scripted replies, signed as every reply is.
func loadFixtures(ctx context.Context, srv *wxpaytest.Server, path string) (orders, replies int, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var fx fixtures
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fx); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	for i, o := range fx.Orders {
		if o.OutTradeNo == "" || o.Total <= 0 {
			return 0, 0, fmt.Errorf("%s: orders[%d] needs an out_trade_no and a total in fen", path, i)
		}
		if o.Description == "" {
			o.Description = "Image形象店-深圳腾大-QQ公仔"
		}
		if o.NotifyURL == "" {
			o.NotifyURL = "https://127.0.0.1/notify"
		}
		body := wechatpay.M{
			"appid": srv.AppID, "mchid": srv.MchID, "description": o.Description, "out_trade_no": o.OutTradeNo,
			"notify_url": o.NotifyURL, "amount": wechatpay.M{"total": o.Total, "currency": "CNY"},
		}
		if o.ProfitSharing {
			body["settle_info"] = wechatpay.M{"profit_sharing": true}
		}
		if _, err := srv.Client().Chain("v3/pay/transactions/native").Post(ctx, wechatpay.M{"json": body}); err != nil {
			return 0, 0, fmt.Errorf("%s: orders[%d]: %w", path, i, err)
		}
		switch o.State {
		case "", "NOTPAY":
		case "SUCCESS":
			err = srv.SetPaid(o.OutTradeNo)
		case "PAYERROR":
			err = srv.FailPayment(o.OutTradeNo)
		case "CLOSED":
			err = srv.CloseOrder(o.OutTradeNo)
		default:
			err = fmt.Errorf("state %q is not NOTPAY, SUCCESS, PAYERROR or CLOSED", o.State)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s: orders[%d]: %w", path, i, err)
		}
	}
	for i, r := range fx.Replies {
		status, body, fields := r.Status, r.Body, r.Fields
		h := func(*wxpaytest.Request) wxpaytest.Reply {
			if fields != nil {
				return wxpaytest.Fields(fields)
			}
			var b any
			if len(body) > 0 {
				b = []byte(body)
			}
			return wxpaytest.JSON(status, b)
		}
		if err := srv.Handle(r.Method, r.Path, h); err != nil {
			return 0, 0, fmt.Errorf("%s: replies[%d]: %w", path, i, err)
		}
	}
	return len(fx.Orders), len(fx.Replies), nil
}
