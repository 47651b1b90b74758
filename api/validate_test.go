package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
)

// TestValidateSDK checks the model's constraints that the SDK leaves to the
// server: each breach is a BadRequestException whose message names what is
// wrong.
func TestValidateSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	team := e.account("team")
	ent := e.enterprise("corp", "example.com")
	tests := []struct {
		name     string
		call     func() error
		wantText string
	}{
		{"account name too long", func() error {
			_, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String(strings.Repeat("n", 101))})
			return err
		}, "Name"},
		{"account name blank", func() error {
			_, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String(" \t ")})
			return err
		}, "Name"},
		{"ListAccounts user-email", func() error {
			_, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{UserEmail: aws.String("nope")})
			return err
		}, "UserEmail"},
		{"ListAccounts name", func() error {
			_, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{Name: aws.String(strings.Repeat("n", 101))})
			return err
		}, "Name"},
		{"ListUsers user-type", func() error {
			_, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(team), UserType: "Robot"})
			return err
		}, "Robot"},
		{"ListUsers max-results", func() error {
			_, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(team), MaxResults: aws.Int32(201)})
			return err
		}, "MaxResults"},
		{"InviteUsers user type", func() error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{
				AccountId: aws.String(team), UserEmailList: []string{"a@example.com"}, UserType: "Robot",
			})
			return err
		}, "UserType"},
		{"InviteUsers 51 addresses", func() error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{
				AccountId: aws.String(team), UserEmailList: make51(),
			})
			return err
		}, "UserEmailList"},
		{"InviteUsers bad address", func() error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{
				AccountId: aws.String(team), UserEmailList: []string{"a@example.com", "oops"},
			})
			return err
		}, "UserEmailList[1]"}, // by its place: addresses are sensitive (TestSensitiveValuesNotRepeated)
		{"CreateUser bad type", func() error {
			_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{
				AccountId: aws.String(ent), Email: aws.String("a@example.com"), UserType: "Robot",
			})
			return err
		}, "UserType"},
		{"CreateRoom token too short", func() error {
			_, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{
				AccountId: aws.String(ent), Name: aws.String("r"), ClientRequestToken: aws.String("x"),
			})
			return err
		}, "ClientRequestToken"},
		{"ListRooms max-results", func() error {
			_, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(ent), MaxResults: aws.Int32(100)})
			return err
		}, "MaxResults"},
		{"CreateRoomMembership role", func() error {
			_, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
				AccountId: aws.String(ent), RoomId: aws.String("r"), MemberId: aws.String("m"), Role: "Owner",
			})
			return err
		}, "Role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := wantErr[*types.BadRequestException](t, tt.call())
			if br.Code != types.ErrorCodeBadRequest {
				t.Errorf("Code = %q, want %q", br.Code, types.ErrorCodeBadRequest)
			}
			if msg := aws.ToString(br.Message); !strings.Contains(msg, tt.wantText) {
				t.Errorf("message %q does not mention %q", msg, tt.wantText)
			}
		})
	}
}

func make51() []string {
	out := make([]string, 51)
	for i := range out {
		out[i] = "user" + strings.Repeat("x", i) + "@example.com"
	}
	return out
}

// TestValidateRaw covers what the SDK checks itself before sending, and
// what only a hand-written request can get wrong.
func TestValidateRaw(t *testing.T) {
	e := newEnv(t)
	team := e.account("team")
	ent := e.enterprise("corp", "example.com")
	userID := aws.ToString(e.user(ent, "ana@example.com").UserId)
	tests := []struct {
		name, method, path, body string
		want                     int
		wantText                 string
	}{
		{"CreateAccount without Name", "POST", "/accounts", `{}`, 400, "Name"},
		{"CreateAccount with Name null", "POST", "/accounts", `{"Name":null}`, 400, "Name"},
		{"CreateAccount with no body", "POST", "/accounts", ``, 400, "Name"},
		{"InviteUsers without list", "POST", "/accounts/" + team + "/users?operation=add", `{}`, 400, "UserEmailList"},
		{"InviteUsers with a number", "POST", "/accounts/" + team + "/users?operation=add", `{"UserEmailList":[7]}`, 400, "UserEmailList[0]"},
		{"CreateRoom without Name", "POST", "/accounts/" + ent + "/rooms", `{}`, 400, "Name"},
		{"CreateRoomMembership without MemberId", "POST", "/accounts/" + ent + "/rooms/r/memberships", `{}`, 400, "MemberId"},
		{"max-results a fraction", "GET", "/accounts?max-results=1.5", ``, 400, "max-results"},
		{"unknown members are ignored", "POST", "/accounts", `{"Name":"x","Future":{"a":[1]}}`, 201, ""},
		{"UserType null is absent", "POST", "/accounts/" + team + "/users?operation=add",
			`{"UserEmailList":["a@example.com"],"UserType":null}`, 201, ""},

		// Member names are case-sensitive: a key in another case would
		// otherwise be decoded by the handler without being validated.
		{"UpdateUser usertype", "POST", "/accounts/" + ent + "/users/" + userID, `{"usertype":"Bogus"}`, 400, "usertype"},
		{"UpdateUser UserType with a long s", "POST", "/accounts/" + ent + "/users/" + userID, `{"Uſertype":"Bogus"}`, 400, "UserType"},
		{"CreateAccount NAME", "POST", "/accounts", `{"Name":"ok","NAME":"` + strings.Repeat("n", 300) + `"}`, 400, "NAME"},
		{"CreateRoom name", "POST", "/accounts/" + ent + "/rooms", `{"Name":"ok","name":""}`, 400, "name"},
		{"BatchUpdateUser item licensetype", "POST", "/accounts/" + ent + "/users",
			`{"UpdateUserRequestItems":[{"UserId":"` + userID + `","licensetype":"Bogus"}]}`, 400, "UpdateUserRequestItems[0].licensetype"},

		// Model patterns are Java's: '.' matches no line terminator.
		{"CreateAccount Name with a newline", "POST", "/accounts", `{"Name":"ok\nname"}`, 400, "Name"},
		{"CreateAccount Name with a carriage return", "POST", "/accounts", `{"Name":"ok\rname"}`, 400, "Name"},
		{"InviteUsers address with a newline", "POST", "/accounts/" + team + "/users?operation=add",
			`{"UserEmailList":["a\nb@example.com"]}`, 400, "UserEmailList[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: tt.method, Path: tt.path, Body: []byte(tt.body)})
			if r.Status != tt.want {
				t.Fatalf("status = %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			if tt.want != http.StatusBadRequest {
				return
			}
			var body struct{ Code, Message string }
			decodeJSON(t, r, &body)
			if body.Code != "BadRequest" || !strings.Contains(body.Message, tt.wantText) {
				t.Errorf("body %s, want Code BadRequest and a Message that mentions %q", r.Body, tt.wantText)
			}
		})
	}
}
