package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/postgres"
	"github.com/jackc/pgx/v5"
)

// These tests stand in for replicas at the store level: each Store has its
// own connection pool, as each Belfry process has, on one schema. The
// end-to-end test with three processes is cmd/belfry's TestReplicas.

// replicas opens n stores at once on one fresh, empty schema, so that their
// migrations race, and closes them when t ends.
func replicas(t *testing.T, n int) (string, []*postgres.Store) {
	t.Helper()
	u := pgtestSchema(t)
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(t.Context(), u) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open #%d, with %d at once = %v", i, n, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	return u, stores
}

// race runs fn on every store at once, fn(i, stores[i]), and waits.
func race(stores []*postgres.Store, fn func(i int, s *postgres.Store)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Go(func() {
			<-start
			fn(i, s)
		})
	}
	close(start)
	wg.Wait()
}

// TestMigrationsRace opens six stores at once on an empty schema: each
// migration must be applied once, and every store must open.
func TestMigrationsRace(t *testing.T) {
	u, _ := replicas(t, 6)
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n, distinct int
	err = conn.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct)
	if err != nil || n == 0 || n != distinct {
		t.Errorf("schema_migrations has %d rows, %d versions (%v); want each version once", n, distinct, err)
	}
}

var idSeq sync.Mutex
var idN int

func nextID() string {
	idSeq.Lock()
	defer idSeq.Unlock()
	idN++
	return fmt.Sprintf("00000000-0000-4000-9000-%012d", idN)
}

func mkAccount(t *testing.T, s belfry.Store, domain string) *belfry.Account {
	t.Helper()
	a := &belfry.Account{AwsAccountID: "100000000001", ID: nextID(), Name: "Replicated", Type: belfry.Team,
		Created: time.Now(), DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateAccount() = %v", err)
	}
	if domain == "" {
		return a
	}
	a, err := s.ClaimDomain(t.Context(), a.ID, domain, belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain() = %v", err)
	}
	return a
}

func newUser(a *belfry.Account, email string) *belfry.User {
	return &belfry.User{ID: nextID(), AccountID: a.ID, Email: email, License: belfry.Pro, Type: belfry.PrivateUser,
		Registration: belfry.Registered, RegisteredOn: time.Now(), PersonalPIN: belfry.NewPersonalPIN()}
}

// TestReplicasCreateUserSameEmail creates one address on two stores at
// once, many times: one must win and the other get a Conflict.
func TestReplicasCreateUserSameEmail(t *testing.T) {
	_, stores := replicas(t, 2)
	a := mkAccount(t, stores[0], "example.com")
	for round := range 50 {
		errs := make([]error, len(stores))
		email := fmt.Sprintf("race%d@example.com", round)
		race(stores, func(i int, s *postgres.Store) { errs[i] = s.CreateUser(t.Context(), newUser(a, email)) })
		var won int
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case belfry.ErrorKind(err) != belfry.Conflict || errors.Is(err, belfry.ErrPINTaken):
				t.Errorf("round %d: CreateUser on store %d = %v; want nil or an e-mail Conflict", round, i, err)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d stores created %s; want 1", round, won, email)
		}
	}
}

func pgtestSchema(t *testing.T) string { return pgtest.Schema(t, dbURL) }

// inviteItems makes the items of an InviteUsers call for emails, as the
// service would.
func inviteItems(a *belfry.Account, emails ...string) []*belfry.InviteItem {
	now := time.Now()
	items := make([]*belfry.InviteItem, len(emails))
	for i, e := range emails {
		items[i] = &belfry.InviteItem{
			Email: e, Key: belfry.EmailKey(e),
			User: &belfry.User{ID: nextID(), AccountID: a.ID, Email: e, License: belfry.Pro, Type: belfry.PrivateUser,
				Registration: belfry.Unregistered, Invitation: belfry.InvitePending, InvitedOn: now},
			Invite: &belfry.Invite{ID: nextID(), AccountID: a.ID, Email: e, Status: belfry.InvitePending,
				EmailStatus: belfry.EmailNotSent, Created: now},
		}
	}
	return items
}

// TestReplicasInviteSameNewAddresses invites overlapping new addresses, in
// opposite orders, on three stores at once. The losers of the races for a
// new address (and of the deadlocks opposite orders cause) must run again
// and re-invite the winner's user: every call succeeds, and every address
// has one user.
func TestReplicasInviteSameNewAddresses(t *testing.T) {
	_, stores := replicas(t, 3)
	a := mkAccount(t, stores[0], "")
	for round := range 20 {
		emails := []string{fmt.Sprintf("a%d@example.com", round), fmt.Sprintf("b%d@example.com", round),
			fmt.Sprintf("c%d@example.com", round)}
		calls := make([][]*belfry.InviteItem, len(stores))
		errs := make([]error, len(stores))
		for i := range stores {
			order := append([]string(nil), emails...)
			if i%2 == 1 {
				order[0], order[2] = order[2], order[0]
			}
			calls[i] = inviteItems(a, order...)
		}
		race(stores, func(i int, s *postgres.Store) { errs[i] = s.InviteUsers(t.Context(), a.ID, calls[i]) })
		users := map[string]string{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: InviteUsers on store %d = %v; want success", round, i, err)
			}
			for _, item := range calls[i] {
				if id, ok := users[item.Key]; ok && id != item.User.ID {
					t.Errorf("round %d: %s answered user %s on store %d and %s before", round, item.Email, item.User.ID, i, id)
				}
				users[item.Key] = item.User.ID
			}
		}
	}
	list, err := stores[1].ListUsers(t.Context(), a.ID, belfry.UserFilter{}, belfry.Page{})
	if err != nil || len(list) != 60 {
		t.Errorf("ListUsers() = %d users, %v; want 60, one per address", len(list), err)
	}
}

// TestReplicasCreateRoomSameToken sends one client request token to three
// stores at once: they must all answer the one room it made.
func TestReplicasCreateRoomSameToken(t *testing.T) {
	_, stores := replicas(t, 3)
	a := mkAccount(t, stores[0], "example.com")
	for round := range 20 {
		rooms := make([]*belfry.Room, len(stores))
		errs := make([]error, len(stores))
		token := fmt.Sprint("token-", round)
		race(stores, func(i int, s *postgres.Store) {
			now := time.Now()
			rooms[i], errs[i] = s.CreateRoom(t.Context(), &belfry.Room{ID: nextID(), AccountID: a.ID, Name: "Standup",
				Created: now, Updated: now, ClientToken: token})
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: CreateRoom on store %d = %v", round, i, err)
			}
			if rooms[i].ID != rooms[0].ID || rooms[i].Seq != rooms[0].Seq {
				t.Errorf("round %d: store %d answered room %s, store 0 room %s; want one room", round, i, rooms[i].ID, rooms[0].ID)
			}
		}
	}
	list, err := stores[2].ListRooms(t.Context(), a.ID, belfry.RoomFilter{}, belfry.Page{})
	if err != nil || len(list) != 20 {
		t.Errorf("ListRooms() = %d rooms, %v; want 20, one per token", len(list), err)
	}
}

// TestReplicasRoomLimit fills a room to two places short of
// MaxMembersPerRoom and adds six members on three stores at once: exactly
// two may join.
func TestReplicasRoomLimit(t *testing.T) {
	if testing.Short() {
		t.Skipf("makes %d users", belfry.MaxMembersPerRoom)
	}
	_, stores := replicas(t, 3)
	ctx := t.Context()
	a := mkAccount(t, stores[0], "example.com")
	now := time.Now()
	room, err := stores[0].CreateRoom(ctx, &belfry.Room{ID: nextID(), AccountID: a.ID, Name: "Full", Created: now, Updated: now})
	if err != nil {
		t.Fatal(err)
	}
	join := func(s *postgres.Store, email string) error {
		u := newUser(a, email)
		if err := s.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.CreateMembership(ctx, a.ID, &belfry.Membership{RoomID: room.ID, Member: belfry.Member{ID: u.ID},
			Role: belfry.RoleMember, Updated: now})
	}
	for i := range belfry.MaxMembersPerRoom - 2 {
		if err := join(stores[i%3], fmt.Sprintf("m%d@example.com", i)); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, 6)
	race(append(stores, stores...), func(i int, s *postgres.Store) { errs[i] = join(s, fmt.Sprintf("late%d@example.com", i)) })
	var joined int
	for i, err := range errs {
		switch {
		case err == nil:
			joined++
		case belfry.ErrorKind(err) != belfry.LimitExceeded:
			t.Errorf("late member %d: %v; want success or LimitExceeded", i, err)
		}
	}
	list, err := stores[0].ListMemberships(ctx, room.ID, belfry.Page{})
	if joined != 2 || err != nil || len(list) != belfry.MaxMembersPerRoom {
		t.Errorf("%d late members joined, the room has %d (%v); want 2 and %d", joined, len(list), err, belfry.MaxMembersPerRoom)
	}
}

// TestReplicasClaimDomainTypes claims two domains for one Team account, as
// two Enterprise types, on two stores at once: one claim must win, and the
// account must end with one type and only the winner's domain.
func TestReplicasClaimDomainTypes(t *testing.T) {
	_, stores := replicas(t, 2)
	for round := range 20 {
		a := mkAccount(t, stores[0], "")
		types := []belfry.AccountType{belfry.EnterpriseLWA, belfry.EnterpriseOIDC}
		got := make([]*belfry.Account, 2)
		errs := make([]error, 2)
		race(stores, func(i int, s *postgres.Store) {
			got[i], errs[i] = s.ClaimDomain(t.Context(), a.ID, fmt.Sprintf("d%d-%d.example", round, i), types[i])
		})
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: ClaimDomain = %v, %v; want one success and one Conflict", round, errs[0], errs[1])
		}
		w := 0
		if errs[0] != nil {
			w = 1
		}
		if belfry.ErrorKind(errs[1-w]) != belfry.Conflict {
			t.Errorf("round %d: the losing claim = %v; want Conflict", round, errs[1-w])
		}
		after, err := stores[1].Account(t.Context(), "", a.ID)
		if err != nil || after.Type != types[w] || len(after.Domains) != 1 {
			t.Errorf("round %d: account after the race: %+v, %v; want %s with one domain", round, after, err, types[w])
		}
	}
}

// TestReplicasInviteWhileCreating invites an address on one store while
// another creates a user with it: whichever wins, InviteUsers must not fail
// (DECISIONS.md: it never fails the whole call for one address), and the
// address must have one user.
func TestReplicasInviteWhileCreating(t *testing.T) {
	_, stores := replicas(t, 2)
	a := mkAccount(t, stores[0], "example.com")
	for round := range 30 {
		email := fmt.Sprintf("both%d@example.com", round)
		items := inviteItems(a, email)
		var created, invited error
		race(stores, func(i int, s *postgres.Store) {
			if i == 0 {
				created = s.CreateUser(t.Context(), newUser(a, email))
			} else {
				invited = s.InviteUsers(t.Context(), a.ID, items)
			}
		})
		if invited != nil {
			t.Fatalf("round %d: InviteUsers = %v; want success", round, invited)
		}
		switch {
		case created == nil && items[0].Action != belfry.InviteRefused:
			t.Errorf("round %d: CreateUser won, but the invite was %d; want refused", round, items[0].Action)
		case created != nil && belfry.ErrorKind(created) != belfry.Conflict:
			t.Errorf("round %d: CreateUser = %v; want success or Conflict", round, created)
		}
		list, err := stores[0].ListUsers(t.Context(), a.ID, belfry.UserFilter{EmailKey: email}, belfry.Page{})
		if err != nil || len(list) != 1 || list[0].ID != items[0].User.ID {
			t.Errorf("round %d: users with %s: %d, %v; want one, the invite's", round, email, len(list), err)
		}
	}
}

// TestReplicasClaimMail queues mail jobs and lets workers on three stores claim
// it at once: each message must be claimed exactly once.
func TestReplicasClaimMail(t *testing.T) {
	_, stores := replicas(t, 3)
	a := mkAccount(t, stores[0], "")
	var emails []string
	for i := range 90 {
		emails = append(emails, fmt.Sprintf("mail%d@example.com", i))
	}
	items := inviteItems(a, emails...)
	for _, item := range items {
		item.Mail = &belfry.Mail{ID: nextID(), InviteID: item.Invite.ID, AccountID: a.ID, To: item.Email,
			Subject: "Join", MessageID: nextID() + "@belfry", Status: belfry.MailQueued,
			NextAttempt: item.Invite.Created, Created: item.Invite.Created}
	}
	if err := stores[0].InviteUsers(t.Context(), a.ID, items); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claimed := map[string]int{}
	race(append(stores, stores...), func(i int, s *postgres.Store) {
		for range 10 {
			got, err := s.ClaimJobs(t.Context(), belfry.KindMail, fmt.Sprint("worker-", i), time.Now(), time.Minute, 2)
			if err != nil {
				t.Errorf("ClaimJobs() = %v", err)
				return
			}
			mu.Lock()
			for _, m := range got {
				claimed[m.ID]++
			}
			mu.Unlock()
		}
	})
	for _, item := range items {
		if n := claimed[item.Mail.ID]; n != 1 {
			t.Errorf("mail to %s claimed %d times; want once", item.Email, n)
		}
	}
}
