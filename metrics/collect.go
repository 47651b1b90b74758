package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/prometheus/client_golang/prometheus"
)

// jobCollector reads the job queue at each scrape (one indexed query), so
// that every replica reports the whole queue that they share.
type jobCollector struct {
	read func(ctx context.Context) ([]belfry.JobStats, error)
	now  func() time.Time
	log  *slog.Logger
}

var (
	jobsQueued = prometheus.NewDesc("belfry_jobs_queued",
		"Jobs waiting to run (retries included), by kind.", []string{"kind"}, nil)
	jobsRetrying = prometheus.NewDesc("belfry_jobs_retrying",
		"Queued jobs that have failed an attempt and wait for the next, by kind.", []string{"kind"}, nil)
	jobsFailed = prometheus.NewDesc("belfry_jobs_failed",
		"Jobs that failed for good, kept until BELFRY_JOB_RETENTION prunes them, by kind.", []string{"kind"}, nil)
	jobsOldest = prometheus.NewDesc("belfry_jobs_oldest_queued_age_seconds",
		"Age of the oldest queued job, by kind; 0 when none is queued.", []string{"kind"}, nil)
	jobsUp = prometheus.NewDesc("belfry_jobs_stats_up",
		"1 when the job queue's figures could be read at this scrape, else 0.", nil, nil)
)

// knownKinds are reported even when they have no job, so that a series
// does not vanish when its queue empties.
var knownKinds = []belfry.JobKind{belfry.KindMail, belfry.KindRetention, belfry.KindSignIn}

func (c *jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{jobsQueued, jobsRetrying, jobsFailed, jobsOldest, jobsUp} {
		ch <- d
	}
}

func (c *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stats, err := c.read(ctx)
	if err != nil {
		c.log.Warn("metrics: the job queue's figures could not be read", "error", err)
		ch <- prometheus.MustNewConstMetric(jobsUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsUp, prometheus.GaugeValue, 1)
	byKind := map[belfry.JobKind]belfry.JobStats{}
	for _, k := range knownKinds {
		byKind[k] = belfry.JobStats{Kind: k}
	}
	for _, st := range stats {
		byKind[st.Kind] = st
	}
	now := c.now()
	for kind, st := range byKind {
		k := string(kind)
		age := 0.0
		if !st.OldestQueued.IsZero() {
			age = max(0, now.Sub(st.OldestQueued).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(jobsQueued, prometheus.GaugeValue, float64(st.Queued), k)
		ch <- prometheus.MustNewConstMetric(jobsRetrying, prometheus.GaugeValue, float64(st.Retrying), k)
		ch <- prometheus.MustNewConstMetric(jobsFailed, prometheus.GaugeValue, float64(st.Failed), k)
		ch <- prometheus.MustNewConstMetric(jobsOldest, prometheus.GaugeValue, age, k)
	}
}

// poolCollector reads the database's connection pools at each scrape.
type poolCollector struct {
	read func() []Pool
}

var (
	poolConns = prometheus.NewDesc("belfry_db_connections",
		"Database connections by pool and state (in_use, idle).", []string{"pool", "state"}, nil)
	poolMax = prometheus.NewDesc("belfry_db_connections_max",
		"The most connections the pool opens; 0 for no limit.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("belfry_db_connection_waits_total",
		"Times a request had to wait for a free connection of the pool.", []string{"pool"}, nil)
	poolWaitTime = prometheus.NewDesc("belfry_db_connection_wait_seconds_total",
		"Time spent waiting for a free connection of the pool.", []string{"pool"}, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConns, poolMax, poolWaits, poolWaitTime} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.read() {
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(p.InUse), p.Name, "in_use")
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(p.Idle), p.Name, "idle")
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(p.Max), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(p.Waits), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, p.WaitTime.Seconds(), p.Name)
	}
}
