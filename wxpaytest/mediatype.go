package wxpaytest

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
)

// Uploads are checked as WeChat Pay checks them: a file must be the
// image or video its extension says, by its first bytes, and a file part
// whose Content-Type names an image or video type must name one of its
// kind. An ".jpg" that is a PNG, or a text file named ".mp4", is refused.

// mediaFormats are the formats the upload endpoints take, by extension.
var mediaFormats = map[string]string{
	".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".bmp": "BMP",
	".avi": "AVI", ".wmv": "ASF", ".mpeg": "MPEG", ".mp4": "MP4", ".mov": "MP4", ".m4v": "MP4", ".f4v": "MP4",
	".mkv": "Matroska", ".flv": "FLV", ".rmvb": "RealMedia",
}

// sniffMedia names the format of a file by its first bytes, "" if it is
// none of mediaFormats.
func sniffMedia(b []byte) string {
	at := func(off int, magic string) bool {
		return len(b) >= off+len(magic) && string(b[off:off+len(magic)]) == magic
	}
	switch {
	case at(0, "\xff\xd8\xff"):
		return "JPEG"
	case at(0, "\x89PNG"):
		return "PNG"
	case at(0, "BM"):
		return "BMP"
	case at(0, "RIFF") && at(8, "AVI "):
		return "AVI"
	case at(0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
		return "ASF"
	case at(0, "\x00\x00\x01\xba"), at(0, "\x00\x00\x01\xb3"):
		return "MPEG"
	case at(4, "ftyp"), at(4, "moov"), at(4, "mdat"), at(4, "wide"), at(4, "free"):
		return "MP4"
	case at(0, "\x1a\x45\xdf\xa3"):
		return "Matroska"
	case at(0, "FLV"):
		return "FLV"
	case at(0, ".RMF"):
		return "RealMedia"
	}
	return ""
}

// checkMediaType checks that an upload's content is what its extension
// and its part's Content-Type say; it returns what is wrong, "" if
// nothing is.
func checkMediaType(ext, partType string, content []byte) string {
	want := mediaFormats[ext]
	got := sniffMedia(content)
	switch {
	case got == "":
		return fmt.Sprintf("文件格式错误: the file named %s is not a %s file (its first bytes are %q)", ext, want, head(content))
	case got != want:
		return fmt.Sprintf("文件格式与扩展名不符: the file named %s is a %s file, not %s", ext, got, want)
	}
	if partType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(partType)
	if err != nil {
		return fmt.Sprintf("the file part's Content-Type %q is malformed", partType)
	}
	kind := "image/"
	if !strings.Contains(".jpg.jpeg.png.bmp", ext) {
		kind = "video/"
	}
	if (strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "video/")) && !strings.HasPrefix(mt, kind) {
		return fmt.Sprintf("the file part's Content-Type %s is not of the %s file it holds", mt, strings.TrimSuffix(kind, "/"))
	}
	return ""
}

func head(b []byte) []byte {
	return bytes.Clone(b[:min(len(b), 8)])
}
