package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/riverqueue/river"
)

// mailArgs is the River job: what Belfry's outbox row carries, in short.
type mailArgs struct {
	User    int64  `json:"user"`
	To      string `json:"to"`
	Subject string `json:"subject"`
}

func (mailArgs) Kind() string { return "mail" }

// mailWorker does nothing but tell the tracker it started.
type mailWorker struct {
	river.WorkerDefaults[mailArgs]
	t *tracker
}

func (w *mailWorker) Work(ctx context.Context, j *river.Job[mailArgs]) error {
	w.t.start(j.ID)
	return nil
}

// riverConfig is the configuration of a River client that works the
// default queue with the benchmark's settings, and logs warnings and errors
// to logs; v may replace the settings.
func riverConfig(t *tracker, logs *logCounter, id string, v variant) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &mailWorker{t: t})
	return &river.Config{
		ID:            id,
		Logger:        slog.New(logs),
		FetchCooldown: cmp.Or(v.cooldown, *riverCooldown),
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(v.workers, *riverWorkers)}},
		Workers:       workers,
	}
}

func newMail(n int64) mailArgs {
	return mailArgs{User: n, To: fmt.Sprintf("user%d@example.com", n), Subject: "You are invited to Belfry"}
}

// logCounter is a slog handler that counts River's warnings and errors, and
// those that say the SQLite database was locked.
type logCounter struct {
	mu     sync.Mutex
	errors int
	busy   int
	first  []string
}

func (l *logCounter) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelWarn }

func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	msg := b.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errors++
	if isBusy(msg) {
		l.busy++
	}
	if len(l.first) < 3 {
		l.first = append(l.first, msg)
	}
	return nil
}

func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }

func (l *logCounter) counts() (errors, busy int, first []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.errors, l.busy, l.first
}

// isBusy says whether an error text is SQLite's "database is locked".
func isBusy(s string) bool {
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}
