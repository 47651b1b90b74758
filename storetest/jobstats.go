package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// testJobStats puts four mails each in a state of its own (queued, failed,
// queued after a failed attempt, sent) and checks the queue's figures: the
// queued ones counted, the retrying one among them, the failed one, the
// oldest queued one's time, and nothing of the sent one.
func testJobStats(t *testing.T, s belfry.Store) {
	if got, err := s.JobStats(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("JobStats() of an empty queue = %+v, %v; want none", got, err)
	}
	items := queue(t, s, 4)
	if err := mailFailed(t, s, items[1].Mail.ID, "550 no such user", at(30)); err != nil {
		t.Fatal(err)
	}
	if err := mailRetry(t, s, items[2].Mail.ID, at(90), "421 try later"); err != nil {
		t.Fatal(err)
	}
	if err := mailSent(t, s, items[3].Mail.ID, at(40)); err != nil {
		t.Fatal(err)
	}
	first, err := s.Jobs(t.Context(), []string{items[0].Mail.ID})
	if err != nil || len(first) != 1 {
		t.Fatalf("Jobs() = %v, %v", first, err)
	}
	got, err := s.JobStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []belfry.JobStats{{Kind: belfry.KindMail, Queued: 2, Retrying: 1, Failed: 1, OldestQueued: first[0].Created}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("JobStats() mismatch (-got +want):\n%s", diff)
	}
}
