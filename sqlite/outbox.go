package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
)

const mailColumns = `seq, id, invite_id, account_id, to_addr, reply_to, subject, text_body, html_body, link,
	message_id, status, attempts, next_attempt, last_error, created, sent, expires`

const (
	insertMailQuery = `INSERT INTO mails (id, invite_id, account_id, to_addr, reply_to, subject, text_body,
		html_body, link, message_id, status, next_attempt, created, expires)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// claimMailQuery leases the oldest due messages in one statement, so a
	// message is never handed to two workers. It passes over messages
	// whose link has expired, which cancelDueExpiredQuery cancels first,
	// and those of deleted accounts, which CancelStaleMail cancels.
	claimMailQuery = `UPDATE mails SET lease_holder = ?1, lease_until = ?3
		WHERE seq IN (SELECT seq FROM mails m WHERE status = 'Queued' AND next_attempt <= ?2
			AND lease_until <= ?2 AND (expires IS NULL OR expires > ?2) AND NOT ` + accountDeleted + `
			ORDER BY next_attempt, seq LIMIT ?4)
		RETURNING ` + mailColumns
	// accountDeleted says whether the account of the mails row m is deleted.
	accountDeleted = `EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id AND a.deleted_at IS NOT NULL)`
	// cancelMail is the SET clause that cancels a queued message and
	// scrubs the accept link it carries; its reason is the parameter
	// :reason.
	cancelMail = `status = 'Cancelled', text_body = '', html_body = '', link = '', lease_holder = '',
		lease_until = 0, last_error = :reason`
	// cancelDueExpiredQuery cancels, among the messages that ClaimMail
	// looks at (the oldest due that no worker holds), those whose link
	// has expired, so that a claim costs no more than before.
	cancelDueExpiredQuery = `UPDATE mails SET ` + cancelMail + ` WHERE expires <= :now AND seq IN (
		SELECT seq FROM mails WHERE status = 'Queued' AND next_attempt <= :now AND lease_until <= :now
		ORDER BY next_attempt, seq LIMIT :n)`
	// cancelExpiredMailQuery and cancelDeletedMailQuery cancel the queued
	// messages no worker holds whose link has expired, and those of
	// deleted accounts.
	cancelExpiredMailQuery = `UPDATE mails SET ` + cancelMail + `
		WHERE status = 'Queued' AND lease_until <= :now AND expires <= :now`
	cancelDeletedMailQuery = `UPDATE mails AS m SET ` + cancelMail + `
		WHERE status = 'Queued' AND lease_until <= :now AND ` + accountDeleted
	// The body and link go once the message is delivered or refused: they
	// carry the accept token, which must outlive delivery only as a hash.
	mailSentQuery = `UPDATE mails SET status = 'Sent', sent = ?2, text_body = '', html_body = '', link = '',
		lease_holder = '', lease_until = 0 WHERE id = ?1 RETURNING invite_id`
	mailRetryQuery = `UPDATE mails SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3,
		lease_holder = '', lease_until = 0 WHERE id = ?1 AND status = 'Queued'`
	mailFailedQuery = `UPDATE mails SET status = 'Failed', attempts = attempts + 1, last_error = ?2, sent = NULL,
		text_body = '', html_body = '', link = '', lease_holder = '', lease_until = 0
		WHERE id = ?1 RETURNING invite_id`
	queuedMailsQuery = `SELECT ` + mailColumns + ` FROM mails m
		WHERE status = 'Queued' AND (?1 = '' OR account_id = ?1) AND seq > ?2
			AND (expires IS NULL OR expires > ?4) AND NOT ` + accountDeleted + ` ORDER BY seq LIMIT ?3`
)

// The reasons a queued message is cancelled, kept as its last error for an
// operator who wonders why it never went.
const (
	expiredReason   = "cancelled: the invitation expired before the message was sent"
	deletedReason   = "cancelled: the account was deleted"
	suspendedReason = "cancelled: the user was suspended"
)

func insertMail(ctx context.Context, ins *sql.Stmt, m *belfry.Mail) error {
	res, err := ins.ExecContext(ctx, m.ID, m.InviteID, m.AccountID, m.To, m.ReplyTo, m.Subject, m.Text,
		m.HTML, m.Link, m.MessageID, string(m.Status), micros(m.NextAttempt), micros(m.Created), micros(m.Expires))
	if err != nil {
		return storeerr.Mail(constraint(err), m, internal(err))
	}
	m.Seq, err = res.LastInsertId()
	return internal(err)
}

// ClaimMail leases up to n due messages to holder.
func (s *Store) ClaimMail(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Mail, error) {
	var list []*belfry.Mail
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, cancelDueExpiredQuery, sql.Named("now", now.UnixMicro()), sql.Named("n", n),
			sql.Named("reason", expiredReason))
		if err != nil {
			return internal(err)
		}
		rows, err := tx.QueryContext(ctx, claimMailQuery, holder, now.UnixMicro(), now.Add(lease).UnixMicro(), n)
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
	return s.write(ctx, func(tx *sql.Tx) error {
		var invite string
		err := tx.QueryRowContext(ctx, mailSentQuery, id, t.UnixMicro()).Scan(&invite)
		if err != nil {
			return notFound(err, "mail %s not found", id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE invites SET email_status = 'Sent' WHERE id = ?`, invite)
		return internal(err)
	})
}

// MailRetry records a failed attempt and when to try again.
func (s *Store) MailRetry(ctx context.Context, id string, next time.Time, reason string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, mailRetryQuery, id, next.UnixMicro(), reason)
		return affected(res, err, "queued mail %s not found", id)
	})
}

// MailFailed records a permanent refusal: the mail and its invite fail.
func (s *Store) MailFailed(ctx context.Context, id string, reason string, t time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var invite string
		if err := tx.QueryRowContext(ctx, mailFailedQuery, id, reason).Scan(&invite); err != nil {
			return notFound(err, "mail %s not found", id)
		}
		_, err := tx.ExecContext(ctx, `UPDATE invites SET email_status = 'Failed', status = 'Failed'
			WHERE id = ? AND status = 'Pending'`, invite)
		if err != nil {
			return internal(err)
		}
		_, err = tx.ExecContext(ctx, userInviteFailedQuery, invite)
		return internal(err)
	})
}

// userInviteFailedQuery makes the invitation status of the user of invite
// ?1 Failed, when that invite is the user's latest and the user has not
// registered: a newer invitation may still reach them.
const userInviteFailedQuery = `UPDATE users SET invitation = 'Failed'
	WHERE registration = 'Unregistered' AND id = (SELECT user_id FROM invites WHERE id = ?1)
		AND NOT EXISTS (SELECT 1 FROM invites o, invites i WHERE i.id = ?1 AND o.user_id = i.user_id
			AND o.created > i.created)`

// CancelStaleMail cancels the queued messages no worker holds whose link
// has expired or whose account is deleted.
func (s *Store) CancelStaleMail(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, c := range []struct{ query, reason string }{
			{cancelExpiredMailQuery, expiredReason},
			{cancelDeletedMailQuery, deletedReason},
		} {
			res, err := tx.ExecContext(ctx, c.query, sql.Named("now", now.UnixMicro()), sql.Named("reason", c.reason))
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

// Mails returns the messages with these IDs.
func (s *Store) Mails(ctx context.Context, ids []string) ([]*belfry.Mail, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	marks := strings.Repeat(",?", len(ids))[1:]
	rows, err := s.r.QueryContext(ctx, `SELECT `+mailColumns+` FROM mails WHERE id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanMails(rows)
}

// QueuedMails returns a page of undelivered messages whose links still work
// at now, oldest first.
func (s *Store) QueuedMails(ctx context.Context, accountID string, now time.Time, p belfry.Page) ([]*belfry.Mail, error) {
	rows, err := s.r.QueryContext(ctx, queuedMailsQuery, accountID, p.After, limit(p), now.UnixMicro())
	if err != nil {
		return nil, internal(err)
	}
	return scanMails(rows)
}

func scanMails(rows *sql.Rows) ([]*belfry.Mail, error) {
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
