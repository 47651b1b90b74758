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
	{"DomainClaimedElsewhereNotInvited", testInviteClaimedElsewhere},
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
	u.Registration, u.Invitation, u.InvitedOn, u.License = belfry.Suspended, belfry.InviteAccepted, at(5), belfry.Basic
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	item := newItem(a, "ana@example.com", 10)
	invite(t, s, a, item)
	wantAction(t, item, belfry.InviteExistingUser, u)
	// A Team suspension took the license away (chime-behaviour.md §3.2):
	// the re-invited user gets the account's DefaultLicense.
	want := *u
	want.Registration, want.Invitation, want.InvitedOn, want.License = belfry.Unregistered, belfry.InvitePending, at(10), a.DefaultLicense
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

// testInviteClaimedElsewhere checks that an address whose domain another
// account has claimed is not invited (chime-behaviour.md §3.2): its item
// fails with no user, no invite and no e-mail, an existing user of the
// address stays as it is, and the rest of the batch goes on.
func testInviteClaimedElsewhere(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(2), "Team")
	pending := newItem(a, "cy@corp.example", 5)
	invite(t, s, a, pending)
	mkEnterprise(t, s, "corp.example")
	ana := withMail(newItem(a, "Ana@CORP.example", 10), "token-ana")
	bo := withMail(newItem(a, "bo@example.com", 10), "token-bo")
	cy := withMail(newItem(a, "cy@corp.example", 10), "token-cy")
	anaMail, cyMail := ana.Mail.ID, cy.Mail.ID
	invite(t, s, a, ana, bo, cy)
	for _, item := range []*belfry.InviteItem{ana, cy} {
		if item.Action != belfry.InviteNotMade || !item.ClaimedElsewhere {
			t.Errorf("%s: Action %d, ClaimedElsewhere %v; want InviteNotMade (%d), true",
				item.Email, item.Action, item.ClaimedElsewhere, belfry.InviteNotMade)
		}
		if inv := item.Invite; inv.Status != belfry.InviteFailed || inv.EmailStatus != belfry.EmailNotSent || item.Mail != nil {
			t.Errorf("%s: Invite %s/%s, Mail %v; want Failed/NotSent and no mail", item.Email, inv.Status, inv.EmailStatus, item.Mail)
		}
	}
	if ana.User != nil {
		t.Errorf("%s: User = %+v; want none", ana.Email, ana.User)
	}
	wantAction(t, bo, belfry.InviteNewUser, bo.User)
	if bo.ClaimedElsewhere {
		t.Errorf("%s: ClaimedElsewhere = true; want false", bo.Email)
	}
	wantUsers(t, s, a, pending.User, bo.User)
	for _, tok := range []string{"token-ana", "token-cy"} {
		_, _, err := s.InviteByToken(t.Context(), belfry.InviteTokenHash(tok))
		wantError(t, "InviteByToken("+tok+")", err, belfry.NotFound)
	}
	if got, err := mails(t, s, []string{anaMail, cyMail}); err != nil || len(got) != 0 {
		t.Errorf("Mails(refused items) = %d mails, %v; want none", len(got), err)
	}
}
