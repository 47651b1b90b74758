package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/belfryhq/belfry"
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
// what the transaction reads: the thread, and the sender's place in it.
func (s *Store) PostMessage(ctx context.Context, m *belfry.Message) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		f, err := s.postFacts(ctx, tx, m)
		if err != nil {
			return err
		}
		if err := belfry.PlanPost(m, f); err != nil {
			return err
		}
		res, err := tx.StmtContext(ctx, s.st.insertMessage).ExecContext(ctx, m.ID, m.AccountID, nullable(m.RoomID), nullable(m.ConversationID), m.Sender.ID, string(m.Sender.Type),
			m.Sender.Name, m.Sender.Email, m.Content, micros(m.Created))
		if err != nil {
			return internal(err)
		}
		m.Seq, err = res.LastInsertId()
		return internal(err)
	})
}

// The queries of a post, prepared once (stmts.go): the post's facts for a
// user in a room, a webhook in its room and a user in a conversation, and
// the insert.
const (
	roomPostFactsQuery = `SELECT EXISTS (SELECT 1 FROM memberships WHERE room_id = t.id AND member_id = ?)
		FROM rooms t WHERE t.id = ? AND t.account_id = ?`
	webhookPostFactsQuery = `SELECT EXISTS (SELECT 1 FROM webhooks WHERE room_id = t.id AND id = ?),
		(SELECT count(*) FROM memberships WHERE room_id = t.id)
		FROM rooms t WHERE t.id = ? AND t.account_id = ?`
	conversationPostFactsQuery = `SELECT EXISTS (SELECT 1 FROM conversation_members
		WHERE conversation_id = t.id AND user_id = ?) FROM conversations t WHERE t.id = ? AND t.account_id = ?`
	insertMessageQuery = `INSERT INTO messages (id, account_id, room_id, conversation_id,
		sender_id, sender_type, sender_name, sender_email, content, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// postFacts reads, in tx, whether m's thread is its account's and whether
// m's sender is in it; for a webhook, also how many members the room has.
func (s *Store) postFacts(ctx context.Context, tx *sql.Tx, m *belfry.Message) (belfry.PostFacts, error) {
	q := s.st.roomPostFacts
	if m.Sender.Type == belfry.MemberWebhook {
		q = s.st.webhookPostFacts
	}
	if m.RoomID == "" {
		q = s.st.conversationPostFacts
	}
	_, id := threadColumn(m.Thread())
	f := belfry.PostFacts{Found: true}
	dst := []any{&f.Member}
	if m.Sender.Type == belfry.MemberWebhook {
		dst = append(dst, &f.Members)
	}
	err := tx.StmtContext(ctx, q).QueryRowContext(ctx, m.Sender.ID, id, m.AccountID).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return belfry.PostFacts{}, nil
	}
	return f, internal(err)
}

// threadExists returns NotFound unless account accountID has thread t.
func (s *Store) threadExists(ctx context.Context, accountID string, t belfry.Thread) error {
	_, id := threadColumn(t)
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM `+threadTable(t)+` WHERE id = ? AND account_id = ?`, id, accountID).Scan(&one)
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
	rows, err := s.r.QueryContext(ctx, `SELECT * FROM (SELECT `+messageColumns+` FROM messages
		WHERE `+col+` = ? AND seq < ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`, id, before, limit)
	if err != nil {
		return nil, internal(err)
	}
	return scanMessages(rows, min(limit, 100))
}

// ListMessages returns a page of the messages f selects, oldest first.
func (s *Store) ListMessages(ctx context.Context, f belfry.MessageFilter, p belfry.Page) ([]*belfry.Message, error) {
	q := `SELECT ` + messageColumns + ` FROM messages WHERE account_id = ? AND seq > ?`
	args := []any{f.AccountID, p.After}
	if f.Thread != (belfry.Thread{}) {
		// The unary + keeps SQLite off the account's index, so that it
		// reads the thread's (thread, seq) index instead of all of the
		// account's messages.
		col, id := threadColumn(f.Thread)
		q = `SELECT ` + messageColumns + ` FROM messages WHERE +account_id = ? AND seq > ? AND ` + col + ` = ?`
		args = append(args, id)
	}
	if !f.Since.IsZero() {
		q += ` AND created >= ?`
		args = append(args, micros(f.Since))
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY seq LIMIT ?`, append(args, limit(p))...)
	if err != nil {
		return nil, internal(err)
	}
	return scanMessages(rows, capacity(p))
}

// Message returns message id of thread t of account accountID.
func (s *Store) Message(ctx context.Context, accountID string, t belfry.Thread, id string) (*belfry.Message, error) {
	col, tid := threadColumn(t)
	row := s.r.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE id = ? AND `+col+` = ? AND account_id = ?`, id, tid, accountID)
	m, err := scanMessage(row)
	if err != nil {
		return nil, notFound(err, "message %s not found in %s of account %s", id, t, accountID)
	}
	return m, nil
}

// RedactMessage blanks the content of message id in its row, so that it
// is gone rather than hidden, and marks the message redacted.
func (s *Store) RedactMessage(ctx context.Context, accountID string, t belfry.Thread, id string, at time.Time) (*belfry.Message, error) {
	col, tid := threadColumn(t)
	var m *belfry.Message
	err := s.write(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `UPDATE messages SET content = '', redacted = coalesce(redacted, ?)
			WHERE id = ? AND `+col+` = ? AND account_id = ? RETURNING `+messageColumns,
			micros(at), id, tid, accountID)
		var err error
		m, err = scanMessage(row)
		return notFound(err, "message %s not found in %s of account %s", id, t, accountID)
	})
	return m, err
}

// DeleteExpiredMessages deletes up to n of the account's messages that c
// expires, the oldest first, along the (account_id, created) index.
func (s *Store) DeleteExpiredMessages(ctx context.Context, accountID string, c belfry.RetentionCutoff, n int) (int, error) {
	var deleted int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE seq IN (SELECT seq FROM messages
			WHERE account_id = ?1 AND created < max(coalesce(?2, 0), coalesce(?3, 0))
			AND ((room_id IS NOT NULL AND created < ?2) OR (conversation_id IS NOT NULL AND created < ?3))
			ORDER BY created LIMIT ?4)`, accountID, micros(c.Rooms), micros(c.Conversations), n)
		if err != nil {
			return internal(err)
		}
		deleted, err = res.RowsAffected()
		return internal(err)
	})
	return int(deleted), err
}

func scanMessages(rows *sql.Rows, size int) ([]*belfry.Message, error) {
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

func scanMessage(row scanner) (*belfry.Message, error) {
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
