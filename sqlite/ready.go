package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/belfryhq/belfry"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Ping reports whether the store can serve requests: it answers a query,
// and its writes work. A full disk or a read-only file leaves reads
// working, so a check of reads alone would keep sending traffic to a
// server whose every write fails. The commit loop tells s.ready how each
// commit went, so a busy server is vouched for without a write of the
// check's own.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return &belfry.Error{Kind: belfry.Unavailable, Message: "reads fail", Err: err}
	}
	return s.ready.Check(ctx)
}

func (s *Store) startReadiness() {
	s.ready.Probe = s.probe
	s.ready.Fault = fault
}

// probe rewrites the write probe's one row, through the writer like any
// other write.
func (s *Store) probe(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE write_probe SET probed_at = ?`, time.Now().UnixMicro())
		return err
	})
}

// faults words the SQLite result codes that mean the storage, not the
// write, failed.
var faults = map[int]string{
	sqlite3.SQLITE_FULL:     "the disk is full",
	sqlite3.SQLITE_IOERR:    "a disk I/O error",
	sqlite3.SQLITE_READONLY: "the database file is read-only",
	sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
	sqlite3.SQLITE_PERM:     "permission to write the database file is denied",
	sqlite3.SQLITE_CORRUPT:  "the database file is damaged",
	sqlite3.SQLITE_NOTADB:   "the database file is damaged",
	sqlite3.SQLITE_NOMEM:    "out of memory",
	sqlite3.SQLITE_BUSY:     "another process holds the database file",
}

// fault describes err when the storage failed rather than the write, for
// the readiness check: in SQLite's own words for its result code, which
// say nothing about the data. It returns "" for any other error.
func fault(err error) string {
	var e *sqlite.Error
	switch {
	case errors.As(err, &e):
		return faults[e.Code()&0xff]
	case errors.Is(err, context.DeadlineExceeded):
		return "the writer did not answer in time"
	case errors.Is(err, errClosed):
		return "the store is closed"
	}
	return ""
}
