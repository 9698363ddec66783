package wxpaytest

import (
	"strings"
	"testing"
)

// APIv2 fields are checked after the signature, and refused with
// return_code FAIL and a return_msg naming the field.
func TestChecksV2(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	raw := newRawV2(t, srv, true)
	pay := func(extra map[string]string) map[string]string {
		f := map[string]string{"appid": srv.V2AppID, "mch_id": srv.V2MchID, "nonce_str": randomNonce(), "body": "b",
			"out_trade_no": "C1", "total_fee": "1", "spbill_create_ip": "8.8.8.8", "auth_code": "134567890123456789"}
		for k, v := range extra {
			if v == "" {
				delete(f, k)
			} else {
				f[k] = v
			}
		}
		return f
	}
	for _, tc := range []struct {
		name   string
		fields map[string]string
		msg    string
	}{
		{"missing", pay(map[string]string{"body": ""}), "缺少参数body: fields field body: is required"},
		{"not an integer", pay(map[string]string{"total_fee": "1.5"}), `total_fee参数格式错误: fields field total_fee: "1.5" is not an integer`},
		{"too long", pay(map[string]string{"out_trade_no": strings.Repeat("9", 33)}), "out_trade_no参数长度有误: fields field out_trade_no: is 33 bytes long, at most 32"},
		{"HMAC-SHA256 sign", pay(map[string]string{"sign_type": "HMAC-SHA256", "out_trade_no": "C2"}), ""},
		{"MD5 sign", pay(nil), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, reply, body := raw.post("/pay/micropay", tc.fields, "text/xml")
			if tc.msg == "" {
				if status != 200 || reply["return_code"] != "SUCCESS" || reply["result_code"] != "SUCCESS" {
					t.Fatalf("%d %s", status, body)
				}
				return
			}
			if status != 200 || reply["return_code"] != "FAIL" || reply["return_msg"] != tc.msg {
				t.Fatalf("%d %s, want return_msg %s", status, body, tc.msg)
			}
		})
	}

	none := NewServer(WithChecks(ChecksNone))
	defer none.Close()
	status, reply, body := newRawV2(t, none, true).post("/pay/micropay", pay(map[string]string{"total_fee": "1.5"}), "text/xml")
	if status != 200 || reply["return_code"] != "SUCCESS" {
		t.Errorf("ChecksNone: %d %s", status, body)
	}
}
