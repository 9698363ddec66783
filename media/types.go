package media

import (
	"path/filepath"
	"strings"
)

// fileTypes are the formats WeChat Pay's upload APIs take: images
// (media/upload, image-upload, merchant-service images), videos
// (video_upload) and documents (fapiao files, due diligence and
// submission files).
var fileTypes = map[string]string{
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".bmp":  "image/bmp",
	".gif":  "image/gif",
	".avi":  "video/x-msvideo",
	".wmv":  "video/x-ms-wmv",
	".mpeg": "video/mpeg",
	".mpg":  "video/mpeg",
	".mp4":  "video/mp4",
	".mov":  "video/quicktime",
	".mkv":  "video/x-matroska",
	".flv":  "video/x-flv",
	".f4v":  "video/x-f4v",
	".m4v":  "video/x-m4v",
	".rmvb": "application/vnd.rn-realmedia-vbr",
	".pdf":  "application/pdf",
	".ofd":  "application/ofd",
	".zip":  "application/zip",
	".csv":  "text/csv",
	".txt":  "text/plain",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// TypeByExtension returns the Content-Type of a file part by the extension
// of name, in any case: image/jpeg for .jpg and .jpeg, video/mp4 for .mp4,
// application/pdf for .pdf, and so on for the formats WeChat Pay takes;
// application/octet-stream for any other, which WeChat Pay will judge.
func TypeByExtension(name string) string {
	if t, ok := fileTypes[strings.ToLower(filepath.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}
