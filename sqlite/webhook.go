package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
)

const webhookColumns = `w.seq, w.id, w.account_id, w.room_id, w.name, w.token_hash, w.created`

func scanWebhook(row scanner) (*belfry.Webhook, error) {
	w := new(belfry.Webhook)
	err := row.Scan(&w.Seq, &w.ID, &w.AccountID, &w.RoomID, &w.Name, &w.TokenHash, timeCol{&w.Created})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// CreateWebhook stores w once belfry.PlanWebhook agrees from what the
// transaction reads: the room, and how many webhooks it has.
func (s *Store) CreateWebhook(ctx context.Context, w *belfry.Webhook) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		f := belfry.WebhookFacts{RoomFound: true}
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM webhooks WHERE room_id = r.id)
			FROM rooms r WHERE r.id = ? AND r.account_id = ?`, w.RoomID, w.AccountID).Scan(&f.Webhooks)
		if errors.Is(err, sql.ErrNoRows) {
			f = belfry.WebhookFacts{}
		} else if err != nil {
			return internal(err)
		}
		if err := belfry.PlanWebhook(w, f); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, account_id, room_id, name, token_hash, created)
			VALUES (?, ?, ?, ?, ?, ?)`, w.ID, w.AccountID, w.RoomID, w.Name, w.TokenHash, micros(w.Created))
		if err != nil {
			return internal(err)
		}
		w.Seq, err = res.LastInsertId()
		return internal(err)
	})
}

// Webhook returns webhook id, whatever its account, unless the account is
// deleted.
func (s *Store) Webhook(ctx context.Context, id string) (*belfry.Webhook, error) {
	// Every post to a webhook URL reads its webhook: the statement is
	// prepared once (stmts.go).
	w, err := scanWebhook(s.st.webhook.QueryRowContext(ctx, id))
	return w, notFound(err, "webhook %s not found", id)
}

// ListWebhooks returns the webhooks of room roomID of account accountID,
// oldest first.
func (s *Store) ListWebhooks(ctx context.Context, accountID, roomID string) ([]*belfry.Webhook, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks w
		WHERE w.room_id = ? AND w.account_id = ? ORDER BY w.seq`, roomID, accountID)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, w)
	}
	return list, internal(rows.Err())
}

// UpdateWebhook stores what apply leaves of webhook id: its name, its
// token and its ID, which a regenerated URL changes.
func (s *Store) UpdateWebhook(ctx context.Context, accountID, id string, apply func(*belfry.Webhook) error) (*belfry.Webhook, error) {
	var w *belfry.Webhook
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		w, err = scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks w
			WHERE w.id = ? AND w.account_id = ?`, id, accountID))
		if err != nil {
			return notFound(err, "webhook %s not found in account %s", id, accountID)
		}
		if err := apply(w); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET id = ?, name = ?, token_hash = ? WHERE seq = ?`,
			w.ID, w.Name, w.TokenHash, w.Seq)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// DeleteWebhook deletes webhook id of account accountID.
func (s *Store) DeleteWebhook(ctx context.Context, accountID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ? AND account_id = ?`, id, accountID)
		return affected(res, err, "webhook %s not found in account %s", id, accountID)
	})
}

// webhookQuery reads a live account's webhook by ID.
const webhookQuery = `SELECT ` + webhookColumns + ` FROM webhooks w
	JOIN accounts a ON a.id = w.account_id AND a.deleted_at IS NULL WHERE w.id = ?`
