package bench

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transport"
)

var clients = []struct {
	name string
	new  func(testing.TB, string) send
}{
	{"ours", ours},
	{"theirs", theirs},
}

// TestBothSendTheSeedRequest checks that the two clients put the same
// signed request on the wire and accept the same reply, so the benchmarks
// compare like with like.
func TestBothSendTheSeedRequest(t *testing.T) {
	pub := &loadKey().PublicKey
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, nil, true)
			body, err := c.new(t, s.URL)(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != replyBody {
				t.Errorf("reply body %s, want %s", body, replyBody)
			}

			r := s.lastRequest()
			if r == nil {
				t.Fatal("the server saw no request")
			}
			if r.method != "POST" || r.uri != "/"+target {
				t.Errorf("request line %s %s, want POST /%s", r.method, r.uri, target)
			}
			if r.serial != keyID {
				t.Errorf("Wechatpay-Serial %q, want %q", r.serial, keyID)
			}
			var got map[string]any
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatalf("request body %q: %v", r.body, err)
			}
			if diff := cmp.Diff(map[string]any{"appid": appID, "mchid": mchID}, got); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
			cred, err := signer.ParseAuthorization(r.authorization)
			if err != nil {
				t.Fatal(err)
			}
			if cred.MchID != mchID || cred.Serial != merchantSerial {
				t.Errorf("Authorization names %s/%s, want %s/%s", cred.MchID, cred.Serial, mchID, merchantSerial)
			}
			ts, err := strconv.ParseInt(cred.Timestamp, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			msg := signer.RequestMessage(r.method, r.uri, ts, cred.Nonce, r.body)
			if err := signer.Verify(pub, msg, cred.Signature); err != nil {
				t.Errorf("request signature: %v", err)
			}
		})
	}
}

// TestBothRejectTamperedReply checks that both clients really verify the
// reply: each tampering must fail the request after the server answered.
func TestBothRejectTamperedReply(t *testing.T) {
	// Validly signed, but not over what is sent, or too old.
	other := signReply(time.Now(), `{"appid":"wxd678efh567hg6787","mchid":"1230000109","out_trade_no":"1"}`)
	stale := signReply(time.Now().Add(-10*time.Minute), replyBody)

	tamperings := []struct {
		name   string
		tamper func(*reply)
	}{
		{"body", func(r *reply) { r.body = other.body }},
		{"signature of another body", func(r *reply) { r.signature = other.signature }},
		{"nonce", func(r *reply) { r.nonce = other.nonce }},
		{"timestamp", func(r *reply) { r.timestamp = strconv.FormatInt(time.Now().Unix()+1, 10) }},
		{"stale but correctly signed", func(r *reply) { *r = *stale }},
		{"unknown serial", func(r *reply) { r.serial = "PUB_KEY_ID_0000000000000000000000000000" }},
		{"no signature", func(r *reply) { r.signature = "" }},
		{"signature not base64", func(r *reply) { r.signature = "!" + r.signature[1:] }},
	}
	for _, tc := range tamperings {
		for _, c := range clients {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				s := startServer(t, tc.tamper, false)
				body, err := c.new(t, s.URL)(context.Background())
				if err == nil {
					t.Fatalf("accepted a tampered reply: %s", body)
				}
				if s.hits.Load() != 1 {
					t.Fatalf("server saw %d requests, want 1 (err: %v)", s.hits.Load(), err)
				}
				// A transport failure would reject for the wrong reason.
				var ue *url.Error
				var te *transport.Error
				if errors.As(err, &ue) || errors.As(err, &te) {
					t.Fatalf("failed in transport, not in verification: %v", err)
				}
				if c.name == "ours" {
					var ve *signer.VerifyError
					if !errors.As(err, &ve) {
						t.Fatalf("error %v (%T) is not a *signer.VerifyError", err, err)
					}
				}
				t.Log(err)
			})
		}
	}
}
