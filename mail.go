package belfry

import (
	"context"
	"encoding/json"
	"fmt"
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

// Mail is one invitation e-mail: a job of kind KindMail, written in the
// same transaction as the invitation it announces and delivered later by a
// worker, so that no invitation is lost when the mail server hiccups.
type Mail struct {
	Seq       int64
	ID        string
	InviteID  string
	AccountID string
	// UserID is the invitee.
	UserID  string
	To      string
	ReplyTo string
	Subject string
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

// mailHeader is what a mail job keeps after it ends; mailBody is what the
// store scrubs then, since it carries the accept link.
type (
	mailHeader struct {
		To        string `json:"to"`
		ReplyTo   string `json:"replyTo,omitempty"`
		Subject   string `json:"subject"`
		MessageID string `json:"messageId"`
	}
	mailBody struct {
		Text string `json:"text,omitempty"`
		HTML string `json:"html,omitempty"`
		Link string `json:"link,omitempty"`
	}
)

var mailStatusOf = map[JobStatus]MailStatus{
	JobQueued: MailQueued, JobDone: MailSent, JobFailed: MailFailed, JobCancelled: MailCancelled,
}

// Job returns the job that delivers m.
func (m *Mail) Job() *Job {
	header, _ := json.Marshal(mailHeader{To: m.To, ReplyTo: m.ReplyTo, Subject: m.Subject, MessageID: m.MessageID})
	body, _ := json.Marshal(mailBody{Text: m.Text, HTML: m.HTML, Link: m.Link})
	status := JobQueued
	for js, ms := range mailStatusOf {
		if ms == m.Status {
			status = js
		}
	}
	return &Job{
		Seq: m.Seq, ID: m.ID, Kind: KindMail, AccountID: m.AccountID, UserID: m.UserID, Ref: m.InviteID,
		Payload: header, Secret: body, Status: status, Attempts: m.Attempts, Due: m.NextAttempt,
		LastError: m.LastError, Created: m.Created, Finished: m.Sent, Expires: m.Expires,
	}
}

// MailOf reads the e-mail a job of kind KindMail delivers.
func MailOf(j *Job) (*Mail, error) {
	if j.Kind != KindMail && j.Kind != KindSignIn {
		return nil, fmt.Errorf("job %s is of kind %s, not %s", j.ID, j.Kind, KindMail)
	}
	var h mailHeader
	var b mailBody
	if err := json.Unmarshal(j.Payload, &h); err != nil {
		return nil, fmt.Errorf("mail job %s: %w", j.ID, err)
	}
	if len(j.Secret) > 0 {
		if err := json.Unmarshal(j.Secret, &b); err != nil {
			return nil, fmt.Errorf("mail job %s: %w", j.ID, err)
		}
	}
	m := &Mail{
		Seq: j.Seq, ID: j.ID, InviteID: j.Ref, AccountID: j.AccountID, UserID: j.UserID,
		To: h.To, ReplyTo: h.ReplyTo, Subject: h.Subject, MessageID: h.MessageID,
		Text: b.Text, HTML: b.HTML, Link: b.Link, Status: mailStatusOf[j.Status], Attempts: j.Attempts,
		NextAttempt: j.Due, LastError: j.LastError, Created: j.Created, Expires: j.Expires,
	}
	if j.Status == JobDone {
		m.Sent = j.Finished
	}
	return m, nil
}

func mailsOf(jobs []*Job) ([]*Mail, error) {
	mails := make([]*Mail, 0, len(jobs))
	for _, j := range jobs {
		m, err := MailOf(j)
		if err != nil {
			return nil, err
		}
		mails = append(mails, m)
	}
	return mails, nil
}

// Mails returns the invitation e-mail with these IDs, in no particular
// order.
func (s *Service) Mails(ctx context.Context, ids []string) ([]*Mail, error) {
	jobs, err := s.Store.Jobs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return mailsOf(jobs)
}

// QueuedMails returns a page of the invitation e-mail not yet delivered
// whose links still work, optionally of one account, so that an operator
// without a mail server can hand the links out. The service's clock says
// which links still work.
func (s *Service) QueuedMails(ctx context.Context, accountID string, p Page) ([]*Mail, error) {
	jobs, err := s.Store.ListJobs(ctx, JobFilter{
		Kind: KindMail, Statuses: []JobStatus{JobQueued}, AccountID: accountID, LiveAt: s.now(),
	}, p)
	if err != nil {
		return nil, err
	}
	return mailsOf(jobs)
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
