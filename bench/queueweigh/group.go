package main

import (
	"context"
	"database/sql"
	"runtime"
	"time"
)

// groupMax bounds how many writes share one transaction, as in Belfry.
const groupMax = 64

// write is one caller's change, waiting for the commit of its group.
type write struct {
	fn   func(*sql.Tx) error
	done chan result
}

type result struct {
	err error
	at  time.Time // when the group's commit returned
}

// grouper is a short copy of the idea of Belfry's sqlite/commit.go: one
// writer connection, and the writes that queue while a transaction runs go
// together into the next one, each in its own savepoint, acknowledged once
// that transaction commits.
type grouper struct {
	db    *sql.DB
	queue chan *write
	stop  chan struct{}
	idle  chan struct{}
}

func newGrouper(db *sql.DB) *grouper {
	g := &grouper{db: db, queue: make(chan *write, groupMax), stop: make(chan struct{}), idle: make(chan struct{})}
	go g.loop()
	return g
}

func (g *grouper) close() {
	close(g.stop)
	<-g.idle
}

// do runs fn in a write transaction and returns when it has committed.
func (g *grouper) do(ctx context.Context, fn func(*sql.Tx) error) (time.Time, error) {
	w := &write{fn: fn, done: make(chan result, 1)}
	select {
	case g.queue <- w:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	r := <-w.done
	return r.at, r.err
}

func (g *grouper) loop() {
	defer close(g.idle)
	group := make([]*write, 0, groupMax)
	busy := false
	for {
		select {
		case w := <-g.queue:
			group = append(group[:0], w)
		case <-g.stop:
			return
		}
		if busy {
			runtime.Gosched()
		}
	gather:
		for len(group) < groupMax {
			select {
			case w := <-g.queue:
				group = append(group, w)
			default:
				break gather
			}
		}
		busy = len(group) > 1
		g.commit(group)
	}
}

func (g *grouper) commit(group []*write) {
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		for _, w := range group {
			w.done <- result{err: err}
		}
		return
	}
	shared := len(group) > 1
	errs := make([]error, len(group))
	for i, w := range group {
		errs[i] = apply(tx, w.fn, shared)
	}
	if !shared && errs[0] != nil {
		tx.Rollback()
		group[0].done <- result{err: errs[0]}
		return
	}
	err = tx.Commit()
	at := time.Now()
	for i, w := range group {
		w.done <- result{err: cmpOr(err, errs[i]), at: at}
	}
}

// apply runs fn inside a savepoint when the transaction is shared, so that
// its failure undoes only its own changes.
func apply(tx *sql.Tx, fn func(*sql.Tx) error, shared bool) error {
	if !shared {
		return fn(tx)
	}
	if _, err := tx.Exec(`SAVEPOINT w`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if _, rerr := tx.Exec(`ROLLBACK TO w`); rerr != nil {
			return rerr
		}
		tx.Exec(`RELEASE w`)
		return err
	}
	_, err := tx.Exec(`RELEASE w`)
	return err
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
