package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
)

// Writes are committed in groups. SQLite has one writer, and most of a small
// write's cost is its commit: writing the changed pages to the WAL. So the
// writes that queue up while one transaction runs are carried out together
// in the next one, each inside its own savepoint so that one write's failure
// undoes only that write, and all are acknowledged once that transaction
// commits. A write that finds the writer idle is committed alone, at once.

// maxGroup bounds how many writes share a commit, so that one commit's
// latency stays short.
const maxGroup = 64

// pending is a write waiting for its commit.
type pending struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	ev   *belfry.AuditEvent
	seq  int64
	done chan error
}

// committer carries out queued writes in groups, one transaction a group.
type committer struct {
	queue chan *pending
	stop  chan struct{}
	idle  chan struct{}
	// mu guards closed. A write holds it shared from its check of closed
	// until it is in the queue, so that once Close has set closed under
	// mu, no write can slip into the queue after the loop has drained it.
	mu     sync.RWMutex
	closed bool
}

// errClosed answers a write that reaches a closed store, instead of letting
// it wait for a commit loop that no longer runs.
var errClosed = &belfry.Error{Kind: belfry.Unavailable, Message: "the store is closed; the write was not made"}

func (s *Store) startCommitter() {
	s.c = committer{queue: make(chan *pending, maxGroup), stop: make(chan struct{}), idle: make(chan struct{})}
	go s.commitLoop()
}

// stopCommitter refuses new writes, then stops the loop, which answers the
// writes still queued with errClosed. It reports whether the committer was
// running, so that a second Close does nothing.
func (s *Store) stopCommitter() bool {
	s.c.mu.Lock()
	was := !s.c.closed
	s.c.closed = true
	s.c.mu.Unlock()
	if was {
		close(s.c.stop)
	}
	<-s.c.idle
	return was
}

// enqueue hands p to the commit loop, unless the store is closed or ctx
// ends first.
func (c *committer) enqueue(ctx context.Context, p *pending) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return errClosed
	}
	select {
	case c.queue <- p:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) commitLoop() {
	defer close(s.c.idle)
	group := make([]*pending, 0, maxGroup)
	for {
		var open bool
		if group, open = s.gather(group[:0], len(group) > 1); !open {
			s.refuseQueued()
			return
		}
		s.commitGroup(group)
		s.boundWAL()
	}
}

// gather waits for the next write and adds to it those queued behind it,
// up to maxGroup. busy says the last group had company: writes are arriving
// together, so the ones about to be queued are let in before the group
// closes. It reports false once the store is closing, which then commits
// nothing more, even with writes queued.
func (s *Store) gather(group []*pending, busy bool) ([]*pending, bool) {
	select {
	case <-s.c.stop:
		return group, false
	default:
	}
	select {
	case p := <-s.c.queue:
		group = append(group, p)
	case <-s.c.stop:
		return group, false
	}
	if busy {
		runtime.Gosched()
	}
	for len(group) < maxGroup {
		select {
		case p := <-s.c.queue:
			group = append(group, p)
		default:
			return group, true
		}
	}
	return group, true
}

// write runs fn in a write transaction, shared with the writes queued
// beside it, with the audit event ctx carries (see recordAudit): every change
// goes through here, so none is made without its record. It returns once
// the change is committed, or undone; a failure of the storage, such as a
// full disk, as an Unavailable error (see readiness.Writes.Unavailable).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	p := &pending{ctx: ctx, fn: fn, done: make(chan error, 1)}
	defer s.observer.Since(time.Now())
	if err := s.c.enqueue(ctx, p); err != nil {
		return err
	}
	// Once queued, the write is waited for even if ctx ends: it may be
	// committed already, and the caller must not report it as undone.
	err := <-p.done
	if err == nil && p.ev != nil {
		p.ev.Seq = p.seq
	}
	return s.ready.Unavailable(err)
}

// commitGroup carries out a group of writes in one transaction. A write
// alone needs no savepoint: its failure rolls the transaction back.
func (s *Store) commitGroup(group []*pending) {
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		s.failGroup(group, fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	shared := len(group) > 1
	var sp *savepoints
	if shared {
		sp = new(s.savepoints(tx))
	}
	results := make([]error, len(group))
	for i, p := range group {
		results[i] = s.apply(tx, p, sp)
	}
	if !shared && results[0] != nil {
		tx.Rollback()
		s.failGroup(group, results[0])
		return
	}
	if err := tx.Commit(); err != nil {
		s.failGroup(group, fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	s.ready.Wrote(nil)
	for i, p := range group {
		p.done <- results[i]
	}
}

// savepoints are the writer's prepared savepoint statements, bound to one
// group's transaction, so that the writes of a group parse none of them.
type savepoints struct{ open, release, rollbackTo *sql.Stmt }

func (s *Store) savepoints(tx *sql.Tx) savepoints {
	return savepoints{tx.Stmt(s.st.savepoint), tx.Stmt(s.st.release), tx.Stmt(s.st.rollbackTo)}
}

// apply runs one write of a group, in a savepoint when it shares the
// transaction (sp set), so that its failure undoes it alone.
func (s *Store) apply(tx *sql.Tx, p *pending, sp *savepoints) error {
	if err := p.ctx.Err(); err != nil {
		return err
	}
	if sp != nil {
		if _, err := sp.open.Exec(); err != nil {
			return internal(err)
		}
	}
	err := p.fn(tx)
	if err == nil {
		err = s.writeOutbox(p.ctx, tx)
	}
	if err == nil {
		p.ev, p.seq, err = s.recordAudit(p.ctx, tx)
	}
	switch {
	case sp != nil && err != nil:
		if _, rerr := sp.rollbackTo.Exec(); rerr != nil {
			return internal(rerr)
		}
		sp.release.Exec()
	case sp != nil:
		if _, rerr := sp.release.Exec(); rerr != nil {
			return internal(rerr)
		}
	}
	return err
}

// refuseQueued answers the writes left in the queue once the store is
// closing. Nothing can join the queue any more (see committer.mu).
func (s *Store) refuseQueued() {
	for {
		select {
		case p := <-s.c.queue:
			p.done <- errClosed
		default:
			return
		}
	}
}

// failGroup answers every write of group with err, and tells the readiness
// check, which counts err if the storage failed.
func (s *Store) failGroup(group []*pending, err error) {
	s.ready.Wrote(err)
	for _, p := range group {
		p.done <- err
	}
}
