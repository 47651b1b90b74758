package storetest

import (
	"errors"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var userUpdateTests = []test{
	{"EveryFieldRoundTrips", testUpdateUsersFields},
	{"NewFieldsAtCreation", testCreateUserNewFields},
	{"PerItemFailures", testUpdateUsersPerItem},
	{"LaterChangeSeesEarlier", testUpdateUsersInOrder},
	{"PINTakenFailsAll", testUpdateUsersPINTaken},
}

// change is a UserChange of user id that apply makes.
func change(id string, apply func(*belfry.User) error) *belfry.UserChange {
	return &belfry.UserChange{ID: id, Apply: apply}
}

// updateUsers runs UpdateUsers and fails t if the call itself fails.
func updateUsers(t *testing.T, s belfry.Store, a *belfry.Account, changes ...*belfry.UserChange) {
	t.Helper()
	if err := s.UpdateUsers(t.Context(), a.ID, changes); err != nil {
		t.Fatalf("UpdateUsers() = %v", err)
	}
}

// wantUser fails t unless the stored user u.ID is want.
func wantUser(t *testing.T, s belfry.Store, want *belfry.User) {
	t.Helper()
	got, err := s.User(t.Context(), want.AccountID, want.ID)
	if err != nil {
		t.Fatalf("User(%s) = %v", want.Email, err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("User(%s) mismatch (-got +want):\n%s", want.Email, diff)
	}
}

func testUpdateUsersFields(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	want := *u
	want.DisplayName, want.License, want.Type = "Ana", belfry.Basic, belfry.SharedDevice
	want.Registration, want.Invitation = belfry.Suspended, belfry.InviteAccepted
	want.RegisteredOn, want.InvitedOn, want.SessionsRevoked = at(20), at(21), at(22)
	want.PersonalPIN, want.PhoneNumber = belfry.NewPersonalPIN(), "+15555550100"
	want.AlexaForBusiness = belfry.AlexaForBusiness{Enabled: true, RoomARN: "arn:aws:a4b:us-east-1:111122223333:room/r"}
	c := change(u.ID, func(got *belfry.User) error {
		if diff := cmp.Diff(got, u); diff != "" {
			t.Errorf("Apply got a user mismatch (-got +want):\n%s", diff)
		}
		*got = want
		return nil
	})
	updateUsers(t, s, a, c)
	if c.Err != nil {
		t.Fatalf("UpdateUsers() change failed: %v", c.Err)
	}
	if diff := cmp.Diff(c.User, &want); diff != "" {
		t.Errorf("UserChange.User mismatch (-got +want):\n%s", diff)
	}
	wantUser(t, s, &want)
}

func testCreateUserNewFields(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	u := newUser(a, "ana@example.com")
	u.SessionsRevoked = at(30)
	u.AlexaForBusiness = belfry.AlexaForBusiness{Enabled: true, RoomARN: "arn:room"}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	wantUser(t, s, u)
}

func testUpdateUsersPerItem(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	stranger := mkUser(t, s, b, "carl@example.net")
	refusal := belfry.Errorf(belfry.BadRequest, "not this one")
	basic := func(u *belfry.User) error {
		u.License = belfry.Basic
		return nil
	}
	changes := []*belfry.UserChange{
		change("no-such-user", basic),
		change(ana.ID, basic),
		change(stranger.ID, basic),
		change(bob.ID, func(u *belfry.User) error {
			u.License = belfry.Basic
			return refusal
		}),
	}
	updateUsers(t, s, a, changes...)
	wantError(t, "change of an unknown user", changes[0].Err, belfry.NotFound, "no-such-user")
	wantError(t, "change of another account's user", changes[2].Err, belfry.NotFound, stranger.ID)
	if !errors.Is(changes[3].Err, refusal) || changes[3].User != nil {
		t.Errorf("refused change: Err %v, User %v; want Apply's error and no user", changes[3].Err, changes[3].User)
	}
	wantAna := *ana
	wantAna.License = belfry.Basic
	if diff := cmp.Diff(changes[1].User, &wantAna); diff != "" || changes[1].Err != nil {
		t.Errorf("good change: Err %v, User mismatch (-got +want):\n%s", changes[1].Err, diff)
	}
	wantUser(t, s, &wantAna)
	wantUser(t, s, bob)
	wantUser(t, s, stranger)
}

func testUpdateUsersInOrder(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	var seen belfry.RegistrationStatus
	updateUsers(t, s, a,
		change(u.ID, func(u *belfry.User) error {
			u.Registration = belfry.Suspended
			return nil
		}),
		change(u.ID, func(u *belfry.User) error {
			seen = u.Registration
			return nil
		}))
	if seen != belfry.Suspended {
		t.Errorf("the second change saw %s; want the first's Suspended", seen)
	}
	want := *u
	want.Registration = belfry.Suspended
	wantUser(t, s, &want)
}

// testUpdateUsersPINTaken checks that a PIN clash, which the service answers
// by drawing another PIN, fails the whole call and keeps every change out.
func testUpdateUsersPINTaken(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	other := mkUser(t, s, b, "carl@example.net")
	err := s.UpdateUsers(t.Context(), a.ID, []*belfry.UserChange{
		change(ana.ID, func(u *belfry.User) error {
			u.License = belfry.Basic
			return nil
		}),
		change(bob.ID, func(u *belfry.User) error {
			u.PersonalPIN = other.PersonalPIN
			return nil
		}),
	})
	wantError(t, "UpdateUsers(a PIN in use)", err, belfry.Conflict)
	if !errors.Is(err, belfry.ErrPINTaken) {
		t.Errorf("UpdateUsers(a PIN in use) = %v; want it to wrap ErrPINTaken", err)
	}
	wantUser(t, s, ana)
	wantUser(t, s, bob)
}
