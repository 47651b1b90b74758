package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/belfryhq/belfry/internal/schema"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate brings db's schema up to date with the runner that the PostgreSQL
// store shares. The writer opens every transaction with BEGIN IMMEDIATE,
// which keeps two processes starting at once from applying a migration
// twice.
//
// The migrations run on one connection with foreign keys off, as SQLite
// asks of a migration that rebuilds a table (0015 rebuilds users): a table
// referenced by others cannot otherwise be dropped and made anew, and
// dropping it would run the ON DELETE CASCADE of the tables that refer to
// it. SQLite ignores the pragma inside a transaction, so it is set around
// the runner; afterwards every reference is checked, and a database with
// one that points nowhere is refused.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, dir string) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var fk bool
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	if fk {
		defer func() {
			_, on := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
			err = errors.Join(err, on)
		}()
	}
	if err := schema.Migrate(ctx, conn, fsys, dir, schema.SQLite); err != nil {
		return err
	}
	return danglingReference(ctx, conn)
}

// danglingReference returns an error naming the first row whose foreign key
// points at no row, if there is one.
func danglingReference(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("migrate: row %d of %s refers to a missing row of %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}
