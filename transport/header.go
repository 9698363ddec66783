package transport

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrInvalidHeader reports a header that cannot be sent as it is: a name
// that is not an RFC 9110 token, or a value with a line break, a NUL or
// another control byte. Both transports refuse such a request before
// anything goes on the wire, and never retry it.
var ErrInvalidHeader = errors.New("invalid header")

// CheckHeader reports whether a header of that name and value can be sent,
// wrapping ErrInvalidHeader when not.
func CheckHeader(name, value string) error {
	if !validName(name) {
		return fmt.Errorf("%w: name %q is not a token", ErrInvalidHeader, name)
	}
	for i := 0; i < len(value); i++ {
		// A field value is visible ASCII, spaces, tabs, and obs-text
		// (bytes from 0x80), never CR, LF, NUL or another control.
		c := value[i]
		if c == '\r' || c == '\n' {
			return fmt.Errorf("%w: %s: value contains a line break", ErrInvalidHeader, name)
		}
		if c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("%w: %s: value has the control byte %#02x at %d", ErrInvalidHeader, name, c, i)
		}
	}
	return nil
}

// checkHeaders checks every header of a request, for the transports.
func checkHeaders(h http.Header) error {
	for k, vs := range h {
		for _, v := range vs {
			if err := CheckHeader(k, v); err != nil {
				return err
			}
		}
		if len(vs) == 0 {
			if err := CheckHeader(k, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// validName reports whether name is an RFC 9110 token.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !tokenByte(name[i]) {
			return false
		}
	}
	return true
}

func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}
