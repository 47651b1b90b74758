package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var outboxTests = []test{
	{"QueuedWithInvite", testMailQueued},
	{"ClaimDueOldestFirst", testMailClaim},
	{"LeaseKeepsOthersOff", testMailLease},
	{"SentScrubsAndMarksInvite", testMailSent},
	{"RetryLater", testMailRetry},
	{"FailedFailsInvite", testMailFailed},
	{"ConcurrentClaimsNeverShare", testMailConcurrentClaims},
	{"RefusedInviteQueuesNothing", testMailRefused},
}

// withMail gives item a token and the e-mail the service would queue.
func withMail(item *belfry.InviteItem, token string) *belfry.InviteItem {
	inv := item.Invite
	inv.TokenHash, inv.Expires = belfry.InviteTokenHash(token), inv.Created.Add(7*24*time.Hour)
	link := "https://belfry.example/invitations/" + token
	item.Mail = &belfry.Mail{
		ID: newID(), InviteID: inv.ID, AccountID: inv.AccountID, To: item.Email, ReplyTo: "admin@example.com",
		Subject: "Join", Text: "open " + link, HTML: "<a href=\"" + link + "\">join</a>", Link: link,
		MessageID: newID() + "@belfry", Status: belfry.MailQueued, NextAttempt: inv.Created,
		Created: inv.Created, Expires: inv.Expires,
	}
	return item
}

// queue invites n addresses to a fresh account, each with its e-mail, at
// time at(10+i).
func queue(t *testing.T, s belfry.Store, n int) []*belfry.InviteItem {
	t.Helper()
	a := mkAccount(t, s, awsAccount(1), "Team")
	items := make([]*belfry.InviteItem, n)
	for i := range items {
		items[i] = withMail(newItem(a, fmt.Sprintf("user%03d@example.com", i), 10+i), fmt.Sprintf("token-%03d", i))
	}
	invite(t, s, a, items...)
	return items
}

func mailByID(t *testing.T, s belfry.Store, id string) *belfry.Mail {
	t.Helper()
	got, err := mails(t, s, []string{id})
	if err != nil || len(got) != 1 {
		t.Fatalf("Mails(%s) = %d mails, %v; want 1", id, len(got), err)
	}
	return got[0]
}

func claim(t *testing.T, s belfry.Store, holder string, now time.Time, n int) []*belfry.Mail {
	t.Helper()
	got, err := claimMail(t, s, holder, now, time.Minute, n)
	if err != nil {
		t.Fatalf("ClaimMail(%s) = %v", holder, err)
	}
	return got
}

func mailID(m *belfry.Mail) string { return m.ID }

func testMailQueued(t *testing.T, s belfry.Store) {
	items := queue(t, s, 2)
	got, err := queuedMails(t, s, items[0].Invite.AccountID, at(100), belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("QueuedMails() = %v", err)
	}
	want := []*belfry.Mail{items[0].Mail, items[1].Mail}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("QueuedMails() mismatch (-got +want):\n%s", diff)
	}
	other, err := queuedMails(t, s, "another-account", at(100), belfry.Page{Limit: 10})
	if err != nil || len(other) != 0 {
		t.Errorf("QueuedMails(another account) = %d mails, %v; want none", len(other), err)
	}
	inv, u, err := s.InviteByToken(t.Context(), belfry.InviteTokenHash("token-001"))
	if err != nil {
		t.Fatalf("InviteByToken() = %v", err)
	}
	if diff := cmp.Diff(inv, items[1].Invite); diff != "" {
		t.Errorf("InviteByToken() invite mismatch (-got +want):\n%s", diff)
	}
	if u.ID != items[1].User.ID {
		t.Errorf("InviteByToken() user %s; want %s", u.ID, items[1].User.ID)
	}
	_, _, err = s.InviteByToken(t.Context(), belfry.InviteTokenHash("forged"))
	wantError(t, "InviteByToken(forged)", err, belfry.NotFound)
}

func testMailClaim(t *testing.T, s belfry.Store) {
	items := queue(t, s, 5)
	if got := claim(t, s, "w1", at(9), 10); len(got) != 0 {
		t.Errorf("ClaimMail(before any is due) = %d mails; want none", len(got))
	}
	got := claim(t, s, "w1", at(12), 10)
	want := []string{items[0].Mail.ID, items[1].Mail.ID, items[2].Mail.ID}
	if diff := cmp.Diff(ids(got, mailID), want); diff != "" {
		t.Errorf("ClaimMail(at 12ms) mismatch (-got +want):\n%s", diff)
	}
	got = claim(t, s, "w1", at(100), 1)
	if diff := cmp.Diff(ids(got, mailID), []string{items[3].Mail.ID}); diff != "" {
		t.Errorf("ClaimMail(n=1) mismatch (-got +want):\n%s", diff)
	}
	if got[0].Text != items[3].Mail.Text || got[0].Link != items[3].Mail.Link {
		t.Errorf("a claimed mail lost its body or link: %+v", got[0])
	}
}

func testMailLease(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	if got := claim(t, s, "w1", at(100), 10); len(got) != 1 {
		t.Fatalf("ClaimMail(w1) = %d mails; want 1", len(got))
	}
	if got := claim(t, s, "w2", at(200), 10); len(got) != 0 {
		t.Errorf("ClaimMail(w2, while w1 holds the lease) = %d mails; want none", len(got))
	}
	got := claim(t, s, "w2", at(100).Add(time.Minute), 10)
	if diff := cmp.Diff(ids(got, mailID), []string{items[0].Mail.ID}); diff != "" {
		t.Errorf("ClaimMail(w2, lease over) mismatch (-got +want):\n%s", diff)
	}
}

func testMailSent(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	m := claim(t, s, "w1", at(100), 1)[0]
	if err := mailSent(t, s, m.ID, at(150)); err != nil {
		t.Fatalf("MailSent() = %v", err)
	}
	got := mailByID(t, s, m.ID)
	want := *items[0].Mail
	want.Status, want.Sent, want.Text, want.HTML, want.Link = belfry.MailSent, at(150), "", "", ""
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("sent mail mismatch (-got +want):\n%s", diff)
	}
	inv, _, err := s.InviteByToken(t.Context(), items[0].Invite.TokenHash)
	if err != nil || inv.EmailStatus != belfry.EmailSent || inv.Status != belfry.InvitePending {
		t.Errorf("invite after MailSent: %v, %v; want Pending with EmailStatus Sent", inv, err)
	}
	if left := claim(t, s, "w2", at(100).Add(time.Hour), 10); len(left) != 0 {
		t.Errorf("ClaimMail(after delivery) = %d mails; want none", len(left))
	}
	wantError(t, "MailSent(unknown)", mailSent(t, s, "no-such-mail", at(1)), belfry.NotFound)
}

func testMailRetry(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	m := claim(t, s, "w1", at(100), 1)[0]
	if err := mailRetry(t, s, m.ID, at(5000), "421 try later"); err != nil {
		t.Fatalf("MailRetry() = %v", err)
	}
	got := mailByID(t, s, m.ID)
	if got.Attempts != 1 || !got.NextAttempt.Equal(at(5000)) || got.LastError != "421 try later" || !got.Settled() {
		t.Errorf("retried mail: attempts %d, next %v, error %q; want 1, %v, the reason, settled",
			got.Attempts, got.NextAttempt, got.LastError, at(5000))
	}
	if early := claim(t, s, "w2", at(4999), 10); len(early) != 0 {
		t.Errorf("ClaimMail(before the retry is due) = %d mails; want none", len(early))
	}
	if due := claim(t, s, "w2", at(5000), 10); len(due) != 1 || due[0].ID != items[0].Mail.ID {
		t.Errorf("ClaimMail(when the retry is due) = %v; want the mail", ids(due, mailID))
	}
}

func testMailFailed(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	m := claim(t, s, "w1", at(100), 1)[0]
	if err := mailFailed(t, s, m.ID, "550 no such user", at(150)); err != nil {
		t.Fatalf("MailFailed() = %v", err)
	}
	got := mailByID(t, s, m.ID)
	if got.Status != belfry.MailFailed || got.LastError != "550 no such user" || got.Text != "" || got.Link != "" {
		t.Errorf("failed mail: %s, %q, body %q, link %q; want Failed with the reason, scrubbed",
			got.Status, got.LastError, got.Text, got.Link)
	}
	inv, _, err := s.InviteByToken(t.Context(), items[0].Invite.TokenHash)
	if err != nil || inv.Status != belfry.InviteFailed || inv.EmailStatus != belfry.EmailFailed {
		t.Errorf("invite after MailFailed: %+v, %v; want Failed/Failed", inv, err)
	}
}

// testMailConcurrentClaims checks that workers claiming at once never get
// the same message: each is claimed exactly once.
func testMailConcurrentClaims(t *testing.T, s belfry.Store) {
	items := queue(t, s, 60)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				got, err := claimMail(t, s, fmt.Sprint("w", w), at(1000), time.Minute, 3)
				if err != nil {
					t.Errorf("ClaimMail() = %v", err)
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, item := range items {
		if n := seen[item.Mail.ID]; n != 1 {
			t.Errorf("mail to %s claimed %d times; want once", item.Email, n)
		}
	}
}

func testMailRefused(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	mkUser(t, s, a, "ana@example.com")
	item := withMail(newItem(a, "ana@example.com", 10), "token-refused")
	invite(t, s, a, item)
	if item.Mail != nil {
		t.Errorf("a refused invite kept its mail")
	}
	got, err := queuedMails(t, s, "", at(100), belfry.Page{Limit: 10})
	if err != nil || len(got) != 0 {
		t.Errorf("QueuedMails() = %d mails, %v; want none", len(got), err)
	}
}

var acceptTests = []test{
	{"AcceptOnce", testAcceptOnce},
	{"AcceptPINTaken", testAcceptPINTaken},
}

// registered is u as AcceptInvite stores it.
func registered(u *belfry.User, name, pin string, n int) *belfry.User {
	r := *u
	r.DisplayName, r.PersonalPIN, r.RegisteredOn = name, pin, at(n)
	r.Registration, r.Invitation = belfry.Registered, belfry.InviteAccepted
	return &r
}

func testAcceptOnce(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	inv, u := items[0].Invite, items[0].User
	want := registered(u, "Ana", "1234567890", 500)
	if err := s.AcceptInvite(t.Context(), inv.ID, want); err != nil {
		t.Fatalf("AcceptInvite() = %v", err)
	}
	got, err := s.User(t.Context(), u.AccountID, u.ID)
	if err != nil {
		t.Fatalf("User() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("accepted user mismatch (-got +want):\n%s", diff)
	}
	left, err := queuedMails(t, s, "", at(100), belfry.Page{Limit: 10})
	if err != nil || len(left) != 0 {
		t.Errorf("QueuedMails(after acceptance) = %d mails, %v; want the accepted invitation's e-mail cancelled", len(left), err)
	}
	if m := mailByID(t, s, items[0].Mail.ID); m.Status != belfry.MailCancelled || m.Link != "" || m.Text != "" {
		t.Errorf("the accepted invitation's mail is %s with link %q; want Cancelled and scrubbed", m.Status, m.Link)
	}
	gotInv, _, err := s.InviteByToken(t.Context(), inv.TokenHash)
	if err != nil || gotInv.Status != belfry.InviteAccepted || !gotInv.Accepted.Equal(at(500)) {
		t.Errorf("invite after acceptance: %+v, %v; want Accepted at %v", gotInv, err, at(500))
	}
	err = s.AcceptInvite(t.Context(), inv.ID, registered(u, "Again", "1234567891", 600))
	wantError(t, "AcceptInvite(twice)", err, belfry.Conflict)
	if !errors.Is(err, belfry.ErrInviteUsed) {
		t.Errorf("AcceptInvite(twice) = %v; want it to wrap ErrInviteUsed", err)
	}
}

func testAcceptPINTaken(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	a := mkEnterprise(t, s, "corp.example")
	taken := mkUser(t, s, a, "bo@corp.example")
	inv, u := items[0].Invite, items[0].User
	err := s.AcceptInvite(t.Context(), inv.ID, registered(u, "Ana", taken.PersonalPIN, 500))
	if !errors.Is(err, belfry.ErrPINTaken) {
		t.Fatalf("AcceptInvite(a PIN in use) = %v; want ErrPINTaken", err)
	}
	if err := s.AcceptInvite(t.Context(), inv.ID, registered(u, "Ana", "2234567890", 600)); err != nil {
		t.Errorf("AcceptInvite(after a PIN clash rolled back) = %v; want success", err)
	}
}
