package webhook

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pruneEvery is how often the limiter drops the buckets that have filled
// up again: a full bucket is the same as none, so dropping it changes no
// answer and keeps the map as small as the set of busy webhooks.
const pruneEvery = time.Minute

// limiter keeps a token bucket per webhook ID (ntfy's visitor limits,
// STYLE.md). A bucket is made on a webhook's first post and dropped when a
// post finds no such webhook, so that requests for made-up IDs leave
// nothing behind.
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastPrune time.Time
}

func newLimiter(r rate.Limit, burst int, now func() time.Time) *limiter {
	return &limiter{rate: r, burst: burst, now: now, buckets: make(map[string]*rate.Limiter)}
}

// take spends one post of webhook id's allowance. When none is left it
// spends nothing and returns how many whole seconds to wait, at least one,
// for the Retry-After header.
func (l *limiter) take(id string) (retryAfter int, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	b := l.buckets[id]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[id] = b
	}
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return 1, false
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return max(1, int(math.Ceil(d.Seconds()))), false
	}
	return 0, true
}

// forget drops the bucket of an ID that names no webhook.
func (l *limiter) forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, id)
}

// prune drops, at most once every pruneEvery, the buckets that are full.
func (l *limiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < pruneEvery {
		return
	}
	l.lastPrune = now
	for id, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, id)
		}
	}
}

// size is how many buckets the limiter holds.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
