package storetest

import (
	"errors"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var roomChangeTests = []test{
	{"UpdateRoom", testUpdateRoom},
	{"UpdateRoomRefused", testUpdateRoomRefused},
	{"DeleteRoom", testDeleteRoom},
	{"UpdateMembership", testUpdateMembership},
	{"UpdateMembershipRefused", testUpdateMembershipRefused},
	{"DeleteMembership", testDeleteMembership},
}

// rename returns an UpdateRoom change that names the room name at time at(n).
func rename(name string, n int) func(*belfry.Room) error {
	return func(r *belfry.Room) error {
		r.Name, r.Updated = name, at(n)
		return nil
	}
}

// memberships returns every membership of room r.
func memberships(t *testing.T, s belfry.Store, r *belfry.Room) []*belfry.Membership {
	t.Helper()
	got, err := s.ListMemberships(t.Context(), r.ID, belfry.Page{Limit: 100})
	if err != nil {
		t.Fatalf("ListMemberships(%s) = %v", r.Name, err)
	}
	return got
}

// wantRoom fails t unless the store holds want as it is.
func wantRoom(t *testing.T, s belfry.Store, want *belfry.Room) {
	t.Helper()
	got, err := s.Room(t.Context(), want.AccountID, want.ID)
	if err != nil {
		t.Fatalf("Room(%s) = %v", want.Name, err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Room(%s) mismatch (-got +want):\n%s", want.Name, diff)
	}
}

func testUpdateRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	other := mkRoom(t, s, a, "Other")
	got, err := s.UpdateRoom(t.Context(), a.ID, r.ID, rename("Daily standup", 50))
	if err != nil {
		t.Fatalf("UpdateRoom() = %v", err)
	}
	want := *r
	want.Name, want.Updated = "Daily standup", at(50)
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("UpdateRoom() mismatch (-got +want):\n%s", diff)
	}
	wantRoom(t, s, &want)
	wantRoom(t, s, other)
}

func testUpdateRoomRefused(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r := mkRoom(t, s, a, "Standup")
	_, err := s.UpdateRoom(t.Context(), a.ID, "no-such-room", rename("x", 50))
	wantError(t, "UpdateRoom(unknown)", err, belfry.NotFound, "no-such-room")
	_, err = s.UpdateRoom(t.Context(), b.ID, r.ID, rename("x", 50))
	wantError(t, "UpdateRoom(a room of another account)", err, belfry.NotFound, r.ID)
	refusal := belfry.Errorf(belfry.BadRequest, "no")
	_, err = s.UpdateRoom(t.Context(), a.ID, r.ID, func(r *belfry.Room) error {
		r.Name = "changed before the refusal"
		return refusal
	})
	if !errors.Is(err, refusal) {
		t.Errorf("UpdateRoom(refused) = %v; want the refusal", err)
	}
	wantRoom(t, s, r)
}

// testDeleteRoom checks that a room goes for good with its memberships,
// and that another room and other accounts' rooms stay.
func testDeleteRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	ana := mkUser(t, s, a, "ana@example.com")
	r, kept := mkRoom(t, s, a, "Standup"), mkRoom(t, s, a, "Kept")
	mkMembership(t, s, a, r, ana)
	keptMember := mkMembership(t, s, a, kept, ana)
	err := s.DeleteRoom(t.Context(), b.ID, r.ID)
	wantError(t, "DeleteRoom(a room of another account)", err, belfry.NotFound, r.ID)
	if err := s.DeleteRoom(t.Context(), a.ID, r.ID); err != nil {
		t.Fatalf("DeleteRoom() = %v", err)
	}
	_, err = s.Room(t.Context(), a.ID, r.ID)
	wantError(t, "Room(deleted)", err, belfry.NotFound, r.ID)
	if got := memberships(t, s, r); len(got) != 0 {
		t.Errorf("ListMemberships(deleted room) = %d memberships; want none", len(got))
	}
	rooms, err := s.ListRooms(t.Context(), a.ID, belfry.RoomFilter{MemberID: ana.ID}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListRooms() = %v", err)
	}
	if diff := cmp.Diff(rooms, []*belfry.Room{kept}); diff != "" {
		t.Errorf("ListRooms(member) after DeleteRoom mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(memberships(t, s, kept), []*belfry.Membership{keptMember}); diff != "" {
		t.Errorf("ListMemberships(kept room) mismatch (-got +want):\n%s", diff)
	}
	err = s.DeleteRoom(t.Context(), a.ID, r.ID)
	wantError(t, "DeleteRoom(twice)", err, belfry.NotFound, r.ID)
}

func testUpdateMembership(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	m, other := mkMembership(t, s, a, r, ana), mkMembership(t, s, a, r, bob)
	got, err := s.UpdateMembership(t.Context(), a.ID, r.ID, ana.ID, func(m *belfry.Membership) error {
		m.Role, m.Updated = belfry.RoleAdministrator, at(60)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateMembership() = %v", err)
	}
	want := *m
	want.Role, want.Updated = belfry.RoleAdministrator, at(60)
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("UpdateMembership() mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(memberships(t, s, r), []*belfry.Membership{&want, other}); diff != "" {
		t.Errorf("ListMemberships() after UpdateMembership mismatch (-got +want):\n%s", diff)
	}
}

func testUpdateMembershipRefused(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r := mkRoom(t, s, a, "Standup")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	m := mkMembership(t, s, a, r, ana)
	promote := func(m *belfry.Membership) error {
		m.Role = belfry.RoleAdministrator
		return nil
	}
	_, err := s.UpdateMembership(t.Context(), a.ID, r.ID, bob.ID, promote)
	wantError(t, "UpdateMembership(not a member)", err, belfry.NotFound, bob.ID)
	_, err = s.UpdateMembership(t.Context(), b.ID, r.ID, ana.ID, promote)
	wantError(t, "UpdateMembership(a room of another account)", err, belfry.NotFound, r.ID)
	refusal := belfry.Errorf(belfry.BadRequest, "no")
	_, err = s.UpdateMembership(t.Context(), a.ID, r.ID, ana.ID, func(m *belfry.Membership) error {
		m.Role = belfry.RoleAdministrator
		return refusal
	})
	if !errors.Is(err, refusal) {
		t.Errorf("UpdateMembership(refused) = %v; want the refusal", err)
	}
	if diff := cmp.Diff(memberships(t, s, r), []*belfry.Membership{m}); diff != "" {
		t.Errorf("ListMemberships() after refused updates mismatch (-got +want):\n%s", diff)
	}
}

func testDeleteMembership(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r, elsewhere := mkRoom(t, s, a, "Standup"), mkRoom(t, s, a, "Elsewhere")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	mkMembership(t, s, a, r, ana)
	stays := mkMembership(t, s, a, r, bob)
	anaElsewhere := mkMembership(t, s, a, elsewhere, ana)
	err := s.DeleteMembership(t.Context(), b.ID, r.ID, ana.ID)
	wantError(t, "DeleteMembership(a room of another account)", err, belfry.NotFound, r.ID)
	if err := s.DeleteMembership(t.Context(), a.ID, r.ID, ana.ID); err != nil {
		t.Fatalf("DeleteMembership() = %v", err)
	}
	if diff := cmp.Diff(memberships(t, s, r), []*belfry.Membership{stays}); diff != "" {
		t.Errorf("ListMemberships() after DeleteMembership mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(memberships(t, s, elsewhere), []*belfry.Membership{anaElsewhere}); diff != "" {
		t.Errorf("ListMemberships(another room) mismatch (-got +want):\n%s", diff)
	}
	err = s.DeleteMembership(t.Context(), a.ID, r.ID, ana.ID)
	wantError(t, "DeleteMembership(twice)", err, belfry.NotFound, ana.ID)
}
