// Package postgres is Belfry's store for more than one machine: PostgreSQL,
// or a database that speaks its protocol, through pgx. Several Belfry
// replicas share one database; the database, not the replica, keeps every
// rule that two replicas could otherwise break between them.
//
// Transactions run at READ COMMITTED. Those that read and then decide take a
// lock first, in a statement of its own, so that what they read after it
// includes everything committed by whoever held the lock before: a row lock
// on the account, room or user that the decision is about, or, for
// InviteUsers, an advisory lock per address. Uniqueness is left to unique
// indexes. A transaction that PostgreSQL aborts for a deadlock or a
// serialization failure is run again. docs/decisions.md has the list.
package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/readiness"
	"github.com/belfryhq/belfry/internal/writetime"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ belfry.Store = (*Store)(nil)

// Store is a belfry.Store kept in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// ready tracks whether writes work, for Ping (see ready.go).
	ready readiness.Writes
	// observer hears how long each change took (metrics.go).
	observer writetime.Observer
}

// Open connects to the database at url (postgres://user@host:port/db?...,
// with pgx's pool_* parameters if wanted) and brings its schema up to date.
// Several processes may open one database at once: the migrations take
// turns under an advisory lock.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// A database that accepts connections but never answers must
		// fail a start or a request in seconds, not pgx's two minutes.
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	s := &Store{pool: pool}
	s.startReadiness()
	return s, nil
}

// Close closes the pool's connections, waiting for those in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// limit is p's page size as a LIMIT argument: NULL, no limit, when p sets
// none.
func limit(p belfry.Page) any {
	if p.Limit <= 0 {
		return nil
	}
	return p.Limit
}

// capacity is how many items to make room for in a page of p.
func capacity(p belfry.Page) int {
	return min(max(p.Limit, 0), 100)
}

// ts is t as the store keeps it: NULL for the zero time, else t cut to the
// microsecond. PostgreSQL would round to the nearest microsecond; cutting
// is what the SQLite store does, so both give back the same time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Truncate(time.Microsecond)
}

// timeCol scans a timestamptz column that ts wrote back into a UTC time,
// the zero time for NULL.
type timeCol struct{ t *time.Time }

func (c timeCol) ScanTimestamptz(v pgtype.Timestamptz) error {
	switch {
	case !v.Valid:
		*c.t = time.Time{}
	case v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("postgres: an infinite time")
	default:
		*c.t = v.Time.UTC()
	}
	return nil
}

// leaseCol scans a lease's end, which is '-infinity' while no worker holds
// the row, into the zero time then.
type leaseCol struct{ t *time.Time }

func (c leaseCol) ScanTimestamptz(v pgtype.Timestamptz) error {
	if v.InfinityModifier == pgtype.NegativeInfinity {
		*c.t = time.Time{}
		return nil
	}
	return timeCol(c).ScanTimestamptz(v)
}

// nullable is s as a column value, NULL when s is empty, for columns whose
// uniqueness applies only to the rows that have a value.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
