package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry/internal/schema"
)

// ResetChime empties the Chime tables (schema.ChimeTables) in one write;
// the foreign keys are checked at its commit, when nothing refers to
// anything any more.
func (s *Store) ResetChime(ctx context.Context) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return internal(err)
		}
		for _, t := range schema.ChimeTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return internal(err)
			}
		}
		return nil
	})
	s.ac.changed()
	return err
}
