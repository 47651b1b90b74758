package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"golang.org/x/time/rate"
)

// Throttling is per access key, off unless the operator sets a rate
// (DECISIONS.md, "Throttling"): a token bucket of Rate requests a second
// that holds Burst. A request beyond it gets 429 ThrottledClientException
// with Retry-After, before any work is done for it.

// A Throttle decides whether a request signed with an access key may go
// ahead now, and if not, how long until it may.
type Throttle interface {
	Allow(ctx context.Context, keyID string) (ok bool, wait time.Duration)
}

// idleBucket is how long a key's bucket is kept after its last request;
// by then it is full again, so dropping it changes nothing.
const idleBucket = 10 * time.Minute

// LocalThrottle keeps each key's bucket in this process: right for one
// server (SQLite), and for each replica's own share otherwise.
type LocalThrottle struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*localBucket
	swept   time.Time
}

type localBucket struct {
	lim  *rate.Limiter
	used time.Time
}

// NewLocalThrottle returns a throttle of perSecond requests a second per
// key, burst at once.
func NewLocalThrottle(perSecond float64, burst int) *LocalThrottle {
	return &LocalThrottle{rate: rate.Limit(perSecond), burst: burst, now: time.Now, buckets: map[string]*localBucket{}}
}

// Allow takes a token from keyID's bucket, or says how long until one is
// there.
func (t *LocalThrottle) Allow(_ context.Context, keyID string) (bool, time.Duration) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	b := t.buckets[keyID]
	if b == nil {
		b = &localBucket{lim: rate.NewLimiter(t.rate, t.burst)}
		t.buckets[keyID] = b
	}
	b.used = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	r := b.lim.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return false, wait
}

// sweep drops, once a minute, the buckets of keys idle for idleBucket
// (ntfy's visitor pruning), so that keys seen once do not pile up.
func (t *LocalThrottle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for id, b := range t.buckets {
		if now.Sub(b.used) > idleBucket {
			delete(t.buckets, id)
		}
	}
}

// retryAfter is the Retry-After value for a wait: whole seconds, at least
// one, as the header takes no fractions.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
}

// throttled is why a request beyond its key's rate is refused: how long
// until the key may send again.
type throttled struct{ wait time.Duration }

func (e *throttled) Error() string { return "throttled for " + e.wait.String() }

// errThrottled is the error of a request refused for its key's rate.
func errThrottled(wait time.Duration) error {
	return &belfry.Error{Kind: belfry.Throttled, Err: &throttled{wait},
		Message: "the access key's request rate is exceeded; slow down and try again"}
}

// throttle refuses c when its key is over its rate.
func (s *Server) throttle(c *call) error {
	if s.throttler == nil {
		return nil
	}
	if ok, wait := s.throttler.Allow(c.r.Context(), c.key.ID); !ok {
		return errThrottled(wait)
	}
	return nil
}

// writeThrottled answers 429 ThrottledClientException in the wire shape
// both SDKs map (chime-behaviour.md §1.6), with Retry-After. It is sent for
// every operation, also the three whose model lists no
// ThrottledClientException (the events configuration ones): turning it into
// a 400 would stop the SDKs' retries, while a 429 they do not model is one
// that aws-sdk-go-v2 retries by its status.
func writeThrottled(w http.ResponseWriter, t *throttled, message string) int {
	w.Header().Set("Retry-After", retryAfter(t.wait))
	w.Header().Set("X-Amzn-ErrorType", "ThrottledClientException")
	writeJSON(w, http.StatusTooManyRequests, errorBody{Code: "Throttled", Message: message})
	return http.StatusTooManyRequests
}
