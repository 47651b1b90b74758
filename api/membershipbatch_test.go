package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// batchJoin adds the members of items to room room of account acct with
// BatchCreateRoomMembership.
func (e *env) batchJoin(acct, room string, items ...types.MembershipItem) (*chime.BatchCreateRoomMembershipOutput, error) {
	return e.chime.BatchCreateRoomMembership(context.Background(), &chime.BatchCreateRoomMembershipInput{
		AccountId: aws.String(acct), RoomId: aws.String(room), MembershipItemList: items,
	})
}

// item is a MembershipItem of member id with role.
func item(id *string, role types.RoomMembershipRole) types.MembershipItem {
	return types.MembershipItem{MemberId: id, Role: role}
}

// roster returns every membership of room room of account acct.
func (e *env) roster(acct, room string) []types.RoomMembership {
	e.t.Helper()
	out, err := e.chime.ListRoomMemberships(context.Background(), &chime.ListRoomMembershipsInput{
		AccountId: aws.String(acct), RoomId: aws.String(room), MaxResults: aws.Int32(99),
	})
	if err != nil {
		e.t.Fatalf("ListRoomMemberships(%s) = %v", room, err)
	}
	return out.RoomMemberships
}

func TestBatchCreateRoomMembership(t *testing.T) {
	e := newEnv(t)
	e.tick() // a clock read per membership would give each its own second
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	ana, bo := e.user(acct, "ana@example.com"), e.user(acct, "bo@example.com")
	out, err := e.batchJoin(acct, room, item(ana.UserId, types.RoomMembershipRoleAdministrator), item(bo.UserId, ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
		t.Errorf("BatchCreateRoomMembership status = %d, want %d", got, http.StatusCreated)
	}
	if out.Errors == nil || len(out.Errors) != 0 {
		t.Errorf("Errors = %#v, want an empty list", out.Errors)
	}
	got := e.roster(acct, room)
	if len(got) != 2 {
		t.Fatalf("the room has %d members after the batch, want 2", len(got))
	}
	updated := got[0].UpdatedTimestamp
	var want []types.RoomMembership
	for i, u := range []types.User{ana, bo} {
		role := []types.RoomMembershipRole{types.RoomMembershipRoleAdministrator, types.RoomMembershipRoleMember}[i]
		want = append(want, types.RoomMembership{
			RoomId: aws.String(room), Role: role, InvitedBy: aws.String(rootARN), UpdatedTimestamp: updated,
			Member: &types.Member{MemberId: u.UserId, MemberType: types.MemberTypeUser, Email: u.PrimaryEmail,
				FullName: u.DisplayName, AccountId: aws.String(acct)},
		})
	}
	// One UpdatedTimestamp for the whole batch (chime-behaviour.md §3.3):
	// the second membership's must equal the first's.
	if diff := cmp.Diff(want, got, ignoreSDK); diff != "" {
		t.Errorf("memberships after the batch (-want +got):\n%s", diff)
	}
}

// TestBatchCreateRoomMembershipBody checks the raw answer of a batch whose
// items all succeed: exactly {"Errors":[]} (and the encoder's newline), as
// the real service sent.
func TestBatchCreateRoomMembershipBody(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	ana := e.user(acct, "ana@example.com")
	r := e.do(request{Method: "POST", Path: "/accounts/" + acct + "/rooms/" + room + "/memberships?operation=batch-create",
		Body: []byte(`{"MembershipItemList":[{"MemberId":"` + aws.ToString(ana.UserId) + `"}]}`)})
	if r.Status != http.StatusCreated || strings.TrimSpace(string(r.Body)) != `{"Errors":[]}` {
		t.Errorf("all-success batch answered %d %s, want 201 {\"Errors\":[]}", r.Status, r.Body)
	}
}

// TestBatchCreateRoomMembershipPerItem checks that each item fails alone,
// with the ErrorCode of its cause, while the others join.
func TestBatchCreateRoomMembershipPerItem(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	ana, bo, cy := e.user(acct, "ana@example.com"), e.user(acct, "bo@example.com"), e.user(acct, "cy@example.com")
	stranger := e.user(e.enterprise("sibling", "sibling.example"), "dee@sibling.example")
	if _, err := e.join(acct, room, aws.ToString(ana.UserId), ""); err != nil {
		t.Fatal(err)
	}
	unknown := aws.String("00000000-0000-0000-0000-000000000000")
	out, err := e.batchJoin(acct, room, item(ana.UserId, ""), item(bo.UserId, ""), item(bo.UserId, ""),
		item(unknown, ""), item(stranger.UserId, ""), item(cy.UserId, types.RoomMembershipRoleAdministrator))
	if err != nil {
		t.Fatal(err)
	}
	type failure struct{ MemberID, Code string }
	var got []failure
	for _, f := range out.Errors {
		got = append(got, failure{aws.ToString(f.MemberId), string(f.ErrorCode)})
		if aws.ToString(f.ErrorMessage) == "" {
			t.Errorf("the error of member %s has no ErrorMessage", aws.ToString(f.MemberId))
		}
	}
	want := []failure{
		{aws.ToString(ana.UserId), "Conflict"}, {aws.ToString(bo.UserId), "Conflict"},
		{aws.ToString(unknown), "NotFound"}, {aws.ToString(stranger.UserId), "NotFound"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{aws.ToString(ana.UserId), aws.ToString(bo.UserId), aws.ToString(cy.UserId)},
		memberIDs(e.roster(acct, room))); diff != "" {
		t.Errorf("members after the batch (-want +got):\n%s", diff)
	}
}

// TestBatchCreateRoomMembershipRefused checks what fails a whole batch:
// the room, a missing MemberId, too many items, a bad role. Nothing joins.
func TestBatchCreateRoomMembershipRefused(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	theirs := e.room(e.enterprise("sibling", "sibling.example"), "Theirs")
	ana := e.user(acct, "ana@example.com")
	many := make([]types.MembershipItem, 51)
	for i := range many {
		many[i] = item(ana.UserId, "")
	}
	tests := []struct {
		name  string
		room  string
		items []types.MembershipItem
		check func(t *testing.T, err error)
	}{
		{"unknown room", "00000000-0000-0000-0000-000000000000", []types.MembershipItem{item(ana.UserId, "")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"room of another account", theirs, []types.MembershipItem{item(ana.UserId, "")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"an item without MemberId", room, []types.MembershipItem{item(ana.UserId, ""), item(nil, "")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"51 items", room, many, func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"bad role", room, []types.MembershipItem{item(ana.UserId, "Owner")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.batchJoin(acct, tt.room, tt.items...)
			tt.check(t, err)
		})
	}
	if got := e.roster(acct, room); len(got) != 0 {
		t.Errorf("refused batches left %d members, want none", len(got))
	}
}

// TestBatchCreateRoomMembershipFull checks that a batch counts its own
// members against the room's limit: into a room one short of full, the
// first joins and the second fails alone with ResourceLimitExceeded.
func TestBatchCreateRoomMembershipFull(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "full")
	as := belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: "111122223333", ARN: rootARN})
	var reqs []belfry.MembershipRequest
	for i := range belfry.MaxMembersPerRoom - 1 {
		u, err := e.svc.CreateUser(as, acct, belfry.CreateUserInput{Email: fmt.Sprintf("u%04d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, belfry.MembershipRequest{MemberID: u.ID})
	}
	for start := 0; start < len(reqs); start += 50 {
		failed, err := e.svc.BatchCreateRoomMembership(as, acct, room, reqs[start:min(start+50, len(reqs))])
		if err != nil || len(failed) != 0 {
			t.Fatalf("filling the room: %v, %v", failed, err)
		}
	}
	last, late := e.user(acct, "last@example.com"), e.user(acct, "late@example.com")
	out, err := e.batchJoin(acct, room, item(last.UserId, ""), item(late.UserId, ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 1 || aws.ToString(out.Errors[0].MemberId) != aws.ToString(late.UserId) ||
		out.Errors[0].ErrorCode != types.ErrorCodeResourceLimitExceeded {
		t.Errorf("Errors = %+v, want one ResourceLimitExceeded for %s", out.Errors, aws.ToString(late.UserId))
	}
}
