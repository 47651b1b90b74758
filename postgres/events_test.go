package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/postgres"
	"github.com/jackc/pgx/v5"
)

// TestEventsReachOtherReplica posts a message through one replica's
// Service and waits for its event at a subscriber of another's, as a
// browser held by the second replica would hear of it.
func TestEventsReachOtherReplica(t *testing.T) {
	_, stores := replicas(t, 2)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	svcs := make([]*belfry.Service, 2)
	for i, s := range stores {
		ev := postgres.NewEvents(s, nil)
		svcs[i] = &belfry.Service{Store: s, Events: ev}
		go ev.Run(ctx)
		select {
		case <-ev.Listening():
		case <-ctx.Done():
			t.Fatal("replica events never started listening")
		}
	}
	heard := make(chan belfry.Event, 10)
	defer svcs[1].Events.Subscribe(func(e belfry.Event) { heard <- e })()
	caller := belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/admin"})
	a, err := svcs[0].CreateAccount(caller, "Ops")
	if err == nil {
		_, err = svcs[0].ClaimDomain(caller, a.ID, "example.com", belfry.EnterpriseLWA)
	}
	var u *belfry.User
	if err == nil {
		u, err = svcs[0].CreateUser(caller, a.ID, belfry.CreateUserInput{Email: "ana@example.com", Type: belfry.PrivateUser})
	}
	var r *belfry.Room
	if err == nil {
		r, err = svcs[0].CreateRoom(caller, a.ID, "Ops", "")
	}
	if err == nil {
		_, err = svcs[0].CreateRoomMembership(caller, a.ID, r.ID, u.ID, belfry.RoleMember)
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := svcs[0].PostRoomMessage(ctx, a.ID, r.ID, u.ID, "across replicas")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-heard:
		want := belfry.Event{Kind: belfry.EventPosted, AccountID: a.ID, Thread: belfry.Thread{RoomID: r.ID}, MessageID: m.ID, Seq: m.Seq}
		if e != want {
			t.Errorf("the other replica heard %+v; want %+v", e, want)
		}
	case <-ctx.Done():
		t.Fatal("the other replica's subscriber heard nothing of the message in 30 s")
	}
}

// TestEventsMissedAfterReconnect ends the connection that listens for
// events, as a restart of PostgreSQL or a network cut would: once it
// listens again, the replica's subscribers hear EventMissed, so that live
// pages replay from the store what was published in between.
func TestEventsMissedAfterReconnect(t *testing.T) {
	u, stores := replicas(t, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	ev := postgres.NewEvents(stores[0], nil)
	go ev.Run(ctx)
	select {
	case <-ev.Listening():
	case <-ctx.Done():
		t.Fatal("events never started listening")
	}
	heard := make(chan belfry.Event, 10)
	defer ev.Subscribe(func(e belfry.Event) { heard <- e })()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var ended int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN "belfry_events:' || current_schema() || '"'`).Scan(&ended)
	if err != nil || ended != 1 {
		t.Fatalf("ending the listening connection: %d ended, %v; want 1", ended, err)
	}
	select {
	case e := <-heard:
		if e.Kind != belfry.EventMissed {
			t.Errorf("after the listening connection ended, subscribers heard %+v; want EventMissed", e)
		}
	case <-ctx.Done():
		t.Fatal("subscribers heard nothing in 30 s after the listening connection ended")
	}
}
