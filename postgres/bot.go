package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const botColumns = `b.seq, b.id, b.account_id, b.display_name, b.email, b.security_token, b.disabled, b.created, b.updated`

// CreateBot stores b and sets its Seq. Its transaction first locks the
// account's row, then counts the account's bots and looks b's e-mail up,
// so that two bots created at the limit cannot both fit; belfry.PlanBot
// decides before the insert.
func (s *Store) CreateBot(ctx context.Context, b *belfry.Bot) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, lockAccountQuery, b.AccountID).Scan(&one); err != nil {
			return notFound(err, "account %s not found", b.AccountID)
		}
		var n int
		var taken bool
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM bots WHERE account_id = $1),
			EXISTS (SELECT 1 FROM bots WHERE email = $2)`, b.AccountID, b.Email).Scan(&n, &taken)
		if err != nil {
			return internal(err)
		}
		if err := belfry.PlanBot(b, n, taken); err != nil {
			return err
		}
		return internal(tx.QueryRow(ctx, `INSERT INTO bots (id, account_id, display_name, email, security_token,
			disabled, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
			b.ID, b.AccountID, b.DisplayName, b.Email, b.SecurityToken, b.Disabled, ts(b.Created), ts(b.Updated)).Scan(&b.Seq))
	})
}

// Bot returns bot id of account accountID.
func (s *Store) Bot(ctx context.Context, accountID, id string) (*belfry.Bot, error) {
	b, err := scanBot(s.pool.QueryRow(ctx, `SELECT `+botColumns+` FROM bots b WHERE b.id = $1 AND b.account_id = $2`,
		id, accountID))
	if err != nil {
		return nil, notFound(err, "bot %s not found in account %s", id, accountID)
	}
	return b, nil
}

// ListBots returns a page of the account's bots in the order they were
// made.
func (s *Store) ListBots(ctx context.Context, accountID string, p belfry.Page) ([]*belfry.Bot, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+botColumns+` FROM bots b
		WHERE b.account_id = $1 AND b.seq > $2 ORDER BY b.seq LIMIT $3`, accountID, p.After, limit(p))
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.Bot, 0, capacity(p))
	for rows.Next() {
		b, err := scanBot(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, b)
	}
	return list, internal(rows.Err())
}

// UpdateBot lets apply change bot id of account accountID, its row locked,
// then writes what may change of it, in one transaction.
func (s *Store) UpdateBot(ctx context.Context, accountID, id string, apply func(*belfry.Bot) error) (*belfry.Bot, error) {
	var b *belfry.Bot
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		row := tx.QueryRow(ctx, `SELECT `+botColumns+` FROM bots b WHERE b.id = $1 AND b.account_id = $2 FOR NO KEY UPDATE`,
			id, accountID)
		if b, err = scanBot(row); err != nil {
			return notFound(err, "bot %s not found in account %s", id, accountID)
		}
		if err := apply(b); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE bots SET disabled = $1, security_token = $2, updated = $3 WHERE id = $4`,
			b.Disabled, b.SecurityToken, ts(b.Updated), b.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func scanBot(row pgx.Row) (*belfry.Bot, error) {
	b := new(belfry.Bot)
	err := row.Scan(&b.Seq, &b.ID, &b.AccountID, &b.DisplayName, &b.Email, &b.SecurityToken, &b.Disabled,
		timeCol{&b.Created}, timeCol{&b.Updated})
	if err != nil {
		return nil, err
	}
	return b, nil
}
