package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var roomTests = []test{
	{"CreateAndGet", testRoomCreateAndGet},
	{"NotFound", testRoomNotFound},
	{"ClientToken", testRoomClientToken},
	{"ConcurrentClientToken", testRoomConcurrentToken},
	{"LimitPerAccount", testRoomLimit},
	{"ListByMember", testRoomListByMember},
}

func testRoomCreateAndGet(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	want := newRoom(a, "Standup", "token-1")
	got, err := s.CreateRoom(t.Context(), want)
	if err != nil {
		t.Fatalf("CreateRoom() = %v", err)
	}
	if want.Seq <= 0 {
		t.Errorf("CreateRoom() set Seq %d; want > 0", want.Seq)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("CreateRoom() mismatch (-got +want):\n%s", diff)
	}
	got, err = s.Room(t.Context(), a.ID, want.ID)
	if err != nil {
		t.Fatalf("Room() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Room() mismatch (-got +want):\n%s", diff)
	}
}

func testRoomNotFound(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r := mkRoom(t, s, a, "Standup")
	_, err := s.Room(t.Context(), a.ID, "no-such-room")
	wantError(t, "Room(unknown)", err, belfry.NotFound, "no-such-room")
	_, err = s.Room(t.Context(), b.ID, r.ID)
	wantError(t, "Room(a room of another account)", err, belfry.NotFound, r.ID)
}

// testRoomClientToken checks that a client token makes CreateRoom
// idempotent within its account, and that rooms without one never clash.
func testRoomClientToken(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	first, err := s.CreateRoom(ctx, newRoom(a, "Standup", "token-1"))
	if err != nil {
		t.Fatalf("CreateRoom() = %v", err)
	}
	retry := newRoom(a, "Standup again", "token-1")
	got, err := s.CreateRoom(ctx, retry)
	if err != nil {
		t.Fatalf("CreateRoom(same token) = %v", err)
	}
	if diff := cmp.Diff(got, first); diff != "" {
		t.Errorf("CreateRoom(same token) mismatch (-got +want):\n%s", diff)
	}
	want := []*belfry.Room{first}
	for _, r := range []*belfry.Room{newRoom(a, "No token", ""), newRoom(a, "No token", ""), newRoom(a, "Other token", "token-2")} {
		if _, err := s.CreateRoom(ctx, r); err != nil {
			t.Fatalf("CreateRoom(%s, token %q) = %v", r.Name, r.ClientToken, err)
		}
		want = append(want, r)
	}
	list, err := s.ListRooms(ctx, a.ID, belfry.RoomFilter{}, belfry.Page{Limit: 100})
	if err != nil {
		t.Fatalf("ListRooms() = %v", err)
	}
	if diff := cmp.Diff(list, want); diff != "" {
		t.Errorf("ListRooms() mismatch (-got +want):\n%s", diff)
	}
	elsewhere := newRoom(b, "Standup", "token-1")
	got, err = s.CreateRoom(ctx, elsewhere)
	if err != nil {
		t.Fatalf("CreateRoom(same token, another account) = %v", err)
	}
	if diff := cmp.Diff(got, elsewhere); diff != "" {
		t.Errorf("CreateRoom(same token, another account) mismatch (-got +want):\n%s", diff)
	}
}

// testRoomConcurrentToken checks that the database, not a read before the
// write, keeps a client token to one room: eight simultaneous calls with one
// token all answer the same room.
func testRoomConcurrentToken(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	const n = 8
	rooms := make([]*belfry.Room, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { rooms[i], errs[i] = s.CreateRoom(t.Context(), newRoom(a, "Standup", "token-1")) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateRoom #%d = %v", i, err)
		}
		if diff := cmp.Diff(rooms[i], rooms[0]); diff != "" {
			t.Errorf("CreateRoom #%d mismatch with #0 (-#%d +#0):\n%s", i, i, diff)
		}
	}
	list, err := s.ListRooms(t.Context(), a.ID, belfry.RoomFilter{}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListRooms() = %v", err)
	}
	if diff := cmp.Diff(list, rooms[:1]); diff != "" {
		t.Errorf("ListRooms() mismatch (-got +want):\n%s", diff)
	}
}

func testRoomLimit(t *testing.T, s belfry.Store) {
	if testing.Short() {
		t.Skipf("makes %d rooms", belfry.MaxRoomsPerAccount)
	}
	a := mkEnterprise(t, s, "example.com")
	var first *belfry.Room
	for i := range belfry.MaxRoomsPerAccount {
		r, err := s.CreateRoom(t.Context(), newRoom(a, fmt.Sprint("Room ", i), fmt.Sprint("token-", i)))
		if err != nil {
			t.Fatalf("CreateRoom(#%d) = %v", i, err)
		}
		if i == 0 {
			first = r
		}
	}
	_, err := s.CreateRoom(t.Context(), newRoom(a, "One too many", ""))
	wantError(t, "CreateRoom(one room too many)", err, belfry.LimitExceeded, a.ID)
	got, err := s.CreateRoom(t.Context(), newRoom(a, "Retry", "token-0"))
	if err != nil {
		t.Fatalf("CreateRoom(a used token, at the limit) = %v", err)
	}
	if diff := cmp.Diff(got, first); diff != "" {
		t.Errorf("CreateRoom(a used token, at the limit) mismatch (-got +want):\n%s", diff)
	}
	b := mkAccount(t, s, awsAccount(2), "Other")
	if _, err := s.CreateRoom(t.Context(), newRoom(b, "Elsewhere", "")); err != nil {
		t.Errorf("CreateRoom(another account) = %v; want the limit to be per account", err)
	}
}

func testRoomListByMember(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	r1, r2, r3 := mkRoom(t, s, a, "One"), mkRoom(t, s, a, "Two"), mkRoom(t, s, a, "Three")
	for _, r := range []*belfry.Room{r3, r1} {
		mkMembership(t, s, a, r, ana)
	}
	mkMembership(t, s, a, r2, bob)
	for _, tc := range []struct {
		member string
		want   []*belfry.Room
	}{
		{"", []*belfry.Room{r1, r2, r3}},
		{ana.ID, []*belfry.Room{r1, r3}},
		{bob.ID, []*belfry.Room{r2}},
		{"nobody", nil},
	} {
		got, err := s.ListRooms(ctx, a.ID, belfry.RoomFilter{MemberID: tc.member}, belfry.Page{Limit: 10})
		if err != nil {
			t.Fatalf("ListRooms(member %q) = %v", tc.member, err)
		}
		if diff := cmp.Diff(got, tc.want, cmpEmpty); diff != "" {
			t.Errorf("ListRooms(member %q) mismatch (-got +want):\n%s", tc.member, diff)
		}
	}
}
