package storetest

import (
	"fmt"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var membershipTests = []test{
	{"CreateAndList", testMembershipCreateAndList},
	{"MembershipOf", testMembershipOf},
	{"AlreadyMember", testMembershipDuplicate},
	{"UnknownMember", testMembershipUnknownMember},
	{"UnknownRoom", testMembershipUnknownRoom},
	{"RoomFull", testMembershipRoomFull},
	{"MemberFull", testMembershipMemberFull},
}

// newMembership is a membership of u in room r, not yet stored, with only
// the member's ID set, as the service makes it.
func newMembership(r *belfry.Room, u *belfry.User) *belfry.Membership {
	return &belfry.Membership{
		RoomID: r.ID, Member: belfry.Member{ID: u.ID}, Role: belfry.RoleMember,
		InvitedBy: "arn:aws:iam::100000000001:user/admin", Updated: at(7),
	}
}

// mkMembership adds user u to room r of account a.
func mkMembership(t *testing.T, s belfry.Store, a *belfry.Account, r *belfry.Room, u *belfry.User) *belfry.Membership {
	t.Helper()
	m := newMembership(r, u)
	if err := s.CreateMembership(t.Context(), a.ID, m); err != nil {
		t.Fatalf("CreateMembership(%s in %s) = %v", u.Email, r.Name, err)
	}
	return m
}

func testMembershipCreateAndList(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	ana, bob, cy := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com"), mkUser(t, s, a, "cy@example.com")
	m := newMembership(r, bob)
	m.Role = belfry.RoleAdministrator
	if err := s.CreateMembership(t.Context(), a.ID, m); err != nil {
		t.Fatalf("CreateMembership() = %v", err)
	}
	wantMember := belfry.Member{ID: bob.ID, Type: belfry.MemberUser, Email: bob.Email, FullName: bob.DisplayName, AccountID: a.ID}
	if diff := cmp.Diff(m.Member, wantMember); diff != "" {
		t.Errorf("CreateMembership() resolved the member wrong (-got +want):\n%s", diff)
	}
	if m.Seq <= 0 {
		t.Errorf("CreateMembership() set Seq %d; want > 0", m.Seq)
	}
	want := []*belfry.Membership{m, mkMembership(t, s, a, r, cy), mkMembership(t, s, a, r, ana)}
	got, err := s.ListMemberships(t.Context(), r.ID, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListMemberships() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("ListMemberships() mismatch (-got +want):\n%s", diff)
	}
}

// testMembershipOf checks the direct lookup a live stream makes of its
// reader's standing: it finds the member among others with the role and
// member stored, and answers NotFound for a user outside the room, an
// unknown room, and a room asked for through another account.
func testMembershipOf(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	ana, bob, cy := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com"), mkUser(t, s, a, "cy@example.com")
	mkMembership(t, s, a, r, ana)
	want := newMembership(r, bob)
	want.Role = belfry.RoleAdministrator
	if err := s.CreateMembership(t.Context(), a.ID, want); err != nil {
		t.Fatalf("CreateMembership() = %v", err)
	}
	mkMembership(t, s, a, mkRoom(t, s, a, "Elsewhere"), cy)
	got, err := s.MembershipOf(t.Context(), a.ID, r.ID, bob.ID)
	if err != nil {
		t.Fatalf("MembershipOf(bob) = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("MembershipOf(bob) mismatch (-got +want):\n%s", diff)
	}
	_, err = s.MembershipOf(t.Context(), a.ID, r.ID, cy.ID)
	wantError(t, "MembershipOf(a user in another room)", err, belfry.NotFound, cy.ID)
	_, err = s.MembershipOf(t.Context(), a.ID, "no-such-room", ana.ID)
	wantError(t, "MembershipOf(unknown room)", err, belfry.NotFound, "no-such-room")
	b := mkAccount(t, s, awsAccount(2), "Other")
	_, err = s.MembershipOf(t.Context(), b.ID, r.ID, ana.ID)
	wantError(t, "MembershipOf(through another account)", err, belfry.NotFound, r.ID)
}

func testMembershipDuplicate(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	ana := mkUser(t, s, a, "ana@example.com")
	first := mkMembership(t, s, a, r, ana)
	again := newMembership(r, ana)
	again.Role = belfry.RoleAdministrator
	err := s.CreateMembership(t.Context(), a.ID, again)
	wantError(t, "CreateMembership(already a member)", err, belfry.Conflict, ana.ID, r.ID)
	got, err := s.ListMemberships(t.Context(), r.ID, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListMemberships() = %v", err)
	}
	if diff := cmp.Diff(got, []*belfry.Membership{first}); diff != "" {
		t.Errorf("ListMemberships() after a refused second membership mismatch (-got +want):\n%s", diff)
	}
}

func testMembershipUnknownMember(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r := mkRoom(t, s, a, "Standup")
	stranger := mkUser(t, s, b, "ana@example.com")
	err := s.CreateMembership(t.Context(), a.ID, newMembership(r, stranger))
	wantError(t, "CreateMembership(a user of another account)", err, belfry.NotFound, stranger.ID)
	err = s.CreateMembership(t.Context(), a.ID, newMembership(r, &belfry.User{ID: "no-such-user"}))
	wantError(t, "CreateMembership(unknown member)", err, belfry.NotFound, "no-such-user")
}

func testMembershipUnknownRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	err := s.CreateMembership(t.Context(), a.ID, newMembership(&belfry.Room{ID: "no-such-room"}, ana))
	wantError(t, "CreateMembership(unknown room)", err, belfry.NotFound, "no-such-room")
	b := mkAccount(t, s, awsAccount(2), "Other")
	if _, err := s.ClaimDomain(t.Context(), b.ID, "example.org", belfry.EnterpriseLWA); err != nil {
		t.Fatalf("ClaimDomain() = %v", err)
	}
	theirs := mkRoom(t, s, b, "Theirs")
	err = s.CreateMembership(t.Context(), a.ID, newMembership(theirs, ana))
	wantError(t, "CreateMembership(a room of another account)", err, belfry.NotFound, theirs.ID)
}

func testMembershipRoomFull(t *testing.T, s belfry.Store) {
	if testing.Short() {
		t.Skipf("makes %d users", belfry.MaxMembersPerRoom)
	}
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Town hall")
	for i := range belfry.MaxMembersPerRoom {
		mkMembership(t, s, a, r, mkUser(t, s, a, fmt.Sprintf("user%d@example.com", i)))
	}
	late := mkUser(t, s, a, "late@example.com")
	err := s.CreateMembership(t.Context(), a.ID, newMembership(r, late))
	wantError(t, "CreateMembership(a full room)", err, belfry.LimitExceeded, r.ID)
}

func testMembershipMemberFull(t *testing.T, s belfry.Store) {
	if testing.Short() {
		t.Skipf("makes %d rooms", belfry.MaxMembershipsPerUser)
	}
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	for i := range belfry.MaxMembershipsPerUser {
		mkMembership(t, s, a, mkRoom(t, s, a, fmt.Sprint("Room ", i)), ana)
	}
	r := mkRoom(t, s, a, "One too many")
	err := s.CreateMembership(t.Context(), a.ID, newMembership(r, ana))
	wantError(t, "CreateMembership(a member in too many rooms)", err, belfry.LimitExceeded, ana.ID)
}
