package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// outboxCancelTests check that queued mail whose link can no longer be of
// use is never sent nor listed, and that its token does not stay in plain
// text.
var outboxCancelTests = []test{
	{"FailedFailsLatestInvitation", testMailFailedUser},
	{"ExpiredNotClaimedNorListed", testMailExpired},
	{"CancelStaleMail", testCancelStaleMail},
	{"DeletedAccountMailNotClaimedNorListed", testMailDeletedAccount},
	{"SuspensionCancelsMail", testSuspendCancelsMail},
	{"DeleteAccountCancelsMail", testDeleteAccountCancelsMail},
	{"ReleaseDomainCancelsMail", testReleaseDomainCancelsMail},
}

// wantCancelled fails t unless mail id is Cancelled and scrubbed, with a
// reason that mentions why.
func wantCancelled(t *testing.T, s belfry.Store, id, why string) {
	t.Helper()
	m := mailByID(t, s, id)
	if m.Status != belfry.MailCancelled || m.Text != "" || m.HTML != "" || m.Link != "" || !strings.Contains(m.LastError, why) {
		t.Errorf("mail to %s: %s, reason %q, body %q, link %q; want Cancelled and scrubbed, the reason saying %q",
			m.To, m.Status, m.LastError, m.Text, m.Link, why)
	}
}

// wantQueued fails t unless the mail QueuedMails lists at now is want, in
// order.
func wantQueued(t *testing.T, s belfry.Store, now time.Time, want ...*belfry.InviteItem) {
	t.Helper()
	got, err := queuedMails(t, s, "", now, belfry.Page{Limit: 100})
	if err != nil {
		t.Fatalf("QueuedMails() = %v", err)
	}
	wantIDs := make([]string, len(want))
	for i, item := range want {
		wantIDs[i] = item.Mail.ID
	}
	if diff := cmp.Diff(ids(got, mailID), wantIDs, cmpEmpty); diff != "" {
		t.Errorf("QueuedMails(at %v) mismatch (-got +want):\n%s", now.Sub(epoch), diff)
	}
}

// account reads back the live account id.
func account(t *testing.T, s belfry.Store, id string) *belfry.Account {
	t.Helper()
	a, err := s.Account(t.Context(), "", id)
	if err != nil {
		t.Fatalf("Account(%s) = %v", id, err)
	}
	return a
}

// testMailFailedUser checks that a permanent refusal fails the user's
// UserInvitationStatus only when it is the user's latest invitation.
func testMailFailedUser(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	first, u := items[0], items[0].User
	again := withMail(newItem(account(t, s, u.AccountID), u.Email, 20), "token-again")
	invite(t, s, account(t, s, u.AccountID), again)
	if err := mailFailed(t, s, first.Mail.ID, "550 no such user", at(30)); err != nil {
		t.Fatalf("MailFailed(the older invitation) = %v", err)
	}
	if got, err := s.User(t.Context(), u.AccountID, u.ID); err != nil || got.Invitation != belfry.InvitePending {
		t.Errorf("user after its older invitation failed: %+v, %v; want Invitation Pending", got, err)
	}
	if err := mailFailed(t, s, again.Mail.ID, "550 no such user", at(40)); err != nil {
		t.Fatalf("MailFailed(the latest invitation) = %v", err)
	}
	want := *again.User
	want.Invitation = belfry.InviteFailed
	wantUser(t, s, &want)
}

// expiring queues n messages whose links expire at at(50+i).
func expiring(t *testing.T, s belfry.Store, n int) []*belfry.InviteItem {
	t.Helper()
	a := mkAccount(t, s, awsAccount(1), "Team")
	items := make([]*belfry.InviteItem, n)
	for i := range items {
		item := withMail(newItem(a, "user"+string(rune('a'+i))+"@example.com", 10+i), "token-expiring-"+string(rune('a'+i)))
		item.Invite.Expires, item.Mail.Expires = at(50+i), at(50+i)
		items[i] = item
	}
	invite(t, s, a, items...)
	return items
}

func testMailExpired(t *testing.T, s belfry.Store) {
	items := expiring(t, s, 2)
	wantQueued(t, s, at(49), items...)
	wantQueued(t, s, at(50), items[1])
	got := claim(t, s, "w1", at(50), 10)
	if diff := cmp.Diff(ids(got, mailID), []string{items[1].Mail.ID}); diff != "" {
		t.Errorf("ClaimMail(when the first link has expired) mismatch (-got +want):\n%s", diff)
	}
	wantCancelled(t, s, items[0].Mail.ID, "expired")
	if m := mailByID(t, s, items[1].Mail.ID); m.Status != belfry.MailQueued || m.Link == "" {
		t.Errorf("the claimed mail is %s with link %q; want it Queued with its link", m.Status, m.Link)
	}
}

func testCancelStaleMail(t *testing.T, s belfry.Store) {
	items := expiring(t, s, 3)
	if got := claim(t, s, "w1", at(20), 1); len(got) != 1 || got[0].ID != items[0].Mail.ID {
		t.Fatalf("ClaimMail(n=1) = %v; want the first mail", ids(got, mailID))
	}
	n, err := s.CancelStaleJobs(t.Context(), at(51))
	if err != nil || n != 1 {
		t.Errorf("CancelStaleMail(when two links have expired, one of them leased) = %d, %v; want 1", n, err)
	}
	wantCancelled(t, s, items[1].Mail.ID, "expired")
	if m := mailByID(t, s, items[0].Mail.ID); m.Status != belfry.MailQueued {
		t.Errorf("a leased mail is %s after CancelStaleMail; want it left to its worker", m.Status)
	}
	wantQueued(t, s, at(51), items[2])
	n, err = s.CancelStaleJobs(t.Context(), at(20).Add(time.Minute))
	if err != nil || n != 2 {
		t.Errorf("CancelStaleMail(once the lease ran out) = %d, %v; want 2", n, err)
	}
	wantCancelled(t, s, items[0].Mail.ID, "expired")
	wantCancelled(t, s, items[2].Mail.ID, "expired")
}

// testMailDeletedAccount queues mail for an account deleted meanwhile, as
// an InviteUsers racing a DeleteAccount may: it is neither claimed nor
// listed, and CancelStaleMail cancels it.
func testMailDeletedAccount(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	deleteAccount(t, s, a, at(5))
	item := withMail(newItem(a, "ana@example.com", 10), "token-deleted")
	if err := s.InviteUsers(t.Context(), a.ID, []*belfry.InviteItem{item}); err != nil {
		t.Skipf("InviteUsers(a deleted account) = %v: the store refuses what this case needs", err)
	}
	wantQueued(t, s, at(100))
	if got := claim(t, s, "w1", at(100), 10); len(got) != 0 {
		t.Errorf("ClaimMail() = %v; want no mail of a deleted account", ids(got, mailID))
	}
	if n, err := s.CancelStaleJobs(t.Context(), at(100)); err != nil || n != 1 {
		t.Errorf("CancelStaleMail() = %d, %v; want 1", n, err)
	}
	wantCancelled(t, s, item.Mail.ID, "deleted")
}

func testSuspendCancelsMail(t *testing.T, s belfry.Store) {
	items := queue(t, s, 2)
	suspend(t, s, items[0].User)
	wantCancelled(t, s, items[0].Mail.ID, "suspended")
	wantQueued(t, s, at(100), items[1])
	if got := claim(t, s, "w1", at(100), 10); len(got) != 1 || got[0].ID != items[1].Mail.ID {
		t.Errorf("ClaimMail() = %v; want only the mail of the user not suspended", ids(got, mailID))
	}
}

func testDeleteAccountCancelsMail(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	b := mkAccount(t, s, awsAccount(1), "Other")
	other := withMail(newItem(b, "bo@example.com", 10), "token-other")
	invite(t, s, b, other)
	deleteAccount(t, s, account(t, s, items[0].User.AccountID), at(50))
	wantCancelled(t, s, items[0].Mail.ID, "deleted")
	wantQueued(t, s, at(100), other)
}

func testReleaseDomainCancelsMail(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	ana := withMail(newItem(a, "ana@example.com", 10), "token-ana")
	bo := withMail(newItem(a, "bo@example.org", 10), "token-bo")
	invite(t, s, a, ana, bo)
	if _, err := s.ClaimDomain(t.Context(), a.ID, "example.com", belfry.EnterpriseLWA); err != nil {
		t.Fatalf("ClaimDomain() = %v", err)
	}
	if _, n, err := s.ReleaseDomain(t.Context(), a.ID, "example.com"); err != nil || n != 1 {
		t.Fatalf("ReleaseDomain() = %d, %v; want 1 user suspended", n, err)
	}
	wantCancelled(t, s, ana.Mail.ID, "suspended")
	wantQueued(t, s, at(100), bo)
}
