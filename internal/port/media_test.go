package port

import (
	"strings"
	"testing"
)

// A file:// URL given to MediaUtil is the local path it names.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"file:///tmp/a.jpg":              "/tmp/a.jpg",
		"file://localhost/tmp/a%20b.jpg": "/tmp/a b.jpg",
		"FILE:///C:/img/a.jpg":           "C:/img/a.jpg",
		"/tmp/a.jpg":                     "/tmp/a.jpg",
		"file://server/share/a.jpg":      "file://server/share/a.jpg",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// The sink option: an APIv3 GET streams into the file; an APIv2 bill,
// which comes back whole, is written at once.
func TestSink(t *testing.T) {
	res, err := Convert([]byte(`$instance->v3->billdownload->file->get(['query' => ['token' => 'x'], 'sink' => '/tmp/bill.csv']);
$instance->v2->pay->downloadbill->post(['xml' => ['bill_date' => '20140603', 'bill_type' => 'ALL'], 'sink' => '/tmp/bill2.csv']);`), Options{})
	if err != nil || len(res.Diagnostics) > 0 {
		t.Fatalf("%v %v", err, res.Diagnostics)
	}
	rest := string(res.Code)
	for _, w := range []string{
		`resp, err := client.Chain("v3/billdownload/file").Download(ctx, wechatpay.M{`,
		`sink, err := os.Create("/tmp/bill.csv")`, "io.Copy(sink, resp.BodyStream)", "resp.BodyStream.Close()", "sink.Close()",
		`resp2, err2 := client.V2().Pay().Downloadbill().Post(ctx, wechatpay.M{`,
		`os.WriteFile("/tmp/bill2.csv", resp2.Body, 0o644)`,
	} {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("code lacks %q (in order):\n%s", w, res.Code)
		}
		rest = rest[i+len(w):]
	}
}

// A MediaUtil over a stream uploads what the stream reads, under the
// name given; a stream the port cannot open is reported.
func TestMediaStreams(t *testing.T) {
	res, err := Convert([]byte(`$m = new MediaUtil('a.txt', Utils::streamFor('hello'));
$instance->v3->merchant->media->upload->post(['body' => $m->getStream()]);
$n = new MediaUtil('b.jpg', $stream);
$instance->v3->merchant->media->upload->post(['body' => $n->getStream()]);`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Code), `"body": media.FromBytes("a.txt", []byte("hello")),`) || !strings.Contains(string(res.Code), `"body": nil,`) {
		t.Errorf("code:\n%s", res.Code)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Line != 3 || !strings.Contains(res.Diagnostics[0].Message, "the stream of this MediaUtil is not ported") {
		t.Errorf("diagnostics %v", res.Diagnostics)
	}
}
