package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry"
)

const botColumns = `b.seq, b.id, b.account_id, b.display_name, b.email, b.security_token, b.disabled, b.created, b.updated`

// CreateBot stores b and sets its Seq. The count of the account's bots,
// the look-up of b's e-mail, belfry.PlanBot's decision and the insert share
// one transaction.
func (s *Store) CreateBot(ctx context.Context, b *belfry.Bot) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		var taken bool
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM bots WHERE account_id = ?1),
			EXISTS (SELECT 1 FROM bots WHERE email = ?2)`, b.AccountID, b.Email).Scan(&n, &taken)
		if err != nil {
			return internal(err)
		}
		if err := belfry.PlanBot(b, n, taken); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO bots (id, account_id, display_name, email, security_token,
			disabled, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.AccountID, b.DisplayName, b.Email, b.SecurityToken, b.Disabled, micros(b.Created), micros(b.Updated))
		if err != nil {
			return internal(err)
		}
		b.Seq, err = res.LastInsertId()
		return internal(err)
	})
}

// Bot returns bot id of account accountID.
func (s *Store) Bot(ctx context.Context, accountID, id string) (*belfry.Bot, error) {
	b, err := scanBot(s.r.QueryRowContext(ctx, `SELECT `+botColumns+` FROM bots b WHERE b.id = ? AND b.account_id = ?`,
		id, accountID))
	if err != nil {
		return nil, notFound(err, "bot %s not found in account %s", id, accountID)
	}
	return b, nil
}

// ListBots returns a page of the account's bots in the order they were
// made.
func (s *Store) ListBots(ctx context.Context, accountID string, p belfry.Page) ([]*belfry.Bot, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+botColumns+` FROM bots b
		WHERE b.account_id = ? AND b.seq > ? ORDER BY b.seq LIMIT ?`, accountID, p.After, limit(p))
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

// UpdateBot lets apply change bot id of account accountID, then writes
// what may change of it, in one transaction.
func (s *Store) UpdateBot(ctx context.Context, accountID, id string, apply func(*belfry.Bot) error) (*belfry.Bot, error) {
	var b *belfry.Bot
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		row := tx.QueryRowContext(ctx, `SELECT `+botColumns+` FROM bots b WHERE b.id = ? AND b.account_id = ?`, id, accountID)
		if b, err = scanBot(row); err != nil {
			return notFound(err, "bot %s not found in account %s", id, accountID)
		}
		if err := apply(b); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE bots SET disabled = ?, security_token = ?, updated = ? WHERE id = ?`,
			b.Disabled, b.SecurityToken, micros(b.Updated), b.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func scanBot(row scanner) (*belfry.Bot, error) {
	b := new(belfry.Bot)
	err := row.Scan(&b.Seq, &b.ID, &b.AccountID, &b.DisplayName, &b.Email, &b.SecurityToken, &b.Disabled,
		timeCol{&b.Created}, timeCol{&b.Updated})
	if err != nil {
		return nil, err
	}
	return b, nil
}
