package mail

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// deliver sends one claimed message and records what became of it.
func (w *Worker) deliver(ctx context.Context, j job) {
	m := j.m
	now := w.cfg.Clock()
	if ctx.Err() != nil || now.After(j.startBy) {
		// Too late to finish within the lease, or stopping: leave the
		// message to be claimed again when its lease runs out.
		return
	}
	if !m.Expires.IsZero() && !now.Before(m.Expires) {
		// The link expired since the claim: a dead link is not worth
		// sending. Once the lease runs out, the next claim cancels the
		// message and scrubs the link.
		return
	}
	sctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	err := w.sender.Send(sctx, m)
	cancel()
	if err != nil && ctx.Err() != nil {
		return // cut by shutdown: whether it went is unknown, the lease decides
	}
	w.settle(ctx, m, err)
}

// settle records the outcome of sending m: delivered, refused for good,
// or to be retried after a backoff.
func (w *Worker) settle(ctx context.Context, m *belfry.Mail, err error) {
	now := w.cfg.Clock()
	w.mu.Lock()
	w.reached = answered(err)
	w.mu.Unlock()
	switch {
	case err == nil:
		w.record(ctx, m, func(ctx context.Context) error { return w.store.MailSent(ctx, m.ID, now) })
	case Permanent(err):
		w.log.Warn("mail: refused", "mail", m.ID, "invite", m.InviteID, "err", err)
		w.record(ctx, m, func(ctx context.Context) error {
			return w.store.MailFailed(ctx, m.ID, reason(err), now)
		})
	default:
		attempts := m.Attempts + 1
		next := now.Add(w.backoff(attempts))
		if w.givesUp(m, attempts, now, next) {
			w.log.Warn("mail: giving up", "mail", m.ID, "invite", m.InviteID, "attempts", attempts, "err", err)
			w.record(ctx, m, func(ctx context.Context) error {
				return w.store.MailFailed(ctx, m.ID, fmt.Sprintf("gave up after %d attempts: %s", attempts, reason(err)), now)
			})
			return
		}
		w.log.Info("mail: will retry", "mail", m.ID, "attempts", attempts, "next", next, "err", err)
		w.record(ctx, m, func(ctx context.Context) error { return w.store.MailRetry(ctx, m.ID, next, reason(err)) })
		w.scheduled(next)
	}
}

// record writes an outcome even while the worker stops, since a delivery
// left unrecorded would be sent again, and then wakes those waiting on
// Changed.
func (w *Worker) record(ctx context.Context, m *belfry.Mail, write func(context.Context) error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := write(rctx); err != nil {
		w.log.Error("mail: recording an outcome failed; the message will be tried again when its lease runs out",
			"mail", m.ID, "err", err)
	}
	w.notify()
}

// scheduled notes a retry, so that the worker looks at the outbox when it
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
// that messages failed together do not all come back together.
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
func (w *Worker) givesUp(m *belfry.Mail, attempts int, now, next time.Time) bool {
	switch {
	case w.cfg.MaxAttempts > 0 && attempts >= w.cfg.MaxAttempts:
		return true
	case !m.Created.IsZero() && now.Sub(m.Created) >= w.cfg.MaxAge:
		return true
	case !m.Expires.IsZero() && !next.Before(m.Expires):
		return true
	}
	return false
}

// reason is an error as kept in the outbox for an administrator: one line,
// of bounded length.
func reason(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:497] + "..."
	}
	return s
}
