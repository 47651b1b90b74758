package sqlite

import (
	"context"
	"database/sql"
)

// ServerSecret returns the secret named name, storing candidate first when
// there is none. The insert and the read share the write transaction, so
// the value read is the one stored, by this call or an earlier one.
func (s *Store) ServerSecret(ctx context.Context, name string, candidate []byte) ([]byte, error) {
	var secret []byte
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO server_secrets (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO NOTHING`, name, candidate)
		if err != nil {
			return internal(err)
		}
		return internal(tx.QueryRowContext(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&secret))
	})
	if err != nil {
		return nil, err
	}
	return secret, nil
}
