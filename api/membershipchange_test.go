package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/google/go-cmp/cmp"
)

func (e *env) setRole(acct, room, member string, role types.RoomMembershipRole) (*chime.UpdateRoomMembershipOutput, error) {
	return e.chime.UpdateRoomMembership(context.Background(), &chime.UpdateRoomMembershipInput{
		AccountId: aws.String(acct), RoomId: aws.String(room), MemberId: aws.String(member), Role: role,
	})
}

func (e *env) leave(acct, room, member string) (*chime.DeleteRoomMembershipOutput, error) {
	return e.chime.DeleteRoomMembership(context.Background(), &chime.DeleteRoomMembershipInput{
		AccountId: aws.String(acct), RoomId: aws.String(room), MemberId: aws.String(member),
	})
}

func TestUpdateRoomMembership(t *testing.T) {
	e := newEnv(t)
	e.tick()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	ana := e.user(acct, "ana@example.com")
	joined, err := e.join(acct, room, aws.ToString(ana.UserId), "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.setRole(acct, room, aws.ToString(ana.UserId), types.RoomMembershipRoleAdministrator)
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusOK {
		t.Errorf("UpdateRoomMembership status = %d, want %d", got, http.StatusOK)
	}
	want := *joined.RoomMembership
	want.Role, want.UpdatedTimestamp = types.RoomMembershipRoleAdministrator, out.RoomMembership.UpdatedTimestamp
	if diff := cmp.Diff(want, *out.RoomMembership, ignoreSDK); diff != "" {
		t.Errorf("UpdateRoomMembership (-want +got):\n%s", diff)
	}
	if !want.UpdatedTimestamp.After(*joined.RoomMembership.UpdatedTimestamp) {
		t.Errorf("UpdatedTimestamp = %v, want it after %v", want.UpdatedTimestamp, joined.RoomMembership.UpdatedTimestamp)
	}
	if diff := cmp.Diff([]types.RoomMembership{want}, e.roster(acct, room), ignoreSDK); diff != "" {
		t.Errorf("ListRoomMemberships after UpdateRoomMembership (-want +got):\n%s", diff)
	}
	// Back to Member: demoting the last Administrator is allowed through
	// the API (chime-behaviour.md §3.3).
	back, err := e.setRole(acct, room, aws.ToString(ana.UserId), types.RoomMembershipRoleMember)
	if err != nil || back.RoomMembership.Role != types.RoomMembershipRoleMember {
		t.Fatalf("UpdateRoomMembership(Member) = %+v, %v; want the role Member", back, err)
	}
	// Without a Role the role stays; the update still counts.
	same, err := e.setRole(acct, room, aws.ToString(ana.UserId), "")
	if err != nil || same.RoomMembership.Role != types.RoomMembershipRoleMember ||
		!same.RoomMembership.UpdatedTimestamp.After(*back.RoomMembership.UpdatedTimestamp) {
		t.Errorf("UpdateRoomMembership(no Role) = %+v, %v; want the role Member, updated later", same, err)
	}
}

// envWithDB is a test server whose SQLite database the test can also reach
// directly, to store what the API cannot make yet.
func envWithDB(t *testing.T) (*env, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "belfry.db")
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newEnvOn(t, store), db
}

// TestRoomMembershipOfNonUsers checks that a bot's or a webhook's role
// cannot change (chime-behaviour.md §3.3: only for user IDs) and that
// either can still be removed. The test stores their memberships directly,
// with IDs that name no bot or webhook, so that only the member type
// decides.
func TestRoomMembershipOfNonUsers(t *testing.T) {
	e, db := envWithDB(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	for _, m := range []struct {
		typ types.MemberType
		id  string
	}{
		{types.MemberTypeBot, "00000000-0000-4000-8000-000000000001"},
		{types.MemberTypeWebhook, "00000000-0000-4000-8000-000000000002"},
	} {
		typ, id := m.typ, m.id
		t.Run(string(typ), func(t *testing.T) {
			_, err := db.Exec(`INSERT INTO memberships (room_id, member_id, member_type, role, invited_by, updated)
				VALUES (?, ?, ?, 'Member', '', 0)`, room, id, string(typ))
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.setRole(acct, room, id, types.RoomMembershipRoleAdministrator)
			wantErr[*types.BadRequestException](t, err)
			if got := e.roster(acct, room); len(got) != 1 || got[0].Role != types.RoomMembershipRoleMember {
				t.Errorf("roster after a refused role change = %+v, want the %s a Member", got, typ)
			}
			if _, err := e.leave(acct, room, id); err != nil {
				t.Errorf("DeleteRoomMembership(%s) = %v, want it removed", typ, err)
			}
		})
	}
}

func TestUpdateRoomMembershipRefused(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	other := e.enterprise("sibling", "sibling.example")
	theirs := e.room(other, "Theirs")
	ana, bo := e.user(acct, "ana@example.com"), e.user(acct, "bo@example.com")
	if _, err := e.join(acct, room, aws.ToString(ana.UserId), ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, room, member string
		role               types.RoomMembershipRole
		check              func(t *testing.T, err error)
	}{
		{"not a member", room, aws.ToString(bo.UserId), types.RoomMembershipRoleAdministrator,
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"unknown member", room, "00000000-0000-0000-0000-000000000000", types.RoomMembershipRoleAdministrator,
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"unknown room", "00000000-0000-0000-0000-000000000000", aws.ToString(ana.UserId), types.RoomMembershipRoleAdministrator,
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"room of another account", theirs, aws.ToString(ana.UserId), types.RoomMembershipRoleAdministrator,
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"bad role", room, aws.ToString(ana.UserId), "Owner",
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.setRole(acct, tt.room, tt.member, tt.role)
			tt.check(t, err)
		})
	}
	if got := e.roster(acct, room); len(got) != 1 || got[0].Role != types.RoomMembershipRoleMember {
		t.Errorf("roster after refused changes = %+v, want ana alone, a Member", got)
	}
}

func TestDeleteRoomMembership(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room, elsewhere := e.room(acct, "Standup"), e.room(acct, "Elsewhere")
	theirs := e.room(e.enterprise("sibling", "sibling.example"), "Theirs")
	ana, bo := e.user(acct, "ana@example.com"), e.user(acct, "bo@example.com")
	for _, j := range []struct{ room, user string }{{room, *ana.UserId}, {room, *bo.UserId}, {elsewhere, *ana.UserId}} {
		if _, err := e.join(acct, j.room, j.user, ""); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.leave(acct, room, aws.ToString(ana.UserId))
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("DeleteRoomMembership status = %d, want %d", got, http.StatusNoContent)
	}
	if diff := cmp.Diff([]string{aws.ToString(bo.UserId)}, memberIDs(e.roster(acct, room))); diff != "" {
		t.Errorf("members after DeleteRoomMembership (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{aws.ToString(ana.UserId)}, memberIDs(e.roster(acct, elsewhere))); diff != "" {
		t.Errorf("members of another room (-want +got):\n%s", diff)
	}
	for name, call := range map[string]func() error{
		"twice":                   func() error { _, err := e.leave(acct, room, aws.ToString(ana.UserId)); return err },
		"unknown member":          func() error { _, err := e.leave(acct, room, "00000000-0000-0000-0000-000000000000"); return err },
		"unknown room":            func() error { _, err := e.leave(acct, "00000000-0000-0000-0000-000000000000", *bo.UserId); return err },
		"room of another account": func() error { _, err := e.leave(acct, theirs, aws.ToString(bo.UserId)); return err },
	} {
		t.Run(name, func(t *testing.T) { wantErr[*types.NotFoundException](t, call()) })
	}
	// Removed, a member may join again.
	if _, err := e.join(acct, room, aws.ToString(ana.UserId), ""); err != nil {
		t.Errorf("CreateRoomMembership(after leaving) = %v", err)
	}
}
