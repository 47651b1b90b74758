package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

// tick makes the service's clock move one second at each reading, from a
// fixed time, so that a test can tell every change's timestamp apart.
func (e *env) tick() {
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	e.svc.Clock = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

// getRoom returns room id of account acct.
func (e *env) getRoom(acct, id string) types.Room {
	e.t.Helper()
	out, err := e.chime.GetRoom(context.Background(), &chime.GetRoomInput{AccountId: aws.String(acct), RoomId: aws.String(id)})
	if err != nil {
		e.t.Fatalf("GetRoom(%s) = %v", id, err)
	}
	return *out.Room
}

func TestUpdateRoom(t *testing.T) {
	e := newEnv(t)
	e.tick()
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	before := e.getRoom(acct, room)
	out, err := e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room),
		Name: aws.String("  Daily standup ")})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusOK {
		t.Errorf("UpdateRoom status = %d, want %d", got, http.StatusOK)
	}
	renamed := before
	renamed.Name, renamed.UpdatedTimestamp = aws.String("Daily standup"), out.Room.UpdatedTimestamp
	if diff := cmp.Diff(renamed, *out.Room, ignoreSDK); diff != "" {
		t.Errorf("UpdateRoom Room (-want +got):\n%s", diff)
	}
	if !out.Room.UpdatedTimestamp.After(*before.UpdatedTimestamp) {
		t.Errorf("UpdatedTimestamp = %v, want it after %v", out.Room.UpdatedTimestamp, before.UpdatedTimestamp)
	}
	if diff := cmp.Diff(renamed, e.getRoom(acct, room), ignoreSDK); diff != "" {
		t.Errorf("GetRoom after UpdateRoom (-want +got):\n%s", diff)
	}

	// Without a Name the room keeps its name; the update still counts.
	again, err := e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(again.Room.Name); got != "Daily standup" {
		t.Errorf("UpdateRoom without Name: Name = %q, want %q", got, "Daily standup")
	}
	if !again.Room.UpdatedTimestamp.After(*renamed.UpdatedTimestamp) {
		t.Errorf("UpdateRoom without Name: UpdatedTimestamp = %v, want it after %v", again.Room.UpdatedTimestamp, renamed.UpdatedTimestamp)
	}
}

// TestRoomNamesNotBlank checks that CreateRoom and UpdateRoom refuse a name
// that is blank once trimmed, and that nothing is stored or changed.
func TestRoomNamesNotBlank(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "Standup")
	for _, name := range []string{"", " ", "   ", "\u3000"} {
		_, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: aws.String(acct), Name: aws.String(name)})
		br := wantErr[*types.BadRequestException](t, err)
		if msg := aws.ToString(br.Message); !strings.Contains(msg, "Name") {
			t.Errorf("CreateRoom(%q): message %q does not name Name", name, msg)
		}
		_, err = e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room), Name: aws.String(name)})
		br = wantErr[*types.BadRequestException](t, err)
		if msg := aws.ToString(br.Message); !strings.Contains(msg, "Name") {
			t.Errorf("UpdateRoom(%q): message %q does not name Name", name, msg)
		}
	}
	_, err := e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room),
		Name: aws.String("evil\u202Eeman")})
	wantErr[*types.BadRequestException](t, err)
	out, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(acct)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Standup"}, roomNames(out.Rooms)); diff != "" {
		t.Errorf("rooms after refused names (-want +got):\n%s", diff)
	}
}

func TestUpdateRoomUnknown(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	other := e.enterprise("other", "other.example")
	theirs := e.room(other, "Theirs")
	for name, room := range map[string]string{"unknown room": "00000000-0000-0000-0000-000000000000", "room of another account": theirs} {
		t.Run(name, func(t *testing.T) {
			_, err := e.chime.UpdateRoom(context.Background(), &chime.UpdateRoomInput{AccountId: aws.String(acct),
				RoomId: aws.String(room), Name: aws.String("Mine")})
			wantErr[*types.NotFoundException](t, err)
		})
	}
	if got := aws.ToString(e.getRoom(other, theirs).Name); got != "Theirs" {
		t.Errorf("the other account's room is named %q, want Theirs", got)
	}
}

// TestDeleteRoom checks that a deleted room is gone with its memberships,
// while its members and the account's other rooms stay.
func TestDeleteRoom(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room, kept := e.room(acct, "Standup"), e.room(acct, "Kept")
	ana := e.user(acct, "ana@example.com")
	for _, r := range []string{room, kept} {
		if _, err := e.join(acct, r, aws.ToString(ana.UserId), ""); err != nil {
			t.Fatal(err)
		}
	}
	out, err := e.chime.DeleteRoom(ctx, &chime.DeleteRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room)})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("DeleteRoom status = %d, want %d", got, http.StatusNoContent)
	}
	_, err = e.chime.GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room)})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{AccountId: aws.String(acct), RoomId: aws.String(room)})
	wantErr[*types.NotFoundException](t, err)
	list, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(acct), MemberId: ana.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Kept"}, roomNames(list.Rooms)); diff != "" {
		t.Errorf("ana's rooms after DeleteRoom (-want +got):\n%s", diff)
	}
	if _, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: ana.UserId}); err != nil {
		t.Errorf("GetUser(a member of the deleted room) = %v, want the user kept", err)
	}
	_, err = e.chime.DeleteRoom(ctx, &chime.DeleteRoomInput{AccountId: aws.String(acct), RoomId: aws.String(room)})
	wantErr[*types.NotFoundException](t, err)
}

func TestDeleteRoomOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	other := e.enterprise("other", "other.example")
	theirs := e.room(other, "Theirs")
	_, err := e.chime.DeleteRoom(context.Background(), &chime.DeleteRoomInput{AccountId: aws.String(acct), RoomId: aws.String(theirs)})
	wantErr[*types.NotFoundException](t, err)
	e.getRoom(other, theirs)
}

// roomChangesOf returns a call of each operation that changes a room or its
// memberships, in account acct, for TestRoomsNeedEnterprise.
func roomChangesOf(e *env, acct string) map[string]func() error {
	ctx := context.Background()
	id, room, member := aws.String(acct), aws.String("x"), aws.String("y")
	return map[string]func() error{
		"UpdateRoom": func() error {
			_, err := e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: id, RoomId: room, Name: aws.String("r")})
			return err
		},
		"DeleteRoom": func() error {
			_, err := e.chime.DeleteRoom(ctx, &chime.DeleteRoomInput{AccountId: id, RoomId: room})
			return err
		},
		"BatchCreateRoomMembership": func() error {
			_, err := e.chime.BatchCreateRoomMembership(ctx, &chime.BatchCreateRoomMembershipInput{AccountId: id, RoomId: room,
				MembershipItemList: []types.MembershipItem{{MemberId: member}}})
			return err
		},
		"UpdateRoomMembership": func() error {
			_, err := e.chime.UpdateRoomMembership(ctx, &chime.UpdateRoomMembershipInput{AccountId: id, RoomId: room,
				MemberId: member, Role: types.RoomMembershipRoleAdministrator})
			return err
		},
		"DeleteRoomMembership": func() error {
			_, err := e.chime.DeleteRoomMembership(ctx, &chime.DeleteRoomMembershipInput{AccountId: id, RoomId: room, MemberId: member})
			return err
		},
	}
}
