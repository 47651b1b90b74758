package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var userTests = []test{
	{"CreateAndGet", testUserCreateAndGet},
	{"NotFound", testUserNotFound},
	{"EmailComparedByKey", testUserEmailKey},
	{"SameEmailInAnotherAccount", testUserOtherAccount},
	{"PINTaken", testUserPINTaken},
	{"ListFilters", testUserListFilters},
	{"ConcurrentSameEmail", testUserConcurrent},
	{"TimeRoundTrip", testUserTime},
}

func testUserCreateAndGet(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	want := newUser(a, "Ana.Lima@Example.com")
	want.PhoneNumber = "+15555550100"
	if err := s.CreateUser(t.Context(), want); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	if want.Seq <= 0 {
		t.Errorf("CreateUser() set Seq %d; want > 0", want.Seq)
	}
	got, err := s.User(t.Context(), a.ID, want.ID)
	if err != nil {
		t.Fatalf("User() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("User() mismatch (-got +want):\n%s", diff)
	}
	second := mkUser(t, s, a, "bob@example.com")
	if second.Seq <= want.Seq {
		t.Errorf("second user's Seq %d; want more than the first's %d", second.Seq, want.Seq)
	}
}

func testUserNotFound(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	u := mkUser(t, s, a, "ana@example.com")
	_, err := s.User(t.Context(), a.ID, "no-such-user")
	wantError(t, "User(unknown)", err, belfry.NotFound, "no-such-user")
	_, err = s.User(t.Context(), b.ID, u.ID)
	wantError(t, "User(a user of another account)", err, belfry.NotFound, u.ID)
}

// testUserEmailKey checks that the store, not its caller, keeps one user per
// e-mail key: the case of the address and the spelling of its domain do not
// make another address.
func testUserEmailKey(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	var want []*belfry.User
	for _, tc := range []struct{ first, second string }{
		{"Ana@Example.com", "ana@EXAMPLE.COM"},
		{" bob@example.com ", "bob@example.com"},
		{"Ana@Bücher.example", "ana@xn--bcher-kva.example"},
		{"zoë@xn--bcher-kva.example", "ZOË@BÜCHER.example"},
	} {
		want = append(want, mkUser(t, s, a, tc.first))
		err := s.CreateUser(t.Context(), newUser(a, tc.second))
		wantError(t, "CreateUser("+tc.second+" after "+tc.first+")", err, belfry.Conflict, a.ID)
		if errors.Is(err, belfry.ErrPINTaken) {
			t.Errorf("CreateUser(%s) = %v wraps ErrPINTaken; the e-mail is the clash", tc.second, err)
		}
	}
	wantUsers(t, s, a, want...)
}

func testUserOtherAccount(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	ana := mkUser(t, s, a, "ana@example.com")
	theirs := newUser(b, "ana@example.com")
	if err := s.CreateUser(t.Context(), theirs); err != nil {
		t.Errorf("CreateUser(the same e-mail in another account) = %v", err)
	}
	wantUsers(t, s, a, ana)
	wantUsers(t, s, b, theirs)
}

func testUserPINTaken(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	u := mkUser(t, s, a, "ana@example.com")
	dup := newUser(b, "bob@example.com")
	dup.PersonalPIN = u.PersonalPIN
	err := s.CreateUser(t.Context(), dup)
	wantError(t, "CreateUser(a PIN in use)", err, belfry.Conflict)
	if !errors.Is(err, belfry.ErrPINTaken) {
		t.Errorf("CreateUser(a PIN in use) = %v; want it to wrap ErrPINTaken", err)
	}
	for _, email := range []string{"carl@example.com", "dora@example.com"} {
		u := newUser(a, email)
		u.PersonalPIN, u.Registration = "", belfry.Unregistered
		if err := s.CreateUser(t.Context(), u); err != nil {
			t.Errorf("CreateUser(%s without a PIN) = %v; want users without PINs not to clash", email, err)
		}
	}
}

func testUserListFilters(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "Ana@Example.com")
	dev := newUser(a, "room-1@example.com")
	dev.Type = belfry.SharedDevice
	if err := s.CreateUser(t.Context(), dev); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	bob := mkUser(t, s, a, "bob@example.com")
	for _, tc := range []struct {
		name   string
		filter belfry.UserFilter
		want   []*belfry.User
	}{
		{"none", belfry.UserFilter{}, []*belfry.User{ana, dev, bob}},
		{"e-mail key", belfry.UserFilter{EmailKey: "ana@example.com"}, []*belfry.User{ana}},
		{"unknown e-mail key", belfry.UserFilter{EmailKey: "zed@example.com"}, nil},
		{"type", belfry.UserFilter{Type: belfry.SharedDevice}, []*belfry.User{dev}},
		{"type and e-mail key", belfry.UserFilter{Type: belfry.SharedDevice, EmailKey: "ana@example.com"}, nil},
	} {
		got, err := s.ListUsers(t.Context(), a.ID, tc.filter, belfry.Page{Limit: 10})
		if err != nil {
			t.Fatalf("ListUsers(%s) = %v", tc.name, err)
		}
		if diff := cmp.Diff(got, tc.want, cmpEmpty); diff != "" {
			t.Errorf("ListUsers(%s) mismatch (-got +want):\n%s", tc.name, diff)
		}
	}
}

// testUserConcurrent checks that the database, not a read before the write,
// keeps the e-mail unique: of eight simultaneous creations one wins.
func testUserConcurrent(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	const n = 8
	errs := make([]error, n)
	users := make([]*belfry.User, n)
	var wg sync.WaitGroup
	for i := range n {
		users[i] = newUser(a, "race@example.com")
		wg.Go(func() { errs[i] = s.CreateUser(t.Context(), users[i]) })
	}
	wg.Wait()
	var ok int
	var winner *belfry.User
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			winner = users[i]
		case belfry.ErrorKind(err) != belfry.Conflict:
			t.Errorf("CreateUser #%d = %v; want nil or a Conflict", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent CreateUser calls succeeded; want 1", ok, n)
	}
	wantUsers(t, s, a, winner)
}

// testUserTime checks that times come back in UTC, at millisecond precision
// at least, whatever zone they were given in, and that unset times stay zero.
func testUserTime(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	zone := time.FixedZone("UTC-3", -3*60*60)
	registered := time.Date(2024, time.February, 29, 23, 59, 58, 123_456_789, zone)
	u := newUser(a, "ana@example.com")
	u.RegisteredOn = registered
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	got, err := s.User(t.Context(), a.ID, u.ID)
	if err != nil {
		t.Fatalf("User() = %v", err)
	}
	// Every field but RegisteredOn comes back as it went in; RegisteredOn
	// legitimately differs below the precision the stores keep, and is
	// checked on its own.
	if diff := cmp.Diff(got, u, cmpopts.IgnoreFields(belfry.User{}, "RegisteredOn")); diff != "" {
		t.Errorf("User() mismatch (-got +want):\n%s", diff)
	}
	r := got.RegisteredOn
	if r.Location() != time.UTC {
		t.Errorf("RegisteredOn is in %v; want UTC", r.Location())
	}
	if d := registered.Sub(r); d < 0 || d >= time.Millisecond {
		t.Errorf("RegisteredOn = %v; want %v to the millisecond", r, registered.UTC())
	}
	if !got.InvitedOn.IsZero() || !got.SessionsRevoked.IsZero() {
		t.Errorf("InvitedOn = %v, SessionsRevoked = %v; want the zero time, as stored", got.InvitedOn, got.SessionsRevoked)
	}
}
