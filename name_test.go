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

// TestServiceHoldsModelValues checks that the service itself refuses an
// account name and a member role outside the model's, as the API's model
// check does, so that a caller that is not the API (the console) cannot
// store them; and that nothing is changed by a refusal.
func TestServiceHoldsModelValues(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := &belfry.Service{Store: store}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:root"})
	for _, name := range []string{"", "   ", strings.Repeat("n", belfry.MaxAccountName+1)} {
		if _, err := svc.CreateAccount(ctx, name); belfry.ErrorKind(err) != belfry.BadRequest {
			t.Errorf("CreateAccount(%q) = %v; want BadRequest", name, err)
		}
	}
	a, err := svc.CreateAccount(ctx, strings.Repeat("n", belfry.MaxAccountName))
	if err != nil {
		t.Fatalf("CreateAccount(a name of the most characters) = %v", err)
	}
	if _, err := svc.UpdateAccount(ctx, a.ID, belfry.UpdateAccountInput{Name: "  "}); belfry.ErrorKind(err) != belfry.BadRequest {
		t.Errorf("UpdateAccount(name of spaces) = %v; want BadRequest", err)
	}
	if _, err := svc.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseLWA); err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, a.ID, belfry.CreateUserInput{Email: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := svc.CreateRoom(ctx, a.ID, "Ops", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateRoomMembership(ctx, a.ID, room.ID, u.ID, "Owner"); belfry.ErrorKind(err) != belfry.BadRequest ||
		!strings.Contains(err.Error(), `"Owner"`) {
		t.Errorf("CreateRoomMembership(role Owner) = %v; want a BadRequest naming it", err)
	}
	if _, err := svc.BatchCreateRoomMembership(ctx, a.ID, room.ID, []belfry.MembershipRequest{{MemberID: u.ID, Role: "Owner"}}); belfry.ErrorKind(err) != belfry.BadRequest {
		t.Errorf("BatchCreateRoomMembership(role Owner) = %v; want BadRequest", err)
	}
	if ms, err := svc.ListRoomMemberships(ctx, a.ID, room.ID, belfry.Page{}); err != nil || len(ms) != 0 {
		t.Errorf("members after refusals = %v, %v; want none", ms, err)
	}
	if _, err := svc.CreateRoomMembership(ctx, a.ID, room.ID, u.ID, belfry.RoleMember); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateRoomMembership(ctx, a.ID, room.ID, u.ID, "Owner"); belfry.ErrorKind(err) != belfry.BadRequest {
		t.Errorf("UpdateRoomMembership(role Owner) = %v; want BadRequest", err)
	}
	if ms, err := svc.ListRoomMemberships(ctx, a.ID, room.ID, belfry.Page{}); err != nil || len(ms) != 1 || ms[0].Role != belfry.RoleMember {
		t.Errorf("members after a refused role change = %+v, %v; want one Member", ms, err)
	}
}
