package media_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
	"github.com/wxpay-go/wechatpay/wxpaytest"
)

// An image from disk goes up as the "body" option; the signature covers
// the meta JSON only.
func ExampleFromFile() {
	srv := wxpaytest.NewServer()
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "media")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "storefront.jpg")
	os.WriteFile(path, []byte("\xff\xd8\xff\xe0 a JPEG"), 0o600)

	img := media.FromFile(path)
	resp, err := srv.Client().Chain("v3/merchant/media/upload").Post(context.Background(), wechatpay.M{"body": img})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(img.SignedBody()))
	fmt.Println(img.FileType(), strings.HasPrefix(resp.Get("media_id").String(), "H5_"))
	// Output:
	// {"filename":"storefront.jpg","sha256":"1758b341a905d0ddf247e508eef76dc04bdd5c162892a6faafec079e45e8b380"}
	// image/jpeg true
}

// Bytes already in memory, such as an image just rendered, upload the
// same way.
func ExampleFromBytes() {
	srv := wxpaytest.NewServer()
	defer srv.Close()

	logo := media.FromBytes("logo.png", []byte("\x89PNG\r\n\x1a\n a PNG"))
	resp, err := srv.Client().Chain("v3/marketing/favor/media/image-upload").Post(context.Background(), wechatpay.M{"body": logo})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(logo.FileType(), strings.HasPrefix(resp.Get("media_url").String(), "https://"))
	// Output: image/png true
}
