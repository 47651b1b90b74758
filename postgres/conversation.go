package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

// CreateConversation stores c and its members in one transaction, once it
// has found every member among the users of c's account.
func (s *Store) CreateConversation(ctx context.Context, c *belfry.Conversation) error {
	if len(c.Members) == 0 {
		return belfry.Errorf(belfry.BadRequest, "a conversation needs members")
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE account_id = $1 AND id = ANY($2)`,
			c.AccountID, c.Members).Scan(&n)
		if err != nil {
			return internal(err)
		}
		if n != len(c.Members) {
			return belfry.Errorf(belfry.NotFound, "a member of the conversation is not a user of account %s", c.AccountID)
		}
		err = tx.QueryRow(ctx, `INSERT INTO conversations (id, account_id, created, created_by)
			VALUES ($1, $2, $3, $4) RETURNING seq`, c.ID, c.AccountID, ts(c.Created), c.CreatedBy).Scan(&c.Seq)
		if err != nil {
			return internal(err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO conversation_members (conversation_id, user_id, position)
			SELECT $1, m.id, m.n - 1 FROM unnest($2::text[]) WITH ORDINALITY AS m (id, n)`, c.ID, c.Members)
		return internal(err)
	})
}

// ListConversations returns a page of the account's conversations that
// user userID is in.
func (s *Store) ListConversations(ctx context.Context, accountID, userID string, p belfry.Page) ([]*belfry.Conversation, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.seq, c.id, c.account_id, c.created, c.created_by FROM conversations c
		JOIN conversation_members cm ON cm.conversation_id = c.id AND cm.user_id = $1
		WHERE c.account_id = $2 AND c.seq > $3 ORDER BY c.seq LIMIT $4`, userID, accountID, p.After, limit(p))
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
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.email, u.display_name, u.account_id
		FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
		JOIN users u ON u.id = cm.user_id
		WHERE c.id = $1 AND c.account_id = $2 ORDER BY cm.position`, id, accountID)
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
