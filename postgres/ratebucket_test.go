package postgres_test

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry/internal/pgtest"
)

// TestTakeTokens takes leases from one key's shared bucket: a new bucket
// is full, a lease takes at most what is left, an empty bucket says how
// long until its next token, and another key's bucket is its own.
func TestTakeTokens(t *testing.T) {
	s := open(t, pgtest.Schema(t, dbURL))
	defer s.Close()
	ctx := t.Context()
	const perSecond, burst = 0.5, 5 // a token every 2 s: none comes back during the test
	for i, want := range []int{3, 2, 0} {
		got, wait, err := s.TakeTokens(ctx, "AKIAONE", perSecond, burst, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("lease %d of 3 from a bucket of 5: took %d, want %d", i+1, got, want)
		}
		if want == 0 && (wait <= 1900*time.Millisecond || wait > 2*time.Second) {
			t.Errorf("empty bucket at 0.5 a second: wait %v, want just under 2 s", wait)
		}
	}
	if got, _, err := s.TakeTokens(ctx, "AKIATWO", perSecond, burst, 10); err != nil || got != burst {
		t.Errorf("another key's first lease of 10: took %d, %v; want its full bucket of %d", got, err, burst)
	}
	// At 1,000 a second the bucket refills in milliseconds, up to its
	// burst and no further.
	if _, _, err := s.TakeTokens(ctx, "AKIAFAST", 1000, burst, burst); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if got, _, err := s.TakeTokens(ctx, "AKIAFAST", 1000, burst, 100); err != nil || got != burst {
		t.Errorf("after 20 ms at 1,000 a second: took %d, %v; want the burst of %d", got, err, burst)
	}
}
