package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migration is one numbered SQL file, such as migrations/0001_init.sql.
type migration struct {
	version int
	name    string
}

// migrate brings db's schema up to date: it applies, in order and each in its
// own transaction, the migrations in dir of fsys that schema_migrations does
// not record, and records them there. It writes no placeholder and no
// dialect-specific SQL of its own, so the PostgreSQL store can run the same
// scheme; whether another process applied a migration first is checked again
// inside each transaction, so two servers starting at once do not collide.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, dir string) error {
	list, err := readMigrations(fsys, dir)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var newest sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if n := len(list); newest.Valid && (n == 0 || int(newest.Int64) > list[n-1].version) {
		return fmt.Errorf("migrate: the database is at schema version %d, newer than this program knows", newest.Int64)
	}
	for _, m := range list {
		if err := apply(ctx, db, fsys, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration in a transaction unless it is recorded already.
func apply(ctx context.Context, db *sql.DB, fsys fs.FS, m migration) error {
	script, err := fs.ReadFile(fsys, m.name)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	defer tx.Rollback() // a no-op after Commit
	var done int
	q := fmt.Sprintf(`SELECT count(*) FROM schema_migrations WHERE version = %d`, m.version)
	if err := tx.QueryRowContext(ctx, q).Scan(&done); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	q = fmt.Sprintf(`INSERT INTO schema_migrations (version) VALUES (%d)`, m.version)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	return tx.Commit()
}

// readMigrations lists the NNNN_name.sql files of dir in version order.
func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var list []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if e.IsDir() || !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := strconv.Atoi(prefix)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive number", e.Name())
		}
		list = append(list, migration{version: v, name: path.Join(dir, e.Name())})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i := 1; i < len(list); i++ {
		if list[i].version == list[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", list[i-1].name, list[i].name)
		}
	}
	return list, nil
}
