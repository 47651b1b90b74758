package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// lwa creates an EnterpriseLWA account that has claimed domain.
func (e *env) lwa(name, domain string) string {
	e.t.Helper()
	id := e.account(name)
	e.claim(id, domain, belfry.EnterpriseLWA)
	return id
}

// suspendAll suspends users of an account and fails on any error.
func (e *env) suspendAll(accountID string, ids ...string) {
	e.t.Helper()
	out, err := e.chime.BatchSuspendUser(context.Background(), &chime.BatchSuspendUserInput{
		AccountId: aws.String(accountID), UserIdList: ids,
	})
	if err != nil || len(out.UserErrors) != 0 {
		e.t.Fatalf("BatchSuspendUser(%q) = %v, %+v", ids, err, out)
	}
}

func TestUpdateAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("before")
	e.invite(acct, "early@example.com")
	out, err := e.chime.UpdateAccount(ctx, &chime.UpdateAccountInput{
		AccountId: aws.String(acct), Name: aws.String(" after "), DefaultLicense: types.LicenseBasic,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(acct)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.Account, out.Account, ignoreSDK); diff != "" {
		t.Errorf("GetAccount after UpdateAccount (-want +got):\n%s", diff)
	}
	if a := out.Account; aws.ToString(a.Name) != "after" || a.DefaultLicense != types.LicenseBasic ||
		a.AccountType != types.AccountTypeTeam || aws.ToString(a.AccountId) != acct {
		t.Errorf("UpdateAccount answered %+v, want Team account %s named after with default Basic", a, acct)
	}

	// The new default applies to users added later, not to those there.
	e.invite(acct, "late@example.com")
	licenses := map[string]types.License{}
	for _, u := range e.users(acct) {
		licenses[aws.ToString(u.PrimaryEmail)] = u.LicenseType
	}
	want := map[string]types.License{"early@example.com": types.LicensePro, "late@example.com": types.LicenseBasic}
	if diff := cmp.Diff(want, licenses); diff != "" {
		t.Errorf("licenses after changing the default (-want +got):\n%s", diff)
	}

	// Name alone keeps the default.
	out, err = e.chime.UpdateAccount(ctx, &chime.UpdateAccountInput{AccountId: aws.String(acct), Name: aws.String("again")})
	if err != nil || aws.ToString(out.Account.Name) != "again" || out.Account.DefaultLicense != types.LicenseBasic {
		t.Errorf("UpdateAccount(Name) = %+v, %v; want again with default Basic", out, err)
	}
}

func TestUpdateAccountRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	gone := e.account("gone")
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(gone)}); err != nil {
		t.Fatal(err)
	}
	theirs := e.keyFor("444455556666")
	tests := []struct {
		name   string
		client *chime.Client
		in     chime.UpdateAccountInput
		check  func(t *testing.T, err error)
	}{
		{"unsupported license", e.chime, chime.UpdateAccountInput{AccountId: aws.String(acct), DefaultLicense: types.LicensePlus},
			func(t *testing.T, err error) {
				wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, "Basic, Pro")
			}},
		{"unknown license", e.chime, chime.UpdateAccountInput{AccountId: aws.String(acct), DefaultLicense: "Gold"},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"blank name", e.chime, chime.UpdateAccountInput{AccountId: aws.String(acct), Name: aws.String("   ")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"long name", e.chime, chime.UpdateAccountInput{AccountId: aws.String(acct), Name: aws.String(strings.Repeat("n", 101))},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"unknown account", e.chime, chime.UpdateAccountInput{AccountId: aws.String("nope"), Name: aws.String("x")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"deleted account", e.chime, chime.UpdateAccountInput{AccountId: aws.String(gone), Name: aws.String("x")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"another AWS account's", theirs, chime.UpdateAccountInput{AccountId: aws.String(acct), Name: aws.String("x")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.UpdateAccount(ctx, &tt.in)
			tt.check(t, err)
		})
	}
	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(acct)})
	if err != nil || aws.ToString(got.Account.Name) != "team" || got.Account.DefaultLicense != types.LicensePro {
		t.Errorf("after refused updates the account is %+v (%v), want it unchanged", got, err)
	}
}

// wantMessage fails t unless msg mentions each of words.
func wantMessage(t *testing.T, msg *string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(aws.ToString(msg), w) {
			t.Errorf("message %q does not mention %q", aws.ToString(msg), w)
		}
	}
}

func TestDeleteTeamAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	other := e.account("other")
	e.invite(acct, "a@example.com", "b@example.com")
	users := e.users(acct)
	e.suspendAll(acct, aws.ToString(users[0].UserId))

	_, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
	ue := wantErr[*types.UnprocessableEntityException](t, err)
	wantMessage(t, ue.Message, "1 users", "BatchSuspendUser")
	if _, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(acct)}); err != nil {
		t.Fatalf("after a refused DeleteAccount: GetAccount = %v", err)
	}

	e.suspendAll(acct, aws.ToString(users[1].UserId))
	out, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("DeleteAccount status = %d, want 204", got)
	}
	wantGone(t, e, acct)
	list, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{})
	if err != nil || len(list.Accounts) != 1 || aws.ToString(list.Accounts[0].AccountId) != other {
		t.Errorf("ListAccounts after DeleteAccount = %+v, %v; want only %s", list, err, other)
	}
	_, err = e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
	wantErr[*types.NotFoundException](t, err)

	// An account without users goes at once.
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(other)}); err != nil {
		t.Errorf("DeleteAccount(no users) = %v", err)
	}
}

// wantGone fails t unless account acct and its users answer NotFound.
func wantGone(t *testing.T, e *env, acct string) {
	t.Helper()
	ctx := context.Background()
	_, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(acct)})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct)})
	wantErr[*types.NotFoundException](t, err)
}

func TestDeleteEnterpriseAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.lwa("corp", "example.com")
	u := e.user(acct, "ana@example.com")
	_, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
	wantMessage(t, wantErr[*types.UnprocessableEntityException](t, err).Message, "example.com", "belfry domain release")

	r := e.operator("DELETE", "/_belfry/domains/EXAMPLE.com", "", http.StatusOK)
	var released struct {
		Account        struct{ AccountID, AccountType string }
		Domains        []string
		SuspendedUsers int
	}
	decodeJSON(t, r, &released)
	if released.Account.AccountID != acct || released.SuspendedUsers != 1 || released.Domains == nil || len(released.Domains) != 0 {
		t.Errorf("release answered %+v, want account %s, no domains left, 1 user suspended", released, acct)
	}
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
	if err != nil || got.User.UserRegistrationStatus != types.RegistrationStatusSuspended {
		t.Errorf("after the release the user is %+v (%v), want Suspended", got, err)
	}
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)}); err != nil {
		t.Fatalf("DeleteAccount after the release: %v", err)
	}
	wantGone(t, e, acct)
}

func TestOperatorReleaseDomainRefused(t *testing.T) {
	e := newEnv(t)
	e.lwa("corp", "example.com")
	for _, tt := range []struct {
		name, path, wantType string
		want                 int
	}{
		{"unclaimed", "/_belfry/domains/example.org", "NotFoundException", 404},
		{"invalid", "/_belfry/domains/not..valid", "BadRequestException", 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(request{Method: "DELETE", Path: tt.path})
			if r.Status != tt.want || r.Header.Get("X-Amzn-ErrorType") != tt.wantType {
				t.Errorf("got %d %q (%s), want %d %s", r.Status, r.Header.Get("X-Amzn-ErrorType"), r.Body, tt.want, tt.wantType)
			}
		})
	}
}

func TestOperatorRestoreAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "a@example.com")
	e.suspendAll(acct, aws.ToString(e.users(acct)[0].UserId))
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}
	r := e.operator("POST", "/_belfry/accounts/"+acct+"/restore", "", http.StatusOK)
	var out struct {
		Account struct{ AccountID, Name string }
	}
	decodeJSON(t, r, &out)
	if out.Account.AccountID != acct || out.Account.Name != "team" {
		t.Errorf("restore answered %+v, want account %s named team", out.Account, acct)
	}
	if users := e.users(acct); len(users) != 1 || users[0].UserRegistrationStatus != types.RegistrationStatusSuspended {
		t.Errorf("after restoring, the users are %+v, want the one suspended user", users)
	}
	e.operator("POST", "/_belfry/accounts/"+acct+"/restore", "", http.StatusConflict)
	e.operator("POST", "/_belfry/accounts/no-such-account/restore", "", http.StatusNotFound)

	// Past its 90 days an account cannot come back.
	if _, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: aws.String(acct)}); err != nil {
		t.Fatal(err)
	}
	e.svc.Clock = func() time.Time { return time.Now().Add(belfry.DeletedAccountRetention + time.Minute) }
	r = e.operator("POST", "/_belfry/accounts/"+acct+"/restore", "", http.StatusNotFound)
	if !strings.Contains(string(r.Body), "too long ago") {
		t.Errorf("restoring after 90 days answered %s, want it to say too long ago", r.Body)
	}
}
