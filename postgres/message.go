package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"github.com/jackc/pgx/v5"
)

const messageColumns = `seq, id, account_id, coalesce(room_id, ''), coalesce(conversation_id, ''),
	sender_id, sender_type, sender_name, sender_email, content, created, redacted`

// threadColumn returns the column that holds t's ID, and that ID.
func threadColumn(t belfry.Thread) (string, string) {
	if t.RoomID != "" {
		return "room_id", t.RoomID
	}
	return "conversation_id", t.ConversationID
}

// threadTable is the table of the rooms or conversations t names.
func threadTable(t belfry.Thread) string {
	if t.RoomID != "" {
		return "rooms"
	}
	return "conversations"
}

// PostMessage stores m and sets its Seq, once belfry.PlanPost agrees from
// what the transaction reads: the thread, and the sender's place in it. A
// thread deleted meanwhile breaks the insert's foreign key, which is the
// same NotFound.
func (s *Store) PostMessage(ctx context.Context, m *belfry.Message) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		f, err := postFacts(ctx, tx, m)
		if err != nil {
			return err
		}
		if err := belfry.PlanPost(m, f); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO messages (id, account_id, room_id, conversation_id,
			sender_id, sender_type, sender_name, sender_email, content, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
			m.ID, m.AccountID, nullable(m.RoomID), nullable(m.ConversationID), m.Sender.ID, string(m.Sender.Type),
			m.Sender.Name, m.Sender.Email, m.Content, ts(m.Created)).Scan(&m.Seq)
		if constraint(err) == storeerr.ForeignKey {
			return belfry.PlanPost(m, belfry.PostFacts{})
		}
		return internal(err)
	})
}

// postFacts reads, in tx, whether m's thread is its account's and whether
// m's sender is in it; for a webhook, also how many members the room has.
func postFacts(ctx context.Context, tx pgx.Tx, m *belfry.Message) (belfry.PostFacts, error) {
	q := `SELECT EXISTS (SELECT 1 FROM memberships WHERE room_id = t.id AND member_id = $1)
		FROM rooms t WHERE t.id = $2 AND t.account_id = $3`
	if m.Sender.Type == belfry.MemberWebhook {
		q = `SELECT EXISTS (SELECT 1 FROM webhooks WHERE room_id = t.id AND id = $1),
			(SELECT count(*) FROM memberships WHERE room_id = t.id)
			FROM rooms t WHERE t.id = $2 AND t.account_id = $3`
	}
	if m.RoomID == "" {
		q = `SELECT EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = t.id AND user_id = $1)
			FROM conversations t WHERE t.id = $2 AND t.account_id = $3`
	}
	_, id := threadColumn(m.Thread())
	f := belfry.PostFacts{Found: true}
	dst := []any{&f.Member}
	if m.Sender.Type == belfry.MemberWebhook {
		dst = append(dst, &f.Members)
	}
	err := tx.QueryRow(ctx, q, m.Sender.ID, id, m.AccountID).Scan(dst...)
	if errors.Is(err, pgx.ErrNoRows) {
		return belfry.PostFacts{}, nil
	}
	return f, internal(err)
}

// threadExists returns NotFound unless account accountID has thread t.
func (s *Store) threadExists(ctx context.Context, accountID string, t belfry.Thread) error {
	_, id := threadColumn(t)
	var one int
	err := s.pool.QueryRow(ctx, `SELECT 1 FROM `+threadTable(t)+` WHERE id = $1 AND account_id = $2`, id, accountID).Scan(&one)
	return notFound(err, "%s not found in account %s", t, accountID)
}

// ListHistory returns up to limit messages of thread t before seq before,
// newest last, read backwards along the thread's (thread, seq) index.
func (s *Store) ListHistory(ctx context.Context, accountID string, t belfry.Thread, before int64, limit int) ([]*belfry.Message, error) {
	if err := s.threadExists(ctx, accountID, t); err != nil {
		return nil, err
	}
	if before <= 0 {
		before = math.MaxInt64
	}
	col, id := threadColumn(t)
	rows, err := s.pool.Query(ctx, `SELECT * FROM (SELECT `+messageColumns+` FROM messages
		WHERE `+col+` = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3) page ORDER BY seq`, id, before, limit)
	if err != nil {
		return nil, internal(err)
	}
	return scanMessages(rows, min(limit, 100))
}

// ListMessages returns a page of the messages f selects, oldest first.
func (s *Store) ListMessages(ctx context.Context, f belfry.MessageFilter, p belfry.Page) ([]*belfry.Message, error) {
	q := `SELECT ` + messageColumns + ` FROM messages WHERE account_id = $1 AND seq > $2`
	args := []any{f.AccountID, p.After}
	if f.Thread != (belfry.Thread{}) {
		col, id := threadColumn(f.Thread)
		args = append(args, id)
		q += fmt.Sprintf(` AND %s = $%d`, col, len(args))
	}
	if !f.Since.IsZero() {
		args = append(args, ts(f.Since))
		q += fmt.Sprintf(` AND created >= $%d`, len(args))
	}
	args = append(args, limit(p))
	rows, err := s.pool.Query(ctx, q+fmt.Sprintf(` ORDER BY seq LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanMessages(rows, capacity(p))
}

// Message returns message id of thread t of account accountID.
func (s *Store) Message(ctx context.Context, accountID string, t belfry.Thread, id string) (*belfry.Message, error) {
	col, tid := threadColumn(t)
	row := s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE id = $1 AND `+col+` = $2 AND account_id = $3`, id, tid, accountID)
	m, err := scanMessage(row)
	if err != nil {
		return nil, notFound(err, "message %s not found in %s of account %s", id, t, accountID)
	}
	return m, nil
}

// RedactMessage blanks the content of message id in its row, so that it
// is gone rather than hidden, and marks the message redacted. (The old row
// version stays in the table's file until VACUUM reclaims it.)
func (s *Store) RedactMessage(ctx context.Context, accountID string, t belfry.Thread, id string, at time.Time) (*belfry.Message, error) {
	col, tid := threadColumn(t)
	var m *belfry.Message
	err := s.change(ctx, `UPDATE messages SET content = '', redacted = coalesce(redacted, $1)
		WHERE id = $2 AND `+col+` = $3 AND account_id = $4 RETURNING `+messageColumns,
		[]any{ts(at), id, tid, accountID}, func(r pgx.BatchResults) error {
			var err error
			m, err = scanMessage(r.QueryRow())
			return notFound(err, "message %s not found in %s of account %s", id, t, accountID)
		})
	return m, err
}

// DeleteExpiredMessages deletes up to n of the account's messages that c
// expires, the oldest first, along the (account_id, created) index.
func (s *Store) DeleteExpiredMessages(ctx context.Context, accountID string, c belfry.RetentionCutoff, n int) (int, error) {
	var deleted int64
	err := s.change(ctx, `DELETE FROM messages WHERE seq IN (SELECT seq FROM messages
		WHERE account_id = $1 AND created < greatest($2::timestamptz, $3::timestamptz)
		AND ((room_id IS NOT NULL AND created < $2) OR (conversation_id IS NOT NULL AND created < $3))
		ORDER BY created LIMIT $4)`, []any{accountID, ts(c.Rooms), ts(c.Conversations), n},
		func(r pgx.BatchResults) error {
			tag, err := r.Exec()
			deleted = tag.RowsAffected()
			return internal(err)
		})
	return int(deleted), err
}

func scanMessages(rows pgx.Rows, size int) ([]*belfry.Message, error) {
	defer rows.Close()
	list := make([]*belfry.Message, 0, size)
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, m)
	}
	return list, internal(rows.Err())
}

func scanMessage(row pgx.Row) (*belfry.Message, error) {
	m := new(belfry.Message)
	var typ string
	err := row.Scan(&m.Seq, &m.ID, &m.AccountID, &m.RoomID, &m.ConversationID, &m.Sender.ID, &typ,
		&m.Sender.Name, &m.Sender.Email, &m.Content, timeCol{&m.Created}, timeCol{&m.Redacted})
	if err != nil {
		return nil, err
	}
	m.Sender.Type = belfry.MemberType(typ)
	return m, nil
}
