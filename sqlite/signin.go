package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/belfryhq/belfry"
)

// ListUsersByEmail returns the users of every live account with the
// address.
func (s *Store) ListUsersByEmail(ctx context.Context, emailKey string) ([]*belfry.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE email_key = ? AND account_id IN (SELECT id FROM accounts WHERE deleted_at IS NULL) ORDER BY seq`, emailKey)
	if err != nil {
		return nil, internal(err)
	}
	return scanUsers(rows, 1)
}

// CreateSignIn stores si and queues its e-mail in one transaction.
func (s *Store) CreateSignIn(ctx context.Context, si *belfry.SignIn, mail *belfry.Job) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO signins (id, account_id, user_id, token_hash, created, expires)
			VALUES (?, ?, ?, ?, ?, ?)`, si.ID, si.AccountID, si.UserID, si.TokenHash, micros(si.Created), micros(si.Expires))
		if err != nil {
			return internal(err)
		}
		return insertJob(ctx, tx.StmtContext(ctx, s.st.insertJob), mail)
	})
}

// UseSignIn marks the unused, unexpired sign-in with the token hash used,
// in one statement.
func (s *Store) UseSignIn(ctx context.Context, tokenHash []byte, now time.Time) (*belfry.SignIn, error) {
	si := &belfry.SignIn{TokenHash: tokenHash}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE signins SET used = ?1
			WHERE token_hash = ?2 AND used IS NULL AND expires > ?1
			RETURNING id, account_id, user_id, created, expires`, micros(now), tokenHash).
			Scan(&si.ID, &si.AccountID, &si.UserID, timeCol{&si.Created}, timeCol{&si.Expires})
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, belfry.Errorf(belfry.NotFound, "no such sign-in link, or it was used or expired")
	}
	if err != nil {
		return nil, internal(err)
	}
	return si, nil
}
