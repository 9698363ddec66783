package wechatpay

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

// mchIDFields are the APIv3 fields that can name the merchant making the
// request, in the order that decides which one does: sp_mchid for a
// service provider, else combine_mchid for a combined order, else mchid.
// A request may carry several (the overseas APIs take mchid and sp_mchid
// side by side, the merchant acted for beside the institution signing);
// only the first present names the signer. WeChat Pay refuses a request
// whose signing merchant is not the merchant of its signature; refusing it
// here says so before anything is sent, and names both values. The other
// merchants a request acts for (sub_mchid, the mchid of each sub_orders
// entry, ...) are not checked.
var mchIDFields = [...]string{"sp_mchid", "combine_mchid", "mchid"}

// checkMchID refuses a JSON body, or a query, whose signing merchant field
// is not Config.MchID, and a raw JSON body that names its signing merchant
// field twice: which of the two a server reads is its choice, not ours.
func (c *Client) checkMchID(body []byte, uri string) error {
	if c.cfg.MchID == "" {
		return nil
	}
	// Every field name ends in mchid, or is written with escapes: most
	// bodies are passed over without parsing.
	if bytes.Contains(body, []byte(`mchid"`)) || bytes.Contains(body, []byte(`\u`)) {
		if err := c.checkBodyMchID(body); err != nil {
			return err
		}
	}
	_, query, ok := strings.Cut(uri, "?")
	if !ok || !strings.Contains(query, "mchid=") {
		return nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil
	}
	for _, field := range mchIDFields {
		vs, ok := values[field]
		if !ok {
			continue
		}
		for _, v := range vs {
			if v != c.cfg.MchID {
				return fmt.Errorf("query parameter %s=%q is not Config.MchID %q, which signs the request", field, v, c.cfg.MchID)
			}
		}
		return nil
	}
	return nil
}

// checkBodyMchID checks the signing merchant field among the top-level
// keys of a JSON body.
func (c *Client) checkBodyMchID(body []byte) error {
	var found [len(mchIDFields)]gjson.Result
	var count [len(mchIDFields)]int
	// The body is only read here, and nothing read outlives the call.
	doc := gjson.Parse(unsafe.String(unsafe.SliceData(body), len(body)))
	if !doc.IsObject() {
		return nil
	}
	doc.ForEach(func(key, value gjson.Result) bool {
		for i, f := range mchIDFields {
			if key.Str == f {
				found[i] = value
				count[i]++
			}
		}
		return true
	})
	for i, field := range mchIDFields {
		switch {
		case count[i] == 0:
			continue
		case count[i] > 1:
			return fmt.Errorf("json field %q appears %d times: the merchant who signs must be named once", field, count[i])
		}
		v := found[i]
		got := v.Str
		if v.Type != gjson.String {
			got = v.Raw
		}
		if got != c.cfg.MchID {
			return fmt.Errorf("json field %q is %s, not Config.MchID %q, which signs the request", field, v.Raw, c.cfg.MchID)
		}
		return nil
	}
	return nil
}
