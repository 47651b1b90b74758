package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var inviteTests = []test{
	{"NewAddresses", testInviteNew},
	{"PendingUserGetsNewInvite", testInvitePending},
	{"RegisteredUserRefused", testInviteRegistered},
	{"SuspendedUserReinvited", testInviteSuspended},
	{"SameAddressTwiceInBatch", testInviteTwice},
	{"OneTransaction", testInviteAtomic},
}

// newItem is an InviteItem of account a as the service makes it, at time
// at(n).
func newItem(a *belfry.Account, email string, n int) *belfry.InviteItem {
	now := at(n)
	return &belfry.InviteItem{
		Email: email,
		Key:   belfry.EmailKey(email),
		User: &belfry.User{
			ID: newID(), AccountID: a.ID, Email: email, License: a.DefaultLicense, Type: belfry.PrivateUser,
			Registration: belfry.Unregistered, Invitation: belfry.InvitePending, InvitedOn: now,
		},
		Invite: &belfry.Invite{
			ID: newID(), AccountID: a.ID, Email: email, Status: belfry.InvitePending,
			EmailStatus: belfry.EmailNotSent, Created: now,
		},
	}
}

// invite runs InviteUsers and fails t if it fails.
func invite(t *testing.T, s belfry.Store, a *belfry.Account, items ...*belfry.InviteItem) {
	t.Helper()
	if err := s.InviteUsers(t.Context(), a.ID, items); err != nil {
		t.Fatalf("InviteUsers() = %v", err)
	}
}

// wantUsers fails t unless the users of account a are want, in order.
func wantUsers(t *testing.T, s belfry.Store, a *belfry.Account, want ...*belfry.User) {
	t.Helper()
	got, err := s.ListUsers(t.Context(), a.ID, belfry.UserFilter{}, belfry.Page{Limit: 100})
	if err != nil {
		t.Fatalf("ListUsers() = %v", err)
	}
	if diff := cmp.Diff(got, want, cmpEmpty); diff != "" {
		t.Errorf("ListUsers() mismatch (-got +want):\n%s", diff)
	}
}

// wantAction fails t unless item was settled as action for user u.
func wantAction(t *testing.T, item *belfry.InviteItem, action belfry.InviteAction, u *belfry.User) {
	t.Helper()
	if item.Action != action {
		t.Errorf("%s: Action = %d; want %d", item.Email, item.Action, action)
	}
	if item.User.ID != u.ID || item.Invite.UserID != u.ID {
		t.Errorf("%s: User.ID %s, Invite.UserID %s; want both %s", item.Email, item.User.ID, item.Invite.UserID, u.ID)
	}
}

func testInviteNew(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	ana, bob := newItem(a, "Ana@Example.com", 10), newItem(a, "bob@example.com", 10)
	invite(t, s, a, ana, bob)
	wantAction(t, ana, belfry.InviteNewUser, ana.User)
	wantAction(t, bob, belfry.InviteNewUser, bob.User)
	if ana.User.Seq <= 0 || bob.User.Seq <= ana.User.Seq {
		t.Errorf("new users' Seq %d, %d; want positive and rising", ana.User.Seq, bob.User.Seq)
	}
	if ana.Invite.Status != belfry.InvitePending {
		t.Errorf("Invite.Status = %s; want Pending", ana.Invite.Status)
	}
	wantUsers(t, s, a, ana.User, bob.User)
}

func testInvitePending(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	first := newItem(a, "ana@example.com", 10)
	invite(t, s, a, first)
	again := newItem(a, "ANA@example.com", 20)
	again.User.Type = belfry.SharedDevice
	invite(t, s, a, again)
	wantAction(t, again, belfry.InviteExistingUser, first.User)
	if again.Invite.ID == first.Invite.ID {
		t.Errorf("the second invite kept the first's ID %s; want a new one", first.Invite.ID)
	}
	want := *first.User
	want.InvitedOn, want.Type = at(20), belfry.SharedDevice
	if diff := cmp.Diff(again.User, &want); diff != "" {
		t.Errorf("re-invited user mismatch (-got +want):\n%s", diff)
	}
	wantUsers(t, s, a, &want)
}

func testInviteRegistered(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	u := mkUser(t, s, a, "Ana@Example.com")
	item := newItem(a, "ana@example.com", 10)
	invite(t, s, a, item)
	wantAction(t, item, belfry.InviteRefused, u)
	if item.Invite.Status != belfry.InviteFailed || item.Invite.EmailStatus != belfry.EmailNotSent {
		t.Errorf("Invite is %s/%s; want Failed/NotSent", item.Invite.Status, item.Invite.EmailStatus)
	}
	if diff := cmp.Diff(item.User, u); diff != "" {
		t.Errorf("refused item's User mismatch (-got +want):\n%s", diff)
	}
	wantUsers(t, s, a, u)
}

func testInviteSuspended(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	u := newUser(a, "ana@example.com")
	u.Registration, u.Invitation, u.InvitedOn = belfry.Suspended, belfry.InviteAccepted, at(5)
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	item := newItem(a, "ana@example.com", 10)
	invite(t, s, a, item)
	wantAction(t, item, belfry.InviteExistingUser, u)
	want := *u
	want.Registration, want.Invitation, want.InvitedOn = belfry.Unregistered, belfry.InvitePending, at(10)
	wantUsers(t, s, a, &want)
}

func testInviteTwice(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	first, second := newItem(a, "Ana@Example.com", 10), newItem(a, "ana@example.COM", 10)
	invite(t, s, a, first, second)
	wantAction(t, first, belfry.InviteNewUser, first.User)
	wantAction(t, second, belfry.InviteExistingUser, first.User)
	wantUsers(t, s, a, second.User)
}

// testInviteAtomic checks that InviteUsers is one transaction: when one item
// fails, no item's user stays.
func testInviteAtomic(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	ana, bob := newItem(a, "ana@example.com", 10), newItem(a, "bob@example.com", 10)
	bob.Invite.ID = ana.Invite.ID
	err := s.InviteUsers(t.Context(), a.ID, []*belfry.InviteItem{ana, bob})
	wantError(t, "InviteUsers(two invites with one ID)", err, belfry.Conflict)
	wantUsers(t, s, a)
}
