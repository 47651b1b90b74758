package main

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// TestRetentionWorker wires retention as serve does, over a real store and
// an injected clock 31 days past a policy's start, and checks that the
// background sweep and worker delete the message the policy expired and
// keep the fresh one, then stop when their context ends.
func TestRetentionWorker(t *testing.T) {
	svc, clock, ctx := inProcess(t)
	a, r, u := retainedRoom(t, svc, ctx)
	old, err := svc.PostRoomMessage(ctx, a.ID, r.ID, u.ID, "old news")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutRetentionSettings(ctx, a.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	clock.Add(31 * 24 * time.Hour)
	fresh, err := svc.PostRoomMessage(ctx, a.ID, r.ID, u.ID, "today's news")
	if err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	s := &server{cfg: &Config{RetentionInterval: 10 * time.Millisecond}}
	s.setUpRetention(svc, slog.New(slog.NewTextHandler(&logs, nil)))
	run, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, bg := range s.background {
		wg.Go(func() { bg(run) })
	}
	room := belfry.Thread{RoomID: r.ID}
	deadline := time.Now().Add(20 * time.Second)
	var left []*belfry.Message
	for time.Now().Before(deadline) {
		if left, err = svc.History(ctx, a.ID, room, 0, 10); err != nil {
			t.Fatal(err)
		}
		if len(left) < 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if len(left) != 1 || left[0].ID != fresh.ID {
		t.Fatalf("after retention the room holds %d messages; want only %s, not %s\nlog:\n%s", len(left), fresh.ID, old.ID, &logs)
	}
}

// retainedRoom makes an Enterprise account with a user in a room.
func retainedRoom(t *testing.T, svc *belfry.Service, ctx context.Context) (*belfry.Account, *belfry.Room, *belfry.User) {
	t.Helper()
	a, err := svc.CreateAccount(ctx, "Retained")
	if err == nil {
		_, err = svc.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseLWA)
	}
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, a.ID, belfry.CreateUserInput{Email: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.CreateRoom(ctx, a.ID, "Ops", "")
	if err == nil {
		_, err = svc.CreateRoomMembership(ctx, a.ID, r.ID, u.ID, belfry.RoleMember)
	}
	if err != nil {
		t.Fatal(err)
	}
	return a, r, u
}
