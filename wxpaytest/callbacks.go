package wxpaytest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
)

// The callbacks the server sends as its flows move along (payments,
// refunds) are kept, so that a test can see them and a tester can have
// one sent again, as WeChat Pay sends a callback again until the merchant
// acknowledges it.

// Callback is one callback the server sent on its own: the payment
// callback of Pay, or the result callback of a refund.
type Callback struct {
	Subject   string // what it is about: the out_trade_no of a payment, the out_refund_no of a refund
	Target    string // the notify_url it went to
	EventType string // TRANSACTION.SUCCESS, REFUND.SUCCESS, ...; "REFUND" for an APIv2 refund callback
	ID        string // the notification id (APIv3), the same when it is sent again
	Status    int    // the HTTP status the merchant answered with, 0 if none came
	Err       error  // why the callback could not be delivered, nil if a reply came
}

// sentCallback is a Callback with what it takes to send it again.
type sentCallback struct {
	Callback
	plain   []byte            // the APIv3 resource, before encryption
	reqInfo map[string]string // the APIv2 refund's req_info fields
	v2      *v2Merchant       // the APIv2 merchant, for a req_info callback
}

// Callbacks returns the callbacks the server sent on its own so far, in
// order, resent ones included.
func (s *Server) Callbacks() []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Callback, len(s.book.callbacks))
	for i, c := range s.book.callbacks {
		out[i] = c.Callback
	}
	return out
}

// sendCallback sends an APIv3 callback about subject and keeps it.
func (s *Server) sendCallback(ctx context.Context, subject, target, eventType string, plain []byte) (*http.Response, error) {
	c := &sentCallback{Callback: Callback{Subject: subject, Target: target, EventType: eventType, ID: newEventID(s.now())}, plain: plain}
	return s.deliver(ctx, c)
}

// sendRefundV2 sends an APIv2 refund callback about subject and keeps it.
func (s *Server) sendRefundV2(ctx context.Context, m *v2Merchant, subject, target string, reqInfo map[string]string) (*http.Response, error) {
	c := &sentCallback{Callback: Callback{Subject: subject, Target: target, EventType: "REFUND"}, reqInfo: reqInfo, v2: m}
	return s.deliver(ctx, c)
}

// deliver posts a callback and records how it went.
func (s *Server) deliver(ctx context.Context, c *sentCallback) (*http.Response, error) {
	var resp *http.Response
	var err error
	if c.reqInfo != nil {
		resp, err = s.notifyRefundV2(ctx, c.v2, c.Target, c.reqInfo, nil)
	} else {
		resp, err = s.notify(ctx, c.Target, c.ID, c.EventType, c.plain, nil)
	}
	rec := *c
	rec.Err = err
	if resp != nil {
		rec.Status = resp.StatusCode
	}
	s.mu.Lock()
	s.book.callbacks = append(s.book.callbacks, &rec)
	s.mu.Unlock()
	return resp, err
}

// Resend sends the last callback about subject (an out_trade_no or
// out_refund_no) again, with the same id and resource and a fresh
// signature, as WeChat Pay retries a callback the merchant did not
// acknowledge. An empty subject resends the last callback of all.
func (s *Server) Resend(ctx context.Context, subject string) (*Callback, *http.Response, error) {
	s.mu.Lock()
	var last *sentCallback
	for i := len(s.book.callbacks) - 1; i >= 0; i-- {
		if c := s.book.callbacks[i]; subject == "" || c.Subject == subject {
			last = c
			break
		}
	}
	var c sentCallback
	if last != nil {
		c = sentCallback{Callback: Callback{Subject: last.Subject, Target: last.Target, EventType: last.EventType, ID: last.ID},
			plain: last.plain, reqInfo: maps.Clone(last.reqInfo), v2: last.v2}
	}
	s.mu.Unlock()
	if last == nil {
		if subject == "" {
			return nil, nil, fmt.Errorf("wxpaytest: Resend: no callback has been sent")
		}
		return nil, nil, fmt.Errorf("wxpaytest: Resend: no callback about %q has been sent", subject)
	}
	resp, err := s.deliver(ctx, &c)
	c.Err = err
	if resp != nil {
		c.Status = resp.StatusCode
	}
	return &c.Callback, resp, err
}
