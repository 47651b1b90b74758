package console

import (
	"context"
	"fmt"
	"html/template"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"golang.org/x/sync/singleflight"
)

// A room's open streams all hear each of its events. Done by each stream
// alone, the work an event calls for (read the message, render its
// markdown, check that the viewer's session and membership still hold)
// grew with the streams: a thousand streams on one room took five seconds
// to hear ten posts a second. liveCache does the message's part once per
// event, whoever watches, and each member's check at most once per
// liveCheckEvery for all their streams.
const (
	liveCheckEvery = time.Second
	liveKeep       = 10 * time.Second // how long a read message is kept
	liveCacheMax   = 10_000
)

type liveCache struct {
	group singleflight.Group

	mu     sync.Mutex
	msgs   map[string]liveMessage
	checks map[liveCheck]time.Time // when the check last held
}

// liveMessage is a message as an event found it, rendered once.
type liveMessage struct {
	msg  *belfry.Message
	html template.HTML
	read time.Time
}

type liveCheck struct {
	account, user string
	thread        belfry.Thread
}

// message returns event e's message, read and rendered once for every
// stream of the thread. A message gone since (retention, its room
// deleted) is an error.
func (s *Server) liveMessage(ctx context.Context, m *member, t belfry.Thread, e belfry.Event) (liveMessage, error) {
	key := string(e.Kind) + ":" + e.MessageID
	c := &s.live
	now := time.Now()
	c.mu.Lock()
	lm, ok := c.msgs[key]
	c.mu.Unlock()
	if ok && now.Sub(lm.read) < liveKeep {
		return lm, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		msg, err := s.svc.Message(ctx, m.account.ID, t, e.MessageID)
		if err != nil {
			return liveMessage{}, err
		}
		lm := liveMessage{msg: msg, read: now}
		if msg.Redacted.IsZero() {
			lm.html = s.markdown.Render(msg.Content)
		}
		c.mu.Lock()
		if c.msgs == nil || len(c.msgs) >= liveCacheMax {
			c.msgs = make(map[string]liveMessage)
		}
		c.msgs[key] = lm
		c.mu.Unlock()
		return lm, nil
	})
	if err != nil {
		return liveMessage{}, err
	}
	return v.(liveMessage), nil
}

// holdsNow checks m's standing afresh, whatever was checked before, and
// keeps the answer for holdsLive: for an EventStanding, which says that it
// may have changed.
func (s *Server) holdsNow(ctx context.Context, m *member, t belfry.Thread) bool {
	c := &s.live
	c.mu.Lock()
	delete(c.checks, liveCheck{account: m.account.ID, user: m.user.ID, thread: t})
	c.mu.Unlock()
	return s.holdsLive(ctx, m, t)
}

// holdsLive is stillHolds for an event: a check that held for m within
// liveCheckEvery, on any of m's streams of t, holds again. A check that
// fails is never kept: the stream ends.
func (s *Server) holdsLive(ctx context.Context, m *member, t belfry.Thread) bool {
	key := liveCheck{account: m.account.ID, user: m.user.ID, thread: t}
	c := &s.live
	now := time.Now()
	c.mu.Lock()
	last, ok := c.checks[key]
	c.mu.Unlock()
	if ok && now.Sub(last) < liveCheckEvery {
		return true
	}
	// A member's streams all come due at once: one of them checks.
	held, _, _ := c.group.Do(fmt.Sprintf("check:%s:%s:%s:%s", key.account, key.user, t.RoomID, t.ConversationID),
		func() (any, error) { return s.stillHolds(ctx, m, t), nil })
	if !held.(bool) {
		c.mu.Lock()
		delete(c.checks, key)
		c.mu.Unlock()
		return false
	}
	c.mu.Lock()
	if c.checks == nil || len(c.checks) >= liveCacheMax {
		c.checks = make(map[liveCheck]time.Time)
	}
	c.checks[key] = now
	c.mu.Unlock()
	return true
}
