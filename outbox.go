package belfry

import (
	"context"
	"time"
)

// MailStatus is where a message of the outbox stands.
type MailStatus string

// The mail statuses.
const (
	MailQueued MailStatus = "Queued"
	MailSent   MailStatus = "Sent"
	MailFailed MailStatus = "Failed"
	// MailCancelled is a message that will not be sent, and whose body
	// and link are scrubbed, because before it went out its invitation
	// was accepted or expired, its user was suspended, or its account was
	// deleted.
	MailCancelled MailStatus = "Cancelled"
)

// Mail is one message of the outbox: written in the same transaction as the
// invitation it announces, delivered later by a worker, so that no
// invitation is lost when the mail server hiccups.
type Mail struct {
	Seq       int64
	ID        string
	InviteID  string
	AccountID string
	To        string
	ReplyTo   string
	Subject   string
	// Text and HTML carry the accept link; the store scrubs them once the
	// message is delivered, so the link's token outlives delivery only as a
	// hash.
	Text string
	HTML string
	// Link is the accept link, kept while the message is undelivered so an
	// operator without a mail server can hand it out.
	Link string
	// MessageID is the RFC 5322 Message-ID, without angle brackets.
	MessageID   string
	Status      MailStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Created     time.Time
	Sent        time.Time
	// Expires is when the invitation's link stops working.
	Expires time.Time
}

// Settled reports whether the message has had its chance: delivered,
// refused for good, or tried at least once. InviteUsers stops waiting for
// a message once it has settled.
func (m *Mail) Settled() bool {
	return m.Status != MailQueued || m.Attempts > 0
}

// OutboxStore keeps the mail outbox.
type OutboxStore interface {
	// ClaimMail leases to holder, until now+lease, up to n queued messages
	// whose next attempt is due at now, oldest first, so that no other
	// worker or replica sends them meanwhile. A message whose lease ran out
	// (its worker died) can be claimed again. It never claims a message
	// whose invitation expired at or before now, or whose account is
	// deleted; in the same transaction it cancels and scrubs the expired
	// messages that no worker holds, as CancelStaleMail does.
	ClaimMail(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]*Mail, error)
	// MailSent records the delivery of message id at t: the message is Sent
	// and scrubbed, and its invite's EmailStatus is Sent. NotFound if there
	// is no such message.
	MailSent(ctx context.Context, id string, t time.Time) error
	// MailRetry records a failed attempt: one more attempt, the next at
	// next, the reason kept, the lease released.
	MailRetry(ctx context.Context, id string, next time.Time, reason string) error
	// MailFailed records a permanent refusal: the message is Failed and
	// scrubbed, its invite Failed with EmailStatus Failed, and its user's
	// UserInvitationStatus Failed when that invite is the user's latest
	// and the user is still Unregistered (an older link failing says
	// nothing of a newer one).
	MailFailed(ctx context.Context, id string, reason string, t time.Time) error
	// Mails returns the messages with these IDs, in no particular order.
	Mails(ctx context.Context, ids []string) ([]*Mail, error)
	// QueuedMails returns a page of undelivered messages whose links still
	// work at now, oldest first, optionally of one account: mail of a
	// deleted account, or whose invitation expired at or before now, is
	// left out even while no worker or pass has cancelled it yet.
	QueuedMails(ctx context.Context, accountID string, now time.Time, p Page) ([]*Mail, error)
	// CancelStaleMail cancels and scrubs the queued messages that no
	// worker holds and that can no longer be of use: those whose
	// invitation expired at or before now, and those of deleted accounts.
	// It returns how many it cancelled. It keeps accept tokens from
	// staying in plain text when no worker runs to claim the messages.
	CancelStaleMail(ctx context.Context, now time.Time) (int, error)
}

// QueuedMails returns a page of the invitation e-mail not yet delivered
// whose links still work, optionally of one account, so that an operator
// without a mail server can hand the links out. The service's clock says
// which links still work.
func (s *Service) QueuedMails(ctx context.Context, accountID string, p Page) ([]*Mail, error) {
	return s.Store.QueuedMails(ctx, accountID, s.now(), p)
}

// CancelStaleMail cancels the queued invitation e-mail whose links have
// expired or whose account is deleted, scrubbing the accept tokens they
// carry, and returns how many it cancelled. The server runs it
// periodically, with or without a mail server.
func (s *Service) CancelStaleMail(ctx context.Context) (int, error) {
	return s.Store.CancelStaleMail(ctx, s.now())
}

// Mailer is the outbox's worker as the service sees it.
type Mailer interface {
	// Kick tells the worker that new mail is queued.
	Kick()
	// Changed returns a channel that is closed when the worker next
	// records an outcome.
	Changed() <-chan struct{}
	// Healthy reports whether the mail server answered the last attempt
	// and the backlog is short: only then is waiting for delivery likely
	// to pay off.
	Healthy() bool
}

// InviteEmail is what an invitation message says.
type InviteEmail struct {
	AccountName string
	To          string
	ReplyTo     string
	Link        string
	Expires     time.Time
}

// Composer writes invitation e-mail from templates.
type Composer interface {
	ComposeInvite(e InviteEmail) (subject, text, html string, err error)
}
