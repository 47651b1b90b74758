package postgres

import (
	"context"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const keyColumns = `id, secret, aws_account_id, name, created, revoked`

// CreateKey stores a new access key.
func (s *Store) CreateKey(ctx context.Context, k *belfry.AccessKey) error {
	return s.change(ctx, `INSERT INTO access_keys (id, secret, aws_account_id, name, created, revoked)
		VALUES ($1, $2, $3, $4, $5, $6)`, []any{k.ID, k.Secret, k.AwsAccountID, k.Name, ts(k.Created), ts(k.Revoked)},
		func(r pgx.BatchResults) error {
			_, err := r.Exec()
			return keyError(err, k)
		})
}

// Key returns an access key, live or revoked: every signed request whose
// key a replica has not cached looks it up.
func (s *Store) Key(ctx context.Context, id string) (*belfry.AccessKey, error) {
	k, err := scanKey(s.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM access_keys WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "access key %s not found", id)
	}
	return k, nil
}

// ListKeys returns every access key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]*belfry.AccessKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM access_keys ORDER BY created, seq`)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.AccessKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, k)
	}
	return list, internal(rows.Err())
}

// RevokeKey marks a key revoked at t. A key revoked already keeps the time
// of its first revocation.
func (s *Store) RevokeKey(ctx context.Context, id string, t time.Time) error {
	return s.change(ctx, `UPDATE access_keys SET revoked = coalesce(revoked, $1) WHERE id = $2`, []any{ts(t), id},
		affected("access key %s not found", id))
}

func scanKey(row pgx.Row) (*belfry.AccessKey, error) {
	k := new(belfry.AccessKey)
	err := row.Scan(&k.ID, &k.Secret, &k.AwsAccountID, &k.Name, timeCol{&k.Created}, timeCol{&k.Revoked})
	if err != nil {
		return nil, err
	}
	return k, nil
}
