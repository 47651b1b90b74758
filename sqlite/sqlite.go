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
	"github.com/belfryhq/belfry/internal/readiness"
	"github.com/belfryhq/belfry/internal/writetime"
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
	// ready tracks whether writes work, for Ping (see ready.go).
	ready readiness.Writes
	// observer hears how long each write took (metrics.go).
	observer writetime.Observer
}

// Open opens the SQLite database at path, creating the file if there is none,
// and brings its schema up to date. A write returns once it is on the disk
// (SyncFull): what Belfry acknowledged survives a power cut.
func Open(path string) (*Store, error) {
	return open(path, Options{}, walLimit)
}

// OpenWith is Open with options, such as a commit that syncs less often.
func OpenWith(path string, o Options) (*Store, error) {
	return open(path, o, walLimit)
}

// open is OpenWith with the WAL kept under walBytes (see checkpoint.go).
func open(path string, o Options, walBytes int64) (*Store, error) {
	ctx := context.Background()
	// The writer does not checkpoint: the checkpointer does, beside it (see
	// checkpoint.go). The writer starts the WAL over after a checkpoint,
	// and then truncates it to journal_size_limit. secure_delete zeroes the
	// bytes that a delete or an update frees, so that a redacted or expired
	// message is gone from the file, not merely unreachable. temp_store
	// keeps the statement journal in memory: each write of a group runs in
	// a savepoint, whose journal of the pages it changes SQLite otherwise
	// moves into a temporary file once a group's passes 64 KiB, at a cost
	// of file syscalls on every group. (It also keeps a migration's sorts
	// in memory; the WAL, and so durability, is untouched.)
	w, err := sql.Open("sqlite", dsn(path,
		"_txlock=immediate&_pragma=journal_mode(WAL)&"+o.Sync.Pragma()+"&_pragma=foreign_keys(ON)"+
			fmt.Sprintf("&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(%d)&_pragma=secure_delete(ON)&_pragma=temp_store(MEMORY)", walBytes)))
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
	if err := s.startCheckpointer(path, walBytes); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, errors.Join(err, s.st.close(), r.Close(), w.Close()))
	}
	s.startReadiness()
	s.startCommitter()
	return s, nil
}

// lockWait is how long a connection waits for a lock that another
// connection holds, such as the checkpointer's, before it fails as busy.
const lockWait = 5 * time.Second

// dsn is the modernc.org/sqlite data source name for the file at path,
// whose connections wait up to lockWait for a lock.
func dsn(path, params string) string {
	return dsnWaiting(path, lockWait, params)
}

// dsnWaiting is dsn with connections that wait up to wait for a lock. The
// path is escaped because the driver opens it as a URI (file:...), where ?,
// # and % would otherwise mean something.
func dsnWaiting(path string, wait time.Duration, params string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() +
		fmt.Sprintf("?_pragma=busy_timeout(%d)&", wait.Milliseconds()) + params
}

// Close closes the statements and both pools, readers first, so that the
// writer is the last connection and leaves the WAL checkpointed. Writes
// still queued, and any write after Close, fail with kind Unavailable. A
// second Close does nothing.
func (s *Store) Close() error {
	if !s.stopCommitter() {
		return nil
	}
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
