package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/queue"
)

// defaultRetentionInterval is how often the server looks for messages that
// a retention policy has expired. Policies count in days, so a message
// kept an hour past its last day is kept as the policy says.
const defaultRetentionInterval = time.Hour

// bindRetention registers the retention sweep's flag.
func (c *Config) bindRetention(fs *flag.FlagSet) {
	c.bindInterval(fs, &c.RetentionInterval, "retention-interval", "BELFRY_RETENTION_INTERVAL", defaultRetentionInterval,
		"how often messages past their account's retention policy are looked for and deleted")
}

// setUpRetention runs message retention (DECISIONS.md): a sweep that
// queues, every RetentionInterval, a job for each account whose policy has
// messages to delete, and a worker that runs those jobs one at a time. On
// every replica both run; the queue's leases and the one job an account
// has keep two replicas from doing the same deletion.
func (s *server) setUpRetention(svc *belfry.Service, log *slog.Logger) {
	worker := queue.New(belfry.KindRetention, svc, queue.HandlerFunc(svc.ApplyRetention), queue.Config{
		Concurrency: 1, Poll: time.Minute, Clock: svc.Now, Logger: log,
	})
	s.background = append(s.background, worker.Run, retentionSweep(svc, worker, s.cfg.RetentionInterval, log))
}

// retentionSweep returns the background loop that queues retention jobs
// at start and every interval, and wakes the worker when it queued some.
// A failed sweep is logged and tried again at the next tick.
func retentionSweep(svc *belfry.Service, worker *queue.Worker, interval time.Duration, log *slog.Logger) func(context.Context) error {
	return every(interval, func(ctx context.Context) error {
		n, err := svc.ScheduleRetention(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			log.Error("queueing message retention failed; trying again later", "error", err)
		case n > 0:
			log.Info("queued message retention", "accounts", n)
			worker.Kick()
		}
		return nil
	})
}
