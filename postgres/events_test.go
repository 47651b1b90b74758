package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/postgres"
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
