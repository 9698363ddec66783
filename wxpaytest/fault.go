package wxpaytest

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
)

// Fault is something going wrong with one reply, to test how a client
// copes. The request is still recorded and verified as usual.
type Fault int

// The faults. BadSignature, StaleTimestamp, MissingHeaders, UnknownSerial,
// SignTestProbe and Slow tamper with the reply of a request that was
// carried out (the order book changes); ServerError and ResetConnection
// happen before the request reaches the order book.
const (
	BadSignature    Fault = iota + 1 // the Wechatpay-* headers are all there but the signature does not verify
	StaleTimestamp                   // the reply is signed correctly over a timestamp 10 minutes old
	MissingHeaders                   // the reply has no Wechatpay-* headers
	UnknownSerial                    // the reply is signed correctly but Wechatpay-Serial names a key the client does not know
	SignTestProbe                    // the signature is WeChat Pay's "WECHATPAY/SIGNTEST/..." probe
	ServerError                      // a signed 500 SYSTEM_ERROR
	Slow                             // the reply comes after Server.SlowDelay
	ResetConnection                  // the connection is reset without a reply
)

var faultNames = [...]string{
	BadSignature:    "BadSignature",
	StaleTimestamp:  "StaleTimestamp",
	MissingHeaders:  "MissingHeaders",
	UnknownSerial:   "UnknownSerial",
	SignTestProbe:   "SignTestProbe",
	ServerError:     "ServerError",
	Slow:            "Slow",
	ResetConnection: "ResetConnection",
}

func (f Fault) String() string {
	if f == 0 {
		return "none"
	}
	if f > 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	if name, ok := v2FaultNames[f]; ok {
		return name
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Inject queues faults: each applies to one request, in order, starting
// with the next one.
func (s *Server) Inject(faults ...Fault) {
	for _, f := range faults {
		if _, v2 := v2FaultNames[f]; !v2 && (f <= 0 || int(f) >= len(faultNames)) {
			panic("wxpaytest: Inject: unknown " + f.String())
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// resetConnection drops the connection under w. Closing the TCP
// connection beneath TLS with a zero linger sends an RST instead of a TLS
// close_notify and FIN, as a crashed peer or a middlebox would.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}
