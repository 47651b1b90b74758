package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

const mailColumns = `seq, id, invite_id, account_id, to_addr, reply_to, subject, text_body, html_body, link,
	message_id, status, attempts, next_attempt, last_error, created, sent, expires`

const (
	insertMailQuery = `INSERT INTO mails (id, invite_id, account_id, to_addr, reply_to, subject, text_body,
		html_body, link, message_id, status, next_attempt, created, expires)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// claimMailQuery leases the oldest due messages in one statement, so a
	// message is never handed to two workers.
	claimMailQuery = `UPDATE mails SET lease_holder = ?1, lease_until = ?3
		WHERE seq IN (SELECT seq FROM mails WHERE status = 'Queued' AND next_attempt <= ?2
			AND lease_until <= ?2 ORDER BY next_attempt, seq LIMIT ?4)
		RETURNING ` + mailColumns
	// The body and link go once the message is delivered or refused: they
	// carry the accept token, which must outlive delivery only as a hash.
	mailSentQuery = `UPDATE mails SET status = 'Sent', sent = ?2, text_body = '', html_body = '', link = '',
		lease_holder = '', lease_until = 0 WHERE id = ?1 RETURNING invite_id`
	mailRetryQuery = `UPDATE mails SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3,
		lease_holder = '', lease_until = 0 WHERE id = ?1 AND status = 'Queued'`
	mailFailedQuery = `UPDATE mails SET status = 'Failed', attempts = attempts + 1, last_error = ?2, sent = NULL,
		text_body = '', html_body = '', link = '', lease_holder = '', lease_until = 0
		WHERE id = ?1 RETURNING invite_id`
	queuedMailsQuery = `SELECT ` + mailColumns + ` FROM mails
		WHERE status = 'Queued' AND (?1 = '' OR account_id = ?1) AND seq > ?2 ORDER BY seq LIMIT ?3`
)

func insertMail(ctx context.Context, ins *sql.Stmt, m *belfry.Mail) error {
	res, err := ins.ExecContext(ctx, m.ID, m.InviteID, m.AccountID, m.To, m.ReplyTo, m.Subject, m.Text,
		m.HTML, m.Link, m.MessageID, string(m.Status), micros(m.NextAttempt), micros(m.Created), micros(m.Expires))
	if err != nil {
		if constraint(err) == "mails.id" {
			return conflict("mail %s already exists", m.ID)
		}
		return internal(err)
	}
	m.Seq, err = res.LastInsertId()
	return internal(err)
}

// ClaimMail leases up to n due messages to holder.
func (s *Store) ClaimMail(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Mail, error) {
	var list []*belfry.Mail
	err := s.write(ctx, func(tx *sql.Tx) error {
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
		return internal(err)
	})
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

// QueuedMails returns a page of undelivered messages, oldest first.
func (s *Store) QueuedMails(ctx context.Context, accountID string, p belfry.Page) ([]*belfry.Mail, error) {
	rows, err := s.r.QueryContext(ctx, queuedMailsQuery, accountID, p.After, limit(p))
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
