package api_test

import (
	"context"
	"encoding/json"
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

type wireKey struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	AwsAccountID    string `json:"AwsAccountId"`
	Name, Arn       string
	Created         string
	Revoked         string
}

// operator sends an operator request signed with the root key and checks
// its status.
func (e *env) operator(method, path, body string, want int) response {
	e.t.Helper()
	r := e.do(request{Method: method, Path: path, Body: []byte(body)})
	if r.Status != want {
		e.t.Fatalf("%s %s: status %d (%s), want %d", method, path, r.Status, r.Body, want)
	}
	return r
}

func TestOperatorKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	r := e.operator("POST", "/_belfry/keys", `{"AwsAccountId":"444455556666","Name":"ops"}`, http.StatusCreated)
	var created struct{ AccessKey wireKey }
	decodeJSON(t, r, &created)
	k := created.AccessKey
	want := wireKey{
		AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, AwsAccountID: "444455556666",
		Name: "ops", Arn: "arn:aws:iam::444455556666:user/ops", Created: k.Created,
	}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("created key (-want +got):\n%s", diff)
	}
	if len(k.AccessKeyID) != 20 || len(k.SecretAccessKey) != 40 || !wireTimestamp.MatchString(k.Created) {
		t.Errorf("key %+v does not look like an AWS access key", k)
	}

	// The new key works, in its own AWS account.
	c := e.client(k.AccessKeyID, k.SecretAccessKey)
	out, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("theirs")})
	if err != nil {
		t.Fatalf("CreateAccount with the new key: %v", err)
	}
	if got := aws.ToString(out.Account.AwsAccountId); got != "444455556666" {
		t.Errorf("AwsAccountId = %q, want 444455556666", got)
	}

	// The listing shows it without its secret.
	r = e.operator("GET", "/_belfry/keys", "", http.StatusOK)
	var list struct{ AccessKeys []wireKey }
	decodeJSON(t, r, &list)
	want.SecretAccessKey = ""
	if diff := cmp.Diff([]wireKey{want}, list.AccessKeys); diff != "" {
		t.Errorf("listed keys (-want +got):\n%s", diff)
	}

	// Revoked, it stops working at once.
	r = e.operator("DELETE", "/_belfry/keys/"+k.AccessKeyID, "", http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Errorf("204 answer has body %q", r.Body)
	}
	_, err = c.ListAccounts(ctx, &chime.ListAccountsInput{})
	wantErr[*types.UnauthorizedClientException](t, err)

	r = e.operator("GET", "/_belfry/keys", "", http.StatusOK)
	decodeJSON(t, r, &list)
	if len(list.AccessKeys) != 1 || !wireTimestamp.MatchString(list.AccessKeys[0].Revoked) {
		t.Errorf("after revoking, keys are %+v, want one with Revoked set", list.AccessKeys)
	}
}

func TestOperatorKeysUsedBeforeRevoke(t *testing.T) {
	// A key used (and so cached) before it is revoked stops working too.
	e := newEnv(t)
	ctx := context.Background()
	k, err := e.svc.CreateAccessKey(ctx, "444455556666", "cached")
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(k.ID, k.Secret)
	if _, err := c.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
		t.Fatal(err)
	}
	e.operator("DELETE", "/_belfry/keys/"+k.ID, "", http.StatusNoContent)
	_, err = c.ListAccounts(ctx, &chime.ListAccountsInput{})
	wantErr[*types.UnauthorizedClientException](t, err)
}

// TestOperatorRevokeOnServiceClock checks that a key is revoked, and the
// revocation audited, at the service's time, the one clock that every time
// Belfry stores goes by, and that tests move.
func TestOperatorRevokeOnServiceClock(t *testing.T) {
	e := newEnv(t)
	k, err := e.svc.CreateAccessKey(context.Background(), "444455556666", "clocked")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2031, 5, 6, 7, 8, 9, 250_000_000, time.UTC)
	e.svc.Clock = func() time.Time { return at }
	e.operator("DELETE", "/_belfry/keys/"+k.ID, "", http.StatusNoContent)
	want := at.Format("2006-01-02T15:04:05.000Z")

	var list struct{ AccessKeys []wireKey }
	decodeJSON(t, e.operator("GET", "/_belfry/keys", "", http.StatusOK), &list)
	for _, got := range list.AccessKeys {
		if got.AccessKeyID == k.ID && got.Revoked != want {
			t.Errorf("key %s is revoked at %q; want the service's time %q", k.ID, got.Revoked, want)
		}
	}
	events, _ := e.audit("")
	if n := len(events); n == 0 || events[n-1].Operation != "RevokeAccessKey" || events[n-1].Time != want {
		t.Errorf("audit log ends with %+v; want RevokeAccessKey at %q", events[max(n-1, 0):], want)
	}
}

func TestOperatorDomains(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.account("a"), e.account("b")
	claim := func(accountID, domain, typ string) string {
		body, _ := json.Marshal(map[string]string{"AccountId": accountID, "Domain": domain, "Type": typ})
		return string(body)
	}

	r := e.operator("POST", "/_belfry/domains", claim(a, "Example.COM", "EnterpriseLWA"), http.StatusOK)
	var out struct {
		Account struct {
			AccountID   string `json:"AccountId"`
			AccountType string
		}
		Domains []string
	}
	decodeJSON(t, r, &out)
	if out.Account.AccountID != a || out.Account.AccountType != "EnterpriseLWA" {
		t.Errorf("claim answered account %+v, want %s of type EnterpriseLWA", out.Account, a)
	}
	if diff := cmp.Diff([]string{"example.com"}, out.Domains); diff != "" {
		t.Errorf("Domains (-want +got):\n%s", diff)
	}
	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(a)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Account.AccountType != types.AccountTypeEnterpriseLWA {
		t.Errorf("GetAccount AccountType = %q, want EnterpriseLWA", got.Account.AccountType)
	}

	tests := []struct {
		name     string
		body     string
		want     int
		wantType string
	}{
		{"domain of another account", claim(b, "example.com", "EnterpriseDirectory"), 409, "ConflictException"},
		{"same domain in other case, with a dot", claim(b, "EXAMPLE.com.", "EnterpriseDirectory"), 409, "ConflictException"},
		{"invalid type", claim(b, "b.example", "Team"), 400, "BadRequestException"},
		{"unknown type", claim(b, "b.example", "Enterprise"), 400, "BadRequestException"},
		{"invalid domain", claim(b, "not a domain", "EnterpriseLWA"), 400, "BadRequestException"},
		{"empty label", claim(b, "b..example", "EnterpriseLWA"), 400, "BadRequestException"},
		{"unknown account", claim("00000000-0000-0000-0000-000000000000", "c.example", "EnterpriseLWA"), 404, "NotFoundException"},
		{"unknown field", `{"AccountId":"` + b + `","Domain":"b.example","Type":"EnterpriseLWA","Extra":1}`, 400, "BadRequestException"},
		{"malformed body", `{"AccountId":`, 400, "BadRequestException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: "POST", Path: "/_belfry/domains", Body: []byte(tt.body)})
			if r.Status != tt.want || r.Header.Get("X-Amzn-ErrorType") != tt.wantType {
				t.Errorf("got %d %q (%s), want %d %s", r.Status, r.Header.Get("X-Amzn-ErrorType"), r.Body, tt.want, tt.wantType)
			}
		})
	}
	if got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(b)}); err != nil || got.Account.AccountType != types.AccountTypeTeam {
		t.Errorf("after refused claims, account b is %v (err %v), want still Team", got, err)
	}

	// A second domain for the same account is fine.
	r = e.operator("POST", "/_belfry/domains", claim(a, "bücher.example", "EnterpriseLWA"), http.StatusOK)
	decodeJSON(t, r, &out)
	if diff := cmp.Diff([]string{"example.com", "xn--bcher-kva.example"}, out.Domains); diff != "" {
		t.Errorf("Domains after a second claim (-want +got):\n%s", diff)
	}
}

func TestOperatorRefused(t *testing.T) {
	e := newEnv(t)
	k, err := e.svc.CreateAccessKey(context.Background(), "111122223333", "admin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		req      request
		want     int
		wantType string
	}{
		{"non-root key lists keys", request{Method: "GET", Path: "/_belfry/keys", Key: k}, 403, "ForbiddenException"},
		{"non-root key makes a key", request{Method: "POST", Path: "/_belfry/keys", Key: k,
			Body: []byte(`{"AwsAccountId":"111122223333","Name":"x"}`)}, 403, "ForbiddenException"},
		{"non-root key claims", request{Method: "POST", Path: "/_belfry/domains", Key: k,
			Body: []byte(`{"AccountId":"x","Domain":"x.example","Type":"EnterpriseLWA"}`)}, 403, "ForbiddenException"},
		{"unsigned", request{Method: "GET", Path: "/_belfry/keys", Unsigned: true}, 401, "UnauthorizedClientException"},
		{"signed 16 minutes ago", request{Method: "GET", Path: "/_belfry/keys", At: time.Now().Add(-16 * time.Minute)}, 403, "ForbiddenException"},
		{"revoke the root key", request{Method: "DELETE", Path: "/_belfry/keys/" + e.root.ID}, 400, "BadRequestException"},
		{"revoke an unknown key", request{Method: "DELETE", Path: "/_belfry/keys/AKIAAAAAAAAAAAAAAAAA"}, 404, "NotFoundException"},
		{"bad AWS account ID", request{Method: "POST", Path: "/_belfry/keys", Body: []byte(`{"AwsAccountId":"12345"}`)}, 400, "BadRequestException"},
		{"bad key name", request{Method: "POST", Path: "/_belfry/keys", Body: []byte(`{"AwsAccountId":"111122223333","Name":"a b"}`)}, 400, "BadRequestException"},
		{"unknown operator path", request{Method: "GET", Path: "/_belfry/nothing"}, 404, "NotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.req)
			if r.Status != tt.want || r.Header.Get("X-Amzn-ErrorType") != tt.wantType {
				t.Errorf("got %d %q (%s), want %d %s", r.Status, r.Header.Get("X-Amzn-ErrorType"), r.Body, tt.want, tt.wantType)
			}
			if r.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
	// The non-root key still works for the Chime API of its own AWS account.
	if _, err := e.client(k.ID, k.Secret).ListAccounts(context.Background(), &chime.ListAccountsInput{}); err != nil {
		t.Errorf("non-root key on the Chime API: %v", err)
	}
}

// TestRootKeyNameReserved checks that no other key can take the root key's
// name, whose ARN is the AWS account's root user.
func TestRootKeyNameReserved(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.CreateAccessKey(context.Background(), "123456789012", "root"); belfry.ErrorKind(err) != belfry.BadRequest {
		t.Errorf("CreateAccessKey(name root) = %v; want BadRequest", err)
	}
}
