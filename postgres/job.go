package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"github.com/jackc/pgx/v5"
)

const jobColumns = `seq, id, kind, account_id, user_id, ref, payload, secret, status, attempts, due, last_error,
	lease_holder, lease_until, created, finished, expires`

const (
	insertJobQuery = `INSERT INTO jobs (id, kind, account_id, user_id, ref, payload, secret, status, due, created,
		expires) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq`
	// claimJobsQuery leases the longest due jobs of kind $6 in one
	// statement. FOR UPDATE SKIP LOCKED lets workers of several replicas
	// claim at once: each passes over the rows another is claiming instead
	// of waiting for them, so a job is never handed to two workers and no
	// worker stalls behind another. RETURNING has no order; the outer
	// query gives the jobs longest due first.
	//
	// Among the jobs it looks at, those that have expired are cancelled and
	// scrubbed instead, in the same statement, so that a claim costs no
	// more than before; jobs of deleted accounts are passed over, for
	// CancelStaleJobs to cancel.
	claimJobsQuery = `WITH due AS (
		SELECT seq, coalesce(expires <= $2, false) AS expired FROM jobs j
		WHERE kind = $6 AND status = 'Queued' AND due <= $2 AND lease_until <= $2 AND NOT ` + accountDeleted + `
		ORDER BY due, seq LIMIT $4 FOR UPDATE SKIP LOCKED),
	cancelled AS (
		UPDATE jobs SET ` + cancelJob + `, last_error = $5, finished = $2
		WHERE seq IN (SELECT seq FROM due WHERE expired)),
	claimed AS (
		UPDATE jobs SET lease_holder = $1, lease_until = $3
		WHERE seq IN (SELECT seq FROM due WHERE NOT expired)
		RETURNING ` + jobColumns + `)
		SELECT ` + jobColumns + ` FROM claimed ORDER BY due, seq`
	// accountDeleted says whether the account of the jobs row j is deleted.
	accountDeleted = `EXISTS (SELECT 1 FROM accounts a WHERE a.id = j.account_id AND a.deleted_at IS NOT NULL)`
	// cancelJob is the SET clause that cancels a queued job and scrubs
	// its secret; the reason goes in last_error.
	cancelJob = `status = 'Cancelled', secret = '', lease_holder = '', lease_until = '-infinity'`
	// cancelExpiredJobsQuery and cancelDeletedJobsQuery cancel the queued
	// jobs no worker holds that have expired, and those of deleted
	// accounts.
	cancelExpiredJobsQuery = `UPDATE jobs SET ` + cancelJob + `, last_error = $2, finished = $1
		WHERE status = 'Queued' AND lease_until <= $1 AND expires <= $1`
	cancelDeletedJobsQuery = `UPDATE jobs j SET ` + cancelJob + `, last_error = $2, finished = $1
		WHERE status = 'Queued' AND lease_until <= $1 AND ` + accountDeleted
	// finishJobQuery ends job $1 with status $2 at $3: its secret goes,
	// since it must not outlive the job.
	finishJobQuery = `UPDATE jobs SET status = $2, finished = $3, attempts = attempts + $4, last_error = $5,
		secret = '', lease_holder = '', lease_until = '-infinity' WHERE id = $1`
	retryJobQuery = `UPDATE jobs SET attempts = attempts + 1, due = $2, last_error = $3,
		lease_holder = '', lease_until = '-infinity' WHERE id = $1 AND status = 'Queued'`
	// cancelUserJobsQuery and cancelAccountJobsQuery cancel the queued
	// jobs of user $1, of account $1, for reason $2 at $3.
	cancelUserJobsQuery = `UPDATE jobs SET ` + cancelJob + `, last_error = $2, finished = $3
		WHERE status = 'Queued' AND user_id = $1`
	cancelAccountJobsQuery = `UPDATE jobs SET ` + cancelJob + `, last_error = $2, finished = $3
		WHERE status = 'Queued' AND account_id = $1`
	// userInviteFailedQuery makes the invitation status of the user of
	// invite $1 Failed, when that invite is the user's latest and the
	// user has not registered: a newer invitation may still reach them.
	userInviteFailedQuery = `UPDATE users SET invitation = 'Failed'
		WHERE registration = 'Unregistered' AND id = (SELECT user_id FROM invites WHERE id = $1)
			AND NOT EXISTS (SELECT 1 FROM invites o, invites i WHERE i.id = $1 AND o.user_id = i.user_id
				AND o.created > i.created)`
)

// jobArgs are the arguments of insertJobQuery for j.
func jobArgs(j *belfry.Job) []any {
	return []any{j.ID, string(j.Kind), j.AccountID, j.UserID, j.Ref, string(j.Payload), string(j.Secret),
		string(j.Status), ts(j.Due), ts(j.Created), ts(j.Expires)}
}

func jobError(err error, j *belfry.Job) error {
	return storeerr.Job(constraint(err), j, internal(err))
}

// ClaimJobs leases up to n due jobs of kind to holder.
func (s *Store) ClaimJobs(ctx context.Context, kind belfry.JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Job, error) {
	var list []*belfry.Job
	args := []any{holder, ts(now), ts(now.Add(lease)), n, belfry.CancelExpired, string(kind)}
	err := s.change(ctx, claimJobsQuery, args, func(r pgx.BatchResults) error {
		rows, err := r.Query()
		if err != nil {
			return internal(err)
		}
		list, err = scanJobs(rows)
		return err
	})
	return list, err
}

// FinishJob records the outcome of an attempt at job id, and its effect.
func (s *Store) FinishJob(ctx context.Context, id string, o belfry.JobOutcome) error {
	if o.Status == belfry.JobQueued {
		query, args := retryJobQuery, []any{id, ts(o.Next), o.Reason}
		if d := o.Effect.BotDelivery; d != nil {
			// The attempt is logged in the statement that queues the
			// retry, and only when it does.
			query = `WITH r AS (` + retryJobQuery + ` RETURNING 1) ` + insertBotDeliveryAfter
			args = append(args, botDeliveryArgs(d)...)
		}
		return s.change(ctx, query, args, affected("queued job %s not found", id))
	}
	tried := 0
	if o.Status == belfry.JobFailed {
		tried = 1
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, finishJobQuery, id, string(o.Status), ts(o.At), tried, o.Reason)
		if err != nil {
			return internal(err)
		}
		if tag.RowsAffected() == 0 {
			return belfry.Errorf(belfry.NotFound, "job %s not found", id)
		}
		return applyEffect(ctx, tx, o.Effect)
	})
}

// applyEffect writes what a job's outcome changes beyond the job.
func applyEffect(ctx context.Context, tx pgx.Tx, e belfry.JobEffect) error {
	if d := e.BotDelivery; d != nil {
		if _, err := tx.Exec(ctx, insertBotDeliveryQuery, botDeliveryArgs(d)...); err != nil {
			return internal(err)
		}
	}
	if e.Invite == nil {
		return nil
	}
	if e.Invite.Email == belfry.EmailSent {
		_, err := tx.Exec(ctx, `UPDATE invites SET email_status = 'Sent' WHERE id = $1`, e.Invite.InviteID)
		return internal(err)
	}
	_, err := tx.Exec(ctx, `UPDATE invites SET email_status = $2, status = 'Failed'
		WHERE id = $1 AND status = 'Pending'`, e.Invite.InviteID, string(e.Invite.Email))
	if err != nil {
		return internal(err)
	}
	_, err = tx.Exec(ctx, userInviteFailedQuery, e.Invite.InviteID)
	return internal(err)
}

// CancelStaleJobs cancels the queued jobs no worker holds that have
// expired or whose account is deleted, in one round trip.
func (s *Store) CancelStaleJobs(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.attempts(ctx, func(ev *belfry.AuditEvent, seq *int64) error {
		n = 0
		count := func(r pgx.BatchResults) error {
			tag, err := r.Exec()
			n += tag.RowsAffected()
			return internal(err)
		}
		var b batch
		b.queue(cancelExpiredJobsQuery, []any{ts(now), belfry.CancelExpired}, count)
		b.queue(cancelDeletedJobsQuery, []any{ts(now), belfry.CancelDeleted}, count)
		record(&b, ev, seq)
		return b.read(s.pool.SendBatch(ctx, &b.b))
	})
	return int(n), err
}

// pruneJobsQuery deletes up to $2 jobs that ended before $1, walking the
// jobs in the order they were made: the oldest, which are the ones to go,
// come first, so a batch reads little more than what it deletes. SKIP
// LOCKED leaves a job another replica is pruning to that replica.
// The bot delivery log's attempts made before $1 go with them, up to $2
// of them too; the statement answers the larger of the two counts.
const pruneJobsQuery = `WITH j AS (DELETE FROM jobs WHERE seq IN (SELECT seq FROM jobs
	WHERE status IN ('Done', 'Failed', 'Cancelled') AND finished < $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
	RETURNING 1),
	d AS (DELETE FROM bot_deliveries WHERE seq IN (SELECT seq FROM bot_deliveries WHERE at < $1 ORDER BY at
	LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1)
	SELECT greatest((SELECT count(*) FROM j), (SELECT count(*) FROM d))`

// PruneJobs deletes up to n jobs that ended before cutoff, in one round
// trip.
func (s *Store) PruneJobs(ctx context.Context, cutoff time.Time, n int) (int, error) {
	var deleted int64
	err := s.change(ctx, pruneJobsQuery, []any{ts(cutoff), n}, func(r pgx.BatchResults) error {
		return internal(r.QueryRow().Scan(&deleted))
	})
	return int(deleted), err
}

// Jobs returns the jobs with these IDs.
func (s *Store) Jobs(ctx context.Context, ids []string) ([]*belfry.Job, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, internal(err)
	}
	return scanJobs(rows)
}

// ListJobs returns a page of the jobs f selects, in the order they were
// made.
func (s *Store) ListJobs(ctx context.Context, f belfry.JobFilter, p belfry.Page) ([]*belfry.Job, error) {
	where := []string{`seq > $1`}
	args := []any{p.After, limit(p)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Kind != "" {
		where = append(where, `kind = `+arg(string(f.Kind)))
	}
	if f.AccountID != "" {
		where = append(where, `account_id = `+arg(f.AccountID))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			statuses[i] = string(st)
		}
		where = append(where, `status = ANY(`+arg(statuses)+`)`)
	}
	if !f.LiveAt.IsZero() {
		live := arg(ts(f.LiveAt))
		where = append(where, `(expires IS NULL OR expires > `+live+`) AND NOT `+accountDeleted)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs j WHERE `+strings.Join(where, " AND ")+
		` ORDER BY seq LIMIT $2`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanJobs(rows)
}

func scanJobs(rows pgx.Rows) ([]*belfry.Job, error) {
	defer rows.Close()
	var list []*belfry.Job
	for rows.Next() {
		j := new(belfry.Job)
		var payload, secret string
		err := rows.Scan(&j.Seq, &j.ID, &j.Kind, &j.AccountID, &j.UserID, &j.Ref, &payload, &secret, &j.Status,
			&j.Attempts, timeCol{&j.Due}, &j.LastError, &j.LeaseHolder, leaseCol{&j.LeaseUntil}, timeCol{&j.Created},
			timeCol{&j.Finished}, timeCol{&j.Expires})
		if err != nil {
			return nil, internal(err)
		}
		if payload != "" {
			j.Payload = []byte(payload)
		}
		if secret != "" {
			j.Secret = []byte(secret)
		}
		list = append(list, j)
	}
	return list, internal(rows.Err())
}
