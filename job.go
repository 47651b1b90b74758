package belfry

import (
	"context"
	"time"
)

// JobKind names a kind of background job: what runs it, how it retries,
// and what its outcome changes.
type JobKind string

// The job kinds. A new kind adds a constant here, its hooks in jobHooks,
// and a handler where cmd/belfry wires the queue.
const (
	// KindMail is an invitation e-mail (Mail).
	KindMail JobKind = "mail"
	// KindRetention is a sweep of one account's expired messages
	// (ApplyRetention). An account has one such job, which the periodic
	// ScheduleRetention queues again once it has run.
	KindRetention JobKind = "retention"
	// KindSignIn is the e-mail that carries a member's sign-in link
	// (RequestSignIn): a Mail, like an invitation's, but of a kind of its
	// own, with no hooks, so that its outcome changes no invitation.
	KindSignIn JobKind = "signin"
)

// JobStatus is where a job stands.
type JobStatus string

// The job statuses.
const (
	// JobQueued is a job still to run: never tried yet, or waiting for
	// its next attempt after a temporary failure.
	JobQueued JobStatus = "Queued"
	// JobDone is a job that ran to completion.
	JobDone JobStatus = "Done"
	// JobFailed is a job that failed for good: refused, or retried until
	// its kind gave up.
	JobFailed JobStatus = "Failed"
	// JobCancelled is a job that will not run, because what it served
	// ended first (an invitation accepted or expired, a user suspended,
	// an account deleted).
	JobCancelled JobStatus = "Cancelled"
)

// Job is one piece of durable background work: written in the same
// transaction as the change that calls for it, claimed later by a worker
// under a lease, retried with backoff, and recorded with its outcome, so
// that nothing is lost when the process dies or the other end is down.
type Job struct {
	Seq  int64
	ID   string
	Kind JobKind
	// AccountID is the Chime account the job serves; deleting the account
	// cancels it.
	AccountID string
	// UserID is the user the job serves, if any; suspending the user
	// cancels it.
	UserID string
	// Ref names the record the job acts on (a mail's invite), for its
	// kind's hooks.
	Ref string
	// Payload is the kind's data, kept after the job ends for those who
	// look back at it.
	Payload []byte
	// Secret is the kind's data that must not outlive the job, such as a
	// link carrying a token: the store scrubs it when the job ends.
	Secret   []byte
	Status   JobStatus
	Attempts int
	// Due is when the job may next be tried.
	Due       time.Time
	LastError string
	// LeaseHolder names the worker that holds the job until LeaseUntil.
	LeaseHolder string
	LeaseUntil  time.Time
	Created     time.Time
	// Finished is when the job ended: done, failed or cancelled.
	Finished time.Time
	// Expires, when set, is when the job stops being worth running: it is
	// cancelled instead.
	Expires time.Time
}

// Retrying reports whether the job is queued after at least one failed
// attempt.
func (j *Job) Retrying() bool { return j.Status == JobQueued && j.Attempts > 0 }

// State is how an operator reads where a job stands: a queued job is
// Pending until its first failure and Retrying after; the other states
// are its status.
func (j *Job) State() string {
	switch {
	case j.Retrying():
		return "Retrying"
	case j.Status == JobQueued:
		return "Pending"
	}
	return string(j.Status)
}

// JobStatusesOf returns the statuses that a listing of the queue in state
// name selects: open (queued and failed, the default for an empty name),
// queued, failed, done, cancelled, or all (nil: every status). ok is
// false for any other name.
func JobStatusesOf(name string) (statuses []JobStatus, ok bool) {
	switch name {
	case "", "open":
		return []JobStatus{JobQueued, JobFailed}, true
	case "queued":
		return []JobStatus{JobQueued}, true
	case "failed":
		return []JobStatus{JobFailed}, true
	case "done":
		return []JobStatus{JobDone}, true
	case "cancelled":
		return []JobStatus{JobCancelled}, true
	case "all":
		return nil, true
	}
	return nil, false
}

// JobOutcome is what became of one attempt at a claimed job.
type JobOutcome struct {
	// Status is JobDone, JobFailed, or JobQueued for a retry at Next.
	Status JobStatus
	At     time.Time
	Next   time.Time
	Reason string
	// Effect is what the outcome changes beyond the job, decided by the
	// kind's hooks; the store writes it in the job's transaction.
	Effect JobEffect
}

// JobEffect is a change that a job's outcome makes to the rest of the
// state. The domain decides it; the store writes it with the outcome.
type JobEffect struct {
	// Invite, when set, records what became of an invitation's e-mail.
	Invite *InviteEmailOutcome
	// BotDelivery, when set, is the attempt the outcome ends, for the
	// delivery log; it is written whatever the outcome, a retry included.
	BotDelivery *BotDelivery
}

// InviteEmailOutcome records the fate of invite InviteID's e-mail:
// EmailSent, or EmailFailed, which fails the invite too and, when it is
// the user's latest and the user has not registered, the user's
// invitation (an older link failing says nothing of a newer one).
type InviteEmailOutcome struct {
	InviteID string
	Email    EmailStatus
}

// jobHooks are what each kind's outcomes change: the completion and
// failure hooks of the queue, kept in the domain so that every store and
// every worker applies the same rules.
var jobHooks = map[JobKind]struct {
	done, failed func(*Job) JobEffect
}{
	KindMail: {
		done:   func(j *Job) JobEffect { return inviteEffect(j, EmailSent) },
		failed: func(j *Job) JobEffect { return inviteEffect(j, EmailFailed) },
	},
}

func inviteEffect(j *Job, s EmailStatus) JobEffect {
	return JobEffect{Invite: &InviteEmailOutcome{InviteID: j.Ref, Email: s}}
}

// JobFilter selects jobs for an operator's listing.
type JobFilter struct {
	// Kind, when set, keeps jobs of that kind only.
	Kind JobKind
	// Statuses, when set, keeps jobs in one of them.
	Statuses  []JobStatus
	AccountID string
	// LiveAt, when set, keeps only the jobs still worth running then: not
	// expired, and not of a deleted account.
	LiveAt time.Time
}

// JobStore keeps the durable job queue. Jobs are added by the stores'
// other methods, in the transactions of the changes that call for them.
type JobStore interface {
	// ClaimJobs leases to holder, until now+lease, up to n queued jobs of
	// kind that are due at now, the longest due first, so that no other
	// worker or replica runs them meanwhile. A job whose lease ran out
	// (its worker died) can be claimed again. It never claims a job that
	// expired at or before now or whose account is deleted; in the same
	// transaction it cancels the expired jobs it passes over.
	ClaimJobs(ctx context.Context, kind JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*Job, error)
	// FinishJob records the outcome of an attempt at job id and its
	// effect, in one transaction: done or failed (the job ends, its
	// secret scrubbed) or queued again for Next (one more attempt, the
	// reason kept, the lease released). A retry writes only the effect's
	// BotDelivery. NotFound if there is no such job.
	FinishJob(ctx context.Context, id string, o JobOutcome) error
	// Jobs returns the jobs with these IDs, in no particular order.
	Jobs(ctx context.Context, ids []string) ([]*Job, error)
	// ListJobs returns a page of the jobs f selects, in the order they
	// were made.
	ListJobs(ctx context.Context, f JobFilter, p Page) ([]*Job, error)
	// CancelStaleJobs cancels, and scrubs, the queued jobs that no worker
	// holds and that can no longer be of use: expired at or before now,
	// or of a deleted account. It returns how many it cancelled.
	CancelStaleJobs(ctx context.Context, now time.Time) (int, error)
	// PruneJobs deletes up to n of the jobs that ended (done, failed or
	// cancelled) before cutoff, the first made first, and up to n of the
	// bot delivery log's attempts made before cutoff, and returns the
	// larger of the two counts, so that a caller prunes until both are
	// done.
	PruneJobs(ctx context.Context, cutoff time.Time, n int) (int, error)
}

// The reasons a queued job is cancelled, kept as its last error for an
// operator who wonders why it never ran.
const (
	CancelExpired   = "cancelled: it expired before it could run"
	CancelDeleted   = "cancelled: the account was deleted"
	CancelSuspended = "cancelled: the user was suspended"
	CancelAccepted  = "cancelled: the invitation was accepted"
)

// EndsUserJobs reports whether a user going from registration status was
// to now ends the user's queued jobs: a suspended user is to be sent
// nothing more, and their invitation links die with their jobs.
func EndsUserJobs(was, now RegistrationStatus) bool {
	return now == Suspended && was != Suspended
}

// ClaimJobs leases due jobs of kind to a worker; see JobStore.ClaimJobs.
func (s *Service) ClaimJobs(ctx context.Context, kind JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*Job, error) {
	return s.Store.ClaimJobs(ctx, kind, holder, now, lease, n)
}

// FinishJob records what became of an attempt at j, with what its kind's
// hooks say that outcome changes.
func (s *Service) FinishJob(ctx context.Context, j *Job, o JobOutcome) error {
	h := jobHooks[j.Kind]
	switch {
	case o.Status == JobDone && h.done != nil:
		o.Effect = h.done(j)
	case o.Status == JobFailed && h.failed != nil:
		o.Effect = h.failed(j)
	}
	return s.Store.FinishJob(ctx, j.ID, o)
}

// ListJobs returns a page of the jobs f selects, for an operator.
func (s *Service) ListJobs(ctx context.Context, f JobFilter, p Page) ([]*Job, error) {
	return s.Store.ListJobs(ctx, f, p)
}

// CancelStaleJobs cancels the queued jobs that expired or whose account is
// deleted, scrubbing the secrets they carry, and returns how many it
// cancelled. The server runs it periodically, whether or not a worker for
// each kind runs.
func (s *Service) CancelStaleJobs(ctx context.Context) (int, error) {
	return s.Store.CancelStaleJobs(ctx, s.now())
}

// DefaultJobRetention is how long a job stays after it ended, so that an
// operator can still look back at it (belfry jobs list --failed) before
// PruneJobs deletes it.
const DefaultJobRetention = 30 * 24 * time.Hour

// pruneJobsBatch bounds how many jobs one write of PruneJobs deletes, so
// that a prune of a long backlog holds the writer for a moment at a time
// and lets the requests' writes through between batches.
const pruneJobsBatch = 500

// PruneJobs deletes the jobs that ended more than retention ago, in
// batches of pruneJobsBatch, each a write of its own, until none is left;
// it returns how many it deleted. Without it the jobs table only grows:
// every invitation, sign-in and retention sweep leaves a row. The server
// runs it periodically.
func (s *Service) PruneJobs(ctx context.Context, retention time.Duration) (int, error) {
	cutoff := s.now().Add(-retention)
	total := 0
	for {
		n, err := s.Store.PruneJobs(ctx, cutoff, pruneJobsBatch)
		total += n
		if err != nil || n < pruneJobsBatch {
			return total, err
		}
	}
}

// Kicker is told when jobs of its kind are queued, so that it runs them at
// once rather than at its next poll; *queue.Worker is one.
type Kicker interface{ Kick() }
