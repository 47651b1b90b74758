package botevent

import (
	"errors"
	"testing"
)

// TestDialRefusesLinkLocal checks the dialer's check, which sees the
// addresses a name resolved to, so that DNS cannot lead a request to a
// metadata service.
func TestDialRefusesLinkLocal(t *testing.T) {
	for addr, refused := range map[string]bool{
		"169.254.169.254:443":         true,
		"[fe80::1]:443":               true,
		"[::ffff:169.254.169.254]:80": true,
		"127.0.0.1:443":               false,
		"[2001:db8::1]:443":           false,
	} {
		err := refuseLinkLocal("tcp", addr, nil)
		if got := errors.Is(err, errLinkLocal); got != refused {
			t.Errorf("refuseLinkLocal(%s) = %v; want refused %v", addr, err, refused)
		}
	}
}
