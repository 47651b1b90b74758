package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// This file is how the store changes state: every change goes through
// write, change or twoStep, which record the request's audit event in the
// same transaction and run the change again when PostgreSQL aborts it as
// the loser of a deadlock or a serialization conflict.

// maxAttempts bounds how often a change runs that PostgreSQL aborted for a
// deadlock or a serialization failure, or that asked to run again.
const maxAttempts = 5

// write runs fn in one transaction, with the audit event ctx carries (see
// record), committed when fn returns nil. Every change of more than one
// statement goes through here, so none is made without its record. It
// runs fn again when PostgreSQL aborts the transaction as the loser of a
// deadlock or of a serialization conflict, or when fn asks to (runAgain):
// the other transaction went through, and the rerun sees what it did.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.attempts(ctx, func(ev *belfry.AuditEvent, seq *int64) error {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return internal(err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
		if err := fn(tx); err != nil {
			return err
		}
		var b batch
		queueOutbox(ctx, &b)
		record(&b, ev, seq)
		if err := b.send(ctx, tx); err != nil {
			return err
		}
		return internal(tx.Commit(ctx))
	})
}

// change runs one statement that changes state, with the audit event ctx
// carries, in one round trip: pgx sends them as a batch, which PostgreSQL
// runs as one implicit transaction. read reads the statement's result.
func (s *Store) change(ctx context.Context, query string, args []any, read func(pgx.BatchResults) error) error {
	if belfry.HasOutbox(ctx) {
		// The change's jobs are to be written only if read finds that the
		// statement did what it should (a row deleted), so read must see
		// its result before the commit: one explicit transaction.
		return s.write(ctx, func(tx pgx.Tx) error {
			var b batch
			b.queue(query, args, read)
			return b.send(ctx, tx)
		})
	}
	return s.attempts(ctx, func(ev *belfry.AuditEvent, seq *int64) error {
		var b batch
		b.queue(query, args, read)
		record(&b, ev, seq)
		return b.read(s.pool.SendBatch(ctx, &b.b))
	})
}

// attempts runs one attempt of a change, and runs it again, from the audit
// event as it was before, while the attempt fails in a way that a rerun may
// cure. The attempt records ev, unless it is nil, and sets seq to its
// sequence number; attempts gives the event that number once an attempt
// has committed. A failure of the storage, such as a full disk or too many
// connections (SQLSTATE class 53), comes back as Unavailable, which clients
// retry.
func (s *Store) attempts(ctx context.Context, attempt func(ev *belfry.AuditEvent, seq *int64) error) error {
	defer s.observer.Since(time.Now())
	ev := belfry.AuditFrom(ctx)
	if ev != nil && ev.Seq != 0 {
		ev = nil // recorded by an earlier change of the same request
	}
	var before belfry.AuditEvent
	if ev != nil {
		before = *ev
		before.Resources = slices.Clone(ev.Resources)
	}
	for n := 1; ; n++ {
		var seq int64
		err := attempt(ev, &seq)
		s.ready.Wrote(err)
		var again *runAgain
		switch {
		case err == nil:
			if ev != nil {
				ev.Seq = seq
			}
			return nil
		case n == maxAttempts && errors.As(err, &again):
			return s.ready.Unavailable(again.err)
		case n == maxAttempts || !retryable(err):
			return s.ready.Unavailable(err)
		}
		if ev != nil {
			*ev = before
			ev.Resources = slices.Clone(before.Resources)
		}
		select {
		case <-ctx.Done():
			return internal(ctx.Err())
		case <-time.After(time.Duration(n) * time.Millisecond):
		}
	}
}

// runAgain is an error after which a change runs again: err is what the
// caller gets if no attempt is left.
type runAgain struct{ err error }

func (e *runAgain) Error() string { return e.err.Error() }
func (e *runAgain) Unwrap() error { return e.err }

// retryable reports whether err is a deadlock (40P01), a serialization
// failure (40001) or a runAgain, after which a change may simply run again.
func retryable(err error) bool {
	var e *pgconn.PgError
	var again *runAgain
	return errors.As(err, &again) || errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
}

// twoStep runs a transaction in two round trips over one connection: BEGIN
// with the statements of first, which take the locks and read what the
// decision needs; then the statements that decide returns, with the audit
// record and COMMIT. Row locks are so held for about one round trip and
// the commit, which is what lets writers that take turns at one row, such
// as members joining one room, keep up. first and decide are called again
// for each attempt.
func (s *Store) twoStep(ctx context.Context, first func() *batch, decide func() (*batch, error)) error {
	return s.attempts(ctx, func(ev *belfry.AuditEvent, seq *int64) error {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return internal(err)
		}
		// A connection released inside a transaction is closed, not
		// reused: an error that leaves the transaction open costs a
		// connection, never a leak.
		defer conn.Release()
		b := new(batch)
		b.queue("BEGIN", nil, execOnly)
		b.append(first())
		if err := b.read(conn.SendBatch(ctx, &b.b)); err != nil {
			return rollback(ctx, conn, err)
		}
		then, err := decide()
		if err != nil {
			return rollback(ctx, conn, err)
		}
		queueOutbox(ctx, then)
		record(then, ev, seq)
		then.queue("COMMIT", nil, committed)
		if err := then.read(conn.SendBatch(ctx, &then.b)); err != nil {
			return rollback(ctx, conn, err)
		}
		return nil
	})
}

// rollback ends the transaction on conn after err, and returns err.
func rollback(ctx context.Context, conn *pgxpool.Conn, err error) error {
	conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	return err
}

// execOnly reads the result of a statement that answers nothing of use.
func execOnly(r pgx.BatchResults) error {
	_, err := r.Exec()
	return internal(err)
}

// committed reads the result of COMMIT, which answers ROLLBACK when the
// transaction had failed.
func committed(r pgx.BatchResults) error {
	tag, err := r.Exec()
	if err == nil && tag.String() != "COMMIT" {
		err = pgx.ErrTxCommitRollback
	}
	return internal(err)
}

// batch is statements sent to the database in one round trip, each with
// what reads its result.
type batch struct {
	b     pgx.Batch
	reads []func(pgx.BatchResults) error
}

func (b *batch) queue(query string, args []any, read func(pgx.BatchResults) error) {
	b.b.Queue(query, args...)
	b.reads = append(b.reads, read)
}

// append adds the statements of other to b.
func (b *batch) append(other *batch) {
	for i, q := range other.b.QueuedQueries {
		b.queue(q.SQL, q.Arguments, other.reads[i])
	}
}

// send runs the batch and reads its results in order; the first error,
// which aborts the transaction and so every statement after it, is the one
// it returns.
func (b *batch) send(ctx context.Context, tx pgx.Tx) error {
	if len(b.reads) == 0 {
		return nil
	}
	return b.read(tx.SendBatch(ctx, &b.b))
}

// read reads the results of the batch sent as r.
func (b *batch) read(r pgx.BatchResults) error {
	for _, read := range b.reads {
		if err := read(r); err != nil {
			r.Close()
			return err
		}
	}
	return internal(r.Close())
}
