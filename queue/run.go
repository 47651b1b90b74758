package queue

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// attempt runs one claimed job and records what became of it.
func (w *Worker) attempt(ctx context.Context, c claimed) {
	j := c.j
	now := w.cfg.Clock()
	if ctx.Err() != nil || now.After(c.startBy) {
		// Too late to finish within the lease, or stopping: leave the job
		// to be claimed again when its lease runs out.
		return
	}
	if !j.Expires.IsZero() && !now.Before(j.Expires) {
		// The job expired since the claim: it is not worth running. Once
		// the lease runs out, the next claim cancels it and scrubs its
		// secret.
		return
	}
	rctx, cancel := context.WithTimeout(ctx, w.cfg.RunTimeout)
	err := w.handler.Run(rctx, j)
	cancel()
	if err != nil && ctx.Err() != nil {
		return // cut by shutdown: whether it ran is unknown, the lease decides
	}
	w.settle(ctx, j, err)
}

// settle records the outcome of an attempt at j: done, failed for good,
// or to be retried after a backoff.
func (w *Worker) settle(ctx context.Context, j *belfry.Job, err error) {
	now := w.cfg.Clock()
	w.mu.Lock()
	w.reached = w.cfg.Answered(err)
	w.mu.Unlock()
	switch {
	case err == nil:
		w.record(ctx, j, belfry.JobOutcome{Status: belfry.JobDone, At: now})
	case w.cfg.Permanent(err):
		w.log.Warn("queue: job failed for good", "job", j.ID, "ref", j.Ref, "err", err)
		w.record(ctx, j, belfry.JobOutcome{Status: belfry.JobFailed, At: now, Reason: reason(err)})
	default:
		attempts := j.Attempts + 1
		next := now.Add(w.backoff(attempts))
		if w.givesUp(j, attempts, now, next) {
			w.log.Warn("queue: giving up", "job", j.ID, "ref", j.Ref, "attempts", attempts, "err", err)
			w.record(ctx, j, belfry.JobOutcome{Status: belfry.JobFailed, At: now,
				Reason: fmt.Sprintf("gave up after %d attempts: %s", attempts, reason(err))})
			return
		}
		w.log.Info("queue: will retry", "job", j.ID, "attempts", attempts, "next", next, "err", err)
		w.record(ctx, j, belfry.JobOutcome{Status: belfry.JobQueued, At: now, Next: next, Reason: reason(err)})
		w.scheduled(next)
	}
}

// record writes an outcome even while the worker stops, since an outcome
// left unrecorded means the job runs again, and then wakes those waiting
// on Changed.
func (w *Worker) record(ctx context.Context, j *belfry.Job, o belfry.JobOutcome) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := w.q.FinishJob(rctx, j, o); err != nil {
		w.log.Error("queue: recording an outcome failed; the job runs again when its lease runs out",
			"job", j.ID, "err", err)
	}
	w.notify()
}

// scheduled notes a retry, so that the worker looks at the queue when it
// falls due rather than at its next poll.
func (w *Worker) scheduled(next time.Time) {
	w.mu.Lock()
	earlier := w.soonest.IsZero() || next.Before(w.soonest)
	if earlier {
		w.soonest = next
	}
	w.mu.Unlock()
	if earlier {
		signal(w.resched)
	}
}

// backoff is the wait after the given number of failed attempts:
// RetryFirst, doubling each time up to RetryMax, with a tenth of jitter so
// that jobs failed together do not all come back together.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.cfg.RetryFirst
	for i := 1; i < attempts && d < w.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, w.cfg.RetryMax)
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

// givesUp reports whether a temporary failure should now count as a
// permanent one.
func (w *Worker) givesUp(j *belfry.Job, attempts int, now, next time.Time) bool {
	switch {
	case w.cfg.MaxAttempts > 0 && attempts >= w.cfg.MaxAttempts:
		return true
	case !j.Created.IsZero() && now.Sub(j.Created) >= w.cfg.MaxAge:
		return true
	case !j.Expires.IsZero() && !next.Before(j.Expires):
		return true
	}
	return false
}

// reason is an error as kept in the queue for an operator: one line, of
// bounded length.
func reason(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:497] + "..."
	}
	return s
}
