package wxpaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wxpay-go/wechatpay/aescipher"
	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/xmlsign"
)

// notifySeq numbers callbacks across servers, for their ids.
var notifySeq atomic.Uint64

// beijing is the zone of create_time in callbacks.
var beijing = time.FixedZone("CST", 8*60*60)

// Notify POSTs an APIv3 callback to target, a URL on the loopback
// interface (such as an httptest.Server's), exactly as WeChat Pay sends
// one: the JSON envelope {id, create_time, resource_type
// "encrypt-resource", event_type, summary, resource} with resource
// encrypted by AEAD_AES_256_GCM under APIv3Key, and the Wechatpay-*
// headers signed as the server's Keys say: with PlatformKey under
// PlatformKeyID by default.
//
// resource is the plaintext: []byte, string or json.RawMessage as is,
// anything else encoded as JSON. Its original_type and associated_data
// are the lower-case first word of eventType ("transaction" for
// TRANSACTION.SUCCESS, "refund" for REFUND.SUCCESS).
//
// faults spoil the signature headers as they spoil replies: BadSignature,
// StaleTimestamp, MissingHeaders, UnknownSerial or SignTestProbe. The
// reply's body is read in full, so closing it is optional.
func (s *Server) Notify(ctx context.Context, target, eventType string, resource any, faults ...Fault) (*http.Response, error) {
	plain, err := resourceJSON(resource)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: Notify: %w", err)
	}
	return s.notify(ctx, target, newEventID(s.now()), eventType, plain, faults)
}

// newEventID is a callback id in the shape of WeChat Pay's.
func newEventID(now time.Time) string {
	return fmt.Sprintf("EV-%s%05d", now.In(beijing).Format("20060102150405"), notifySeq.Add(1)%100000)
}

// notify encrypts, signs and posts an APIv3 callback of the given id.
func (s *Server) notify(ctx context.Context, target, id, eventType string, plain []byte, faults []Fault) (*http.Response, error) {
	originalType, _, _ := strings.Cut(strings.ToLower(eventType), ".")
	nonce := aescipher.NewNonce()
	ciphertext, err := aescipher.EncryptGCM(s.APIv3Key, nonce, originalType, plain)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: Notify: %w", err)
	}
	now := s.now()
	type encrypted struct {
		OriginalType   string `json:"original_type"`
		Algorithm      string `json:"algorithm"`
		Ciphertext     string `json:"ciphertext"`
		AssociatedData string `json:"associated_data"`
		Nonce          string `json:"nonce"`
	}
	body := marshal(struct {
		ID           string    `json:"id"`
		CreateTime   string    `json:"create_time"`
		ResourceType string    `json:"resource_type"`
		EventType    string    `json:"event_type"`
		Summary      string    `json:"summary"`
		Resource     encrypted `json:"resource"`
	}{
		ID:           id,
		CreateTime:   now.In(beijing).Format(time.RFC3339),
		ResourceType: "encrypt-resource",
		EventType:    eventType,
		Summary:      summary(eventType),
		Resource: encrypted{
			OriginalType: originalType, Algorithm: "AEAD_AES_256_GCM",
			Ciphertext: ciphertext, AssociatedData: originalType, Nonce: nonce,
		},
	})
	h, err := s.notifyHeaders(now, body, faults)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: Notify: %w", err)
	}
	h.Set("Content-Type", "application/json")
	return post(ctx, target, h, body)
}

// resourceJSON turns Notify's resource into plaintext bytes.
func resourceJSON(resource any) ([]byte, error) {
	switch r := resource.(type) {
	case []byte:
		return r, nil
	case json.RawMessage:
		return r, nil
	case string:
		return []byte(r), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resource); err != nil {
		return nil, fmt.Errorf("encoding the resource: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// summary is the summary WeChat Pay writes for common event types.
func summary(eventType string) string {
	switch eventType {
	case "TRANSACTION.SUCCESS":
		return "支付成功"
	case "REFUND.SUCCESS":
		return "退款成功"
	case "REFUND.ABNORMAL":
		return "退款异常"
	case "REFUND.CLOSED":
		return "退款关闭"
	case "PROFITSHARING.SUCCESS":
		return "分账成功"
	case "PROFITSHARING.CLOSED":
		return "分账失败"
	case "MCHTRANSFER.BILL.FINISHED":
		return "商家转账单据终态通知"
	case "MCHTRANSFER.BATCH.FINISHED":
		return "商家转账批次单据完成通知"
	}
	return eventType
}

// notifyHeaders signs a callback body as write signs a reply, spoiled as
// faults say.
func (s *Server) notifyHeaders(now time.Time, body []byte, faults []Fault) (http.Header, error) {
	fault := Fault(0)
	for _, f := range faults {
		switch f {
		case BadSignature, StaleTimestamp, MissingHeaders, UnknownSerial, SignTestProbe:
			fault = f
		default:
			return nil, fmt.Errorf("fault %v does not apply to callbacks", f)
		}
	}
	h := make(http.Header, 7)
	h.Set("User-Agent", "Mozilla/4.0")
	if fault == MissingHeaders {
		return h, nil
	}
	key, serial := s.callbackSigner()
	if err := s.sign(h, key, serial, now, body, fault); err != nil {
		return nil, err
	}
	return h, nil
}

// post sends a callback to a loopback URL and reads the whole reply.
func post(ctx context.Context, target string, h http.Header, body []byte) (*http.Response, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: notify URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("wxpaytest: notify URL %q is not http(s)", target)
	}
	if !loopback(u.Hostname()) {
		return nil, fmt.Errorf("wxpaytest: notify URL %q is not on the loopback interface; callbacks go only to 127.0.0.1, ::1 or localhost", target)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: %w", err)
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: posting the callback: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: reading the callback reply: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NotifyV2 POSTs an APIv2 callback to target, a loopback URL, as WeChat
// Pay sends a payment result (支付结果通知): XML of fields plus
// return_code SUCCESS, appid AppID, mch_id MchID and a nonce_str unless
// fields set them, signed with Secret by the algorithm fields' sign_type
// names (MD5 if none). Faults: BadSignature spoils the sign, MissingSign
// leaves it out.
func (s *Server) NotifyV2(ctx context.Context, target string, fields map[string]string, faults ...Fault) (*http.Response, error) {
	params := s.v2Envelope()
	for k, v := range fields {
		params[k] = v
	}
	bad, unsigned := false, false
	for _, f := range faults {
		switch f {
		case BadSignature:
			bad = true
		case MissingSign:
			unsigned = true
		default:
			return nil, fmt.Errorf("wxpaytest: NotifyV2: fault %v does not apply to APIv2 callbacks", f)
		}
	}
	if !unsigned {
		sign, err := xmlsign.Sign(params, s.Secret, params["sign_type"])
		if err != nil {
			return nil, fmt.Errorf("wxpaytest: NotifyV2: %w", err)
		}
		if bad {
			sign = strings.Repeat("0", len(sign))
		}
		params["sign"] = sign
	}
	return s.postV2(ctx, target, params)
}

// NotifyV2Refund POSTs an APIv2 refund result callback (退款结果通知) to
// target, a loopback URL: return_code SUCCESS, appid, mch_id, nonce_str,
// and req_info, the fields of reqInfo (out_refund_no, refund_status, ...)
// as <root> XML encrypted with AES-256-ECB under the MD5 of Secret. Like
// WeChat Pay's, it carries no sign. BadSignature encrypts req_info under
// another key.
func (s *Server) NotifyV2Refund(ctx context.Context, target string, reqInfo map[string]string, faults ...Fault) (*http.Response, error) {
	return s.notifyRefundV2(ctx, nil, target, reqInfo, faults)
}

// notifyRefundV2 is NotifyV2Refund for the APIv2 merchant m, MchID if nil.
func (s *Server) notifyRefundV2(ctx context.Context, m *v2Merchant, target string, reqInfo map[string]string, faults []Fault) (*http.Response, error) {
	key := s.Secret
	for _, f := range faults {
		if f != BadSignature {
			return nil, fmt.Errorf("wxpaytest: NotifyV2Refund: fault %v does not apply to refund callbacks", f)
		}
		key = "not the merchant's APIv2 key"
	}
	doc, err := transformer.ToXML(reqInfo)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: NotifyV2Refund: %w", err)
	}
	// WeChat Pay names the root of req_info <root>, not <xml>.
	doc = append(append([]byte("<root>"), bytes.TrimSuffix(bytes.TrimPrefix(doc, []byte("<xml>")), []byte("</xml>"))...), "</root>"...)
	enc, err := aescipher.EncryptECB(key, doc)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: NotifyV2Refund: %w", err)
	}
	params := s.v2Envelope()
	if m != nil {
		params["appid"], params["mch_id"] = m.appID, m.mchID
	}
	params["req_info"] = enc
	return s.postV2(ctx, target, params)
}

// v2Envelope returns the fields every APIv2 callback carries.
func (s *Server) v2Envelope() map[string]string {
	return map[string]string{"return_code": "SUCCESS", "appid": s.AppID, "mch_id": s.MchID, "nonce_str": signer.Nonce()}
}

func (s *Server) postV2(ctx context.Context, target string, params map[string]string) (*http.Response, error) {
	body, err := transformer.ToXML(params)
	if err != nil {
		return nil, fmt.Errorf("wxpaytest: %w", err)
	}
	h := http.Header{"Content-Type": {"text/xml"}, "User-Agent": {"Mozilla/4.0"}}
	return post(ctx, target, h, body)
}
