package postgres

import (
	"context"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const webhookColumns = `w.seq, w.id, w.account_id, w.room_id, w.name, w.token_hash, w.created`

func scanWebhook(row pgx.Row) (*belfry.Webhook, error) {
	w := new(belfry.Webhook)
	err := row.Scan(&w.Seq, &w.ID, &w.AccountID, &w.RoomID, &w.Name, &w.TokenHash, timeCol{&w.Created})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// CreateWebhook stores w once belfry.PlanWebhook agrees from what the
// transaction reads. It locks the room's row first, so that two creations
// in one room count one after the other and the limit holds.
func (s *Store) CreateWebhook(ctx context.Context, w *belfry.Webhook) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		f := belfry.WebhookFacts{RoomFound: true}
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM rooms WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE`,
			w.RoomID, w.AccountID).Scan(&one)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			f.RoomFound = false
		case err != nil:
			return internal(err)
		default:
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE room_id = $1`, w.RoomID).Scan(&f.Webhooks); err != nil {
				return internal(err)
			}
		}
		if err := belfry.PlanWebhook(w, f); err != nil {
			return err
		}
		return internal(tx.QueryRow(ctx, `INSERT INTO webhooks (id, account_id, room_id, name, token_hash, created)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
			w.ID, w.AccountID, w.RoomID, w.Name, w.TokenHash, ts(w.Created)).Scan(&w.Seq))
	})
}

// Webhook returns webhook id, whatever its account, unless the account is
// deleted.
func (s *Store) Webhook(ctx context.Context, id string) (*belfry.Webhook, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks w
		JOIN accounts a ON a.id = w.account_id AND a.deleted_at IS NULL WHERE w.id = $1`, id))
	return w, notFound(err, "webhook %s not found", id)
}

// ListWebhooks returns the webhooks of room roomID of account accountID,
// oldest first.
func (s *Store) ListWebhooks(ctx context.Context, accountID, roomID string) ([]*belfry.Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks w
		WHERE w.room_id = $1 AND w.account_id = $2 ORDER BY w.seq`, roomID, accountID)
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

// UpdateWebhook stores what apply leaves of webhook id, its row locked
// meanwhile: its name, its token and its ID, which a regenerated URL
// changes.
func (s *Store) UpdateWebhook(ctx context.Context, accountID, id string, apply func(*belfry.Webhook) error) (*belfry.Webhook, error) {
	var w *belfry.Webhook
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		w, err = scanWebhook(tx.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks w
			WHERE w.id = $1 AND w.account_id = $2 FOR UPDATE`, id, accountID))
		if err != nil {
			return notFound(err, "webhook %s not found in account %s", id, accountID)
		}
		if err := apply(w); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE webhooks SET id = $1, name = $2, token_hash = $3 WHERE seq = $4`,
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
	return s.change(ctx, `DELETE FROM webhooks WHERE id = $1 AND account_id = $2`, []any{id, accountID},
		affected("webhook %s not found in account %s", id, accountID))
}
