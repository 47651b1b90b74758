package webhook

import (
	"testing"
	"time"
)

// TestLimiterPrunes checks that buckets that have filled up again are
// dropped once a pruning is due, and busy ones kept with what they spent.
func TestLimiterPrunes(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := newLimiter(1, 2, func() time.Time { return now })
	for _, id := range []string{"a", "b", "c"} {
		if _, ok := l.take(id); !ok {
			t.Fatalf("take(%s) refused a first post", id)
		}
	}
	now = now.Add(pruneEvery + time.Second)
	l.take("c")
	l.take("c")
	if got := l.size(); got != 1 {
		t.Errorf("after a pruning, the limiter holds %d buckets; want only the busy one", got)
	}
	if retry, ok := l.take("c"); ok || retry != 1 {
		t.Errorf("take(c) after its burst = %d, %v; want a refusal with 1 s to wait", retry, ok)
	}
	l.forget("c")
	if _, ok := l.take("c"); !ok {
		t.Errorf("take(c) after forget refused; want a fresh bucket")
	}
}

// TestLimiterRetryAfter checks that the wait is rounded up to whole
// seconds, at least one.
func TestLimiterRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l := newLimiter(0.25, 1, func() time.Time { return now })
	l.take("slow")
	if retry, ok := l.take("slow"); ok || retry != 4 {
		t.Errorf("take(slow) at 1 post in 4 s = %d, %v; want to wait 4 s", retry, ok)
	}
	now = now.Add(3500 * time.Millisecond)
	if retry, ok := l.take("slow"); ok || retry != 1 {
		t.Errorf("take(slow) 0.5 s early = %d, %v; want to wait 1 s", retry, ok)
	}
}
