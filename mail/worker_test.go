package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/smtptest"
)

func TestWorkerDelivers(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	o := newOutbox(t).team(t)
	o.invite(t, "ana@example.com", "bo@example.com", "ana@example.com", "cy@example.com")
	queued := o.queued(t)
	if len(queued) != 3 {
		t.Fatalf("%d messages queued for 3 addresses, want 3", len(queued))
	}
	w := NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig())
	changed := w.Changed()
	run(t, w)
	got := srv.WaitFor(t, 3, 10*time.Second)
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Error("Changed was not closed after deliveries")
	}
	byMessageID := map[string]*belfry.Mail{}
	for _, m := range queued {
		byMessageID["<"+m.MessageID+">"] = m
	}
	for _, r := range got {
		q := byMessageID[r.Header(t).Get("Message-ID")]
		if q == nil {
			t.Fatalf("received Message-ID %q, which is not a stored one", r.Header(t).Get("Message-ID"))
		}
		if len(r.To) != 1 || r.To[0] != q.To {
			t.Errorf("message for %s went to %q", q.To, r.To)
		}
		if ps := parts(t, r); !strings.Contains(ps["text/plain"], q.Link) || !strings.Contains(ps["text/html"], q.Link) {
			t.Errorf("message for %s lacks its link %s", q.To, q.Link)
		}
		eventually(t, 5*time.Second, "message recorded as sent", func() bool {
			return o.mail(t, q.ID).Status == belfry.MailSent
		})
		m := o.mail(t, q.ID)
		if m.Sent.IsZero() || m.Text != "" || m.HTML != "" || m.Link != "" {
			t.Errorf("sent message %+v: want a send time and its body and link scrubbed", m)
		}
		if inv := o.inviteOf(t, q.Link); inv.EmailStatus != belfry.EmailSent || inv.Status != belfry.InvitePending {
			t.Errorf("invite of %s: Status %s, EmailStatus %s; want Pending, Sent", q.To, inv.Status, inv.EmailStatus)
		}
	}
	if !w.Healthy() {
		t.Error("Healthy() = false after deliveries")
	}
}

// InviteUsers waits for a healthy worker, so the common case answers
// Sent: 50 addresses in one call, each delivered once, an address given
// twice answered by its first invite and sent one message. The worker is
// never taken to be behind here (MaxLag), and the wait is long, so that a
// slow machine (the race detector, a busy CI) changes how long the call
// takes, never what it answers.
func TestInviteUsersAnswersSent(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	o := newOutbox(t).team(t)
	cfg := testWorkerConfig()
	cfg.Poll = time.Hour // only Kick can make the worker look at once
	cfg.MaxLag = time.Hour
	w := NewWorker(o.svc, newSender(t, srv.URL()), cfg)
	o.svc.Invitations.Mailer, o.svc.Invitations.Wait = w, time.Minute
	run(t, w)
	emails := append(addresses("user", 50), "USER007@example.com")
	invs := o.invite(t, emails...)
	for i, inv := range invs {
		if inv.EmailStatus != belfry.EmailSent || inv.Status != belfry.InvitePending {
			t.Errorf("invite %d (%s): Status %s, EmailStatus %s; want Pending, Sent", i, emails[i], inv.Status, inv.EmailStatus)
		}
	}
	if invs[50].ID != invs[7].ID {
		t.Errorf("the address given twice got invites %s and %s, want one", invs[7].ID, invs[50].ID)
	}
	srv.WaitFor(t, 50, 10*time.Second)
	time.Sleep(100 * time.Millisecond) // a duplicate would arrive now
	if got := srv.Received(); len(got) != 50 {
		t.Errorf("received %d messages, want 50", len(got))
	}
	for _, e := range emails[:50] {
		if n := srv.Rcpts(e); n != 1 {
			t.Errorf("%s: %d deliveries, want 1", e, n)
		}
	}
}

// The mail server is down when the invitations are made; they wait in the
// outbox, retried with backoff, and go once it is back.
func TestWorkerServerDownAndBack(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Stop()
	o := newOutbox(t).team(t)
	w := NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig())
	o.svc.Invitations.Mailer = w
	run(t, w)
	invs := o.invite(t, "ana@example.com", "bo@example.com")
	for _, inv := range invs {
		if inv.EmailStatus != belfry.EmailNotSent || inv.Status != belfry.InvitePending {
			t.Errorf("invite to %s while the server is down: Status %s, EmailStatus %s; want Pending, NotSent",
				inv.Email, inv.Status, inv.EmailStatus)
		}
	}
	var id string
	for id = range o.queued(t) {
	}
	eventually(t, 5*time.Second, "two failed attempts recorded", func() bool { return o.mail(t, id).Attempts >= 2 })
	if m := o.mail(t, id); m.Status != belfry.MailQueued || !strings.Contains(m.LastError, "connect") {
		t.Errorf("message while the server is down: %s, last error %q; want Queued and why", m.Status, m.LastError)
	}
	if w.Healthy() {
		t.Error("Healthy() = true while the mail server is down")
	}
	srv.Restart(t)
	srv.WaitFor(t, 2, 10*time.Second)
	eventually(t, 5*time.Second, "message recorded as sent", func() bool { return o.mail(t, id).Status == belfry.MailSent })
	eventually(t, time.Second, "healthy again", w.Healthy)
	if got := len(srv.Received()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
}

// A 4xx reply is retried after the backoff; a 5xx reply fails the message
// and its invite with the server's reason, and is never tried again.
func TestWorkerRefusals(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("busy@example.com", 452, "mailbox busy, come back later")
	srv.Refuse("gone@example.com", 550, "no such user here")
	o := newOutbox(t).team(t)
	o.invite(t, "busy@example.com", "gone@example.com", "ok@example.com")
	byTo := map[string]*belfry.Mail{}
	for _, m := range o.queued(t) {
		byTo[m.To] = m
	}
	run(t, NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig()))
	eventually(t, 5*time.Second, "busy address retried", func() bool { return srv.Rcpts("busy@example.com") >= 3 })
	if m := o.mail(t, byTo["busy@example.com"].ID); m.Status != belfry.MailQueued || !strings.Contains(m.LastError, "452") {
		t.Errorf("message refused with 452: %s, last error %q; want Queued, with the reply", m.Status, m.LastError)
	}
	srv.Accept("busy@example.com")
	srv.WaitFor(t, 2, 10*time.Second)
	time.Sleep(200 * time.Millisecond) // long enough for a retry of the refused message
	if n := srv.Rcpts("gone@example.com"); n != 1 {
		t.Errorf("permanently refused address tried %d times, want 1", n)
	}
	gone := o.mail(t, byTo["gone@example.com"].ID)
	if gone.Status != belfry.MailFailed || !strings.Contains(gone.LastError, "550") ||
		!strings.Contains(gone.LastError, "no such user here") {
		t.Errorf("refused message: %s, reason %q; want Failed with the server's reply", gone.Status, gone.LastError)
	}
	if gone.Text != "" || gone.Link != "" {
		t.Error("refused message keeps its body or link")
	}
	if inv := o.inviteOf(t, byTo["gone@example.com"].Link); inv.Status != belfry.InviteFailed || inv.EmailStatus != belfry.EmailFailed {
		t.Errorf("invite of the refused message: Status %s, EmailStatus %s; want Failed, Failed", inv.Status, inv.EmailStatus)
	}
	eventually(t, 5*time.Second, "busy message sent", func() bool {
		return o.mail(t, byTo["busy@example.com"].ID).Status == belfry.MailSent
	})
}

// InviteUsers answers what became of each message while it waited: Failed
// for a permanent refusal, NotSent for one that will be retried.
func TestInviteUsersAnswersRefusals(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("busy@example.com", 421, "too busy")
	srv.Refuse("gone@example.com", 550, "no such user here")
	o := newOutbox(t).team(t)
	w := NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig())
	o.svc.Invitations.Mailer = w
	run(t, w)
	invs := o.invite(t, "busy@example.com", "gone@example.com", "ok@example.com")
	want := []struct {
		status belfry.InviteStatus
		email  belfry.EmailStatus
	}{{belfry.InvitePending, belfry.EmailNotSent}, {belfry.InviteFailed, belfry.EmailFailed},
		{belfry.InvitePending, belfry.EmailSent}}
	for i, inv := range invs {
		if inv.Status != want[i].status || inv.EmailStatus != want[i].email {
			t.Errorf("invite to %s: Status %s, EmailStatus %s; want %s, %s",
				inv.Email, inv.Status, inv.EmailStatus, want[i].status, want[i].email)
		}
	}
}

// A 4xx reply (greylisting, one mailbox over quota) comes from a mail
// server that is up: the worker stays healthy, and the next InviteUsers
// still waits for its message and answers Sent.
func TestWorkerHealthyAfterTemporaryRefusal(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("greylisted@example.com", 451, "4.7.1 greylisted, try again later")
	o := newOutbox(t).team(t)
	cfg := testWorkerConfig()
	cfg.RetryFirst, cfg.RetryMax = time.Hour, time.Hour // one attempt only
	w := NewWorker(o.svc, newSender(t, srv.URL()), cfg)
	o.svc.Invitations.Mailer = w
	run(t, w)
	if inv := o.invite(t, "greylisted@example.com")[0]; inv.EmailStatus != belfry.EmailNotSent {
		t.Fatalf("greylisted invite: EmailStatus %s; want NotSent", inv.EmailStatus)
	}
	if srv.Rcpts("greylisted@example.com") != 1 {
		t.Fatalf("greylisted address tried %d times; want once", srv.Rcpts("greylisted@example.com"))
	}
	if !w.Healthy() {
		t.Error("Healthy() = false after a 451 reply; want true, the server answered")
	}
	if inv := o.invite(t, "ok@example.com")[0]; inv.EmailStatus != belfry.EmailSent {
		t.Errorf("invite after a 451 to another address: EmailStatus %s; want Sent", inv.EmailStatus)
	}
}

// The worker sends no message whose link can no longer work: a suspended
// user's is cancelled with the suspension, an expired one when a claim
// finds it; either way the accept link is scrubbed and nothing goes out.
func TestWorkerSendsNoDeadLinks(t *testing.T) {
	t.Run("suspended", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		o := newOutbox(t).team(t)
		invs := o.invite(t, "ana@example.com", "bo@example.com")
		var ana *belfry.Mail
		for _, m := range o.queued(t) {
			if m.To == "ana@example.com" {
				ana = m
			}
		}
		if failed, err := o.svc.BatchSuspendUser(o.ctx, o.account, []string{invs[0].UserID}); err != nil || len(failed) != 0 {
			t.Fatalf("BatchSuspendUser = %v, %v", failed, err)
		}
		run(t, NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig()))
		srv.WaitFor(t, 1, 5*time.Second)
		time.Sleep(100 * time.Millisecond) // the suspended user's message would arrive now
		if n := srv.Rcpts("ana@example.com"); n != 0 {
			t.Errorf("the suspended user's invitation was tried %d times; want never", n)
		}
		if m := o.mail(t, ana.ID); m.Status != belfry.MailCancelled || m.Link != "" {
			t.Errorf("the suspended user's message is %s with link %q; want Cancelled and scrubbed", m.Status, m.Link)
		}
	})
	t.Run("expired", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		o := newOutbox(t).team(t)
		o.invite(t, "cy@example.com")
		var m *belfry.Mail
		for _, m = range o.queued(t) {
		}
		cfg := testWorkerConfig()
		cfg.Clock = func() time.Time { return time.Now().Add(belfry.DefaultInviteTTL) }
		run(t, NewWorker(o.svc, newSender(t, srv.URL()), cfg))
		eventually(t, 5*time.Second, "expired message cancelled", func() bool {
			return o.mail(t, m.ID).Status == belfry.MailCancelled
		})
		if got := o.mail(t, m.ID); got.Link != "" || got.Text != "" || !strings.Contains(got.LastError, "expired") {
			t.Errorf("expired message: link %q, reason %q; want scrubbed, the reason saying it expired", got.Link, got.LastError)
		}
		if n := srv.Rcpts("cy@example.com"); n != 0 {
			t.Errorf("the expired invitation was tried %d times; want never", n)
		}
	})
}

// Temporary failures become a permanent one after MaxAttempts.
func TestWorkerGivesUp(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("busy@example.com", 450, "mailbox unavailable")
	o := newOutbox(t).team(t)
	o.invite(t, "busy@example.com")
	var m *belfry.Mail
	for _, m = range o.queued(t) {
	}
	cfg := testWorkerConfig()
	cfg.MaxAttempts = 3
	run(t, NewWorker(o.svc, newSender(t, srv.URL()), cfg))
	eventually(t, 5*time.Second, "message failed", func() bool { return o.mail(t, m.ID).Status == belfry.MailFailed })
	got := o.mail(t, m.ID)
	if !strings.HasPrefix(got.LastError, "gave up after 3 attempts: ") || !strings.Contains(got.LastError, "450") {
		t.Errorf("reason %q, want it to say it gave up after 3 attempts, and why", got.LastError)
	}
	if n := srv.Rcpts("busy@example.com"); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}
