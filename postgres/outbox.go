package postgres

import (
	"context"
	"time"

	"github.com/belfryhq/belfry"
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
	claimMailQuery = `WITH claimed AS (
		UPDATE mails SET lease_holder = $1, lease_until = $3
		WHERE seq IN (SELECT seq FROM mails WHERE status = 'Queued' AND next_attempt <= $2
			AND lease_until <= $2 ORDER BY next_attempt, seq LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING ` + mailColumns + `)
		SELECT ` + mailColumns + ` FROM claimed ORDER BY next_attempt, seq`
	// The body and link go once the message is delivered or refused: they
	// carry the accept token, which must outlive delivery only as a hash.
	mailSentQuery = `UPDATE mails SET status = 'Sent', sent = $2, text_body = '', html_body = '', link = '',
		lease_holder = '', lease_until = '-infinity' WHERE id = $1 RETURNING invite_id`
	mailRetryQuery = `UPDATE mails SET attempts = attempts + 1, next_attempt = $2, last_error = $3,
		lease_holder = '', lease_until = '-infinity' WHERE id = $1 AND status = 'Queued'`
	mailFailedQuery = `UPDATE mails SET status = 'Failed', attempts = attempts + 1, last_error = $2, sent = NULL,
		text_body = '', html_body = '', link = '', lease_holder = '', lease_until = '-infinity'
		WHERE id = $1 RETURNING invite_id`
)

// mailArgs are the arguments of insertMailQuery for m.
func mailArgs(m *belfry.Mail) []any {
	return []any{m.ID, m.InviteID, m.AccountID, m.To, m.ReplyTo, m.Subject, m.Text, m.HTML, m.Link,
		m.MessageID, string(m.Status), ts(m.NextAttempt), ts(m.Created), ts(m.Expires)}
}

func mailError(err error, m *belfry.Mail) error {
	if constraint(err) == "mails_id" {
		return conflict("mail %s already exists", m.ID)
	}
	return internal(err)
}

// ClaimMail leases up to n due messages to holder.
func (s *Store) ClaimMail(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Mail, error) {
	var list []*belfry.Mail
	err := s.change(ctx, claimMailQuery, []any{holder, ts(now), ts(now.Add(lease)), n}, func(r pgx.BatchResults) error {
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
		return internal(err)
	})
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

// QueuedMails returns a page of undelivered messages, oldest first.
func (s *Store) QueuedMails(ctx context.Context, accountID string, p belfry.Page) ([]*belfry.Mail, error) {
	q := `SELECT ` + mailColumns + ` FROM mails WHERE status = 'Queued' AND seq > $1`
	args := []any{p.After, limit(p)}
	if accountID != "" {
		q += ` AND account_id = $3`
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
