// Package queue runs Belfry's durable jobs: for one kind of job, a Worker
// claims due jobs under a lease, hands each to the kind's Handler, and
// records the outcome through the service, whose hooks say what each
// outcome changes. Leases let several workers, in one process or in several
// replicas, share the queue without running a job twice; the queue itself,
// in the database, makes jobs survive restarts and crashes.
package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/belfryhq/belfry"
)

// Queue is the job queue as a worker uses it; *belfry.Service is one.
type Queue interface {
	ClaimJobs(ctx context.Context, kind belfry.JobKind, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Job, error)
	FinishJob(ctx context.Context, j *belfry.Job, o belfry.JobOutcome) error
}

// Handler runs jobs of one kind.
type Handler interface {
	// Run does job j. An error that Permanent reports fails the job for
	// good; any other is retried after a backoff.
	Run(ctx context.Context, j *belfry.Job) error
}

// HandlerFunc is a function that is a Handler.
type HandlerFunc func(ctx context.Context, j *belfry.Job) error

// Run calls f.
func (f HandlerFunc) Run(ctx context.Context, j *belfry.Job) error { return f(ctx, j) }

// Config tunes a worker. New fills zero fields with the defaults written
// beside each.
type Config struct {
	// ID names the worker in the leases it takes; it must differ between
	// the workers of all replicas. Default: host name, process ID and a
	// random suffix.
	ID string
	// Concurrency is how many jobs run at once. Default 4.
	Concurrency int
	// Batch is how many jobs are claimed and not yet done at most; a claim
	// is made when half of them are done, so that runners never wait on
	// the database and claims stay few. Default 4 × Concurrency.
	Batch int
	// Lease is how long a claimed job is this worker's alone. If the
	// worker dies the job is claimed again when its lease runs out.
	// Default 2 minutes.
	Lease time.Duration
	// RunTimeout bounds one attempt; at most Lease/4, so that a job is
	// never still running when its lease runs out and another worker
	// claims it. Default 30 seconds.
	RunTimeout time.Duration
	// Poll is how often the queue is looked at when nothing is known to be
	// due: jobs queued by other replicas, or jobs whose retry is due, are
	// found within Poll. Default 1 second.
	Poll time.Duration
	// RetryFirst is the wait before the first retry of a temporary
	// failure; each further retry waits twice as long, up to RetryMax,
	// give or take a tenth. Defaults 30 seconds and 1 hour.
	RetryFirst time.Duration
	RetryMax   time.Duration
	// MaxAttempts and MaxAge decide when temporary failures become a
	// permanent one: after MaxAttempts attempts (0: no limit by count), or
	// once the job is older than MaxAge, or when the job would expire
	// before its next attempt. Defaults 0 and 72 hours.
	MaxAttempts int
	MaxAge      time.Duration
	// MaxLag is how long a due job may wait to be claimed before Healthy
	// says the worker is behind. Default 500 ms.
	MaxLag time.Duration
	// Permanent reports whether a Handler's error fails the job for good.
	// Default: the error wraps a *PermanentError.
	Permanent func(error) bool
	// Answered reports whether the far end answered the attempt that
	// ended with err (nil included), for Healthy. Default: err is nil or
	// permanent.
	Answered func(error) bool
	// Clock tells the time; nil means time.Now.
	Clock func() time.Time
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// PermanentError is a Handler's error that no retry will cure.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err so that the default Config.Permanent fails the job
// for good.
func Permanent(err error) error { return &PermanentError{Err: err} }

// IsPermanent reports whether err wraps a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// recordTimeout bounds writing a job's outcome, which is done even while
// the worker stops: an outcome that is not recorded means the job runs
// again.
const recordTimeout = 10 * time.Second

// Worker runs the jobs of one kind.
type Worker struct {
	kind    belfry.JobKind
	q       Queue
	handler Handler
	cfg     Config
	log     *slog.Logger

	kick    chan struct{} // new jobs are queued
	freed   chan struct{} // a claimed job is done
	resched chan struct{} // a retry was scheduled earlier than the next look
	pending atomic.Int64  // claimed and not yet done

	mu      sync.Mutex
	changed chan struct{}
	reached bool          // the last attempt got an answer from the far end
	lag     time.Duration // how long the longest due job of the last claim had been due
	soonest time.Time     // the earliest retry this worker scheduled
}

// New returns a worker that runs q's jobs of kind with h.
func New(kind belfry.JobKind, q Queue, h Handler, cfg Config) *Worker {
	cfg = cfg.withDefaults()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Worker{
		kind: kind, q: q, handler: h, cfg: cfg,
		log:     log.With("worker", cfg.ID, "kind", string(kind)),
		kick:    make(chan struct{}, 1),
		freed:   make(chan struct{}, 1),
		resched: make(chan struct{}, 1),
		changed: make(chan struct{}),
		reached: true,
	}
}

func (c Config) withDefaults() Config {
	if c.ID == "" {
		c.ID = workerID()
	}
	c.Concurrency = orInt(c.Concurrency, 4)
	c.Batch = max(orInt(c.Batch, 4*c.Concurrency), c.Concurrency)
	c.Lease = orDuration(c.Lease, 2*time.Minute)
	c.RunTimeout = min(orDuration(c.RunTimeout, 30*time.Second), c.Lease/4)
	c.Poll = orDuration(c.Poll, time.Second)
	c.RetryFirst = orDuration(c.RetryFirst, 30*time.Second)
	c.RetryMax = max(orDuration(c.RetryMax, time.Hour), c.RetryFirst)
	c.MaxAge = orDuration(c.MaxAge, 72*time.Hour)
	c.MaxLag = orDuration(c.MaxLag, 500*time.Millisecond)
	if c.Permanent == nil {
		c.Permanent = IsPermanent
	}
	if c.Answered == nil {
		permanent := c.Permanent
		c.Answered = func(err error) bool { return err == nil || permanent(err) }
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// workerID names a worker so that an operator reading the queue can tell
// which process holds a lease.
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// ID returns the name the worker takes leases under.
func (w *Worker) ID() string { return w.cfg.ID }

// Kick tells the worker that new jobs are queued, so it claims at once
// instead of at its next poll.
func (w *Worker) Kick() { signal(w.kick) }

// Changed returns a channel that is closed when the worker next records an
// outcome, so that a caller can wait for its jobs without polling.
func (w *Worker) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// Healthy reports whether waiting for a job is likely to pay off: the far
// end answered the last attempt (done or refused), and the worker is
// keeping up, claiming due jobs within MaxLag.
func (w *Worker) Healthy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reached && w.lag <= w.cfg.MaxLag
}

func (w *Worker) notify() {
	w.mu.Lock()
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// claimed is a claimed job and the time by which its attempt must start
// to end well within its lease.
type claimed struct {
	j       *belfry.Job
	startBy time.Time
}

// Run works the queue until ctx ends, then returns nil once every running
// goroutine has stopped: attempts in flight are cut, their outcome
// unknown, and their jobs are claimed again when their leases run out;
// outcomes already known are recorded first.
func (w *Worker) Run(ctx context.Context) error {
	if w.q == nil || w.handler == nil {
		return errors.New("queue: a worker needs a queue and a handler")
	}
	jobs := make(chan claimed, w.cfg.Batch)
	var wg sync.WaitGroup
	for range w.cfg.Concurrency {
		wg.Go(func() {
			for c := range jobs {
				w.attempt(ctx, c)
				w.pending.Add(-1)
				signal(w.freed)
			}
		})
	}
	w.claimLoop(ctx, jobs)
	close(jobs)
	wg.Wait()
	return nil
}

// claimLoop keeps the runners fed: it claims when they have room, and
// otherwise waits for a kick, a poll, or a retry falling due.
func (w *Worker) claimLoop(ctx context.Context, jobs chan<- claimed) {
	for ctx.Err() == nil {
		room := w.cfg.Batch - int(w.pending.Load())
		if room < max(w.cfg.Batch/2, 1) {
			w.waitFreed(ctx)
			continue
		}
		cs, err := w.claim(ctx, room)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("queue: claiming jobs failed", "err", err)
				sleep(ctx, w.cfg.Poll)
			}
			continue
		}
		w.pending.Add(int64(len(cs)))
		for _, c := range cs {
			jobs <- c // never blocks: jobs holds Batch, pending never exceeds it
		}
		if len(cs) == room {
			w.waitFreed(ctx) // more is due; claim when the runners have room
		} else {
			w.idle(ctx)
		}
	}
}

func (w *Worker) claim(ctx context.Context, n int) ([]claimed, error) {
	now := w.cfg.Clock()
	w.mu.Lock()
	if !w.soonest.IsZero() && !w.soonest.After(now) {
		w.soonest = time.Time{}
	}
	w.mu.Unlock()
	list, err := w.q.ClaimJobs(ctx, w.kind, w.cfg.ID, now, w.cfg.Lease, n)
	if err != nil {
		return nil, err
	}
	var lag time.Duration
	cs := make([]claimed, len(list))
	for i, j := range list {
		due := j.Created
		if j.Due.After(due) {
			due = j.Due
		}
		lag = max(lag, now.Sub(due))
		cs[i] = claimed{j: j, startBy: now.Add(w.cfg.Lease / 2)}
	}
	w.mu.Lock()
	w.lag = lag
	w.mu.Unlock()
	return cs, nil
}

func (w *Worker) waitFreed(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-w.freed:
	}
}

// idle waits until a job may be due: a kick, the poll interval, or the
// earliest retry this worker has scheduled, whichever comes first.
func (w *Worker) idle(ctx context.Context) {
	for {
		d := w.cfg.Poll
		w.mu.Lock()
		if !w.soonest.IsZero() {
			d = max(min(d, w.soonest.Sub(w.cfg.Clock())), 0)
		}
		w.mu.Unlock()
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-w.kick:
		case <-t.C:
		case <-w.resched:
			t.Stop()
			continue
		}
		t.Stop()
		return
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
