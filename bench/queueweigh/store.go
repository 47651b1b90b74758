package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// jobKind is what an enqueue adds beside its business write.
type jobKind int

const (
	noJob  jobKind = iota // the business write alone: the floor
	outbox                // a row in Belfry's own jobs table
	riverq                // a River job, through InsertTx
)

// variant is one way of enqueueing and working jobs.
type variant struct {
	name    string
	job     jobKind
	ownPool bool // SQLite: River works through a pool of its own, not Belfry's writer
	// workers and cooldown, when set, replace River's MaxWorkers and
	// FetchCooldown of the command line; batch and conc, the outbox
	// worker's batch and concurrency.
	workers     int
	cooldown    time.Duration
	batch, conc int
	// together records the outbox's completions many in one statement.
	together bool
}

// store is what the measurements need of a database.
type store interface {
	// enqueue inserts user n and, in the same transaction, one job of kind
	// k; it returns the job's ID and when the transaction committed.
	enqueue(ctx context.Context, k jobKind, n int64) (int64, time.Time, error)
	// backlog enqueues n jobs of kind k without business writes.
	backlog(ctx context.Context, k jobKind, n int) error
	// claim leases up to n due outbox jobs to holder.
	claim(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]int64, error)
	// complete records that holder finished these outbox jobs.
	complete(ctx context.Context, holder string, ids ...int64) error
	// unfinished counts the jobs of kind k not yet recorded as done.
	unfinished(ctx context.Context, k jobKind) (int, error)
	// river is the River client that inserts and, once started, works jobs.
	river() riverClient
	close()
}

// unfinishedQuery counts the jobs of kind k that are not done: outbox rows
// still queued, or River's jobs not completed, through River's fetching
// index.
func unfinishedQuery(k jobKind) string {
	if k == riverq {
		return `SELECT count(*) FROM river_job
			WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled')`
	}
	return `SELECT count(*) FROM jobs WHERE status = 'Queued'`
}

type riverClient interface {
	Start(context.Context) error
	Stop(context.Context) error
}

// backend opens stores of one kind of database: replicas stores on one
// fresh database, and a function that closes and removes it.
type backend struct {
	name string
	open func(ctx context.Context, v variant, replicas int, t *tracker, logs *logCounter) ([]store, func(), error)
}

func sqliteBackend() backend {
	open := func(ctx context.Context, v variant, _ int, t *tracker, logs *logCounter) ([]store, func(), error) {
		dir, err := os.MkdirTemp("", "queueweigh-")
		if err != nil {
			return nil, nil, err
		}
		s, err := openSQLite(ctx, dir, v, t, logs)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return []store{s}, func() { s.close(); os.RemoveAll(dir) }, nil
	}
	return backend{name: "sqlite", open: open}
}

func postgresBackend(url string) backend {
	open := func(ctx context.Context, v variant, replicas int, t *tracker, logs *logCounter) ([]store, func(), error) {
		d, err := createPG(ctx, url)
		if err != nil {
			return nil, nil, err
		}
		if err := d.migrate(ctx); err != nil {
			d.drop()
			return nil, nil, err
		}
		var list []store
		cleanup := func() {
			for _, s := range list {
				s.close()
			}
			d.drop()
		}
		for i := range replicas {
			s, err := openPG(ctx, d, v, t, logs, fmt.Sprintf("replica%d", i+1))
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			list = append(list, s)
		}
		return list, cleanup, nil
	}
	return backend{name: "postgres", open: open}
}
