package postgres

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Events is belfry.Events across the replicas of one database: Publish
// sends each event with NOTIFY, and Run LISTENs on a connection of its own
// and hands what comes, its own replica's events included, to the
// replica's subscribers. The channel is named after the schema, so that
// installations in other schemas of one database do not hear each other.
type Events struct {
	pool  *pgxpool.Pool
	local belfry.LocalEvents
	log   *slog.Logger
	ready chan struct{}
	once  sync.Once
	// listened says that a LISTEN has held before, so that the next one
	// follows a gap (Run's goroutine only).
	listened bool
}

var _ belfry.Events = (*Events)(nil)

// NewEvents returns the events of the database s keeps; they reach
// subscribers while Run runs.
func NewEvents(s *Store, log *slog.Logger) *Events {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Events{pool: s.pool, log: log, ready: make(chan struct{})}
}

// channel is the NOTIFY channel of the current schema's installation.
const channel = `'belfry_events:' || coalesce(current_schema(), '')`

// Publish sends e to every replica's subscribers. The payload is a few
// IDs, far below NOTIFY's 8,000 bytes.
func (ev *Events) Publish(ctx context.Context, e belfry.Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = ev.pool.Exec(ctx, `SELECT pg_notify(`+channel+`, $1)`, string(payload))
	return internal(err)
}

// Subscribe calls f with each event any replica publishes while Run runs.
func (ev *Events) Subscribe(f func(belfry.Event)) (cancel func()) { return ev.local.Subscribe(f) }

// Run listens until ctx ends. A lost connection is made again after a
// second; once it listens again, the replica's subscribers hear
// EventMissed, and the live pages replay from the store what was
// published meanwhile.
func (ev *Events) Run(ctx context.Context) error {
	for {
		err := ev.listen(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ev.log.Warn("listening for events from other replicas failed; trying again in a second", "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// listen holds a connection of its own, outside the pool, for as long as
// it hears notifications.
func (ev *Events) listen(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, ev.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var name string
	if err := conn.QueryRow(ctx, `SELECT `+channel).Scan(&name); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	ev.once.Do(func() { close(ev.ready) })
	if ev.listened {
		ev.local.Publish(ctx, belfry.Event{Kind: belfry.EventMissed})
	}
	ev.listened = true
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e belfry.Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			ev.log.Error("an event from another replica does not parse", "error", err)
			continue
		}
		ev.local.Publish(ctx, e)
	}
}

// Listening is closed once Run first listens: events published after it
// reach this replica's subscribers.
func (ev *Events) Listening() <-chan struct{} { return ev.ready }
