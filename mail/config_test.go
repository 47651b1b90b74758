package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		want Config
	}{
		{"smtp://localhost", Config{Host: "localhost", Port: 25, Security: StartTLS}},
		{"smtp://mail.example.com:2525", Config{Host: "mail.example.com", Port: 2525, Security: StartTLS}},
		{"smtp://ana:s%40cret@mail.example.com", Config{Host: "mail.example.com", Port: 587,
			Security: StartTLS, Username: "ana", Password: "s@cret"}},
		{"smtp://ana@mail.example.com:25", Config{Host: "mail.example.com", Port: 25, Security: StartTLS,
			Username: "ana"}},
		{"smtps://ana:pw@mail.example.com", Config{Host: "mail.example.com", Port: 465, Security: ImplicitTLS,
			Username: "ana", Password: "pw"}},
		{"smtp://[::1]:1025/?starttls=required&insecure_skip_verify=true&timeout=3s&helo=belfry.test",
			Config{Host: "::1", Port: 1025, Security: StartTLSRequired, InsecureSkipVerify: true,
				Timeout: 3 * time.Second, HELO: "belfry.test"}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.url)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.url, err)
			continue
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("ParseURL(%q) (-got +want):\n%s", tt.url, diff)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"http://mail.example.com", "scheme must be smtp:// or smtps://"},
		{"mail.example.com:25", "scheme must be"},
		{"smtp://", "no host"},
		{"smtp://mail.example.com:99999", "bad port"},
		{"smtp://mail.example.com/inbox", "path"},
		{"smtp://mail.example.com?tls=on", `unknown option "tls"`},
		{"smtps://mail.example.com?starttls=required", "with smtp://"},
		{"smtp://mail.example.com?insecure_skip_verify=maybe", "want true or false"},
		{"smtp://mail.example.com?timeout=soon", "positive duration"},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseURL(%q) = %v, want an error with %q", tt.url, err, tt.want)
		}
	}
}

// A password must not leak into an error message, which may be logged.
func TestParseURLErrorHidesPassword(t *testing.T) {
	for _, u := range []string{"smtp://ana:hunter2@mail.example.com:x", "smtp://ana:hunter2@mail.example.com?bad=1",
		"smtp://ana:hunter2@mail.example.com/%zz"} {
		_, err := ParseURL(u)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseURL(%q) = %v, want an error without the password", u, err)
		}
	}
}
