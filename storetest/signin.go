package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

var signInTests = []test{
	{"UsedOnce", testSignInUsedOnce},
	{"Expires", testSignInExpires},
	{"UsersByEmail", testUsersByEmail},
}

// newSignIn returns a sign-in of u with token hash hash, made at at(1) and
// valid until at(1)+SignInTTL, and the job of its e-mail.
func newSignIn(u *belfry.User, hash string) (*belfry.SignIn, *belfry.Job) {
	si := &belfry.SignIn{ID: newID(), AccountID: u.AccountID, UserID: u.ID, TokenHash: []byte(hash),
		Created: at(1), Expires: at(1).Add(belfry.SignInTTL)}
	j := &belfry.Job{ID: newID(), Kind: belfry.KindSignIn, AccountID: u.AccountID, UserID: u.ID, Ref: si.ID,
		Payload: []byte(`{}`), Secret: []byte(`{"link":"x"}`), Status: belfry.JobQueued, Due: at(1), Created: at(1), Expires: si.Expires}
	return si, j
}

func testSignInUsedOnce(t *testing.T, s belfry.Store) {
	u := mkUser(t, s, mkEnterprise(t, s, "example.com"), "ana@example.com")
	si, j := newSignIn(u, "hash-1")
	if err := s.CreateSignIn(t.Context(), si, j); err != nil {
		t.Fatalf("CreateSignIn() = %v", err)
	}
	if jobs, err := s.Jobs(t.Context(), []string{j.ID}); err != nil || len(jobs) != 1 || jobs[0].Kind != belfry.KindSignIn {
		t.Errorf("Jobs(the sign-in's e-mail) = %v, %v; want the queued signin job", jobs, err)
	}
	got, err := s.UseSignIn(t.Context(), []byte("hash-1"), at(2))
	if err != nil || got.ID != si.ID || got.UserID != u.ID || got.AccountID != u.AccountID {
		t.Fatalf("UseSignIn() = %+v, %v; want the sign-in of %s", got, err, u.ID)
	}
	if _, err := s.UseSignIn(t.Context(), []byte("hash-1"), at(3)); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("UseSignIn() a second time = %v; want NotFound", err)
	}
	if _, err := s.UseSignIn(t.Context(), []byte("hash-2"), at(3)); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("UseSignIn(an unknown hash) = %v; want NotFound", err)
	}
}

func testSignInExpires(t *testing.T, s belfry.Store) {
	u := mkUser(t, s, mkEnterprise(t, s, "example.com"), "ana@example.com")
	si, j := newSignIn(u, "hash-late")
	if err := s.CreateSignIn(t.Context(), si, j); err != nil {
		t.Fatalf("CreateSignIn() = %v", err)
	}
	if _, err := s.UseSignIn(t.Context(), []byte("hash-late"), si.Expires); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("UseSignIn() at its expiry = %v; want NotFound", err)
	}
	if _, err := s.UseSignIn(t.Context(), []byte("hash-late"), si.Expires.Add(-time.Millisecond)); err != nil {
		t.Errorf("UseSignIn() just before its expiry = %v; want it used", err)
	}
}

func testUsersByEmail(t *testing.T, s belfry.Store) {
	one := mkEnterprise(t, s, "example.com")
	two := mkAccount(t, s, awsAccount(2), "Two")
	gone := mkAccount(t, s, awsAccount(2), "Gone")
	a := mkUser(t, s, one, "ana@example.com")
	b := mkUser(t, s, two, "ana@example.com")
	mkUser(t, s, gone, "ana@example.com")
	mkUser(t, s, one, "bo@example.com")
	noop := func(*belfry.Account, int) error { return nil }
	if err := s.DeleteAccount(context.Background(), "", gone.ID, at(3), noop); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListUsersByEmail(t.Context(), "ana@example.com")
	if err != nil || len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
		t.Errorf("ListUsersByEmail() = %v, %v; want Ana of the two live accounts", got, err)
	}
}

// signInChanges issues user u a sign-in link and uses it.
func signInChanges(s belfry.Store, u *belfry.User) []auditedChange {
	si, j := newSignIn(u, "audit-hash")
	return []auditedChange{
		{"CreateSignIn", func(ctx context.Context) error { return s.CreateSignIn(ctx, si, j) }},
		{"UseSignIn", func(ctx context.Context) error {
			_, err := s.UseSignIn(ctx, si.TokenHash, at(2))
			return err
		}},
	}
}
