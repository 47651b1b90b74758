package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// testReset fills the store with an Enterprise account, a user, a queued
// invitation e-mail and an access key, resets it, and checks that only the
// key is left, and in the audit log only the reset's own event; then that
// the store works as new: the same domain and address can be used again.
func testReset(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	queue(t, s, 1)
	key := belfry.NewAccessKey(awsAccount(1), "kept", at(5))
	if err := s.CreateKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	ev := event("Reset", 90)
	if err := s.ResetChime(belfry.WithAudit(ctx, ev)); err != nil {
		t.Fatalf("ResetChime() = %v", err)
	}
	if _, err := s.Account(ctx, "", a.ID); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("Account() after the reset = %v; want NotFound", err)
	}
	if _, err := s.User(ctx, a.ID, u.ID); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("User() after the reset = %v; want NotFound", err)
	}
	if jobs, err := s.ListJobs(ctx, belfry.JobFilter{}, belfry.Page{Limit: 10}); err != nil || len(jobs) != 0 {
		t.Errorf("ListJobs() after the reset = %d jobs, %v; want none", len(jobs), err)
	}
	if got, err := s.Key(ctx, key.ID); err != nil || got.Name != "kept" {
		t.Errorf("Key() after the reset = %v, %v; want the key kept", got, err)
	}
	if diff := cmp.Diff(auditLog(t, s), []*belfry.AuditEvent{ev}); diff != "" {
		t.Errorf("audit log after the reset (-got +want):\n%s", diff)
	}
	again := mkEnterprise(t, s, "example.com")
	mkUser(t, s, again, "ana@example.com")
}
