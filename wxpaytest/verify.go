package wxpaytest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wxpay-go/wechatpay/signer"
)

// window is how far a request timestamp may be from the server clock, and
// how long a nonce is remembered.
const window = int64(signer.DefaultWindow / time.Second)

func signError(format string, args ...any) *Error {
	return &Error{StatusCode: http.StatusUnauthorized, Code: "SIGN_ERROR", Message: fmt.Sprintf(format, args...)}
}

func paramError(format string, args ...any) *Error {
	return &Error{StatusCode: http.StatusBadRequest, Code: "PARAM_ERROR", Message: fmt.Sprintf(format, args...)}
}

// verify checks the Authorization header of a request against the target
// and body exactly as received.
func (s *Server) verify(r *http.Request, body []byte) *Error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return signError("Authorization header is missing")
	}
	c, err := signer.ParseAuthorization(auth)
	if err != nil {
		return signError("Authorization header is malformed: %v", err)
	}
	if c.MchID != s.MchID {
		return signError("mchid %q in the Authorization header does not match the merchant %s", c.MchID, s.MchID)
	}
	if c.Serial != s.MerchantSerial {
		return signError("serial_no %q is not the serial of the merchant API certificate %s", c.Serial, s.MerchantSerial)
	}
	ts, err := strconv.ParseInt(c.Timestamp, 10, 64)
	if err != nil || strconv.FormatInt(ts, 10) != c.Timestamp {
		return signError("timestamp %q is not a Unix time in seconds", c.Timestamp)
	}
	now := s.now().Unix()
	if skew := now - ts; skew > window || -skew > window {
		return signError("timestamp %d is %ds away from the server clock (limit %ds)", ts, skew, window)
	}
	msg := signer.RequestMessage(r.Method, r.RequestURI, ts, c.Nonce, body)
	if signer.Verify(&s.MerchantKey.PublicKey, msg, c.Signature) != nil {
		if !strings.HasPrefix(r.RequestURI, "/") {
			return signError("signature verification failed: the request target %q is in absolute form, "+
				"so it is not the path and query the client signed; send the origin form", r.RequestURI)
		}
		return signError("signature verification failed: it must cover %q, the target %q and the %d-byte body as sent",
			r.Method, r.RequestURI, len(body))
	}

	// Only authentic nonces are remembered, and only for as long as their
	// timestamp would pass the check above.
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.nonces[c.Nonce]; seen {
		return signError("nonce_str %q was used before: the request is a replay", c.Nonce)
	}
	if len(s.nonces) >= 1024 {
		for n, t := range s.nonces {
			if now-t > window {
				delete(s.nonces, n)
			}
		}
	}
	s.nonces[c.Nonce] = ts
	return nil
}

// checkHeaders checks the headers WeChat Pay requires besides the
// signature, and that a body is JSON.
func (s *Server) checkHeaders(h http.Header, body []byte) *Error {
	if h.Get("User-Agent") == "" {
		return paramError("User-Agent header is missing")
	}
	if !acceptsJSON(h.Values("Accept")) {
		return paramError("Accept header must accept application/json (application/json, application/* or */*), not %q", strings.Join(h.Values("Accept"), ", "))
	}
	if err := s.checkSerial(h.Get(signer.HeaderSerial)); err != nil {
		return err
	}
	if len(body) == 0 {
		return nil
	}
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "multipart/form-data" {
		return nil // an upload: its endpoint checks the parts
	}
	if err != nil || mt != "application/json" {
		return paramError("Content-Type of a body must be application/json, not %q", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return paramError("Content-Type charset must be utf-8, not %q", cs)
	}
	if !json.Valid(body) {
		return paramError("request body is not valid JSON")
	}
	return nil
}

// acceptsJSON reports whether an Accept header lets the reply be
// application/json, as WeChat Pay reads it: application/json (with any
// parameters), application/* or */*, alone or in a list, where the most
// specific range that matches decides and a q-value of 0 refuses
// (RFC 9110, section 12.5.1). A missing header is refused, as the API
// rules ask for one.
func acceptsJSON(values []string) bool {
	best, q := -1, 0.0 // specificity of the best match so far, and its q
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			spec := -1
			switch mt {
			case "application/json":
				spec = 2
			case "application/*":
				spec = 1
			case "*/*":
				spec = 0
			}
			if spec <= best {
				continue
			}
			best, q = spec, 1
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					q = f
				}
			}
		}
	}
	return best >= 0 && q > 0
}
