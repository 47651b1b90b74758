// Package readiness tells whether a store's writes work, for /readyz, so
// that a load balancer stops sending traffic to a replica whose disk is full
// or whose database turned read-only, even though it still answers reads.
//
// It adds no write to a busy server's readiness checks: the store reports
// the outcome of its real writes, and a successful one vouches for the
// store for Fresh. Only when none has succeeded that recently, or the last
// one failed, does a check make a write of its own, the probe: one row of
// a table kept for it, rewritten. Checks that arrive together share one
// probe.
package readiness

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/belfryhq/belfry"
)

// Fresh is how long a successful write vouches for the store's writes.
// Load balancers check every few seconds, so an idle server probes about
// once per Fresh, and a busy one never.
const Fresh = 10 * time.Second

// Writes tracks whether a store's writes work. Its zero value is not
// usable: Probe and Fault must be set.
type Writes struct {
	// Probe makes a small real write, through the store's usual write
	// path.
	Probe func(ctx context.Context) error
	// Fault describes err, in words safe for anyone to read, when it is a
	// failure of the storage (a full disk, a read-only file, a lost
	// connection); for an error that says nothing about the storage, such
	// as a conflict, it returns "".
	Fault func(err error) string
	// Now tells the time; nil means time.Now.
	Now func() time.Time

	okAt   atomic.Int64            // unix nanoseconds of the last successful write
	failed atomic.Pointer[failure] // the last failure, nil once a write succeeds
	// probing holds a token while a probe runs: checks wait for it, or for
	// their context to end, so that a probe stuck behind a stuck writer
	// holds up one check, not all of them.
	probing chan struct{}
	once    sync.Once
}

type failure struct {
	err    error
	reason string
}

// Wrote records the outcome of a write: nil for one that committed, else
// its error, which counts only when Fault calls it a failure of the storage.
func (w *Writes) Wrote(err error) {
	if err == nil {
		w.okAt.Store(w.now().UnixNano())
		if w.failed.Load() != nil {
			w.failed.Store(nil)
		}
		return
	}
	if reason := w.Fault(err); reason != "" {
		w.failed.Store(&failure{err: err, reason: reason})
	}
}

// Unavailable returns err as an error of kind Unavailable when Fault calls
// it a failure of the storage, so that the store that made the write
// answers it the way its readiness check does: a full disk or a lost
// connection may pass, and the caller should hear 503 and retry, not a 500
// that says Belfry itself is at fault. Belfry's own errors of any other
// kind than Internal, and errors that say nothing about the storage, come
// back as they are.
func (w *Writes) Unavailable(err error) error {
	if err == nil || belfry.ErrorKind(err) != belfry.Internal {
		return err
	}
	reason := w.Fault(err)
	if reason == "" {
		return err
	}
	return &belfry.Error{Kind: belfry.Unavailable, Message: "writes fail: " + reason + "; try again", Err: err}
}

// Check returns nil when writes work: the last write succeeded less than
// Fresh ago, or a probe succeeds now. Otherwise it returns an error of kind
// Unavailable whose message says why.
func (w *Writes) Check(ctx context.Context) error {
	if w.vouched() {
		return nil
	}
	w.once.Do(func() { w.probing = make(chan struct{}, 1) })
	select {
	case w.probing <- struct{}{}:
		defer func() { <-w.probing }()
	case <-ctx.Done():
		return &belfry.Error{Kind: belfry.Unavailable, Message: "writes fail: a test write did not finish in time", Err: ctx.Err()}
	}
	if w.vouched() {
		return nil // a check that held the lock probed meanwhile
	}
	err := w.Probe(ctx)
	if err == nil {
		w.Wrote(nil)
		return nil
	}
	reason := w.Fault(err)
	if reason == "" {
		reason = "a test write failed"
	}
	w.failed.Store(&failure{err: err, reason: reason})
	return &belfry.Error{Kind: belfry.Unavailable, Message: "writes fail: " + reason, Err: err}
}

// vouched reports whether a recent write, and no failure since, says that
// writes work.
func (w *Writes) vouched() bool {
	return w.failed.Load() == nil && w.now().Sub(time.Unix(0, w.okAt.Load())) < Fresh
}

func (w *Writes) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}
