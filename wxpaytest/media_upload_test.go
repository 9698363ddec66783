package wxpaytest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wxpay-go/wechatpay"
	"github.com/wxpay-go/wechatpay/media"
)

// The upload endpoints of both APIs refuse a file that is not the image
// or video its name says.
func TestUploadsCheckTheFileType(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		api  string
		file *media.File
		want string
	}{
		{"v3/merchant/media/upload", media.FromBytes("storefront.png", png), ""},
		{"v3/merchant/media/upload", media.FromBytes("storefront.jpg", png), "is a PNG file, not JPEG"},
		{"v3/merchant/media/video_upload", media.FromBytes("intro.mp4", []byte("not a video at all")), "is not a MP4 file"},
		{"v3/merchant/media/video_upload", media.FromBytes("intro.mp4", []byte("\x00\x00\x00\x18ftypmp42")), ""},
	} {
		_, err := srv.Client().Chain(tc.api).Post(ctx, wechatpay.M{"body": tc.file})
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s %s: %v", tc.api, tc.file.Filename(), err)
			}
			continue
		}
		if e := apiError(t, err); e.Code != "PARAM_ERROR" || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%s %s: %v, want PARAM_ERROR %q", tc.api, tc.file.Filename(), err, tc.want)
		}
	}
	_, err := srv.V2Client().Chain("v2/secapi/mch/uploadmedia").Post(ctx, wechatpay.M{
		"security": true, "body": media.FromBytes("idcard.jpg", png),
	})
	if err == nil || !strings.Contains(err.Error(), "is a PNG file, not JPEG") {
		t.Errorf("APIv2 upload of a PNG named .jpg: %v", err)
	}
}
