package belfry

import (
	"context"
	"time"
)

// RetentionCutoff says which messages retention has expired: room messages
// created before Rooms and conversation messages created before
// Conversations. A zero time expires none of its kind.
type RetentionCutoff struct {
	Rooms         time.Time
	Conversations time.Time
}

// None reports whether c expires nothing.
func (c RetentionCutoff) None() bool { return c.Rooms.IsZero() && c.Conversations.IsZero() }

// Cutoff returns what r expires at now: nothing before its
// InitiateDeletion has passed or while no policy is on, else the messages
// older than each policy's days (DECISIONS.md, retention).
func (r *RetentionSettings) Cutoff(now time.Time) RetentionCutoff {
	var c RetentionCutoff
	if r == nil || r.InitiateDeletion.IsZero() || now.Before(r.InitiateDeletion) {
		return c
	}
	if r.RoomDays > 0 {
		c.Rooms = now.AddDate(0, 0, -r.RoomDays)
	}
	if r.ConversationDays > 0 {
		c.Conversations = now.AddDate(0, 0, -r.ConversationDays)
	}
	return c
}

// Retention batches: each deletion is one short transaction of at most
// RetentionBatch messages, so that a sweep never holds the database for
// long, and one job deletes at most RetentionBatches of them; the next
// sweep goes on where it stopped.
const (
	RetentionBatch   = 500
	RetentionBatches = 40
)

// AccountRetention is a live account's retention settings, as the sweep
// reads them.
type AccountRetention struct {
	AccountID string
	Settings  RetentionSettings
}

// RetentionStore finds the accounts that retention concerns and queues
// their sweeps.
type RetentionStore interface {
	// ListRetention returns the live accounts that have a retention policy
	// on, with their settings.
	ListRetention(ctx context.Context) ([]*AccountRetention, error)
	// QueueRetention queues jobs, which are KindRetention jobs, one an
	// account: an account's job is added, or queued again due now when it
	// has ended (done, failed or cancelled), and left alone while it is
	// queued or running, so that sweeps of several replicas at once queue
	// it once. It returns how many jobs it queued.
	QueueRetention(ctx context.Context, jobs []*Job) (int, error)
}

// ScheduleRetention queues a retention job for each account whose policy
// has something to delete now. The server calls it periodically; each
// replica may, since an account's job is queued once.
func (s *Service) ScheduleRetention(ctx context.Context) (int, error) {
	list, err := s.Store.ListRetention(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var jobs []*Job
	for _, r := range list {
		if r.Settings.Cutoff(now).None() {
			continue
		}
		jobs = append(jobs, &Job{ID: s.newID(), Kind: KindRetention, AccountID: r.AccountID, Ref: r.AccountID,
			Status: JobQueued, Due: now, Created: now})
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	return s.Store.QueueRetention(ctx, jobs)
}

// ApplyRetention runs retention job j: it deletes, for good, the account's
// messages older than its policies allow, reading the policies afresh, so
// that a policy turned off or put again since the job was queued is
// obeyed (DECISIONS.md, retention).
func (s *Service) ApplyRetention(ctx context.Context, j *Job) error {
	r, err := s.Store.RetentionSettings(ctx, j.AccountID)
	if err != nil {
		return err
	}
	c := r.Cutoff(s.now())
	for range RetentionBatches {
		if c.None() {
			return nil
		}
		n, err := s.Store.DeleteExpiredMessages(ctx, j.AccountID, c, RetentionBatch)
		if err != nil || n < RetentionBatch {
			return err
		}
	}
	return nil
}
