// Package metrics serves Belfry's Prometheus metrics at /metrics
// (prometheus/client_golang): requests by operation and status, the job
// queue, live streams, and the database's connections and write latency.
// Each metric is documented in docs/metrics.md. It holds what happens in
// the process (requests, writes) and asks the rest at scrape time through
// the functions of its Config, so that it knows no other package of
// Belfry but the domain.
package metrics

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the metrics are served.
const Path = "/metrics"

// Pool is one database connection pool's figures at scrape time.
type Pool struct {
	Name        string // "sqlite-writer", "sqlite-reader" or "postgres"
	InUse, Idle int
	Max         int // 0: no limit
	Waits       int64
	WaitTime    time.Duration
}

// Config says where the figures read at scrape time come from; a nil
// function leaves its metrics out.
type Config struct {
	// Jobs reads the job queue's figures (belfry.Service.JobStats).
	Jobs func(ctx context.Context) ([]belfry.JobStats, error)
	// Streams counts the live streams (server-sent events) open now.
	Streams func() int
	// Pools reads the database's connection pools.
	Pools func() []Pool
	// Token, when set, is the bearer token a scrape must present.
	Token  string
	Logger *slog.Logger
	// Now tells the time for the jobs' ages; nil means time.Now.
	Now func() time.Time
}

// Metrics is the registry and the metrics that the request path and the
// stores feed.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	writes   prometheus.Histogram
	token    [sha256.Size]byte
	hasToken bool
	log      *slog.Logger
}

// New returns the metrics, registered with the Go runtime's and the
// process's own.
func New(cfg Config) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "belfry_api_requests_total",
			Help: "Chime API and operator requests answered, by operation and HTTP status.",
		}, []string{"operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "belfry_api_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by operation.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
		writes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "belfry_db_write_duration_seconds",
			Help:    "Time a change waits for its transaction to commit, queueing for SQLite's writer included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		log: cfg.Logger,
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Token != "" {
		m.token, m.hasToken = sha256.Sum256([]byte(cfg.Token)), true
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	m.reg.MustRegister(m.requests, m.latency, m.writes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Jobs != nil {
		m.reg.MustRegister(&jobCollector{read: cfg.Jobs, now: now, log: m.log})
	}
	if cfg.Streams != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "belfry_live_streams",
			Help: "Server-sent event streams open now: members' pages that receive live updates.",
		}, func() float64 { return float64(cfg.Streams()) }))
	}
	if cfg.Pools != nil {
		m.reg.MustRegister(&poolCollector{read: cfg.Pools})
	}
	return m
}

// ObserveRequest counts a request answered with status after took.
// operation is the Chime operation, "Operator" for the operator API, or
// "Unmatched" for a request that named no operation.
func (m *Metrics) ObserveRequest(operation string, status int, took time.Duration) {
	m.requests.WithLabelValues(operation, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(operation).Observe(took.Seconds())
}

// ObserveWrite records how long a change took to commit.
func (m *Metrics) ObserveWrite(took time.Duration) { m.writes.Observe(took.Seconds()) }

// ServeHTTP serves the metrics in Prometheus's text format, to a scrape
// that presents the token when one is configured.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.hasToken && !m.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="belfry metrics"`)
		http.Error(w, "metrics need Authorization: Bearer with BELFRY_METRICS_TOKEN", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "metrics are read with GET", http.StatusMethodNotAllowed)
		return
	}
	promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{m.log}}).ServeHTTP(w, r)
}

// authorized compares the bearer token's hash with the configured one's in
// constant time, so that neither the token nor its length leaks by timing.
func (m *Metrics) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], m.token[:]) == 1
}

// slogPrinter logs promhttp's errors (a collector that failed) as warnings.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics: " + fmt.Sprint(v...)) }
