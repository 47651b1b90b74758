package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"

	"github.com/belfryhq/belfry/internal/schema"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate brings db's schema up to date with the runner that the PostgreSQL
// store shares. The writer opens every transaction with BEGIN IMMEDIATE,
// which keeps two processes starting at once from applying a migration
// twice.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, dir string) error {
	return schema.Migrate(ctx, db, fsys, dir, schema.SQLite)
}
