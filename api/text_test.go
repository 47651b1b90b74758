package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/smithy-go"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/postgres"
)

// openPostgres opens a PostgreSQL store in a schema of its own, or skips t
// with pgtest's message when BELFRY_TEST_DATABASE_URL names no server.
func openPostgres(t *testing.T) belfry.Store {
	t.Helper()
	u := pgtest.Schema(t, pgtest.Database(t))
	store, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// TestTextThatNoStoreKeeps sends NUL characters and invalid UTF-8 where a
// client can put them, through the SDK where it sends them and raw HTTP
// where it does not, on both stores: PostgreSQL cannot keep either in a
// text column and answered 500. Each is refused before a store sees it,
// the same way on both: 400, or 404 for an ID in the path, which can name
// nothing.
func TestTextThatNoStoreKeeps(t *testing.T) {
	for _, st := range []struct {
		name string
		open func(*testing.T) belfry.Store
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st.open(t))
			t.Run("sdk", func(t *testing.T) { textSDKCases(t, e) })
			t.Run("raw", func(t *testing.T) { textRawCases(t, e) })
		})
	}
}

func textSDKCases(t *testing.T, e *env) {
	ctx := context.Background()
	team := e.account("team")
	ent := e.enterprise("corp", "example.com")
	room := e.room(ent, "ops")
	tests := []struct {
		name     string
		call     func() error
		wantCode string // the error's X-Amzn-ErrorType
		wantText string
	}{
		{"CreateAccount Name", func() error {
			_, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("a\x00b")})
			return err
		}, "BadRequestException", "Name"},
		{"GetAccount ID invalid UTF-8", func() error {
			_, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String("\xff")})
			return err
		}, "NotFoundException", "AccountId"},
		{"GetAccount ID with NUL", func() error {
			_, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(team + "\x00")})
			return err
		}, "NotFoundException", "AccountId"},
		{"GetUser ID", func() error {
			_, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(ent), UserId: aws.String("u\xff")})
			return err
		}, "NotFoundException", "UserId"},
		{"GetRoom ID", func() error {
			_, err := e.chime.GetRoom(ctx, &chime.GetRoomInput{AccountId: aws.String(ent), RoomId: aws.String("\x00")})
			return err
		}, "NotFoundException", "RoomId"},
		{"ListAccounts name filter", func() error {
			_, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{Name: aws.String("te\x00")})
			return err
		}, "BadRequestException", "Name"},
		{"ListAccounts user-email filter", func() error {
			_, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{UserEmail: aws.String("a\xff@example.com")})
			return err
		}, "BadRequestException", "UserEmail"},
		{"ListUsers user-email filter", func() error {
			_, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(team), UserEmail: aws.String("a\x00@example.com")})
			return err
		}, "BadRequestException", "UserEmail"},
		{"ListRooms member-id filter", func() error {
			_, err := e.chime.ListRooms(ctx, &chime.ListRoomsInput{AccountId: aws.String(ent), MemberId: aws.String("\x00")})
			return err
		}, "BadRequestException", "MemberId"},
		{"InviteUsers address", func() error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(team), UserEmailList: []string{"a\x00b@example.com"}})
			return err
		}, "BadRequestException", "UserEmailList[0]"},
		{"CreateUser Email", func() error {
			_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("a\x00@example.com")})
			return err
		}, "BadRequestException", "Email"},
		{"CreateRoomMembership MemberId", func() error {
			_, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
				AccountId: aws.String(ent), RoomId: aws.String(room), MemberId: aws.String("m\x00"),
			})
			return err
		}, "BadRequestException", "MemberId"},
		{"BatchSuspendUser ID", func() error {
			_, err := e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: aws.String(team), UserIdList: []string{"\x00"}})
			return err
		}, "BadRequestException", "UserIdList[0]"},
		{"UpdateUser Alexa room ARN", func() error {
			_, err := e.chime.UpdateUser(ctx, &chime.UpdateUserInput{AccountId: aws.String(ent), UserId: aws.String("u"),
				AlexaForBusinessMetadata: &types.AlexaForBusinessMetadata{AlexaForBusinessRoomArn: aws.String("arn\x00")}})
			return err
		}, "BadRequestException", "AlexaForBusinessMetadata.AlexaForBusinessRoomArn"},
		{"access key ID", func() error {
			_, err := e.client("AKIA\xff", "secret").ListAccounts(ctx, &chime.ListAccountsInput{})
			return err
		}, "UnauthorizedClientException", "access key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want a %s", err, tt.wantCode)
			}
			if ae.ErrorCode() != tt.wantCode || !strings.Contains(ae.ErrorMessage(), tt.wantText) {
				t.Errorf("%s %q, want a %s whose message mentions %q", ae.ErrorCode(), ae.ErrorMessage(), tt.wantCode, tt.wantText)
			}
		})
	}
}

func textRawCases(t *testing.T, e *env) {
	team := e.account("team2")
	tests := []struct {
		name, method, path, body string
		want                     int
		wantText                 string
	}{
		{"account ID in the path", "GET", "/accounts/%FF", "", 404, "AccountId"},
		{"NUL in the path", "DELETE", "/accounts/%00", "", 404, "AccountId"},
		{"query filter", "GET", "/accounts?name=%FF", "", 400, "Name"},
		{"NUL in a body string", "POST", "/accounts/" + team, `{"Name":"a\u0000"}`, 400, "Name"},
		{"invalid UTF-8 in a body string", "POST", "/accounts", "{\"Name\":\"\xc3\x28\"}", 400, "UTF-8"},
		{"operator path ID", "DELETE", "/_belfry/keys/%00", "", 404, "exists"},
		{"operator account to restore", "POST", "/_belfry/accounts/%FF/restore", "", 404, "exists"},
		{"operator query", "GET", "/_belfry/invitations?account-id=%00", "", 400, "account-id"},
		{"operator audit query", "GET", "/_belfry/audit?account-id=%FF", "", 400, "account-id"},
		{"operator body", "POST", "/_belfry/domains", `{"AccountId":"a\u0000","Domain":"example.org","Type":"EnterpriseLWA"}`, 400, "AccountId"},
		{"operator key name", "POST", "/_belfry/keys", `{"AwsAccountId":"210987654321","Name":"ci\u0000"}`, 400, "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: tt.method, Path: tt.path, Body: []byte(tt.body)})
			if r.Status != tt.want {
				t.Fatalf("status = %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			var body struct{ Code, Message string }
			decodeJSON(t, r, &body)
			wantType := map[int]string{http.StatusBadRequest: "BadRequestException", http.StatusNotFound: "NotFoundException"}[tt.want]
			if r.Header.Get("X-Amzn-ErrorType") != wantType || !strings.Contains(body.Message, tt.wantText) {
				t.Errorf("%s %s, want a %s whose message mentions %q", r.Header.Get("X-Amzn-ErrorType"), r.Body, wantType, tt.wantText)
			}
		})
	}
}
