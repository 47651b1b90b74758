package belfry_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // "" when the name is accepted
	}{
		{"Ops Team", ""},
		{"Zoë", ""},
		{"\u200Fשלום", ""}, // a right-to-left mark is a mark, not an override
		{"👩\u200D💻", ""},   // zero-width joiner in an emoji
		{"a\x00b", "a NUL (U+0000) at character 2"},
		{"ab\n", "a line feed (U+000A) at character 3"},
		{"\r", "a carriage return"},
		{"\x1b[2J", "an escape (U+001B)"},
		{"a\tb", "U+0009"},
		{"x\u202Ey", "U+202E"},
		{"x\u202Ay", "U+202A"},
		{"x\u2066y", "U+2066"},
		{"x\u2029y", "U+2029"},
		{"\u009b", "U+009B"},
		{"a\xffb", "not valid UTF-8"},
	}
	for _, tt := range tests {
		err := belfry.CheckName("Name", tt.name)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckName(%q) = %v; want nil", tt.name, err)
		case tt.wantErr != "" && (belfry.ErrorKind(err) != belfry.BadRequest || !strings.Contains(err.Error(), tt.wantErr) ||
			!strings.HasPrefix(err.Error(), "Name ")):
			t.Errorf("CheckName(%q) = %v; want a BadRequest that names the field and says %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestValidText(t *testing.T) {
	for s, want := range map[string]bool{"": true, "abc": true, "Zoë\n": true, "a\x00": false, "\xff": false, "\xed\xa0\x80": false} {
		if got := belfry.ValidText(s); got != want {
			t.Errorf("ValidText(%q) = %v, want %v", s, got, want)
		}
	}
}

// links keeps the accept links of the invitations it composes.
type links struct {
	mu   sync.Mutex
	list []string
}

func (l *links) ComposeInvite(m belfry.InviteEmail) (subject, text, html string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, m.Link)
	return "s", "t", "h", nil
}

// TestAcceptInvitationName checks that the accept page's rule for the name
// others will see is the API's: AcceptInvitation refuses what CheckName
// refuses, and the link still works afterwards.
func TestAcceptInvitationName(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	l := &links{}
	svc := &belfry.Service{Store: store, Invitations: belfry.Invitations{PublicURL: "http://belfry.test", Composer: l}}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:root"})
	a, err := svc.CreateAccount(ctx, "Ops")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.InviteUsers(ctx, a.ID, []string{"ana@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	token := l.list[0][strings.LastIndexByte(l.list[0], '/')+1:]
	for _, name := range []string{"Ana\u202Elis", "Ana\x1b[0m", "An\na"} {
		if _, err := svc.AcceptInvitation(context.Background(), token, name); belfry.ErrorKind(err) != belfry.BadRequest ||
			!strings.Contains(err.Error(), "the name others will see") {
			t.Errorf("AcceptInvitation(%q) = %v; want a BadRequest about the name others will see", name, err)
		}
	}
	u, err := svc.AcceptInvitation(context.Background(), token, "Ana")
	if err != nil || u.DisplayName != "Ana" {
		t.Errorf("AcceptInvitation(Ana) after refusals = %v, %v; want it accepted", u, err)
	}
}
