package wechatpay_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/transport"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// streamBody is a Body whose stream cannot be rewound.
type streamBody struct{ f *media.File }

func (b streamBody) ContentType() string { return b.f.ContentType() }
func (b streamBody) SignedBody() []byte  { return b.f.SignedBody() }
func (b streamBody) Open() (io.ReadCloser, int64, error) {
	r, n, err := b.f.Open()
	return struct{ io.ReadCloser }{r}, n, err
}

// An upload whose primary domain cannot be reached goes to the backup
// domain, its stream rewound; a stream that cannot be rewound is not sent
// twice.
func TestBodyBackupRetry(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	cfg.BaseURL, cfg.BackupURL = "https://127.0.0.1:1/", srv.URL
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	img := media.FromBytes("a.jpg", []byte("\xff\xd8\xff photo"))
	resp, err := client.Chain("v3/merchant/media/upload").Post(context.Background(), wechatpay.M{"body": img})
	if err != nil {
		t.Fatal(err)
	}
	if ups := srv.Uploads(); len(ups) != 1 || resp.Get("media_id").String() != ups[0].ID {
		t.Fatalf("uploads %v, reply %s", ups, resp.Body)
	}

	_, err = client.Chain("v3/merchant/media/upload").Post(context.Background(), wechatpay.M{"body": streamBody{img}})
	var terr *wechatpay.TransportError
	if !errors.As(err, &terr) {
		t.Fatalf("%v, want the primary domain's TransportError", err)
	}
	if n := len(srv.Uploads()); n != 1 {
		t.Errorf("the backup domain got the one-shot stream: %d uploads", n)
	}
}

// Download hands the body over unread; an error reply is an APIError
// with its body, as for Get.
func TestChainDownload(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client := srv.Client()

	resp, err := client.Chain("v3/bill/tradebill").Get(ctx, wechatpay.M{"query": wechatpay.M{"bill_date": "2024-05-01"}})
	if err != nil {
		t.Fatal(err)
	}
	file, err := client.DownloadURL(ctx, resp.Get("download_url").String())
	if err != nil {
		t.Fatal(err)
	}
	bill, err := io.ReadAll(file.BodyStream)
	file.BodyStream.Close()
	if err != nil || !bytes.HasPrefix(bill, []byte("交易时间,")) || file.Body != nil {
		t.Fatalf("%q %v", bill, err)
	}

	// The catalog lists v3/billdownload/file as unsigned, so a chain to it
	// is not verified either.
	token := strings.SplitN(resp.Get("download_url").String(), "token=", 2)[1]
	file, err = client.Chain("v3/billdownload/file").Download(ctx, wechatpay.M{"query": wechatpay.M{"token": token}})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := io.ReadAll(file.BodyStream)
	file.BodyStream.Close()
	if !bytes.Equal(again, bill) {
		t.Error("the chain download differs")
	}

	_, err = client.Chain("v3/billdownload/file").Download(ctx, wechatpay.M{"query": wechatpay.M{"token": "nope"}})
	var apiErr *wechatpay.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_REQUEST" || len(apiErr.Body) == 0 {
		t.Fatalf("unknown token: %v", err)
	}

	for _, u := range []string{"ftp://example.com/x", "https://", "https://example.com/a b", "https://user@example.com/x", "https://example.com/x#frag", "v3/billdownload/file", "http://api.mch.weixin.qq.com/v3/billdownload/file?token=t"} {
		var rerr *wechatpay.RequestError
		if _, err := client.DownloadURL(ctx, u); !errors.As(err, &rerr) {
			t.Errorf("%q: %v, want a RequestError", u, err)
		}
	}
}

// A transport that cannot stream still serves Download, from memory.
func TestDownloadWithoutStreamingTransport(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config()
	var asked bool
	cfg.Transport = transport.DoerFunc(func(ctx context.Context, req *transport.Request) (*transport.Response, error) {
		asked = req.StreamResponse
		return &transport.Response{StatusCode: 200, Header: http.Header{}, Body: []byte("file")}, nil
	})
	client, err := wechatpay.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.DownloadURL(context.Background(), "https://api.mch.weixin.qq.com/v3/billdownload/file?token=t")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.BodyStream)
	if !asked || string(body) != "file" {
		t.Errorf("asked to stream %v, body %q", asked, body)
	}
}

// Download is APIv3's: a v2 chain is refused, not sent with a v3 signature.
func TestDownloadRefusesAPIv2(t *testing.T) {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	_, err := srv.Client().Chain("v2/pay/downloadbill").Download(context.Background())
	var rerr *wechatpay.RequestError
	if !errors.As(err, &rerr) || !strings.Contains(err.Error(), "APIv2") {
		t.Fatalf("err %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("sent %d requests", n)
	}
}
