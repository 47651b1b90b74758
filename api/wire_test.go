package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

var wireTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// wireFixture is an Enterprise account with a user and a room, and a Team
// account with a pending invitee, made through the API.
type wireFixture struct {
	team, invitee, ent, user, room string
}

func newWireFixture(e *env) wireFixture {
	e.t.Helper()
	f := wireFixture{team: e.account("team"), ent: e.enterprise("corp", "example.com")}
	e.invite(f.team, "ana@example.org")
	f.invitee = aws.ToString(e.users(f.team)[0].UserId)
	f.user = aws.ToString(e.user(f.ent, "bo@example.com").UserId)
	f.room = e.room(f.ent, "r")
	return f
}

func TestWireSuccess(t *testing.T) {
	e := newEnv(t)
	f := newWireFixture(e)
	member := e.user(f.ent, "cy@example.com")
	tests := []struct {
		name, method, path, body string
		want                     int
		// absent lists members that must not be sent.
		absent []string
	}{
		{"CreateAccount", "POST", "/accounts", `{"Name":"x"}`, 201, []string{"SigninDelegateGroups"}},
		{"GetAccount", "GET", "/accounts/" + f.team, "", 200, nil},
		{"ListAccounts", "GET", "/accounts?max-results=1", "", 200, nil},
		{"InviteUsers", "POST", "/accounts/" + f.team + "/users?operation=add", `{"UserEmailList":["z@example.org"]}`, 201, nil},
		{"GetUser of an invitee", "GET", "/accounts/" + f.team + "/users/" + f.invitee, "", 200,
			[]string{"DisplayName", "RegisteredOn", "PersonalPIN", "PrimaryProvisionedNumber"}},
		{"ListUsers", "GET", "/accounts/" + f.ent + "/users", "", 200, []string{"PersonalPIN", "NextToken"}},
		{"CreateUser", "POST", "/accounts/" + f.ent + "/users?operation=create", `{"Email":"dee@example.com"}`, 201, []string{"InvitedOn"}},
		{"CreateRoom", "POST", "/accounts/" + f.ent + "/rooms", `{"Name":"r2"}`, 201, nil},
		{"GetRoom", "GET", "/accounts/" + f.ent + "/rooms/" + f.room, "", 200, nil},
		{"ListRooms", "GET", "/accounts/" + f.ent + "/rooms", "", 200, []string{"NextToken"}},
		{"CreateRoomMembership", "POST", "/accounts/" + f.ent + "/rooms/" + f.room + "/memberships",
			`{"MemberId":"` + aws.ToString(member.UserId) + `"}`, 201, nil},
		{"ListRoomMemberships", "GET", "/accounts/" + f.ent + "/rooms/" + f.room + "/memberships", "", 200, nil},
		{"UpdateRoom", "POST", "/accounts/" + f.ent + "/rooms/" + f.room, `{"Name":"r3"}`, 200, nil},
		{"UpdateRoomMembership", "POST", "/accounts/" + f.ent + "/rooms/" + f.room + "/memberships/" + aws.ToString(member.UserId),
			`{"Role":"Administrator"}`, 200, nil},
		{"BatchCreateRoomMembership", "POST", "/accounts/" + f.ent + "/rooms/" + f.room + "/memberships?operation=batch-create",
			`{"MembershipItemList":[{"MemberId":"` + f.user + `"}]}`, 201, nil},
		{"console prefix", "GET", "/console/accounts/" + f.team, "", 200, nil},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: tt.method, Path: tt.path, Body: []byte(tt.body)})
			if r.Status != tt.want {
				t.Fatalf("status = %d (%s), want %d", r.Status, r.Body, tt.want)
			}
			id := r.Header.Get("x-amzn-RequestId")
			if !lowerUUID.MatchString(id) || seen[id] {
				t.Errorf("x-amzn-RequestId = %q, want a fresh UUID", id)
			}
			seen[id] = true
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var doc any
			decodeJSON(t, r, &doc)
			walkJSON(t, "", doc, tt.absent)
		})
	}
}

// walkJSON checks every member of a response: no nulls, timestamps as
// millisecond UTC strings, and none of the absent names.
func walkJSON(t *testing.T, path string, v any, absent []string) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		t.Errorf("%s is null; absent members must be left out", path)
	case []any:
		for _, item := range v {
			walkJSON(t, path+"[]", item, absent)
		}
	case map[string]any:
		for k, item := range v {
			for _, a := range absent {
				if k == a {
					t.Errorf("%s.%s = %v, want it left out", path, k, item)
				}
			}
			if strings.HasSuffix(k, "Timestamp") || k == "RegisteredOn" || k == "InvitedOn" {
				if s, ok := item.(string); !ok || !wireTimestamp.MatchString(s) {
					t.Errorf("%s.%s = %#v, want a string like 2026-11-25T10:00:00.123Z", path, k, item)
				}
			}
			walkJSON(t, path+"."+k, item, absent)
		}
	}
}

func TestWireErrors(t *testing.T) {
	e := newEnv(t)
	f := newWireFixture(e)
	big := bytes.Repeat([]byte(" "), 256<<10+1)
	copy(big, `{"Name":"x"}`)
	tests := []struct {
		name, method, path string
		body               []byte
		unsigned           bool
		wantStatus         int
		wantType, wantCode string
	}{
		{"unknown account", "GET", "/accounts/00000000-0000-0000-0000-000000000000", nil, false, 404, "NotFoundException", "NotFound"},
		{"missing member", "POST", "/accounts", []byte(`{}`), false, 400, "BadRequestException", "BadRequest"},
		{"malformed JSON", "POST", "/accounts", []byte(`{"Name":`), false, 400, "BadRequestException", "BadRequest"},
		{"JSON after the object", "POST", "/accounts", []byte(`{"Name":"x"} {}`), false, 400, "BadRequestException", "BadRequest"},
		{"body not an object", "POST", "/accounts", []byte(`["x"]`), false, 400, "BadRequestException", "BadRequest"},
		{"member of the wrong type", "POST", "/accounts", []byte(`{"Name":7}`), false, 400, "BadRequestException", "BadRequest"},
		{"list given as a string", "POST", "/accounts/" + f.team + "/users?operation=add",
			[]byte(`{"UserEmailList":"ana@example.com"}`), false, 400, "BadRequestException", "BadRequest"},
		{"list of lists", "POST", "/accounts/" + f.team + "/users?operation=add",
			[]byte(`{"UserEmailList":[["ana@example.com"]]}`), false, 400, "BadRequestException", "BadRequest"},
		{"null in a list", "POST", "/accounts/" + f.team + "/users?operation=add",
			[]byte(`{"UserEmailList":[null]}`), false, 400, "BadRequestException", "BadRequest"},
		{"body over 256 KiB", "POST", "/accounts", big, false, 400, "BadRequestException", "BadRequest"},
		{"max-results not a number", "GET", "/accounts?max-results=ten", nil, false, 400, "BadRequestException", "BadRequest"},
		{"max-results too big for int64", "GET", "/accounts?max-results=99999999999999999999", nil, false, 400, "BadRequestException", "BadRequest"},
		{"max-results twice", "GET", "/accounts?max-results=1&max-results=2", nil, false, 400, "BadRequestException", "BadRequest"},
		{"unknown path", "GET", "/no/such/thing", nil, false, 400, "BadRequestException", "BadRequest"},
		{"unknown path, unsigned", "GET", "/no/such/thing", nil, true, 400, "BadRequestException", "BadRequest"},
		{"unknown method", "PATCH", "/accounts", nil, false, 400, "BadRequestException", "BadRequest"},
		{"unknown operation value", "POST", "/accounts/" + f.team + "/users?operation=frobnicate", []byte(`{}`), false, 400, "BadRequestException", "BadRequest"},
		{"conflict", "POST", "/accounts/" + f.ent + "/users?operation=create", []byte(`{"Email":"BO@example.com"}`), false, 409, "ConflictException", "Conflict"},
		{"team rooms", "GET", "/accounts/" + f.team + "/rooms", nil, false, 403, "ForbiddenException", "Forbidden"},
		{"unsigned", "GET", "/accounts", nil, true, 401, "UnauthorizedClientException", "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: tt.method, Path: tt.path, Body: tt.body, Unsigned: tt.unsigned})
			if r.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", r.Status, tt.wantStatus)
			}
			if id := r.Header.Get("x-amzn-RequestId"); !lowerUUID.MatchString(id) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID", id)
			}
			if got := r.Header.Get("X-Amzn-ErrorType"); got != tt.wantType {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, tt.wantType)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var body map[string]any
			decodeJSON(t, r, &body)
			if body["Code"] != tt.wantCode {
				t.Errorf("body Code = %v, want %q (body %s)", body["Code"], tt.wantCode, r.Body)
			}
			if msg, _ := body["Message"].(string); msg == "" {
				t.Errorf("body %s has no Message", r.Body)
			}
			for _, k := range []string{"__type", "code", "message"} {
				if _, ok := body[k]; ok {
					t.Errorf("body %s has %q, which the JS SDK would read before the header", r.Body, k)
				}
			}
		})
	}
}

func TestWireBodyLimit(t *testing.T) {
	e := newEnv(t)
	body := bytes.Repeat([]byte(" "), 256<<10)
	copy(body, `{"Name":"x"}`)
	if r := e.do(request{Method: "POST", Path: "/accounts", Body: body}); r.Status != http.StatusCreated {
		t.Errorf("a body of exactly 256 KiB: status %d (%s), want 201", r.Status, r.Body)
	}
}

func TestWireBodyLimitChunked(t *testing.T) {
	// A body sent without Content-Length is cut off at the limit too.
	e := newEnv(t)
	body := bytes.Repeat([]byte(" "), 256<<10+10)
	copy(body, `{"Name":"x"}`)
	req, err := http.NewRequest("POST", e.srv.URL+"/accounts", struct{ *bytes.Reader }{bytes.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	e.sign(req, request{Body: body})
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "BadRequestException" {
		t.Errorf("got %d %s, want 400 BadRequestException", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}

func TestWireEscaping(t *testing.T) {
	// The SDK escapes + and @ in query values and path labels; the server
	// must unescape them once ("%20" stays "%20", "&" and "=" stay in the
	// value).
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "ana+tag@example.com", "ana%20tag&x=y@example.com")
	for _, email := range []string{"ana+tag@example.com", "ana%20tag&x=y@example.com"} {
		out, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct), UserEmail: aws.String(email)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{email}, userEmails(out.Users)); diff != "" {
			t.Errorf("ListUsers(%q) (-want +got):\n%s", email, diff)
		}
	}
	_, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String("a/b c+d")})
	wantErr[*types.NotFoundException](t, err)
}

func TestWireConsoleEndpoint(t *testing.T) {
	// Old samples point the SDK at https://service.chime.aws.amazon.com/console.
	e := newEnv(t)
	ctx := context.Background()
	c := chime.New(chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL + "/console"),
		Credentials:  credentials.NewStaticCredentialsProvider(e.root.ID, e.root.Secret, ""),
		Retryer:      aws.NopRetryer{},
	})
	out, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: out.Account.AccountId})
	if err != nil {
		t.Fatal(err)
	}
	if name := aws.ToString(got.Account.Name); name != "old" {
		t.Errorf("Name = %q, want old", name)
	}
}

func TestWireRequestIDDiffers(t *testing.T) {
	e := newEnv(t)
	a := e.do(request{Method: "GET", Path: "/accounts"})
	b := e.do(request{Method: "GET", Path: "/accounts"})
	if a.Header.Get("x-amzn-RequestId") == b.Header.Get("x-amzn-RequestId") {
		t.Errorf("two requests share x-amzn-RequestId %q", a.Header.Get("x-amzn-RequestId"))
	}
	var list struct{ Accounts []json.RawMessage }
	decodeJSON(t, a, &list)
	if list.Accounts == nil {
		t.Errorf("an empty ListAccounts body is %s, want Accounts: []", a.Body)
	}
}

func TestWireTimestampFormat(t *testing.T) {
	e := newEnv(t)
	e.svc.Clock = func() time.Time { return time.Date(2026, 11, 25, 11, 0, 0, 123456789, time.FixedZone("CET", 3600)) }
	r := e.do(request{Method: "POST", Path: "/accounts", Body: []byte(`{"Name":"x"}`)})
	var out struct {
		Account struct{ CreatedTimestamp any }
	}
	decodeJSON(t, r, &out)
	if got, want := out.Account.CreatedTimestamp, "2026-11-25T10:00:00.123Z"; got != want {
		t.Errorf("CreatedTimestamp = %#v, want %q", got, want)
	}
}
