package postgres

import (
	"context"
	"strings"

	"github.com/belfryhq/belfry/internal/schema"
	"github.com/jackc/pgx/v5"
)

// ResetChime empties the Chime tables (schema.ChimeTables) with one
// TRUNCATE, in the write that records the reset's audit event after it.
func (s *Store) ResetChime(ctx context.Context) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `TRUNCATE `+strings.Join(schema.ChimeTables, ", "))
		return internal(err)
	})
}
