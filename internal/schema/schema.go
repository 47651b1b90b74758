// Package schema brings a store's database schema up to date from numbered
// SQL files. SQLite and PostgreSQL run the same runner, so that migrations
// mean the same thing in both stores; a Dialect says the little that
// differs between them.
package schema

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Dialect is what the runner needs to know of a database.
type Dialect struct {
	// Lock, when set, is a statement that each of the runner's
	// transactions runs first, and that holds until the transaction ends,
	// so that processes migrating one database at once take turns:
	// PostgreSQL's pg_advisory_xact_lock. SQLite needs none, because its
	// write transactions (BEGIN IMMEDIATE) already exclude each other.
	Lock string
}

// The dialects of Belfry's stores.
var (
	// SQLite needs no lock of the runner's own: a store that opens its
	// write transactions with BEGIN IMMEDIATE already keeps two processes
	// from applying a migration at once.
	SQLite = Dialect{}
	// PostgreSQL makes each transaction wait for an advisory lock of the
	// current schema first, so that replicas starting at once on an empty
	// database apply each migration once: the one that gets the lock
	// applies it, and the others, once they get it, find it recorded.
	// Installations in other schemas of one database do not wait for each
	// other.
	PostgreSQL = Dialect{
		Lock: `SELECT pg_advisory_xact_lock(hashtext('belfry.schema_migrations'), hashtext(coalesce(current_schema(), '')))`,
	}
)

// DB is what the runner migrates: a pool (*sql.DB), or one connection of it
// (*sql.Conn) when the store sets something on that connection around the
// migrations, as SQLite's turns foreign keys off.
type DB interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// migration is one numbered SQL file, such as migrations/0001_init.sql.
type migration struct {
	version int
	name    string
}

// Migrate brings db's schema up to date: it applies, in order and each in
// its own transaction, the migrations in dir of fsys that schema_migrations
// does not record, and records them there. Whether another process applied
// a migration first is checked again inside each transaction, after d's
// lock, so that several servers starting at once on one database apply
// each migration exactly once. A database that records a version newer than
// any in dir is refused: this program does not know its schema.
func Migrate(ctx context.Context, db DB, fsys fs.FS, dir string, d Dialect) error {
	list, err := read(fsys, dir)
	if err != nil {
		return err
	}
	err = d.tx(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`)
		return err
	})
	if err != nil {
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
		if err := d.apply(ctx, db, fsys, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration in a transaction unless it is recorded already.
func (d Dialect) apply(ctx context.Context, db DB, fsys fs.FS, m migration) error {
	script, err := fs.ReadFile(fsys, m.name)
	if err != nil {
		return err
	}
	err = d.tx(ctx, db, func(tx *sql.Tx) error {
		// The runner writes no placeholder, which the dialects spell
		// differently; the version is a number it parsed itself.
		var done int
		q := fmt.Sprintf(`SELECT count(*) FROM schema_migrations WHERE version = %d`, m.version)
		if err := tx.QueryRowContext(ctx, q).Scan(&done); err != nil || done > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version) VALUES (%d)`, m.version))
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	return nil
}

// tx runs fn in a transaction that first takes d's lock, and commits it
// when fn returns nil.
func (d Dialect) tx(ctx context.Context, db DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if d.Lock != "" {
		if _, err := tx.ExecContext(ctx, d.Lock); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// read lists the NNNN_name.sql files of dir in version order.
func read(fsys fs.FS, dir string) ([]migration, error) {
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

// Names returns the file names of the migrations in dir of fsys, in version
// order, so that a store's tests can check that its migrations mirror
// another store's, number for number.
func Names(fsys fs.FS, dir string) ([]string, error) {
	list, err := read(fsys, dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list))
	for i, m := range list {
		names[i] = path.Base(m.name)
	}
	return names, nil
}
