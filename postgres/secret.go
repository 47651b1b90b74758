package postgres

import (
	"context"
)

// ServerSecret returns the secret named name, storing candidate first when
// there is none. Replicas that start at once race to insert; the losers'
// inserts do nothing, and the read, a statement of its own that sees every
// commit before it, returns the winner's value to all of them.
func (s *Store) ServerSecret(ctx context.Context, name string, candidate []byte) ([]byte, error) {
	err := s.change(ctx, `INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		[]any{name, candidate}, execOnly)
	if err != nil {
		return nil, err
	}
	var secret []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM server_secrets WHERE name = $1`, name).Scan(&secret); err != nil {
		return nil, internal(err)
	}
	return secret, nil
}
