package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// TestBodyDecodedOnce sends bodies that only a hand-written request can
// hold, and checks that each is refused whole and changes nothing: a member
// given twice was once validated by one occurrence and stored from the
// other.
func TestBodyDecodedOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ent := e.enterprise("corp", "example.com")
	user := e.user(ent, "ana@example.com")
	userPath := "/accounts/" + ent + "/users/" + aws.ToString(user.UserId)
	long := strings.Repeat("n", 5000)
	tests := []struct {
		name, method, path, body string
		wantText                 string
	}{
		{"UpdateAccount Name twice", "POST", "/accounts/" + ent, `{"Name":"` + long + `","Name":null}`, "Name is given twice"},
		{"UpdateAccount Name twice, both valid", "POST", "/accounts/" + ent, `{"Name":"a","Name":"b"}`, "Name is given twice"},
		{"UpdateUser UserType twice", "POST", userPath, `{"UserType":"Bogus","UserType":null}`, "UserType is given twice"},
		{"BatchUpdateUser item member twice", "POST", "/accounts/" + ent + "/users",
			`{"UpdateUserRequestItems":[{"UserId":"` + aws.ToString(user.UserId) + `","LicenseType":"Basic","LicenseType":"Bogus"}]}`,
			"UpdateUserRequestItems[0].LicenseType is given twice"},
		{"nested object member twice", "POST", userPath,
			`{"AlexaForBusinessMetadata":{"IsAlexaForBusinessEnabled":true,"IsAlexaForBusinessEnabled":false}}`,
			"AlexaForBusinessMetadata.IsAlexaForBusinessEnabled is given twice"},
		{"unknown member twice", "POST", "/accounts/" + ent, `{"Future":1,"Future":2}`, "Future is given twice"},
		{"invalid UTF-8", "POST", "/accounts/" + ent, "{\"Name\":\"a\xffb\"}", "UTF-8"},
		{"lone surrogate escape", "POST", "/accounts/" + ent, `{"Name":"a\ud800b"}`, "surrogate"},
		{"a list, not an object", "POST", "/accounts/" + ent, `["Name"]`, "not a JSON object"},
		{"data after the object", "POST", "/accounts/" + ent, `{"Name":"a"} {}`, "after its JSON object"},
		{"cut short", "POST", "/accounts/" + ent, `{"Name":"a"`, "ends before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: tt.method, Path: tt.path, Body: []byte(tt.body)})
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status = %d (%s), want 400", r.Status, r.Body)
			}
			var body struct{ Code, Message string }
			decodeJSON(t, r, &body)
			if r.Header.Get("X-Amzn-ErrorType") != "BadRequestException" || !strings.Contains(body.Message, tt.wantText) {
				t.Errorf("%s %s, want a BadRequestException whose message mentions %q", r.Header.Get("X-Amzn-ErrorType"), r.Body, tt.wantText)
			}
		})
	}
	acct, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(ent)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(acct.Account.Name); got != "corp" {
		t.Errorf("account name after refused updates = %.40q, want %q", got, "corp")
	}
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(ent), UserId: user.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if got.User.UserType != user.UserType || got.User.LicenseType != user.LicenseType {
		t.Errorf("user after refused updates: type %s license %s, want %s %s",
			got.User.UserType, got.User.LicenseType, user.UserType, user.LicenseType)
	}
}
