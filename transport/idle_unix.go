//go:build unix

package transport

import (
	"net"
	"syscall"
)

// idleCheck looks at an idle connection's socket, neither waiting nor
// taking anything from it, to see whether the peer closed it or sent on it
// unasked (a TLS close_notify, a 408 reply). It is made once per
// connection, so that a look allocates nothing.
type idleCheck struct {
	rc     syscall.RawConn
	look   func(fd uintptr) bool
	closed bool
	buf    [1]byte
}

func newIdleCheck(conn net.Conn) *idleCheck {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	c := &idleCheck{rc: rc}
	c.look = c.peek
	return c
}

func (c *idleCheck) peek(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), c.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	c.closed = n > 0 || n == 0 && err == nil || err != nil && err != syscall.EAGAIN && err != syscall.EWOULDBLOCK && err != syscall.EINTR
	return true
}

// closedWhileIdle reports whether the connection is closed or has unread
// bytes. Only the goroutine about to write on the connection calls it.
func (c *idleCheck) closedWhileIdle() bool {
	if c == nil {
		return false
	}
	c.closed = false
	c.rc.Read(c.look)
	return c.closed
}
