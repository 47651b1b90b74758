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
	{"ByTokenReadsWholeInviteAndUser", testInviteByToken},
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

// failed returns inv as a refused invitation of user userID (none when
// empty) leaves it: Failed, no e-mail sent, no token.
func failed(inv belfry.Invite, userID string) *belfry.Invite {
	inv.UserID, inv.Status, inv.EmailStatus, inv.TokenHash = userID, belfry.InviteFailed, belfry.EmailNotSent, nil
	return &inv
}

func testInviteNew(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	ana, bob := newItem(a, "Ana@Example.com", 10), newItem(a, "bob@example.com", 10)
	wantInvite := *ana.Invite
	wantInvite.UserID = ana.User.ID
	invite(t, s, a, ana, bob)
	wantAction(t, ana, belfry.InviteNewUser, ana.User)
	wantAction(t, bob, belfry.InviteNewUser, bob.User)
	if ana.User.Seq <= 0 || bob.User.Seq <= ana.User.Seq {
		t.Errorf("new users' Seq %d, %d; want positive and rising", ana.User.Seq, bob.User.Seq)
	}
	if diff := cmp.Diff(ana.Invite, &wantInvite); diff != "" {
		t.Errorf("new user's Invite mismatch (-got +want):\n%s", diff)
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
	item.Invite.TokenHash = belfry.InviteTokenHash("token-ana")
	wantInvite := failed(*item.Invite, u.ID)
	invite(t, s, a, item)
	wantAction(t, item, belfry.InviteRefused, u)
	if diff := cmp.Diff(item.Invite, wantInvite); diff != "" {
		t.Errorf("refused item's Invite mismatch (-got +want):\n%s", diff)
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
	wantInvites := map[*belfry.InviteItem]*belfry.Invite{ana: failed(*ana.Invite, ""), cy: failed(*cy.Invite, pending.User.ID)}
	invite(t, s, a, ana, bo, cy)
	for item, want := range wantInvites {
		if item.Action != belfry.InviteNotMade || !item.ClaimedElsewhere || item.Mail != nil {
			t.Errorf("%s: Action %d, ClaimedElsewhere %v, Mail %v; want InviteNotMade (%d), true, no mail",
				item.Email, item.Action, item.ClaimedElsewhere, item.Mail, belfry.InviteNotMade)
		}
		if diff := cmp.Diff(item.Invite, want); diff != "" {
			t.Errorf("%s: Invite mismatch (-got +want):\n%s", item.Email, diff)
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

// testInviteByToken checks that InviteByToken answers the invite as it was
// stored and its user exactly as User answers it, every field set, so that
// a store reading fewer columns for the accept page than for User shows.
func testInviteByToken(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	item := newItem(a, "ana@example.com", 10)
	item.Invite.TokenHash, item.Invite.Expires = belfry.InviteTokenHash("token-ana"), at(20)
	invite(t, s, a, item)
	updateUsers(t, s, a, change(item.User.ID, func(u *belfry.User) error {
		u.DisplayName, u.PhoneNumber, u.SessionsRevoked = "Ana", "+15555550100", at(15)
		u.AlexaForBusiness = belfry.AlexaForBusiness{Enabled: true, RoomARN: "arn:aws:a4b:us-east-1:111122223333:room/r"}
		return nil
	}))
	wantInv := *item.Invite
	wantInv.UserID = item.User.ID
	want, err := s.User(t.Context(), a.ID, item.User.ID)
	if err != nil {
		t.Fatalf("User() = %v", err)
	}
	inv, u, err := s.InviteByToken(t.Context(), belfry.InviteTokenHash("token-ana"))
	if err != nil {
		t.Fatalf("InviteByToken() = %v", err)
	}
	if diff := cmp.Diff(inv, &wantInv); diff != "" {
		t.Errorf("InviteByToken() invite mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(u, want); diff != "" {
		t.Errorf("InviteByToken() user mismatch (-got +want):\n%s", diff)
	}
	if want.SessionsRevoked.IsZero() || !want.AlexaForBusiness.Enabled {
		t.Errorf("User() = %+v; want the session revocation and Alexa settings stored", want)
	}
	_, _, err = s.InviteByToken(t.Context(), belfry.InviteTokenHash("forged"))
	wantError(t, "InviteByToken(forged)", err, belfry.NotFound)
}
