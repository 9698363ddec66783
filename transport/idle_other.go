//go:build !unix

package transport

import "net"

// idleCheck cannot look at a socket here: a connection the server closed
// while idle fails its next request.
type idleCheck struct{}

func newIdleCheck(net.Conn) *idleCheck { return nil }

func (*idleCheck) closedWhileIdle() bool { return false }
