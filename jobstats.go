package belfry

import (
	"context"
	"time"
)

// JobStats is how the job queue stands for one kind of job, for an
// operator's monitoring (the /metrics endpoint).
type JobStats struct {
	Kind JobKind
	// Queued counts the jobs still to run, retries included.
	Queued int
	// Retrying counts the queued jobs that have failed an attempt.
	Retrying int
	// Failed counts the jobs that failed for good and are still kept
	// (until BELFRY_JOB_RETENTION prunes them).
	Failed int
	// OldestQueued is when the oldest queued job was made; zero when none
	// is queued.
	OldestQueued time.Time
}

// JobStatsStore reads the queue's figures.
type JobStatsStore interface {
	// JobStats returns the figures of each kind that has queued or failed
	// jobs, by kind. It reads only the queued and failed jobs, through
	// indexes, so that it is cheap enough for every scrape.
	JobStats(ctx context.Context) ([]JobStats, error)
}

// JobStats returns how the job queue stands, kind by kind.
func (s *Service) JobStats(ctx context.Context) ([]JobStats, error) {
	return s.Store.JobStats(ctx)
}
