package mail

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

// WorkerConfig tunes the outbox worker. NewWorker fills zero fields with
// the defaults written beside each.
type WorkerConfig struct {
	// ID names the worker in the leases it takes; it must differ between
	// the workers of all replicas. Default: host name, process ID and a
	// random suffix.
	ID string
	// Concurrency is how many messages are sent at once, each over its own
	// kept SMTP connection. Default 4.
	Concurrency int
	// Batch is how many messages are claimed and not yet done at most; a
	// claim is made when half of them are done, so that senders never wait
	// on the database and claims stay few. Default 4 × Concurrency.
	Batch int
	// Lease is how long a claimed message is this worker's alone. If the
	// worker dies the message is claimed again when its lease runs out.
	// Default 2 minutes.
	Lease time.Duration
	// SendTimeout bounds one message's delivery; at most Lease/4, so that
	// a message is never still being sent when its lease runs out and
	// another worker claims it. Default 30 seconds.
	SendTimeout time.Duration
	// Poll is how often the outbox is looked at when nothing is known to be
	// due: mail queued by other replicas, or mail whose retry is due, is
	// found within Poll. Default 1 second.
	Poll time.Duration
	// RetryFirst is the wait before the first retry of a temporary
	// failure (BELFRY_MAIL_RETRY_FIRST); each further retry waits twice as
	// long, up to RetryMax, give or take a tenth. Defaults 30 seconds and
	// 1 hour.
	RetryFirst time.Duration
	RetryMax   time.Duration
	// MaxAttempts and MaxAge decide when temporary failures become a
	// permanent one: after MaxAttempts attempts (0: no limit by count), or
	// once the message is older than MaxAge, or when the invitation's link
	// would expire before the next attempt. Defaults 0 and 72 hours.
	MaxAttempts int
	MaxAge      time.Duration
	// MaxLag is how long due mail may wait to be claimed before Healthy
	// says the worker is behind. Default 500 ms, less than InviteUsers
	// waits, so that a backlog makes InviteUsers answer at once.
	MaxLag time.Duration
	// Clock tells the time; nil means time.Now.
	Clock func() time.Time
	// Logger receives failures; nil means slog.Default().
	Logger *slog.Logger
}

// recordTimeout bounds writing a message's outcome, which is done even
// while the worker stops: a delivery that is not recorded would be sent
// again.
const recordTimeout = 10 * time.Second

// Worker drains the outbox: it claims due messages with a lease, sends
// them, and records each outcome. Leases make several workers, in one
// process or in several replicas, share the outbox without sending a
// message twice; the outbox itself, in the database, makes queued mail
// survive restarts and crashes. It implements belfry.Mailer.
type Worker struct {
	store  belfry.OutboxStore
	sender *Sender
	cfg    WorkerConfig
	log    *slog.Logger

	kick    chan struct{} // new mail is queued
	freed   chan struct{} // a claimed message is done
	resched chan struct{} // a retry was scheduled earlier than the next look
	pending atomic.Int64  // claimed and not yet done

	mu      sync.Mutex
	changed chan struct{}
	reached bool          // the last attempt got an answer from the server
	lag     time.Duration // how long the oldest message of the last claim had been due
	soonest time.Time     // the earliest retry this worker scheduled
}

var _ belfry.Mailer = (*Worker)(nil)

// NewWorker returns a worker that sends store's outbox with sender.
func NewWorker(store belfry.OutboxStore, sender *Sender, cfg WorkerConfig) *Worker {
	cfg = cfg.withDefaults()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Worker{
		store: store, sender: sender, cfg: cfg,
		log:     log.With("worker", cfg.ID),
		kick:    make(chan struct{}, 1),
		freed:   make(chan struct{}, 1),
		resched: make(chan struct{}, 1),
		changed: make(chan struct{}),
		reached: true,
	}
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.ID == "" {
		c.ID = workerID()
	}
	c.Concurrency = orInt(c.Concurrency, 4)
	c.Batch = max(orInt(c.Batch, 4*c.Concurrency), c.Concurrency)
	c.Lease = orDuration(c.Lease, 2*time.Minute)
	c.SendTimeout = min(orDuration(c.SendTimeout, 30*time.Second), c.Lease/4)
	c.Poll = orDuration(c.Poll, time.Second)
	c.RetryFirst = orDuration(c.RetryFirst, 30*time.Second)
	c.RetryMax = max(orDuration(c.RetryMax, time.Hour), c.RetryFirst)
	c.MaxAge = orDuration(c.MaxAge, 72*time.Hour)
	c.MaxLag = orDuration(c.MaxLag, 500*time.Millisecond)
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

// workerID names a worker so that an operator reading the outbox can tell
// which process holds a lease.
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// ID returns the name the worker takes leases under.
func (w *Worker) ID() string { return w.cfg.ID }

// Kick tells the worker that new mail is queued, so it claims at once
// instead of at its next poll.
func (w *Worker) Kick() { signal(w.kick) }

// Changed returns a channel that is closed when the worker next records an
// outcome, so that InviteUsers can wait for its messages without polling.
func (w *Worker) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// Healthy reports whether waiting for delivery is likely to pay off: the
// mail server answered the last attempt (accepting or refusing it), and the
// worker is keeping up, claiming due mail within MaxLag.
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

// job is a claimed message and the time by which its sending must start
// to end well within its lease.
type job struct {
	m       *belfry.Mail
	startBy time.Time
}

// Run drains the outbox until ctx ends, then returns nil once every
// sending goroutine has stopped: sends in flight are cut, their outcome
// unknown, and their messages are claimed again when their leases run out;
// deliveries already made are recorded first.
func (w *Worker) Run(ctx context.Context) error {
	if w.sender == nil || w.store == nil {
		return errors.New("mail: worker needs a store and a sender")
	}
	jobs := make(chan job, w.cfg.Batch)
	var wg sync.WaitGroup
	for range w.cfg.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				w.deliver(ctx, j)
				w.pending.Add(-1)
				signal(w.freed)
			}
		})
	}
	w.claimLoop(ctx, jobs)
	close(jobs)
	wg.Wait()
	return w.sender.Close()
}

// claimLoop keeps the senders fed: it claims when they have room, and
// otherwise waits for a kick, a poll, or a retry falling due.
func (w *Worker) claimLoop(ctx context.Context, jobs chan<- job) {
	for ctx.Err() == nil {
		room := w.cfg.Batch - int(w.pending.Load())
		if room < max(w.cfg.Batch/2, 1) {
			w.waitFreed(ctx)
			continue
		}
		js, err := w.claim(ctx, room)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("mail: claiming the outbox failed", "err", err)
				sleep(ctx, w.cfg.Poll)
			}
			continue
		}
		w.pending.Add(int64(len(js)))
		for _, j := range js {
			jobs <- j // never blocks: jobs holds Batch, pending never exceeds it
		}
		if len(js) == room {
			w.waitFreed(ctx) // more is due; claim when the senders have room
		} else {
			w.idle(ctx)
		}
	}
}

func (w *Worker) claim(ctx context.Context, n int) ([]job, error) {
	now := w.cfg.Clock()
	w.mu.Lock()
	if !w.soonest.IsZero() && !w.soonest.After(now) {
		w.soonest = time.Time{}
	}
	w.mu.Unlock()
	msgs, err := w.store.ClaimMail(ctx, w.cfg.ID, now, w.cfg.Lease, n)
	if err != nil {
		return nil, err
	}
	var lag time.Duration
	js := make([]job, len(msgs))
	for i, m := range msgs {
		due := m.Created
		if m.NextAttempt.After(due) {
			due = m.NextAttempt
		}
		lag = max(lag, now.Sub(due))
		js[i] = job{m: m, startBy: now.Add(w.cfg.Lease / 2)}
	}
	w.mu.Lock()
	w.lag = lag
	w.mu.Unlock()
	return js, nil
}

func (w *Worker) waitFreed(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-w.freed:
	}
}

// idle waits until mail may be due: a kick, the poll interval, or the
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
