// Package sqlite is Belfry's embedded store: one SQLite file, in WAL mode,
// through modernc.org/sqlite (pure Go, no cgo).
//
// Writes go through one connection, so they queue in Go rather than fail with
// SQLITE_BUSY, and run as BEGIN IMMEDIATE transactions; reads go through a
// small pool of query-only connections, which WAL lets run beside the writer
// without waiting. The statements of the hot paths are prepared once at Open.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/belfryhq/belfry"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var _ belfry.Store = (*Store)(nil)

// readers is how many read-only connections a Store keeps.
const readers = 4

// Store is a belfry.Store kept in one SQLite file.
type Store struct {
	w  *sql.DB // one connection: every write, and reads inside writes
	r  *sql.DB // query-only connections for lookups and listings
	st stmts
	c  committer
	ac accountCache
	ck checkpointer
}

// Open opens the SQLite database at path, creating the file if there is none,
// and brings its schema up to date. With WAL and synchronous=NORMAL a commit
// survives the process being killed, which is what Belfry promises; a power
// cut may lose the last commits, never the file's consistency.
func Open(path string) (*Store, error) {
	ctx := context.Background()
	// The writer does not checkpoint: the checkpointer does, beside it (see
	// checkpoint.go). secure_delete zeroes the bytes that a delete or an
	// update frees, so that a redacted or expired message is gone from the
	// file, not merely unreachable.
	w, err := sql.Open("sqlite", dsn(path,
		"_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)"+
			"&_pragma=wal_autocheckpoint(0)&_pragma=secure_delete(ON)"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	if err := migrate(ctx, w, migrations, "migrations"); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	s := &Store{w: w, r: r}
	if err := s.st.prepare(ctx, w, r); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, errors.Join(err, s.st.close(), r.Close(), w.Close()))
	}
	if err := s.startCheckpointer(path); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, errors.Join(err, s.st.close(), r.Close(), w.Close()))
	}
	s.startCommitter()
	return s, nil
}

// dsn is the modernc.org/sqlite data source name for the file at path. The
// path is escaped because the driver opens it as a URI (file:...), where ?,
// # and % would otherwise mean something. busy_timeout covers other
// processes, such as an operator's command, holding the file.
func dsn(path, params string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(5000)&" + params
}

// Ping reports whether the store can answer a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Close closes the statements and both pools, readers first, so that the
// writer is the last connection and leaves the WAL checkpointed.
func (s *Store) Close() error {
	s.stopCommitter()
	s.stopCheckpointer()
	err := s.st.close()
	return errors.Join(err, s.r.Close(), s.w.Close())
}

// limit is p's page size as SQL's LIMIT: no limit when p sets none.
func limit(p belfry.Page) int {
	if p.Limit <= 0 {
		return -1
	}
	return p.Limit
}

// capacity is how many items to make room for in a page of p.
func capacity(p belfry.Page) int {
	return min(max(p.Limit, 0), 100)
}

// micros is t as the store keeps it: unix microseconds, or NULL for the zero
// time. Microseconds are what PostgreSQL keeps, so both stores agree.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// timeCol scans a column that micros wrote back into a UTC time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("sqlite: a time column holds %T", src)
	}
	return nil
}

// nullable is s as a column value, NULL when s is empty, for columns whose
// uniqueness applies only to the rows that have a value.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
