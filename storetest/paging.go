package storetest

import (
	"fmt"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var pagingTests = []test{
	{"Accounts", testPageAccounts},
	{"Users", testPageUsers},
	{"UsersWhileWriting", testPageUsersWhileWriting},
	{"Rooms", testPageRooms},
	{"Memberships", testPageMemberships},
}

// pageAll reads a listing page by page, size items a page, each page after
// the last item of the one before, until a page comes back short. It fails t
// if a page is too long or if paging does not end.
func pageAll[T any](t *testing.T, size int, list func(belfry.Page) ([]T, error), seq func(T) int64) []T {
	t.Helper()
	var all []T
	p := belfry.Page{Limit: size}
	for range 10_000 {
		page, err := list(p)
		if err != nil {
			t.Fatalf("page after %d = %v", p.After, err)
		}
		if len(page) > size {
			t.Fatalf("page after %d has %d items; want at most %d", p.After, len(page), size)
		}
		all = append(all, page...)
		if len(page) < size {
			return all
		}
		p.After = seq(page[len(page)-1])
	}
	t.Fatalf("paging %d at a time did not end", size)
	return nil
}

// wantPages checks that paging through list at each size answers want,
// each item whole and once, in creation order.
func wantPages[T any](t *testing.T, want []T, list func(belfry.Page) ([]T, error), seq func(T) int64) {
	t.Helper()
	for _, size := range []int{1, 3, 10, len(want) - 1, len(want), len(want) + 1} {
		if size < 1 {
			continue
		}
		got := pageAll(t, size, list, seq)
		if diff := cmp.Diff(got, want, cmpEmpty); diff != "" {
			t.Errorf("pages of %d mismatch (-got +want):\n%s", size, diff)
		}
	}
}

func testPageAccounts(t *testing.T, s belfry.Store) {
	var want []*belfry.Account
	for i := range 25 {
		want = append(want, mkAccount(t, s, awsAccount(1), fmt.Sprint("Mine ", i)))
		mkAccount(t, s, awsAccount(2), fmt.Sprint("Theirs ", i))
	}
	f := belfry.AccountFilter{AwsAccountID: awsAccount(1)}
	list := func(p belfry.Page) ([]*belfry.Account, error) { return s.ListAccounts(t.Context(), f, p) }
	wantPages(t, want, list, func(a *belfry.Account) int64 { return a.Seq })
}

func testPageUsers(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	var want, devices []*belfry.User
	for i := range 120 {
		u := newUser(a, fmt.Sprintf("user%03d@example.com", i))
		if i%3 == 0 {
			u.Type = belfry.SharedDevice
			devices = append(devices, u)
		}
		if err := s.CreateUser(t.Context(), u); err != nil {
			t.Fatalf("CreateUser() = %v", err)
		}
		want = append(want, u)
		if i%10 == 0 {
			mkUser(t, s, b, u.Email)
		}
	}
	seq := func(u *belfry.User) int64 { return u.Seq }
	list := func(p belfry.Page) ([]*belfry.User, error) {
		return s.ListUsers(t.Context(), a.ID, belfry.UserFilter{}, p)
	}
	wantPages(t, want, list, seq)
	devicesOnly := func(p belfry.Page) ([]*belfry.User, error) {
		return s.ListUsers(t.Context(), a.ID, belfry.UserFilter{Type: belfry.SharedDevice}, p)
	}
	wantPages(t, devices, devicesOnly, seq)
}

// testPageUsersWhileWriting checks that paging while users are added never
// repeats or skips a user that existed when paging began (DECISIONS.md,
// pages).
func testPageUsersWhileWriting(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	var before []string
	for i := range 30 {
		before = append(before, mkUser(t, s, a, fmt.Sprintf("early%02d@example.com", i)).ID)
	}
	var added int
	list := func(p belfry.Page) ([]*belfry.User, error) {
		page, err := s.ListUsers(t.Context(), a.ID, belfry.UserFilter{}, p)
		if added < 20 {
			mkUser(t, s, a, fmt.Sprintf("late%02d@example.com", added))
			mkUser(t, s, a, fmt.Sprintf("late%02d@example.com", added+1))
			added += 2
		}
		return page, err
	}
	got := pageAll(t, 4, list, func(u *belfry.User) int64 { return u.Seq })
	seen := make(map[string]int)
	for i, u := range got {
		seen[u.ID]++
		if i > 0 && u.Seq <= got[i-1].Seq {
			t.Errorf("item %d has Seq %d after %d; want rising", i, u.Seq, got[i-1].Seq)
		}
	}
	for _, id := range before {
		if seen[id] != 1 {
			t.Errorf("user %s came %d times; want once", id, seen[id])
		}
	}
}

func testPageRooms(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	var want, anas []*belfry.Room
	for i := range 24 {
		r := mkRoom(t, s, a, fmt.Sprint("Room ", i))
		want = append(want, r)
		if i%2 == 1 {
			mkMembership(t, s, a, r, ana)
			anas = append(anas, r)
		}
	}
	seq := func(r *belfry.Room) int64 { return r.Seq }
	all := func(p belfry.Page) ([]*belfry.Room, error) {
		return s.ListRooms(t.Context(), a.ID, belfry.RoomFilter{}, p)
	}
	wantPages(t, want, all, seq)
	member := func(p belfry.Page) ([]*belfry.Room, error) {
		return s.ListRooms(t.Context(), a.ID, belfry.RoomFilter{MemberID: ana.ID}, p)
	}
	wantPages(t, anas, member, seq)
}

func testPageMemberships(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	r, other := mkRoom(t, s, a, "Standup"), mkRoom(t, s, a, "Other")
	var want []*belfry.Membership
	for i := range 24 {
		u := mkUser(t, s, a, fmt.Sprintf("user%02d@example.com", i))
		want = append(want, mkMembership(t, s, a, r, u))
		if i%4 == 0 {
			mkMembership(t, s, a, other, u)
		}
	}
	list := func(p belfry.Page) ([]*belfry.Membership, error) { return s.ListMemberships(t.Context(), r.ID, p) }
	wantPages(t, want, list, func(m *belfry.Membership) int64 { return m.Seq })
}
