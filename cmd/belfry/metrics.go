package main

import (
	"database/sql"
	"flag"
	"log/slog"
	"net/http"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/metrics"
	"github.com/belfryhq/belfry/postgres"
	"github.com/belfryhq/belfry/sqlite"
)

// bindMetrics registers the metrics endpoint's flag: the bearer token a
// scrape of /metrics must present, if any.
func (c *Config) bindMetrics(fs *flag.FlagSet) {
	fs.StringVar(&c.MetricsToken, "metrics-token", env("BELFRY_METRICS_TOKEN", ""),
		"bearer token that scrapes of /metrics must present; empty serves them to anyone (BELFRY_METRICS_TOKEN)")
}

// newMetrics makes the metrics of this replica and has the store report
// its writes' latency to them.
func newMetrics(c *Config, svc *belfry.Service, store belfry.Store, streams func() int, log *slog.Logger) *metrics.Metrics {
	m := metrics.New(metrics.Config{
		Jobs: svc.JobStats, Streams: streams, Pools: poolsOf(store), Token: c.MetricsToken, Logger: log,
	})
	if o, ok := store.(interface{ ObserveWrites(func(time.Duration)) }); ok {
		o.ObserveWrites(m.ObserveWrite)
	}
	return m
}

// poolsOf returns the function that reads the store's connection pools.
func poolsOf(store belfry.Store) func() []metrics.Pool {
	switch s := store.(type) {
	case *sqlite.Store:
		return func() []metrics.Pool {
			w, r := s.PoolStats()
			return []metrics.Pool{sqlPool("sqlite-writer", w), sqlPool("sqlite-reader", r)}
		}
	case *postgres.Store:
		return func() []metrics.Pool {
			st := s.PoolStat()
			return []metrics.Pool{{Name: "postgres", InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()),
				Max: int(st.MaxConns()), Waits: st.EmptyAcquireCount(), WaitTime: st.EmptyAcquireWaitTime()}}
		}
	}
	return nil
}

func sqlPool(name string, st sql.DBStats) metrics.Pool {
	return metrics.Pool{Name: name, InUse: st.InUse, Idle: st.Idle, Max: st.MaxOpenConnections,
		Waits: st.WaitCount, WaitTime: st.WaitDuration}
}

// withMetrics serves /metrics from m and everything else from next.
func withMetrics(m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == metrics.Path {
			m.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
