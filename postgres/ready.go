package postgres

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5/pgconn"
)

// Ping reports whether the store can serve requests: the database answers,
// and writes work. A primary that failed over to a read-only standby, or
// whose disk is full, still answers, so a check of the connection alone
// would keep sending traffic to a replica whose every write fails. Every
// change tells s.ready how it went, so a busy replica is vouched for
// without a write of the check's own.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return &belfry.Error{Kind: belfry.Unavailable, Message: "the database does not answer", Err: err}
	}
	return s.ready.Check(ctx)
}

func (s *Store) startReadiness() {
	s.ready.Probe = s.probe
	s.ready.Fault = fault
}

// probe rewrites the write probe's one row, which the replicas share.
func (s *Store) probe(ctx context.Context) error {
	return s.change(ctx, `UPDATE write_probe SET probed_at = now()`, nil, execOnly)
}

// fault describes err when the database, or the way to it, failed rather
// than the write, for the readiness check; it returns "" for any other
// error. The words come from the SQLSTATE class, never from the server's
// message, which may name files.
func fault(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return "the database server's disk is full (SQLSTATE 53100)"
		case pe.Code == "25006":
			return "the database is read-only (SQLSTATE 25006)"
		case strings.HasPrefix(pe.Code, "53"):
			return "the database server is out of resources (SQLSTATE " + pe.Code + ")"
		case strings.HasPrefix(pe.Code, "58"), pe.Code == "XX001", pe.Code == "XX002":
			return "the database server reports an I/O error (SQLSTATE " + pe.Code + ")"
		case strings.HasPrefix(pe.Code, "57P"), strings.HasPrefix(pe.Code, "08"):
			return "the database server is unavailable (SQLSTATE " + pe.Code + ")"
		}
		return ""
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "the database did not answer in time"
	case errors.As(err, &ne), errors.As(err, &ce):
		return "the connection to the database failed"
	}
	return ""
}
