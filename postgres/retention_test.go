package postgres_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/postgres"
	"github.com/belfryhq/belfry/storetest"
)

// TestReplicasRetention has four replicas sweep one account at once, as
// their retention loops may: one job is queued, one replica claims it, and
// deletions racing over the same expired messages delete each once.
func TestReplicasRetention(t *testing.T) {
	_, stores := replicas(t, 4)
	s := stores[0]
	ctx := t.Context()
	a, r, u := storetest.SeedRoom(t, s)
	err := s.PutRetentionSettings(ctx, a.ID, &belfry.RetentionSettings{RoomDays: 1, InitiateDeletion: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	for range n {
		m := &belfry.Message{ID: nextID(), AccountID: a.ID, RoomID: r.ID, Sender: belfry.Sender{ID: u.ID, Type: belfry.MemberUser},
			Content: "old", Created: time.Now().Add(-48 * time.Hour)}
		if err := s.PostMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	var queued, claimed, deleted atomic.Int64
	race(stores, func(i int, s *postgres.Store) {
		svc := &belfry.Service{Store: s, NewID: nextID}
		k, err := svc.ScheduleRetention(ctx)
		if err != nil {
			t.Errorf("replica %d: ScheduleRetention() = %v", i, err)
		}
		queued.Add(int64(k))
	})
	race(stores, func(i int, s *postgres.Store) {
		jobs, err := s.ClaimJobs(ctx, belfry.KindRetention, "replica", time.Now(), time.Minute, 10)
		if err != nil {
			t.Errorf("replica %d: ClaimJobs() = %v", i, err)
		}
		claimed.Add(int64(len(jobs)))
	})
	race(stores, func(i int, s *postgres.Store) {
		for {
			k, err := s.DeleteExpiredMessages(ctx, a.ID, belfry.RetentionCutoff{Rooms: time.Now().Add(-24 * time.Hour)}, 3)
			if err != nil {
				t.Errorf("replica %d: DeleteExpiredMessages() = %v", i, err)
			}
			deleted.Add(int64(k))
			if k == 0 || err != nil {
				return
			}
		}
	})
	if queued.Load() != 1 || claimed.Load() != 1 {
		t.Errorf("four replicas sweeping at once queued %d jobs and claimed %d; want 1 and 1", queued.Load(), claimed.Load())
	}
	if deleted.Load() != n {
		t.Errorf("four replicas deleting at once reported %d deletions of %d messages; want each once", deleted.Load(), n)
	}
}
