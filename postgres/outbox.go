package postgres

import (
	"context"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"github.com/jackc/pgx/v5"
)

const mailColumns = `seq, id, invite_id, account_id, to_addr, reply_to, subject, text_body, html_body, link,
	message_id, status, attempts, next_attempt, last_error, created, sent, expires`

const (
	insertMailQuery = `INSERT INTO mails (id, invite_id, account_id, to_addr, reply_to, subject, text_body,
		html_body, link, message_id, status, next_attempt, created, expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING seq`
	// claimMailQuery leases the oldest due messages in one statement. FOR
	// UPDATE SKIP LOCKED lets workers of several replicas claim at once:
	// each passes over the rows another is claiming instead of waiting for
	// them, so a message is never handed to two workers and no worker
	// stalls behind another. RETURNING has no order; the outer query gives
	// the messages oldest first.
	//
	// Among the messages it looks at, those whose link has expired are
	// cancelled and scrubbed instead, in the same statement, so that a
	// claim costs no more than before; messages of deleted accounts are
	// passed over, for CancelStaleMail to cancel.
	claimMailQuery = `WITH due AS (
		SELECT seq, coalesce(expires <= $2, false) AS expired FROM mails m
		WHERE status = 'Queued' AND next_attempt <= $2 AND lease_until <= $2 AND NOT ` + accountDeleted + `
		ORDER BY next_attempt, seq LIMIT $4 FOR UPDATE SKIP LOCKED),
	cancelled AS (
		UPDATE mails SET ` + cancelMail + `, last_error = $5
		WHERE seq IN (SELECT seq FROM due WHERE expired)),
	claimed AS (
		UPDATE mails SET lease_holder = $1, lease_until = $3
		WHERE seq IN (SELECT seq FROM due WHERE NOT expired)
		RETURNING ` + mailColumns + `)
		SELECT ` + mailColumns + ` FROM claimed ORDER BY next_attempt, seq`
	// accountDeleted says whether the account of the mails row m is deleted.
	accountDeleted = `EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id AND a.deleted_at IS NOT NULL)`
	// cancelMail is the SET clause that cancels a queued message and
	// scrubs the accept link it carries; the reason goes in last_error.
	cancelMail = `status = 'Cancelled', text_body = '', html_body = '', link = '', lease_holder = '',
		lease_until = '-infinity'`
	// cancelExpiredMailQuery and cancelDeletedMailQuery cancel the queued
	// messages no worker holds whose link has expired, and those of
	// deleted accounts.
	cancelExpiredMailQuery = `UPDATE mails SET ` + cancelMail + `, last_error = $2
		WHERE status = 'Queued' AND lease_until <= $1 AND expires <= $1`
	cancelDeletedMailQuery = `UPDATE mails m SET ` + cancelMail + `, last_error = $2
		WHERE status = 'Queued' AND lease_until <= $1 AND ` + accountDeleted
	// The body and link go once the message is delivered or refused: they
	// carry the accept token, which must outlive delivery only as a hash.
	mailSentQuery = `UPDATE mails SET status = 'Sent', sent = $2, text_body = '', html_body = '', link = '',
		lease_holder = '', lease_until = '-infinity' WHERE id = $1 RETURNING invite_id`
	mailRetryQuery = `UPDATE mails SET attempts = attempts + 1, next_attempt = $2, last_error = $3,
		lease_holder = '', lease_until = '-infinity' WHERE id = $1 AND status = 'Queued'`
	mailFailedQuery = `UPDATE mails SET status = 'Failed', attempts = attempts + 1, last_error = $2, sent = NULL,
		text_body = '', html_body = '', link = '', lease_holder = '', lease_until = '-infinity'
		WHERE id = $1 RETURNING invite_id`
	// userInviteFailedQuery makes the invitation status of the user of
	// invite $1 Failed, when that invite is the user's latest and the
	// user has not registered: a newer invitation may still reach them.
	userInviteFailedQuery = `UPDATE users SET invitation = 'Failed'
		WHERE registration = 'Unregistered' AND id = (SELECT user_id FROM invites WHERE id = $1)
			AND NOT EXISTS (SELECT 1 FROM invites o, invites i WHERE i.id = $1 AND o.user_id = i.user_id
				AND o.created > i.created)`
)

// The reasons a queued message is cancelled, kept as its last error for an
// operator who wonders why it never went.
const (
	expiredReason   = "cancelled: the invitation expired before the message was sent"
	deletedReason   = "cancelled: the account was deleted"
	suspendedReason = "cancelled: the user was suspended"
)

// mailArgs are the arguments of insertMailQuery for m.
func mailArgs(m *belfry.Mail) []any {
	return []any{m.ID, m.InviteID, m.AccountID, m.To, m.ReplyTo, m.Subject, m.Text, m.HTML, m.Link,
		m.MessageID, string(m.Status), ts(m.NextAttempt), ts(m.Created), ts(m.Expires)}
}

func mailError(err error, m *belfry.Mail) error {
	return storeerr.Mail(constraint(err), m, internal(err))
}

// ClaimMail leases up to n due messages to holder.
func (s *Store) ClaimMail(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Mail, error) {
	var list []*belfry.Mail
	args := []any{holder, ts(now), ts(now.Add(lease)), n, expiredReason}
	err := s.change(ctx, claimMailQuery, args, func(r pgx.BatchResults) error {
		rows, err := r.Query()
		if err != nil {
			return internal(err)
		}
		list, err = scanMails(rows)
		return err
	})
	return list, err
}

// MailSent records a delivery and marks the invite's e-mail Sent.
func (s *Store) MailSent(ctx context.Context, id string, t time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var invite string
		if err := tx.QueryRow(ctx, mailSentQuery, id, ts(t)).Scan(&invite); err != nil {
			return notFound(err, "mail %s not found", id)
		}
		_, err := tx.Exec(ctx, `UPDATE invites SET email_status = 'Sent' WHERE id = $1`, invite)
		return internal(err)
	})
}

// MailRetry records a failed attempt and when to try again.
func (s *Store) MailRetry(ctx context.Context, id string, next time.Time, reason string) error {
	return s.change(ctx, mailRetryQuery, []any{id, ts(next), reason}, affected("queued mail %s not found", id))
}

// MailFailed records a permanent refusal: the mail and its invite fail.
func (s *Store) MailFailed(ctx context.Context, id string, reason string, t time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var invite string
		if err := tx.QueryRow(ctx, mailFailedQuery, id, reason).Scan(&invite); err != nil {
			return notFound(err, "mail %s not found", id)
		}
		_, err := tx.Exec(ctx, `UPDATE invites SET email_status = 'Failed', status = 'Failed'
			WHERE id = $1 AND status = 'Pending'`, invite)
		if err != nil {
			return internal(err)
		}
		_, err = tx.Exec(ctx, userInviteFailedQuery, invite)
		return internal(err)
	})
}

// CancelStaleMail cancels the queued messages no worker holds whose link
// has expired or whose account is deleted, in one round trip.
func (s *Store) CancelStaleMail(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.attempts(ctx, func(ev *belfry.AuditEvent, seq *int64) error {
		n = 0
		count := func(r pgx.BatchResults) error {
			tag, err := r.Exec()
			n += tag.RowsAffected()
			return internal(err)
		}
		var b batch
		b.queue(cancelExpiredMailQuery, []any{ts(now), expiredReason}, count)
		b.queue(cancelDeletedMailQuery, []any{ts(now), deletedReason}, count)
		record(&b, ev, seq)
		return b.read(s.pool.SendBatch(ctx, &b.b))
	})
	return int(n), err
}

// Mails returns the messages with these IDs.
func (s *Store) Mails(ctx context.Context, ids []string) ([]*belfry.Mail, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+mailColumns+` FROM mails WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, internal(err)
	}
	return scanMails(rows)
}

// QueuedMails returns a page of undelivered messages whose links still work
// at now, oldest first.
func (s *Store) QueuedMails(ctx context.Context, accountID string, now time.Time, p belfry.Page) ([]*belfry.Mail, error) {
	q := `SELECT ` + mailColumns + ` FROM mails m WHERE status = 'Queued' AND seq > $1
		AND (expires IS NULL OR expires > $3) AND NOT ` + accountDeleted
	args := []any{p.After, limit(p), ts(now)}
	if accountID != "" {
		q += ` AND account_id = $4`
		args = append(args, accountID)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY seq LIMIT $2`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanMails(rows)
}

func scanMails(rows pgx.Rows) ([]*belfry.Mail, error) {
	defer rows.Close()
	var list []*belfry.Mail
	for rows.Next() {
		m := new(belfry.Mail)
		err := rows.Scan(&m.Seq, &m.ID, &m.InviteID, &m.AccountID, &m.To, &m.ReplyTo, &m.Subject, &m.Text,
			&m.HTML, &m.Link, &m.MessageID, &m.Status, &m.Attempts, timeCol{&m.NextAttempt}, &m.LastError,
			timeCol{&m.Created}, timeCol{&m.Sent}, timeCol{&m.Expires})
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, m)
	}
	return list, internal(rows.Err())
}
