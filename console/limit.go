package console

import (
	"sync"
	"time"
)

// limiter lets each key act at most max times in a sliding window, so
// that the sign-in form cannot be used to flood an inbox with links or to
// queue mail without end. It is per replica: behind n replicas a key gets
// up to n times as many, still a small number.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	seen   map[string][]time.Time
	pruned time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, seen: map[string][]time.Time{}}
}

// allow reports whether key may act now, and counts it if so. Once a
// window, the keys whose times have all left it are forgotten, so the map
// holds only the keys of the last two windows.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.pruned) >= l.window {
		for k, times := range l.seen {
			if now.Sub(times[len(times)-1]) >= l.window {
				delete(l.seen, k)
			}
		}
		l.pruned = now
	}
	var recent []time.Time
	for _, at := range l.seen[key] {
		if now.Sub(at) < l.window {
			recent = append(recent, at)
		}
	}
	if len(recent) >= l.max {
		l.seen[key] = recent
		return false
	}
	l.seen[key] = append(recent, now)
	return true
}

// reached reports whether key has acted max times in the window, without
// counting this as an act: for limits that count only failures.
func (l *limiter) reached(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now, n := l.now(), 0
	for _, at := range l.seen[key] {
		if now.Sub(at) < l.window {
			n++
		}
	}
	return n >= l.max
}
