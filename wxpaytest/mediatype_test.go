package wxpaytest

import (
	"strings"
	"testing"
)

// An upload must be what its name and its part's Content-Type say.
func TestCheckMediaType(t *testing.T) {
	mp4 := "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"
	for _, tc := range []struct {
		ext, partType, content, want string
	}{
		{".jpg", "image/jpeg", "\xff\xd8\xff\xe0 photo", ""},
		{".JPEG", "", "\xff\xd8\xff\xe0", ""},
		{".png", "image/png", "\x89PNG\r\n\x1a\n", ""},
		{".bmp", "image/bmp", "BM6\x00", ""},
		{".mp4", "video/mp4", mp4, ""},
		{".mov", "video/quicktime", "\x00\x00\x00\x14ftypqt  ", ""},
		{".avi", "video/x-msvideo", "RIFF\x10\x00\x00\x00AVI LIST", ""},
		{".mkv", "video/x-matroska", "\x1a\x45\xdf\xa3", ""},
		{".flv", "video/x-flv", "FLV\x01", ""},
		{".wmv", "video/x-ms-wmv", "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9", ""},
		{".jpg", "application/octet-stream", "\xff\xd8\xff", ""},
		{".jpg", "image/jpeg", "\x89PNG\r\n\x1a\n", "文件格式与扩展名不符: the file named .jpg is a PNG file, not JPEG"},
		{".mp4", "video/mp4", "just some text", "文件格式错误: the file named .mp4 is not a MP4 file"},
		{".png", "image/png", "", "文件格式错误"},
		{".avi", "video/x-msvideo", "RIFF\x10\x00\x00\x00WAVE", "文件格式错误"},
		{".mp4", "image/png", mp4, "Content-Type image/png is not of the video file"},
		{".png", "video/mp4", "\x89PNG", "Content-Type video/mp4 is not of the image file"},
	} {
		got := checkMediaType(strings.ToLower(tc.ext), tc.partType, []byte(tc.content))
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) && !strings.Contains(got, tc.want) {
			t.Errorf("%s %s %q: %q, want %q", tc.ext, tc.partType, tc.content, got, tc.want)
		}
	}
}
