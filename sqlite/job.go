package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
)

const jobColumns = `seq, id, kind, account_id, user_id, ref, payload, secret, status, attempts, due, last_error,
	lease_holder, lease_until, created, finished, expires`

const (
	insertJobQuery = `INSERT INTO jobs (id, kind, account_id, user_id, ref, payload, secret, status, due, created,
		expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// claimJobsQuery leases the longest due jobs of a kind in one
	// statement, so a job is never handed to two workers. It passes over
	// jobs that have expired, which cancelDueExpiredQuery cancels first,
	// and those of deleted accounts, which CancelStaleJobs cancels.
	claimJobsQuery = `UPDATE jobs SET lease_holder = :holder, lease_until = :until
		WHERE seq IN (SELECT seq FROM jobs j WHERE kind = :kind AND status = 'Queued' AND due <= :now
			AND lease_until <= :now AND (expires IS NULL OR expires > :now) AND NOT ` + accountDeleted + `
			ORDER BY due, seq LIMIT :n)
		RETURNING ` + jobColumns
	// accountDeleted says whether the account of the jobs row j is deleted.
	accountDeleted = `EXISTS (SELECT 1 FROM accounts a WHERE a.id = j.account_id AND a.deleted_at IS NOT NULL)`
	// endJob is the SET clause that ends a job, scrubbing its secret and
	// releasing its lease; its status is :status and its time :at.
	endJob = `status = :status, finished = :at, secret = '', lease_holder = '', lease_until = 0`
	// cancelJob cancels a queued job for :reason at :at.
	cancelJob = `status = 'Cancelled', finished = :at, secret = '', lease_holder = '', lease_until = 0,
		last_error = :reason`
	// cancelDueExpiredQuery cancels, among the jobs that ClaimJobs looks
	// at (the longest due of the kind that no worker holds), those that
	// have expired, so that a claim costs no more than before.
	cancelDueExpiredQuery = `UPDATE jobs SET ` + cancelJob + ` WHERE expires <= :now AND seq IN (
		SELECT seq FROM jobs WHERE kind = :kind AND status = 'Queued' AND due <= :now AND lease_until <= :now
		ORDER BY due, seq LIMIT :n)`
	// cancelExpiredJobsQuery and cancelDeletedJobsQuery cancel the queued
	// jobs no worker holds that have expired, and those of deleted
	// accounts.
	cancelExpiredJobsQuery = `UPDATE jobs SET ` + cancelJob + `
		WHERE status = 'Queued' AND lease_until <= :now AND expires <= :now`
	cancelDeletedJobsQuery = `UPDATE jobs AS j SET ` + cancelJob + `
		WHERE status = 'Queued' AND lease_until <= :now AND ` + accountDeleted
	finishJobQuery = `UPDATE jobs SET ` + endJob + `, attempts = attempts + :tried, last_error = :reason
		WHERE id = :id`
	retryJobQuery = `UPDATE jobs SET attempts = attempts + 1, due = :next, last_error = :reason,
		lease_holder = '', lease_until = 0 WHERE id = :id AND status = 'Queued'`
	// cancelUserJobsQuery, cancelAccountJobsQuery cancel the queued jobs
	// of a user, of an account.
	cancelUserJobsQuery    = `UPDATE jobs SET ` + cancelJob + ` WHERE status = 'Queued' AND user_id = :user`
	cancelAccountJobsQuery = `UPDATE jobs SET ` + cancelJob + ` WHERE status = 'Queued' AND account_id = :account`
)

func insertJob(ctx context.Context, ins *sql.Stmt, j *belfry.Job) error {
	res, err := ins.ExecContext(ctx, j.ID, string(j.Kind), j.AccountID, j.UserID, j.Ref, string(j.Payload),
		string(j.Secret), string(j.Status), micros(j.Due), micros(j.Created), micros(j.Expires))
	if err != nil {
		return storeerr.Job(constraint(err), j, internal(err))
	}
	j.Seq, err = res.LastInsertId()
	return internal(err)
}

// cancelJobs cancels, in tx, the queued jobs that query selects, for
// reason; args name what the query selects by.
func cancelJobs(ctx context.Context, tx *sql.Tx, query, reason string, at time.Time, args ...any) error {
	args = append(args, sql.Named("reason", reason), sql.Named("at", micros(at)))
	_, err := tx.ExecContext(ctx, query, args...)
	return internal(err)
}

// ClaimJobs leases up to n due jobs of kind to holder.
func (s *Store) ClaimJobs(ctx context.Context, kind belfry.JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Job, error) {
	var list []*belfry.Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := cancelJobs(ctx, tx, cancelDueExpiredQuery, belfry.CancelExpired, now,
			sql.Named("now", now.UnixMicro()), sql.Named("n", n), sql.Named("kind", string(kind)))
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, claimJobsQuery, sql.Named("holder", holder), sql.Named("now", now.UnixMicro()),
			sql.Named("until", now.Add(lease).UnixMicro()), sql.Named("n", n), sql.Named("kind", string(kind)))
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
	return s.write(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if o.Status == belfry.JobQueued {
			res, err = tx.ExecContext(ctx, retryJobQuery, sql.Named("id", id), sql.Named("next", o.Next.UnixMicro()),
				sql.Named("reason", o.Reason))
			if err := affected(res, err, "queued job %s not found", id); err != nil {
				return err
			}
			return insertBotDelivery(ctx, tx, o.Effect.BotDelivery)
		}
		tried := 0
		if o.Status == belfry.JobFailed {
			tried = 1
		}
		res, err = tx.ExecContext(ctx, finishJobQuery, sql.Named("id", id), sql.Named("status", string(o.Status)),
			sql.Named("at", micros(o.At)), sql.Named("tried", tried), sql.Named("reason", o.Reason))
		if err := affected(res, err, "job %s not found", id); err != nil {
			return err
		}
		return applyEffect(ctx, tx, o.Effect)
	})
}

// applyEffect writes what a job's outcome changes beyond the job.
func applyEffect(ctx context.Context, tx *sql.Tx, e belfry.JobEffect) error {
	if err := insertBotDelivery(ctx, tx, e.BotDelivery); err != nil || e.Invite == nil {
		return err
	}
	if e.Invite.Email == belfry.EmailSent {
		_, err := tx.ExecContext(ctx, `UPDATE invites SET email_status = 'Sent' WHERE id = ?`, e.Invite.InviteID)
		return internal(err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE invites SET email_status = ?2, status = 'Failed'
		WHERE id = ?1 AND status = 'Pending'`, e.Invite.InviteID, string(e.Invite.Email))
	if err != nil {
		return internal(err)
	}
	_, err = tx.ExecContext(ctx, userInviteFailedQuery, e.Invite.InviteID)
	return internal(err)
}

// userInviteFailedQuery makes the invitation status of the user of invite
// ?1 Failed, when that invite is the user's latest and the user has not
// registered: a newer invitation may still reach them.
const userInviteFailedQuery = `UPDATE users SET invitation = 'Failed'
	WHERE registration = 'Unregistered' AND id = (SELECT user_id FROM invites WHERE id = ?1)
		AND NOT EXISTS (SELECT 1 FROM invites o, invites i WHERE i.id = ?1 AND o.user_id = i.user_id
			AND o.created > i.created)`

// CancelStaleJobs cancels the queued jobs no worker holds that have
// expired or whose account is deleted.
func (s *Store) CancelStaleJobs(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, c := range []struct{ query, reason string }{
			{cancelExpiredJobsQuery, belfry.CancelExpired},
			{cancelDeletedJobsQuery, belfry.CancelDeleted},
		} {
			res, err := tx.ExecContext(ctx, c.query, sql.Named("now", now.UnixMicro()), sql.Named("reason", c.reason),
				sql.Named("at", now.UnixMicro()))
			if err != nil {
				return internal(err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return internal(err)
			}
			n += k
		}
		return nil
	})
	return int(n), err
}

// pruneJobsQuery deletes up to :n jobs that ended before :cutoff, walking
// the jobs in the order they were made: the oldest, which are the ones to
// go, come first, so a batch reads little more than what it deletes.
const pruneJobsQuery = `DELETE FROM jobs WHERE seq IN (SELECT seq FROM jobs
	WHERE status IN ('Done', 'Failed', 'Cancelled') AND finished < :cutoff ORDER BY seq LIMIT :n)`

// PruneJobs deletes up to n jobs that ended before cutoff.
func (s *Store) PruneJobs(ctx context.Context, cutoff time.Time, n int) (int, error) {
	var deleted int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, pruneJobsQuery, sql.Named("cutoff", cutoff.UnixMicro()), sql.Named("n", n))
		if err != nil {
			return internal(err)
		}
		if deleted, err = res.RowsAffected(); err != nil {
			return internal(err)
		}
		res, err = tx.ExecContext(ctx, pruneBotDeliveriesQuery, sql.Named("cutoff", cutoff.UnixMicro()), sql.Named("n", n))
		if err != nil {
			return internal(err)
		}
		attempts, err := res.RowsAffected()
		deleted = max(deleted, attempts)
		return internal(err)
	})
	return int(deleted), err
}

// Jobs returns the jobs with these IDs.
func (s *Store) Jobs(ctx context.Context, ids []string) ([]*belfry.Job, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	marks := strings.Repeat(",?", len(ids))[1:]
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanJobs(rows)
}

// ListJobs returns a page of the jobs f selects, in the order they were
// made.
func (s *Store) ListJobs(ctx context.Context, f belfry.JobFilter, p belfry.Page) ([]*belfry.Job, error) {
	where := []string{`seq > :after`}
	args := []any{sql.Named("after", p.After), sql.Named("limit", limit(p))}
	if f.Kind != "" {
		where, args = append(where, `kind = :kind`), append(args, sql.Named("kind", string(f.Kind)))
	}
	if f.AccountID != "" {
		where, args = append(where, `account_id = :account`), append(args, sql.Named("account", f.AccountID))
	}
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			name := fmt.Sprintf("status%d", i)
			marks[i] = ":" + name
			args = append(args, sql.Named(name, string(st)))
		}
		where = append(where, `status IN (`+strings.Join(marks, ",")+`)`)
	}
	if !f.LiveAt.IsZero() {
		where = append(where, `(expires IS NULL OR expires > :live) AND NOT `+accountDeleted)
		args = append(args, sql.Named("live", f.LiveAt.UnixMicro()))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs j WHERE `+strings.Join(where, " AND ")+
		` ORDER BY seq LIMIT :limit`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanJobs(rows)
}

func scanJobs(rows *sql.Rows) ([]*belfry.Job, error) {
	defer rows.Close()
	var list []*belfry.Job
	for rows.Next() {
		j := new(belfry.Job)
		var payload, secret string
		var leaseUntil int64
		err := rows.Scan(&j.Seq, &j.ID, &j.Kind, &j.AccountID, &j.UserID, &j.Ref, &payload, &secret, &j.Status,
			&j.Attempts, timeCol{&j.Due}, &j.LastError, &j.LeaseHolder, &leaseUntil, timeCol{&j.Created},
			timeCol{&j.Finished}, timeCol{&j.Expires})
		if err != nil {
			return nil, internal(err)
		}
		if leaseUntil > 0 { // 0: never leased, or released
			j.LeaseUntil = time.UnixMicro(leaseUntil).UTC()
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

// affected turns an UPDATE that matched no row into NotFound.
func affected(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return internal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound(sql.ErrNoRows, format, args...)
	}
	return nil
}
