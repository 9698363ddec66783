package wechatpay

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"
)

// mchIDFields are the APIv3 fields that name the merchant making the
// request: mchid for a merchant, sp_mchid for a service provider,
// combine_mchid for a combined order. WeChat Pay refuses a request whose
// field is not the merchant of its signature; refusing it here says so
// before anything is sent, and names both values. The merchants a
// request acts for (sub_mchid, the mchid of each sub_orders entry, ...)
// are other fields, and are not checked.
var mchIDFields = [...]string{"mchid", "sp_mchid", "combine_mchid"}

// checkMchID refuses a top-level merchant id field of a JSON body, or a
// query parameter, that is not Config.MchID. It returns the reason, or "".
func (c *Client) checkMchID(body []byte, uri string) string {
	if c.cfg.MchID == "" {
		return ""
	}
	// Every field name ends in mchid: most bodies are passed over
	// without parsing.
	if bytes.Contains(body, []byte(`mchid"`)) {
		for _, field := range mchIDFields {
			v := gjson.GetBytes(body, field)
			if !v.Exists() {
				continue
			}
			got := v.Str
			if v.Type != gjson.String {
				got = v.Raw
			}
			if got != c.cfg.MchID {
				return fmt.Sprintf("json field %q is %s, not Config.MchID %q, which signs the request", field, v.Raw, c.cfg.MchID)
			}
		}
	}
	_, query, ok := strings.Cut(uri, "?")
	if !ok || !strings.Contains(query, "mchid=") {
		return ""
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	for _, field := range mchIDFields {
		for _, v := range values[field] {
			if v != c.cfg.MchID {
				return fmt.Sprintf("query parameter %s=%q is not Config.MchID %q, which signs the request", field, v, c.cfg.MchID)
			}
		}
	}
	return ""
}
