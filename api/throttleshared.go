package api

import (
	"context"
	"math"
	"sync"
	"time"
)

// A TokenSource holds the buckets that several replicas share (PostgreSQL).
// TakeTokens refills keyID's bucket at perSecond up to burst, takes up to
// want tokens from it and says how many it took; when it took none, wait
// is how long until the bucket holds one.
type TokenSource interface {
	TakeTokens(ctx context.Context, keyID string, perSecond float64, burst, want int) (got int, wait time.Duration, err error)
}

// SharedThrottle throttles each key across replicas by one bucket per key
// in a TokenSource. To spare the database a round trip per request, a
// replica takes tokens in leases of about a twentieth of a second's worth
// (at least one) and spends them locally; a replica told that the bucket
// is empty refuses that key's requests locally until a token is due.
//
// How far it strays from one exact bucket: the shared bucket never hands
// out more than burst plus rate×T tokens over T, so the replicas together
// admit at most that plus the tokens they held unspent when T began: at
// most N×lease for N replicas. Tokens a replica leased and does not use
// (its clients went elsewhere) are the opposite error: at most N×lease
// fewer admitted. At 100 requests a second with three replicas that is ±15
// requests, whatever the load balancer does.
type SharedThrottle struct {
	source    TokenSource
	perSecond float64
	burst     int
	lease     int
	now       func() time.Time
	// failed hears of a TokenSource that fails: the request goes ahead
	// (its own store call will tell the client of an outage).
	failed func(error)

	mu    sync.Mutex
	keys  map[string]*sharedKey
	swept time.Time
}

// sharedKey is one key's tokens on this replica. Its mutex is held across
// the trip to the TokenSource, so that a replica's requests of one key
// wait for one lease instead of each taking its own.
type sharedKey struct {
	mu     sync.Mutex
	tokens int
	empty  time.Time // the bucket is empty until then
	used   time.Time
}

// NewSharedThrottle returns a throttle of perSecond requests a second per
// key, burst at once, across every replica that shares source. failed, if
// not nil, hears of the source's failures.
func NewSharedThrottle(source TokenSource, perSecond float64, burst int, failed func(error)) *SharedThrottle {
	lease := min(burst, max(1, int(math.Ceil(perSecond/20))))
	return &SharedThrottle{source: source, perSecond: perSecond, burst: burst, lease: lease, now: time.Now,
		failed: failed, keys: map[string]*sharedKey{}}
}

// Allow spends a token of keyID's lease, taking a new lease when it has
// none.
func (t *SharedThrottle) Allow(ctx context.Context, keyID string) (bool, time.Duration) {
	k := t.key(keyID)
	k.mu.Lock()
	defer k.mu.Unlock()
	now := t.now()
	k.used = now
	if k.tokens == 0 {
		if now.Before(k.empty) {
			return false, k.empty.Sub(now)
		}
		got, wait, err := t.source.TakeTokens(ctx, keyID, t.perSecond, t.burst, t.lease)
		if err != nil {
			if t.failed != nil {
				t.failed(err)
			}
			return true, 0
		}
		if got == 0 {
			k.empty = now.Add(wait)
			return false, wait
		}
		k.tokens = got
	}
	k.tokens--
	return true, 0
}

func (t *SharedThrottle) key(keyID string) *sharedKey {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.swept) >= time.Minute {
		t.swept = now
		for id, k := range t.keys {
			if k.mu.TryLock() {
				if now.Sub(k.used) > idleBucket {
					delete(t.keys, id)
				}
				k.mu.Unlock()
			}
		}
	}
	k := t.keys[keyID]
	if k == nil {
		k = &sharedKey{}
		t.keys[keyID] = k
	}
	return k
}
