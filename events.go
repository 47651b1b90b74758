package belfry

import (
	"context"
	"sync"
)

// EventKind says what happened to a message.
type EventKind string

// The event kinds.
const (
	// EventPosted is a message posted to a room or conversation.
	EventPosted EventKind = "message"
	// EventRedacted is a message whose content was redacted.
	EventRedacted EventKind = "redaction"
	// EventStanding says that who may read may have changed: a user was
	// signed out or suspended, left a room, or the room or account went.
	// Open pages it concerns check at once whether they may stay open.
	EventStanding EventKind = "standing"
	// EventMissed says that events may have been lost on their way, as
	// while the connection that carries them between replicas was made
	// again. It concerns every thread: open pages replay from the store.
	EventMissed EventKind = "missed"
)

// Event tells the web app's open pages that a thread changed. It carries
// no content: a page loads the message from the store, as the viewer may
// see it, so that an event never leaks what its reader may not read.
type Event struct {
	Kind      EventKind `json:"kind"`
	AccountID string    `json:"account"`
	Thread    Thread    `json:"thread"`
	MessageID string    `json:"message"`
	Seq       int64     `json:"seq"`
	// UserID, on an EventStanding, is the user concerned; "" is every
	// user of the account (or of Thread, when it is set).
	UserID string `json:"user,omitempty"`
}

// Events carries Events from the Service that stored a change to whoever
// watches, on this replica and, through the database, on the others.
type Events interface {
	// Publish sends e to every subscriber, on every replica. It is
	// called after the change is stored, so a subscriber that reads the
	// store on receipt finds it.
	Publish(ctx context.Context, e Event) error
	// Subscribe calls f with each event published from now on, until
	// cancel is called. f must not block: it hands the event on.
	Subscribe(f func(Event)) (cancel func())
}

// LocalEvents is Events within one process, for a store that one process
// owns (SQLite).
type LocalEvents struct {
	mu   sync.Mutex
	next int
	subs map[int]func(Event)
}

// Publish calls every subscriber with e, outside the lock, so that a
// subscriber may cancel itself or subscribe another.
func (l *LocalEvents) Publish(_ context.Context, e Event) error {
	l.mu.Lock()
	fs := make([]func(Event), 0, len(l.subs))
	for _, f := range l.subs {
		fs = append(fs, f)
	}
	l.mu.Unlock()
	for _, f := range fs {
		f(e)
	}
	return nil
}

// Subscribe adds f until cancel is called.
func (l *LocalEvents) Subscribe(f func(Event)) (cancel func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.subs == nil {
		l.subs = map[int]func(Event){}
	}
	l.next++
	id := l.next
	l.subs[id] = f
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.subs, id)
	}
}

// standingChanged tells open pages of account accountID (of thread t only,
// when it is set; of user userID only, when it is set) to check at once
// that their readers may still read: sessions, suspensions and
// memberships end open streams at once, not at their next periodic check.
func (s *Service) standingChanged(ctx context.Context, accountID string, t Thread, userID string) {
	s.publish(ctx, Event{Kind: EventStanding, AccountID: accountID, Thread: t, UserID: userID})
}

// publish tells the Service's Events, if any, about a stored change. The
// change is stored whatever becomes of the event: a page that misses it
// finds the message when it reconnects and replays, so a failure here is
// not the caller's.
func (s *Service) publish(ctx context.Context, e Event) {
	if s.Events == nil {
		return
	}
	_ = s.Events.Publish(context.WithoutCancel(ctx), e)
}
