package xmlsign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/wxpay-go/wechatpay/signer"
	"github.com/wxpay-go/wechatpay/transformer"
	"github.com/wxpay-go/wechatpay/transport"
)

// Signer is the APIv2 signing middleware. The parameters it signs are the
// ones on the wire: the fields of the XML body, or, for a request without
// a body (GET), the query string. It adds a fresh nonce_str unless the
// parameters have one or the request is Nonceless, signs with the
// algorithm the sign_type parameter names, appends nonce_str and sign, and
// passes a copy of the request to Next. The request itself is left as is,
// so a retry is signed again with a new nonce.
type Signer struct {
	Secret string // the merchant's APIv2 key
	Next   transport.Doer
}

// Do signs req and sends it through Next.
func (s *Signer) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	signed := *req
	var err error
	if len(req.Body) > 0 {
		signed.Body, err = s.signBody(req.Body, req.Nonceless)
	} else {
		signed.URI, err = s.signQuery(req.URI, req.Nonceless)
	}
	if err != nil {
		return nil, err
	}
	return s.Next.Do(ctx, &signed)
}

func (s *Signer) signBody(body []byte, nonceless bool) ([]byte, error) {
	params, err := transformer.ToMap(body)
	if err != nil {
		return nil, fmt.Errorf("xmlsign: request body: %w", err)
	}
	closing := bytes.LastIndex(body, []byte("</"))
	if closing < 0 {
		return nil, errors.New("xmlsign: request body has no closing root tag")
	}
	nonce, err := prepare(params, nonceless)
	if err != nil {
		return nil, err
	}
	var sigBuf [64]byte
	sig, err := appendSign(sigBuf[:0], params, s.Secret, params["sign_type"])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+len(nonce)+len(sig)+40)
	out = append(out, body[:closing]...)
	if nonce != "" {
		out = append(out, "<nonce_str>"...)
		out = append(out, nonce...)
		out = append(out, "</nonce_str>"...)
	}
	out = append(out, "<sign>"...)
	out = append(out, sig...)
	out = append(out, "</sign>"...)
	return append(out, body[closing:]...), nil
}

func (s *Signer) signQuery(uri string, nonceless bool) (string, error) {
	_, query, hasQuery := strings.Cut(uri, "?")
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("xmlsign: request query: %w", err)
	}
	params := make(map[string]string, len(values)+2)
	for k, vs := range values {
		if len(vs) > 1 {
			return "", fmt.Errorf("xmlsign: request query has %q %d times; a signed parameter appears once", k, len(vs))
		}
		params[k] = vs[0]
	}
	nonce, err := prepare(params, nonceless)
	if err != nil {
		return "", err
	}
	var sigBuf [64]byte
	sig, err := appendSign(sigBuf[:0], params, s.Secret, params["sign_type"])
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(uri) + len(nonce) + len(sig) + 20)
	b.WriteString(uri)
	if !hasQuery {
		b.WriteByte('?')
	} else if query != "" {
		b.WriteByte('&')
	}
	if nonce != "" {
		b.WriteString("nonce_str=")
		b.WriteString(nonce)
		b.WriteByte('&')
	}
	b.WriteString("sign=")
	b.Write(sig)
	return b.String(), nil
}

// prepare refuses parameters that carry a sign already and adds a nonce
// unless told not to or one is there.
func prepare(params map[string]string, nonceless bool) (nonce string, err error) {
	if _, ok := params["sign"]; ok {
		return "", errors.New(`xmlsign: the request already has a "sign" parameter; the signer adds it`)
	}
	if _, ok := params["nonce_str"]; ok || nonceless {
		return "", nil
	}
	nonce = signer.Nonce()
	params["nonce_str"] = nonce
	return nonce, nil
}

// Verifier is the APIv2 response verification middleware. A 2xx reply to
// a request not marked Unsigned must be XML and, when its return_code is
// SUCCESS, carry a sign that Verify accepts; otherwise Do returns a
// *signer.VerifyError (errors.Is tells ErrMissingSign and
// ErrSignatureMismatch apart) and no response. A reply whose return_code
// is not SUCCESS passes: WeChat Pay does not sign those, and the caller
// treats them as errors anyway. A reply that passes has its fields in
// Response.Fields.
type Verifier struct {
	Secret string // the merchant's APIv2 key
	Next   transport.Doer
}

// Do sends req through Next and verifies the reply.
func (v *Verifier) Do(ctx context.Context, req *transport.Request) (*transport.Response, error) {
	resp, err := v.Next.Do(ctx, req)
	if err != nil || req.Unsigned || !resp.OK() {
		return resp, err
	}
	fields, err := transformer.ToMap(resp.Body)
	if err != nil {
		err = fmt.Errorf("%w: the reply is not an XML document (%v)", ErrMissingSign, err)
	} else if fields["return_code"] == "SUCCESS" {
		err = Verify(fields, v.Secret)
	}
	if err != nil {
		return nil, &signer.VerifyError{Method: req.Method, Target: req.Target(), Err: err}
	}
	resp.Fields = fields // parsed once, for whoever reads the reply next
	return resp, nil
}
