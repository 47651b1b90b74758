package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/belfryhq/belfry"
)

const (
	keyColumns = `id, secret, aws_account_id, name, created, revoked`
	keyQuery   = `SELECT ` + keyColumns + ` FROM access_keys WHERE id = ?`
)

// CreateKey stores a new access key.
func (s *Store) CreateKey(ctx context.Context, k *belfry.AccessKey) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO access_keys (id, secret, aws_account_id, name, created, revoked)
		VALUES (?, ?, ?, ?, ?, ?)`, k.ID, k.Secret, k.AwsAccountID, k.Name, micros(k.Created), micros(k.Revoked))
		return keyError(err, k)
	})
}

// Key returns an access key, live or revoked: every signed request looks
// its key up.
func (s *Store) Key(ctx context.Context, id string) (*belfry.AccessKey, error) {
	k, err := scanKey(s.st.key.QueryRowContext(ctx, id))
	if err != nil {
		return nil, notFound(err, "access key %s not found", id)
	}
	return k, nil
}

// ListKeys returns every access key, oldest first.
func (s *Store) ListKeys(ctx context.Context) ([]*belfry.AccessKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+keyColumns+` FROM access_keys ORDER BY created, rowid`)
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
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE access_keys SET revoked = coalesce(revoked, ?) WHERE id = ?`, micros(t), id)
		return affected(res, err, "access key %s not found", id)
	})
}

func scanKey(row scanner) (*belfry.AccessKey, error) {
	k := new(belfry.AccessKey)
	err := row.Scan(&k.ID, &k.Secret, &k.AwsAccountID, &k.Name, timeCol{&k.Created}, timeCol{&k.Revoked})
	if err != nil {
		return nil, err
	}
	return k, nil
}
