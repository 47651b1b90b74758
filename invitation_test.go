package belfry

import (
	"strings"
	"testing"
	"time"
)

// composer writes an empty e-mail.
type composer struct{}

func (composer) ComposeInvite(InviteEmail) (subject, text, html string, err error) {
	return "s", "t", "h", nil
}

// TestInviteMessageID checks that an invitation's Message-ID ends in a
// fully qualified domain (RFC 5322 §3.6.4): the host of the public URL, or
// belfry.invalid when that is no domain name.
func TestInviteMessageID(t *testing.T) {
	tests := []struct{ publicURL, want string }{
		{"https://chime.example.org", "chime.example.org"},
		{"http://Chime.Example.ORG.:8080/base/", "chime.example.org"},
		{"https://bücher.example", "xn--bcher-kva.example"},
		{"", "belfry.invalid"},
		{"http://localhost:8080", "belfry.invalid"},
		{"http://127.0.0.1:8080", "belfry.invalid"},
		{"http://[::1]:8080", "belfry.invalid"},
		{"%%not a url", "belfry.invalid"},
	}
	for _, tt := range tests {
		s := &Service{Invitations: Invitations{PublicURL: tt.publicURL, Composer: composer{}}, NewID: func() string { return "id" }}
		now := time.Now()
		item := &InviteItem{Email: "ana@example.com", Invite: &Invite{ID: "i", Created: now, Expires: now.Add(time.Hour)}}
		if err := s.composeInvite(&Account{ID: "a", Name: "Ops"}, item); err != nil {
			t.Fatal(err)
		}
		left, right, ok := strings.Cut(item.Mail.MessageID, "@")
		if !ok || left != "id" || right != tt.want {
			t.Errorf("PublicURL %q: MessageID %q, want id@%s", tt.publicURL, item.Mail.MessageID, tt.want)
		}
	}
}
