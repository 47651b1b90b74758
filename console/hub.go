package console

import (
	"sync"

	"github.com/belfryhq/belfry"
)

// subscriberQueue is how many events a live page may have waiting before
// it counts as slow and is dropped; its browser reconnects and replays
// what it missed from the store.
const subscriberQueue = 64

// hub fans the service's events out to the open live pages of each
// thread. It keeps nothing but who listens: the store already holds every
// message before its event is published, so a page that is dropped, or
// that connects late, catches up from the store (ntfy's topic.go, with a
// bound on each subscriber's queue that ntfy lacks).
type hub struct {
	mu    sync.Mutex
	subs  map[threadKey]map[*subscriber]struct{}
	queue int
}

type threadKey struct {
	account string
	thread  belfry.Thread
}

// subscriber is one live page's queue. dropped is closed when the hub
// gives up on a page that does not keep up.
type subscriber struct {
	events  chan belfry.Event
	dropped chan struct{}
	once    sync.Once
}

func newHub(queue int) *hub {
	return &hub{subs: map[threadKey]map[*subscriber]struct{}{}, queue: queue}
}

// subscribe adds a page of thread t of account accountID until cancel.
func (h *hub) subscribe(accountID string, t belfry.Thread) (sub *subscriber, cancel func()) {
	k := threadKey{accountID, t}
	sub = &subscriber{events: make(chan belfry.Event, h.queue), dropped: make(chan struct{})}
	h.mu.Lock()
	if h.subs[k] == nil {
		h.subs[k] = map[*subscriber]struct{}{}
	}
	h.subs[k][sub] = struct{}{}
	h.mu.Unlock()
	return sub, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[k], sub)
		if len(h.subs[k]) == 0 {
			delete(h.subs, k)
		}
	}
}

// deliver hands e to the pages of its thread. It copies the list under
// the lock and sends outside it, never blocking: a page whose queue is
// full is dropped.
func (h *hub) deliver(e belfry.Event) {
	h.mu.Lock()
	subs := make([]*subscriber, 0, len(h.subs[threadKey{e.AccountID, e.Thread}]))
	for sub := range h.subs[threadKey{e.AccountID, e.Thread}] {
		subs = append(subs, sub)
	}
	if e.Kind == belfry.EventMissed {
		// Every page hears it, of every account.
		for _, set := range h.subs {
			for sub := range set {
				subs = append(subs, sub)
			}
		}
	}
	if e.Kind == belfry.EventStanding && e.Thread == (belfry.Thread{}) {
		// Every page of the account hears it.
		for k, set := range h.subs {
			if k.account == e.AccountID {
				for sub := range set {
					subs = append(subs, sub)
				}
			}
		}
	}
	h.mu.Unlock()
	for _, sub := range subs {
		select {
		case sub.events <- e:
		default:
			sub.once.Do(func() { close(sub.dropped) })
		}
	}
}
