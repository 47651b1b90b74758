package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

func TestRoomsNeedEnterprise(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	team := e.account("team")
	calls := map[string]func() error{
		"CreateRoom": func() error {
			_, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: aws.String(team), Name: aws.String("r")})
			return err
		},
		"ListRooms": func() error {
			_, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(team)})
			return err
		},
		"GetRoom": func() error {
			_, err := e.chime.GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(team), RoomId: aws.String("x")})
			return err
		},
		"ListRoomMemberships": func() error {
			_, err := e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{AccountId: aws.String(team), RoomId: aws.String("x")})
			return err
		},
		"CreateRoomMembership": func() error {
			_, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
				AccountId: aws.String(team), RoomId: aws.String("x"), MemberId: aws.String("y"),
			})
			return err
		},
	}
	for name, call := range roomChangesOf(e, team) {
		calls[name] = call
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			fe := wantErr[*types.ForbiddenException](t, call())
			msg := aws.ToString(fe.Message)
			if !strings.Contains(msg, "not an Enterprise Chime Account") || !strings.Contains(msg, team) {
				t.Errorf("message %q does not say that account %s is not an Enterprise Chime Account", msg, team)
			}
		})
	}
}

func TestCreateRoom(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	before := time.Now()
	out, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: aws.String(acct), Name: aws.String("Standup")})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
		t.Errorf("CreateRoom status = %d, want %d", got, http.StatusCreated)
	}
	r := out.Room
	if id := aws.ToString(r.RoomId); !lowerUUID.MatchString(id) {
		t.Errorf("RoomId = %q, want a lower-case UUID", id)
	}
	created := aws.ToTime(r.CreatedTimestamp)
	if created.Before(before.Add(-time.Second)) || created.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedTimestamp = %v, want about %v", created, before)
	}
	want := types.Room{
		RoomId: r.RoomId, Name: aws.String("Standup"), AccountId: aws.String(acct), CreatedBy: aws.String(rootARN),
		CreatedTimestamp: r.CreatedTimestamp, UpdatedTimestamp: r.CreatedTimestamp,
	}
	if diff := cmp.Diff(want, *r, ignoreSDK); diff != "" {
		t.Errorf("CreateRoom Room (-want +got):\n%s", diff)
	}
	got, err := e.chime.GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(acct), RoomId: r.RoomId})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, *got.Room, ignoreSDK); diff != "" {
		t.Errorf("GetRoom (-want +got):\n%s", diff)
	}
}

func TestCreateRoomCreatedBy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k, err := e.svc.CreateAccessKey(ctx, "111122223333", "alejandro")
	if err != nil {
		t.Fatal(err)
	}
	acct := e.enterprise("corp", "example.com")
	out, err := e.client(k.ID, k.Secret).CreateRoom(ctx, &chime.CreateRoomInput{AccountId: aws.String(acct), Name: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.Room.CreatedBy), "arn:aws:iam::111122223333:user/alejandro"; got != want {
		t.Errorf("CreatedBy = %q, want %q", got, want)
	}
}

func TestCreateRoomIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	other := e.enterprise("other", "other.example")
	create := func(account, name, token string) *types.Room {
		t.Helper()
		out, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{
			AccountId: aws.String(account), Name: aws.String(name), ClientRequestToken: aws.String(token),
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.Room
	}
	first := create(acct, "one", "token-1")
	again := create(acct, "one again", "token-1")
	if diff := cmp.Diff(*first, *again, ignoreSDK); diff != "" {
		t.Errorf("the same ClientRequestToken made another room (-first +again):\n%s", diff)
	}
	if id := aws.ToString(create(acct, "two", "token-2").RoomId); id == aws.ToString(first.RoomId) {
		t.Errorf("another token returned the same room %s", id)
	}
	if id := aws.ToString(create(other, "one", "token-1").RoomId); id == aws.ToString(first.RoomId) {
		t.Errorf("the same token in another account returned the first account's room %s", id)
	}
	list, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(acct)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Rooms) != 2 {
		t.Errorf("ListRooms has %d rooms, want 2", len(list.Rooms))
	}

	_, err = e.chime.CreateRoom(ctx, &chime.CreateRoomInput{
		AccountId: aws.String(acct), Name: aws.String("bad"), ClientRequestToken: aws.String("no spaces allowed"),
	})
	wantErr[*types.BadRequestException](t, err)
}

func TestGetRoomUnknown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.enterprise("a", "a.example")
	b := e.enterprise("b", "b.example")
	room := e.room(a, "r")
	tests := []struct{ name, account, room string }{
		{"unknown room", a, "00000000-0000-0000-0000-000000000000"},
		{"room of another account", b, room},
		{"unknown account", "00000000-0000-0000-0000-000000000000", room},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(tt.account), RoomId: aws.String(tt.room)})
			wantErr[*types.NotFoundException](t, err)
		})
	}
	_, err := e.keyFor("444455556666").GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(a), RoomId: aws.String(room)})
	wantErr[*types.NotFoundException](t, err)
}

func roomNames(rs []types.Room) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = aws.ToString(r.Name)
	}
	return out
}

func TestListRooms(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	ana := e.user(acct, "ana@example.com")
	bo := e.user(acct, "bo@example.com")
	var all []string
	rooms := map[string]string{}
	for i := range 12 {
		name := fmt.Sprintf("room-%02d", i)
		rooms[name] = e.room(acct, name)
		all = append(all, name)
	}
	join := func(room string, u types.User) {
		t.Helper()
		if _, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
			AccountId: aws.String(acct), RoomId: aws.String(rooms[room]), MemberId: u.UserId,
		}); err != nil {
			t.Fatal(err)
		}
	}
	join("room-07", ana)
	join("room-02", ana)
	join("room-02", bo)

	tests := []struct {
		name string
		in   chime.ListRoomsInput
		want []string
	}{
		{"all", chime.ListRoomsInput{MaxResults: aws.Int32(99)}, all},
		{"member ana", chime.ListRoomsInput{MemberId: ana.UserId}, []string{"room-02", "room-07"}},
		{"member bo", chime.ListRoomsInput{MemberId: bo.UserId}, []string{"room-02"}},
		{"unknown member", chime.ListRoomsInput{MemberId: aws.String("nobody")}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.AccountId = aws.String(acct)
			out, err := e.chime.ListRooms(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, roomNames(out.Rooms)); diff != "" {
				t.Errorf("ListRooms (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("default page", func(t *testing.T) {
		out, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(acct)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Rooms) != 10 || out.NextToken == nil {
			t.Errorf("first page has %d rooms and NextToken %v, want 10 and a token", len(out.Rooms), out.NextToken)
		}
	})

	t.Run("paginator", func(t *testing.T) {
		var got []string
		p := chime.NewListRoomsPaginator(e.chime, &chime.ListRoomsInput{AccountId: aws.String(acct), MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, roomNames(out.Rooms)...)
		}
		if diff := cmp.Diff(all, got); diff != "" {
			t.Errorf("rooms over all pages (-want +got):\n%s", diff)
		}
	})

	t.Run("max results", func(t *testing.T) {
		for _, n := range []int32{0, 100} {
			_, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(acct), MaxResults: aws.Int32(n)})
			wantErr[*types.BadRequestException](t, err)
		}
	})
}

func TestCreateRoomIdempotentConcurrent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	const n = 8
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			out, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{
				AccountId: aws.String(acct), Name: aws.String("r"), ClientRequestToken: aws.String("same-token"),
			})
			if err != nil {
				t.Error(err)
				return
			}
			ids <- aws.ToString(out.Room.RoomId)
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Errorf("%d concurrent calls with one token made rooms %v, want one room", n, seen)
	}
}

func TestCreateRoomLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	// Fill the account through the service, which is faster than HTTP.
	as := belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: "111122223333", ARN: rootARN})
	for i := range belfry.MaxRoomsPerAccount - 1 {
		if _, err := e.svc.CreateRoom(as, acct, fmt.Sprint("room ", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	create := func(token string) error {
		_, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{
			AccountId: aws.String(acct), Name: aws.String("last"), ClientRequestToken: aws.String(token),
		})
		return err
	}
	if err := create("token-last"); err != nil {
		t.Fatalf("room %d: %v", belfry.MaxRoomsPerAccount, err)
	}
	wantErr[*types.ResourceLimitExceededException](t, create("token-one-more"))
	if err := create("token-last"); err != nil {
		t.Errorf("retrying a room that exists, at the limit: %v", err)
	}
}
