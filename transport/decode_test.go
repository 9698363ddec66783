package transport

import (
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	r := &Response{StatusCode: 200, Body: []byte(`{"out_trade_no":"A1","amount":{"total":100}}`)}
	var out struct {
		OutTradeNo string `json:"out_trade_no"`
		Amount     struct {
			Total int64 `json:"total"`
		} `json:"amount"`
	}
	if err := r.Decode(&out); err != nil || out.OutTradeNo != "A1" || out.Amount.Total != 100 {
		t.Fatalf("got %+v, %v", out, err)
	}
	if err := (&Response{StatusCode: 204}).Decode(&out); err == nil || !strings.Contains(err.Error(), "204") {
		t.Errorf("204: %v", err)
	}
	if err := (&Response{StatusCode: 200, Body: []byte(`{"amount":{"total":"x"}}`)}).Decode(&out); err == nil {
		t.Error("a string into an integer decoded")
	}
}

func TestDecodeFields(t *testing.T) {
	r := &Response{StatusCode: 200, Fields: map[string]string{"return_code": "SUCCESS", "total_fee": "888", "recall": "Y", "is_subscribe": "true"}}
	var out struct {
		ReturnCode string `xml:"return_code"`
		TotalFee   int64  `xml:"total_fee,omitempty"`
		Recall     string `xml:"recall"`
		Subscribe  bool   `xml:"is_subscribe"`
		Missing    string `xml:"missing"`
	}
	if err := r.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.ReturnCode != "SUCCESS" || out.TotalFee != 888 || out.Recall != "Y" || !out.Subscribe || out.Missing != "" {
		t.Errorf("got %+v", out)
	}
	var m map[string]string
	if err := r.Decode(&m); err != nil || m["total_fee"] != "888" {
		t.Errorf("map: %v %v", m, err)
	}
	bad := &Response{Fields: map[string]string{"total_fee": "8.8"}}
	if err := bad.Decode(&out); err == nil || !strings.Contains(err.Error(), "total_fee") {
		t.Errorf("bad integer: %v", err)
	}
	if err := r.Decode(out); err == nil {
		t.Error("a non-pointer decoded")
	}
}
