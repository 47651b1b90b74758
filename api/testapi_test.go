package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/api"
)

// TestTestAPIOff: without BELFRY_TEST_API the routes name nothing.
func TestTestAPIOff(t *testing.T) {
	e := newEnv(t)
	for _, r := range []request{{Method: "POST", Path: "/_belfry/test/reset"}, {Method: "GET", Path: "/_belfry/test/requests"}} {
		if got := e.do(r); got.Status != http.StatusNotFound {
			t.Errorf("%s %s with the test API off: %d %s; want 404", r.Method, r.Path, got.Status, got.Body)
		}
	}
}

// TestTestAPIRefusesBadInput sends the test API what it must refuse:
// another key than the root, and fault rules that cannot work.
func TestTestAPIRefusesBadInput(t *testing.T) {
	e := newEnvWith(t, openSQLite(t), api.Config{TestAPI: true})
	other, err := e.svc.CreateAccessKey(context.Background(), "111122223333", "dev")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do(request{Method: "POST", Path: "/_belfry/test/reset", Key: other}); r.Status != http.StatusForbidden {
		t.Errorf("reset signed with a key that is not the root: %d %s; want 403", r.Status, r.Body)
	}
	if r := e.do(request{Method: "POST", Path: "/_belfry/test/reset", Unsigned: true}); r.Status != http.StatusUnauthorized {
		t.Errorf("unsigned reset: %d %s; want 401", r.Status, r.Body)
	}
	for _, body := range []string{
		`{"Operation":"DropDatabase","Error":"ServiceFailureException"}`,
		`{"Operation":"CreateAccount","Error":"NotFoundException"}`,
		`{"Operation":"CreateAccount","Error":"ServiceFailureException","Probability":1.5}`,
		`{"Operation":"CreateAccount","LatencyMs":-1}`,
		`{"Operation":"CreateAccount","LatencyMs":600000}`,
		`{"Operation":"CreateAccount"}`,
		`{"Operation":"CreateAccount","Error":"ServiceFailureException","Extra":1}`,
		`{"Operation":"<script>","Error":"ServiceFailureException"}`,
		`not json`,
	} {
		if r := e.do(request{Method: "POST", Path: "/_belfry/test/faults", Body: []byte(body)}); r.Status != http.StatusBadRequest ||
			r.Header.Get("X-Amzn-ErrorType") != "BadRequestException" {
			t.Errorf("fault %s: %d %s; want 400 BadRequestException", body, r.Status, r.Body)
		}
	}
	if r := e.do(request{Method: "DELETE", Path: "/_belfry/test/faults/CreateAccount"}); r.Status != http.StatusNotFound {
		t.Errorf("DELETE of a fault never injected: %d %s; want 404", r.Status, r.Body)
	}
}

// TestTestAPIFaultAndReset injects a failure into CreateAccount for the Go
// SDK, sees it listed among the recent requests, then resets: the
// accounts are gone, the key still signs, the faults are cleared.
func TestTestAPIFaultAndReset(t *testing.T) {
	e := newEnvWith(t, openSQLite(t), api.Config{TestAPI: true})
	ctx := context.Background()
	e.account("Before")
	r := e.do(request{Method: "POST", Path: "/_belfry/test/faults",
		Body: []byte(`{"Operation":"CreateAccount","Error":"ServiceFailureException","Probability":1}`)})
	if r.Status != http.StatusCreated {
		t.Fatalf("POST fault: %d %s", r.Status, r.Body)
	}
	_, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Doomed")})
	wantErr[*types.ServiceFailureException](t, err)
	var recent struct {
		Requests []struct {
			Operation, ErrorType string
			Status               int
		}
	}
	decodeJSON(t, e.do(request{Method: "GET", Path: "/_belfry/test/requests?operation=CreateAccount"}), &recent)
	if n := len(recent.Requests); n != 2 || recent.Requests[0].Status != 201 || recent.Requests[1].Status != 500 ||
		recent.Requests[1].ErrorType != "ServiceFailureException" {
		t.Errorf("recent CreateAccount requests: %+v; want a 201 then the injected 500", recent.Requests)
	}
	if r := e.do(request{Method: "POST", Path: "/_belfry/test/reset"}); r.Status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	out, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 0 {
		t.Errorf("ListAccounts after the reset: %v, %v; want none", out, err)
	}
	e.account("After") // the fault went with the reset
}
