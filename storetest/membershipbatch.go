package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var membershipBatchTests = []test{
	{"PerItem", testBatchPerItem},
	{"UnknownRoom", testBatchUnknownRoom},
	{"RoomFills", testBatchRoomFills},
	{"Concurrent", testBatchConcurrent},
}

// batchOf returns items that add the users to room r, as the service makes
// them: one UpdatedTimestamp for all.
func batchOf(r *belfry.Room, users ...*belfry.User) []*belfry.MembershipItem {
	items := make([]*belfry.MembershipItem, len(users))
	for i, u := range users {
		items[i] = &belfry.MembershipItem{Membership: newMembership(r, u)}
	}
	return items
}

// outcomes returns, for each item, the kind of its error, or "made".
func outcomes(items []*belfry.MembershipItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "made"
		if it.Err != nil {
			out[i] = belfry.ErrorKind(it.Err).String()
		}
	}
	return out
}

// testBatchPerItem checks that each item of a batch succeeds or fails alone,
// in one call: members of the room's account join once, a second time in
// the batch or a member already in the room is a Conflict, and unknown IDs
// and other accounts' users are NotFound.
func testBatchPerItem(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	r := mkRoom(t, s, a, "Standup")
	ana, bob, cy := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com"), mkUser(t, s, a, "cy@example.com")
	stranger := mkUser(t, s, b, "dee@example.net")
	already := mkMembership(t, s, a, r, bob)
	items := batchOf(r, ana, ana, &belfry.User{ID: "no-such-user"}, stranger, bob, cy)
	if err := s.CreateMemberships(t.Context(), a.ID, r.ID, items); err != nil {
		t.Fatalf("CreateMemberships() = %v", err)
	}
	want := []string{"made", "conflict", "not found", "not found", "conflict", "made"}
	if diff := cmp.Diff(outcomes(items), want); diff != "" {
		t.Fatalf("CreateMemberships() outcomes mismatch (-got +want):\n%s", diff)
	}
	for _, i := range []int{1, 4} {
		wantError(t, fmt.Sprintf("item %d", i), items[i].Err, belfry.Conflict, items[i].Membership.Member.ID, r.ID)
	}
	wantError(t, "item 2", items[2].Err, belfry.NotFound, "no-such-user")
	wantError(t, "item 3", items[3].Err, belfry.NotFound, stranger.ID)
	for _, i := range []int{0, 5} {
		if m := items[i].Membership; m.Seq <= 0 || m.Member.Email == "" {
			t.Errorf("item %d was made without its Seq or member filled in: %+v", i, m)
		}
	}
	wantList := []*belfry.Membership{already, items[0].Membership, items[5].Membership}
	if diff := cmp.Diff(memberships(t, s, r), wantList); diff != "" {
		t.Errorf("ListMemberships() after the batch mismatch (-got +want):\n%s", diff)
	}
}

// testBatchUnknownRoom checks that a room that is not the account's fails
// the whole batch and stores nothing.
func testBatchUnknownRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkEnterprise(t, s, "example.org")
	theirs := mkRoom(t, s, b, "Theirs")
	ana := mkUser(t, s, a, "ana@example.com")
	err := s.CreateMemberships(t.Context(), a.ID, "no-such-room", batchOf(&belfry.Room{ID: "no-such-room"}, ana))
	wantError(t, "CreateMemberships(unknown room)", err, belfry.NotFound, "no-such-room")
	err = s.CreateMemberships(t.Context(), a.ID, theirs.ID, batchOf(theirs, ana))
	wantError(t, "CreateMemberships(a room of another account)", err, belfry.NotFound, theirs.ID)
	if got := memberships(t, s, theirs); len(got) != 0 {
		t.Errorf("ListMemberships() after a refused batch = %d memberships; want none", len(got))
	}
}

// testBatchRoomFills checks that a batch counts its own members against the
// room's limit: into a room one member short of full, the first user
// joins and the next is refused.
func testBatchRoomFills(t *testing.T, s belfry.Store) {
	if testing.Short() {
		t.Skipf("makes %d users", belfry.MaxMembersPerRoom)
	}
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Town hall")
	users := make([]*belfry.User, belfry.MaxMembersPerRoom+1)
	for i := range users {
		users[i] = mkUser(t, s, a, fmt.Sprintf("user%d@example.com", i))
	}
	for start := 0; start < belfry.MaxMembersPerRoom-1; start += 50 {
		end := min(start+50, belfry.MaxMembersPerRoom-1)
		items := batchOf(r, users[start:end]...)
		if err := s.CreateMemberships(t.Context(), a.ID, r.ID, items); err != nil {
			t.Fatalf("CreateMemberships(users %d-%d) = %v", start, end, err)
		}
	}
	items := batchOf(r, users[belfry.MaxMembersPerRoom-1:]...)
	if err := s.CreateMemberships(t.Context(), a.ID, r.ID, items); err != nil {
		t.Fatalf("CreateMemberships(the last two) = %v", err)
	}
	if diff := cmp.Diff(outcomes(items), []string{"made", "limit exceeded"}); diff != "" {
		t.Fatalf("CreateMemberships(the last two) outcomes mismatch (-got +want):\n%s", diff)
	}
	wantError(t, "the one too many", items[1].Err, belfry.LimitExceeded, r.ID)
}

// testBatchConcurrent sends one batch of three users to one room from four
// callers at once, with a single CreateMembership of the last user among
// them: each user joins once, every other attempt is a Conflict, and no
// caller fails as a whole.
func testBatchConcurrent(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r := mkRoom(t, s, a, "Standup")
	users := []*belfry.User{mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com"), mkUser(t, s, a, "cy@example.com")}
	const n = 4
	batches := make([][]*belfry.MembershipItem, n)
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := range n {
		batches[i] = batchOf(r, users...)
		wg.Go(func() { errs[i] = s.CreateMemberships(t.Context(), a.ID, r.ID, batches[i]) })
	}
	wg.Go(func() { errs[n] = s.CreateMembership(t.Context(), a.ID, newMembership(r, users[2])) })
	wg.Wait()
	made := make([]int, len(users))
	for i, err := range errs[:n] {
		if err != nil {
			t.Fatalf("CreateMemberships #%d = %v", i, err)
		}
		for j, o := range outcomes(batches[i]) {
			switch o {
			case "made":
				made[j]++
			case "conflict":
			default:
				t.Errorf("batch #%d item %d: %v; want made or a Conflict", i, j, batches[i][j].Err)
			}
		}
	}
	if errs[n] == nil {
		made[2]++
	} else if belfry.ErrorKind(errs[n]) != belfry.Conflict {
		t.Errorf("CreateMembership() = %v; want success or a Conflict", errs[n])
	}
	if diff := cmp.Diff(made, []int{1, 1, 1}); diff != "" {
		t.Errorf("times each user joined mismatch (-got +want):\n%s", diff)
	}
	got := ids(memberships(t, s, r), func(m *belfry.Membership) string { return m.Member.ID })
	slices.Sort(got)
	want := ids(users, func(u *belfry.User) string { return u.ID })
	slices.Sort(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("room members mismatch (-got +want):\n%s", diff)
	}
}
