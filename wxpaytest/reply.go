package wxpaytest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
)

// write sends a reply signed as WeChat Pay signs it, then spoiled as the
// fault says.
func (s *Server) write(w http.ResponseWriter, rep reply, fault Fault) {
	if rep.file != nil {
		s.writeFile(w, rep)
		return
	}
	body := rep.body
	if rep.err != nil && body == nil {
		body = marshal(struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}{rep.err.Code, rep.err.Message})
	}

	h := w.Header()
	h["Request-ID"] = []string{s.requestID()}
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	if fault != MissingHeaders {
		key, serial := s.PlatformKey, s.PlatformKeyID
		if rep.key != nil {
			key, serial = rep.key, rep.serial
		}
		if err := s.sign(h, key, serial, s.now(), body, fault); err != nil {
			panic("wxpaytest: signing a reply: " + err.Error())
		}
	}
	w.WriteHeader(rep.status)
	w.Write(body)
}

// sign sets the Wechatpay-* headers of a reply or a callback: body signed
// with key under serial at now, spoiled as fault says.
func (s *Server) sign(h http.Header, key *rsa.PrivateKey, serial string, now time.Time, body []byte, fault Fault) error {
	ts := now.Unix()
	if fault == StaleTimestamp {
		ts -= 600
	}
	timestamp, nonce := strconv.FormatInt(ts, 10), signer.Nonce()
	sig, err := signer.Sign(key, signer.ResponseMessage(timestamp, nonce, body))
	if err != nil {
		return err
	}
	switch fault {
	case BadSignature:
		sig = spoil(sig)
	case UnknownSerial:
		serial = "PUB_KEY_ID_0114" + s.MchID + "2026010100000099"
	case SignTestProbe:
		junk := make([]byte, 256)
		rand.Read(junk)
		sig = "WECHATPAY/SIGNTEST/" + base64.StdEncoding.EncodeToString(junk)
	}
	h.Set(signer.HeaderTimestamp, timestamp)
	h.Set(signer.HeaderNonce, nonce)
	h.Set(signer.HeaderSignature, sig)
	h.Set(signer.HeaderSerial, serial)
	h.Set("Wechatpay-Signature-Type", signer.Scheme)
	return nil
}

// spoil flips one bit of a base64 signature, keeping its length and
// encoding valid.
func spoil(sig string) string {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) == 0 {
		return sig + "A"
	}
	raw[len(raw)/2] ^= 0x01
	return base64.StdEncoding.EncodeToString(raw)
}

// marshal encodes v as WeChat Pay does: UTF-8 as is, no HTML escaping.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("wxpaytest: encoding a reply: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
