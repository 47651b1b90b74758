package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/belfryhq/belfry"
)

// defaultPurgeInterval is how often the server looks for deleted accounts
// past their 90 days. Purging late by an hour harms no one.
const defaultPurgeInterval = time.Hour

// bindPurge registers the purge's flags.
func (c *Config) bindPurge(fs *flag.FlagSet) {
	c.bindInterval(fs, &c.PurgeInterval, "purge-interval", "BELFRY_PURGE_INTERVAL", defaultPurgeInterval,
		"how often deleted accounts past their 90 days are purged")
	c.bindInterval(fs, &c.JobRetention, "job-retention", "BELFRY_JOB_RETENTION", belfry.DefaultJobRetention,
		"how long a job that ended (done, failed or cancelled) is kept for belfry jobs list")
}

// bindInterval registers the flag of a background worker's interval,
// whose environment variable env is checked here, like the flag, so that a
// zero or negative interval stops the start.
func (c *Config) bindInterval(fs *flag.FlagSet, d *time.Duration, name, env string, def time.Duration, usage string) {
	*d = c.envDuration(env, def)
	if *d <= 0 {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%s must be positive", env, *d))
		*d = def
	}
	fs.Var(positiveDuration{d}, name, usage+" ("+env+")")
}

// positiveDuration is a flag.Value that refuses durations that are not
// positive, which a ticker cannot run on.
type positiveDuration struct{ d *time.Duration }

func (p positiveDuration) String() string {
	if p.d == nil {
		return defaultPurgeInterval.String()
	}
	return p.d.String()
}

func (p positiveDuration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if d <= 0 {
		return errors.New("must be positive")
	}
	*p.d = d
	return nil
}

// purgeWorker returns the background worker that removes, every interval,
// the accounts deleted more than belfry.DeletedAccountRetention ago;
// cancels the queued invitation e-mail whose links have expired, so that
// their tokens do not stay in plain text when no mail worker claims them;
// and deletes the jobs that ended more than jobRetention ago. It runs once
// at start, so that a server that was down catches up, and stops when its
// context ends. A failed round is logged and retried at the next tick: the
// accounts, messages and jobs wait, which loses nothing.
func purgeWorker(svc *belfry.Service, interval, jobRetention time.Duration, log *slog.Logger) func(context.Context) error {
	return every(interval, func(ctx context.Context) error { return purgeRound(ctx, svc, jobRetention, log) })
}

// every returns a background worker that runs round at once and then every
// interval, until ctx ends or round returns an error, which it returns.
func every(interval time.Duration, round func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if err := round(ctx); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}

// purgeRound is one round of purgeWorker. It returns an error only when ctx
// has ended; the store's failures are logged, and the round goes on to its
// next step.
func purgeRound(ctx context.Context, svc *belfry.Service, jobRetention time.Duration, log *slog.Logger) error {
	for _, step := range []struct {
		run          func(context.Context) (int, error)
		failed, done string
	}{
		{svc.PurgeDeletedAccounts, "purging deleted accounts failed; trying again later", "purged deleted accounts"},
		{svc.CancelStaleJobs, "cancelling stale jobs failed; trying again later", "cancelled stale jobs"},
		{func(ctx context.Context) (int, error) { return svc.PruneJobs(ctx, jobRetention) },
			"deleting old jobs failed; trying again later", "deleted jobs that ended long ago"},
		{svc.ReturnDeletedPhoneNumbers, "returning deleted phone numbers to the pool failed; trying again later",
			"returned phone numbers deleted 7 days ago to the pool"},
	} {
		n, err := step.run(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			log.Error(step.failed, "error", err, "count", n)
		case n > 0:
			log.Info(step.done, "count", n)
		}
	}
	return nil
}
