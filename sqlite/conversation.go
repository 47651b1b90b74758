package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/belfryhq/belfry"
)

// CreateConversation stores c and its members in one transaction, once it
// has found every member among the users of c's account.
func (s *Store) CreateConversation(ctx context.Context, c *belfry.Conversation) error {
	if len(c.Members) == 0 {
		return belfry.Errorf(belfry.BadRequest, "a conversation needs members")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		args := []any{c.AccountID}
		for _, id := range c.Members {
			args = append(args, id)
		}
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE account_id = ? AND id IN (?`+
			strings.Repeat(", ?", len(c.Members)-1)+`)`, args...).Scan(&n)
		if err != nil {
			return internal(err)
		}
		if n != len(c.Members) {
			return belfry.Errorf(belfry.NotFound, "a member of the conversation is not a user of account %s", c.AccountID)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, account_id, created, created_by) VALUES (?, ?, ?, ?)`,
			c.ID, c.AccountID, micros(c.Created), c.CreatedBy)
		if err != nil {
			return internal(err)
		}
		if c.Seq, err = res.LastInsertId(); err != nil {
			return internal(err)
		}
		for i, id := range c.Members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_members (conversation_id, user_id, position)
				VALUES (?, ?, ?)`, c.ID, id, i); err != nil {
				return internal(err)
			}
		}
		return nil
	})
}

// ListConversations returns a page of the account's conversations that
// user userID is in.
func (s *Store) ListConversations(ctx context.Context, accountID, userID string, p belfry.Page) ([]*belfry.Conversation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.seq, c.id, c.account_id, c.created, c.created_by FROM conversations c
		JOIN conversation_members cm ON cm.conversation_id = c.id AND cm.user_id = ?
		WHERE c.account_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`, userID, accountID, p.After, limit(p))
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.Conversation, 0, capacity(p))
	for rows.Next() {
		c := new(belfry.Conversation)
		if err := rows.Scan(&c.Seq, &c.ID, &c.AccountID, timeCol{&c.Created}, &c.CreatedBy); err != nil {
			return nil, internal(err)
		}
		list = append(list, c)
	}
	return list, internal(rows.Err())
}

// ListConversationMembers returns the users of conversation id, the one
// who started it first. A conversation always has members, so none means
// there is no such conversation.
func (s *Store) ListConversationMembers(ctx context.Context, accountID, id string) ([]*belfry.Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT u.id, u.email, u.display_name, u.account_id
		FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
		JOIN users u ON u.id = cm.user_id
		WHERE c.id = ? AND c.account_id = ? ORDER BY cm.position`, id, accountID)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.Member
	for rows.Next() {
		m := &belfry.Member{Type: belfry.MemberUser}
		if err := rows.Scan(&m.ID, &m.Email, &m.FullName, &m.AccountID); err != nil {
			return nil, internal(err)
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	if len(list) == 0 {
		return nil, belfry.Errorf(belfry.NotFound, "conversation %s not found in account %s", id, accountID)
	}
	return list, nil
}
