package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

func (e *env) join(accountID, roomID, memberID string, role types.RoomMembershipRole) (*chime.CreateRoomMembershipOutput, error) {
	return e.chime.CreateRoomMembership(context.Background(), &chime.CreateRoomMembershipInput{
		AccountId: aws.String(accountID), RoomId: aws.String(roomID), MemberId: aws.String(memberID), Role: role,
	})
}

func TestCreateRoomMembership(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "r")
	ana := e.user(acct, "ana@example.com")
	bo := e.user(acct, "bo@example.com")
	tests := []struct {
		name     string
		user     types.User
		role     types.RoomMembershipRole
		wantRole types.RoomMembershipRole
	}{
		{"default role", ana, "", types.RoomMembershipRoleMember},
		{"administrator", bo, types.RoomMembershipRoleAdministrator, types.RoomMembershipRoleAdministrator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			out, err := e.join(acct, room, aws.ToString(tt.user.UserId), tt.role)
			if err != nil {
				t.Fatal(err)
			}
			if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
				t.Errorf("CreateRoomMembership status = %d, want %d", got, http.StatusCreated)
			}
			m := out.RoomMembership
			if upd := aws.ToTime(m.UpdatedTimestamp); upd.Before(before.Add(-time.Second)) || upd.After(time.Now().Add(time.Second)) {
				t.Errorf("UpdatedTimestamp = %v, want about %v", upd, before)
			}
			want := types.RoomMembership{
				RoomId: aws.String(room), Role: tt.wantRole, InvitedBy: aws.String(rootARN),
				UpdatedTimestamp: m.UpdatedTimestamp,
				Member: &types.Member{
					MemberId: tt.user.UserId, MemberType: types.MemberTypeUser, Email: tt.user.PrimaryEmail,
					FullName: tt.user.DisplayName, AccountId: aws.String(acct),
				},
			}
			if diff := cmp.Diff(want, *m, ignoreSDK); diff != "" {
				t.Errorf("RoomMembership (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateRoomMembershipRefused(t *testing.T) {
	e := newEnv(t)
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "r")
	ana := e.user(acct, "ana@example.com")
	if _, err := e.join(acct, room, aws.ToString(ana.UserId), ""); err != nil {
		t.Fatal(err)
	}
	sibling := e.enterprise("sibling", "sibling.example")
	stranger := e.user(sibling, "cy@sibling.example")
	otherRoom := e.room(sibling, "theirs")

	tests := []struct {
		name                  string
		account, room, member string
		role                  types.RoomMembershipRole
		check                 func(t *testing.T, err error)
	}{
		{"already a member", acct, room, aws.ToString(ana.UserId), "",
			func(t *testing.T, err error) { wantErr[*types.ConflictException](t, err) }},
		{"already a member, other role", acct, room, aws.ToString(ana.UserId), types.RoomMembershipRoleAdministrator,
			func(t *testing.T, err error) { wantErr[*types.ConflictException](t, err) }},
		{"unknown member", acct, room, "00000000-0000-0000-0000-000000000000", "",
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"user of another account of the same AWS account", acct, room, aws.ToString(stranger.UserId), "",
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"room of another account", acct, otherRoom, aws.ToString(ana.UserId), "",
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"unknown room", acct, "00000000-0000-0000-0000-000000000000", aws.ToString(ana.UserId), "",
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"bad role", acct, room, aws.ToString(ana.UserId), "Owner",
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.join(tt.account, tt.room, tt.member, tt.role)
			tt.check(t, err)
		})
	}
	out, err := e.chime.ListRoomMemberships(context.Background(), &chime.ListRoomMembershipsInput{
		AccountId: aws.String(acct), RoomId: aws.String(room),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.RoomMemberships) != 1 {
		t.Errorf("the room has %d members, want 1", len(out.RoomMemberships))
	}
}

func TestCreateRoomMembershipPendingUser(t *testing.T) {
	// A room of an Enterprise account takes only that account's users, so
	// an invitee of a Team account can never be added.
	e := newEnv(t)
	team := e.account("team")
	e.invite(team, "ana@example.org")
	invitee := e.users(team)[0]
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "r")
	_, err := e.join(acct, room, aws.ToString(invitee.UserId), "")
	wantErr[*types.NotFoundException](t, err)
}

func memberIDs(ms []types.RoomMembership) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		if m.Member != nil {
			out[i] = aws.ToString(m.Member.MemberId)
		}
	}
	return out
}

func TestListRoomMemberships(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "r")
	empty := e.room(acct, "empty")
	var want []string
	var wantFirst types.RoomMembership
	for i := range 13 {
		u := e.user(acct, fmt.Sprintf("user%02d@example.com", i))
		out, err := e.join(acct, room, aws.ToString(u.UserId), "")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			wantFirst = *out.RoomMembership
		}
		want = append(want, aws.ToString(u.UserId))
	}

	t.Run("first page", func(t *testing.T) {
		out, err := e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(room),
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[:10], memberIDs(out.RoomMemberships)); diff != "" {
			t.Errorf("first page of 10 (-want +got):\n%s", diff)
		}
		if out.NextToken == nil {
			t.Error("first page has no NextToken")
		}
		if diff := cmp.Diff(wantFirst, out.RoomMemberships[0], ignoreSDK); diff != "" {
			t.Errorf("listed membership differs from CreateRoomMembership's (-create +list):\n%s", diff)
		}
	})

	t.Run("paginator", func(t *testing.T) {
		var got []string
		p := chime.NewListRoomMembershipsPaginator(e.chime, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(room), MaxResults: aws.Int32(4),
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, memberIDs(out.RoomMemberships)...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("members over all pages (-want +got):\n%s", diff)
		}
	})

	t.Run("token of another room", func(t *testing.T) {
		first, err := e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(room), MaxResults: aws.Int32(2),
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(empty), NextToken: first.NextToken,
		})
		wantErr[*types.BadRequestException](t, err)
	})

	t.Run("empty room", func(t *testing.T) {
		out, err := e.chime.ListRoomMemberships(ctx, &chime.ListRoomMembershipsInput{
			AccountId: aws.String(acct), RoomId: aws.String(empty),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.RoomMemberships) != 0 || out.NextToken != nil {
			t.Errorf("empty room lists %v with NextToken %v, want nothing", memberIDs(out.RoomMemberships), out.NextToken)
		}
	})
}

func TestCreateRoomMembershipLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	room := e.room(acct, "full")
	// Fill the room through the service, which is faster than HTTP.
	as := belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: "111122223333", ARN: rootARN})
	for i := range belfry.MaxMembersPerRoom {
		u, err := e.svc.CreateUser(as, acct, belfry.CreateUserInput{Email: fmt.Sprintf("u%04d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateRoomMembership(as, acct, room, u.ID, ""); err != nil {
			t.Fatalf("member %d: %v", i+1, err)
		}
	}
	last := e.user(acct, "last@example.com")
	_, err := e.join(acct, room, aws.ToString(last.UserId), "")
	wantErr[*types.ResourceLimitExceededException](t, err)
}
