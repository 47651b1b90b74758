package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var lowerUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestCreateAccount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := time.Now()
	out, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
		t.Errorf("CreateAccount status = %d, want %d", got, http.StatusCreated)
	}
	a := out.Account
	if id := aws.ToString(a.AccountId); !lowerUUID.MatchString(id) {
		t.Errorf("AccountId = %q, want a lower-case UUID", id)
	}
	if ts := aws.ToTime(a.CreatedTimestamp); ts.Before(before.Add(-time.Second)) || ts.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedTimestamp = %v, want about %v", ts, before)
	}
	want := types.Account{
		AccountId:         a.AccountId,
		AwsAccountId:      aws.String("111122223333"),
		Name:              aws.String("Acme"),
		AccountType:       types.AccountTypeTeam,
		AccountStatus:     types.AccountStatusActive,
		DefaultLicense:    types.LicensePro,
		SupportedLicenses: []types.License{types.LicenseBasic, types.LicensePro},
		CreatedTimestamp:  a.CreatedTimestamp,
	}
	if diff := cmp.Diff(want, *a, cmpopts.IgnoreUnexported(types.Account{})); diff != "" {
		t.Errorf("CreateAccount Account (-want +got):\n%s", diff)
	}

	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: a.AccountId})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*a, *got.Account, cmpopts.IgnoreUnexported(types.Account{})); diff != "" {
		t.Errorf("GetAccount differs from CreateAccount (-create +get):\n%s", diff)
	}
}

func TestCreateAccountBadName(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"", "   ", strings.Repeat("a", 101)} {
		_, err := e.chime.CreateAccount(context.Background(), &chime.CreateAccountInput{Name: aws.String(name)})
		wantErr[*types.BadRequestException](t, err)
	}
}

func TestGetAccountUnknown(t *testing.T) {
	e := newEnv(t)
	_, err := e.chime.GetAccount(context.Background(), &chime.GetAccountInput{
		AccountId: aws.String("00000000-0000-0000-0000-000000000000"),
	})
	nf := wantErr[*types.NotFoundException](t, err)
	if nf.Code != types.ErrorCodeNotFound {
		t.Errorf("NotFoundException.Code = %q, want %q", nf.Code, types.ErrorCodeNotFound)
	}
}

// accountNames lists the names of accounts.
func accountNames(as []types.Account) []string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = aws.ToString(a.Name)
	}
	return names
}

func TestListAccountsFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, n := range []string{"alpha", "alphabet", "beta", "Alpha caps"} {
		e.account(n)
	}
	team := e.account("gamma")
	if _, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{
		AccountId: aws.String(team), UserEmailList: []string{"Zoe@Example.com"},
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   chime.ListAccountsInput
		want []string
	}{
		{"no filter", chime.ListAccountsInput{}, []string{"alpha", "alphabet", "beta", "Alpha caps", "gamma"}},
		{"name prefix", chime.ListAccountsInput{Name: aws.String("alpha")}, []string{"alpha", "alphabet"}},
		{"whole name", chime.ListAccountsInput{Name: aws.String("beta")}, []string{"beta"}},
		{"no name matches", chime.ListAccountsInput{Name: aws.String("delta")}, []string{}},
		{"user email", chime.ListAccountsInput{UserEmail: aws.String("zoe@example.com")}, []string{"gamma"}},
		{"unknown email", chime.ListAccountsInput{UserEmail: aws.String("nobody@example.com")}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.chime.ListAccounts(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, accountNames(out.Accounts)); diff != "" {
				t.Errorf("ListAccounts names (-want +got):\n%s", diff)
			}
			if out.NextToken != nil {
				t.Errorf("NextToken = %q, want none", *out.NextToken)
			}
		})
	}
}

func TestListAccountsPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var want []string
	for i := range 23 {
		name := fmt.Sprintf("acct-%02d", i)
		e.account(name)
		want = append(want, name)
	}

	t.Run("by hand", func(t *testing.T) {
		var got []string
		in := &chime.ListAccountsInput{MaxResults: aws.Int32(5)}
		for pages := 1; ; pages++ {
			out, err := e.chime.ListAccounts(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Accounts) > 5 {
				t.Fatalf("page %d has %d accounts, want at most 5", pages, len(out.Accounts))
			}
			got = append(got, accountNames(out.Accounts)...)
			if out.NextToken == nil {
				if pages != 5 {
					t.Errorf("got %d pages, want 5", pages)
				}
				break
			}
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			in.NextToken = out.NextToken
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("accounts over all pages (-want +got):\n%s", diff)
		}
	})

	t.Run("paginator", func(t *testing.T) {
		var got []string
		p := chime.NewListAccountsPaginator(e.chime, &chime.ListAccountsInput{MaxResults: aws.Int32(5)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, accountNames(out.Accounts)...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("accounts over all pages (-want +got):\n%s", diff)
		}
	})
}

func TestListAccountsPagingWhileWriting(t *testing.T) {
	// Accounts made while a listing pages are not repeated, and those that
	// existed when it began are not skipped.
	e := newEnv(t)
	ctx := context.Background()
	var want []string
	for i := range 10 {
		name := fmt.Sprintf("old-%02d", i)
		e.account(name)
		want = append(want, name)
	}
	var got []string
	p := chime.NewListAccountsPaginator(e.chime, &chime.ListAccountsInput{MaxResults: aws.Int32(3)})
	for i := 0; p.HasMorePages(); i++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, accountNames(out.Accounts)...)
		if i < 2 {
			e.account(fmt.Sprintf("new-%d", i))
		}
	}
	want = append(want, "new-0", "new-1")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts over all pages (-want +got):\n%s", diff)
	}
}

func TestListAccountsBadToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 3 {
		e.account(fmt.Sprintf("acct-%d", i))
	}
	first, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{Name: aws.String("acct"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if first.NextToken == nil {
		t.Fatal("first page has no NextToken")
	}
	tests := []struct {
		name string
		in   chime.ListAccountsInput
	}{
		{"other name filter", chime.ListAccountsInput{Name: aws.String("acct-"), NextToken: first.NextToken}},
		{"filter dropped", chime.ListAccountsInput{NextToken: first.NextToken}},
		{"garbage", chime.ListAccountsInput{NextToken: aws.String("not-a-token")}},
		{"base64 garbage", chime.ListAccountsInput{NextToken: aws.String("AQIDBAUGBwgJCgsMDQ")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.ListAccounts(ctx, &tt.in)
			wantErr[*types.BadRequestException](t, err)
		})
	}
	// The token still works with the filters it was issued for.
	if _, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{
		Name: aws.String("acct"), MaxResults: aws.Int32(1), NextToken: first.NextToken,
	}); err != nil {
		t.Errorf("ListAccounts with its own NextToken: %v", err)
	}
}

func TestListAccountsMaxResults(t *testing.T) {
	e := newEnv(t)
	for _, n := range []int32{0, 201, -1} {
		_, err := e.chime.ListAccounts(context.Background(), &chime.ListAccountsInput{MaxResults: aws.Int32(n)})
		wantErr[*types.BadRequestException](t, err)
	}
}

func TestAccountTenancy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.account("mine")
	other := e.keyFor("444455556666")

	_, err := other.GetAccount(ctx, &chime.GetAccountInput{AccountId: aws.String(id)})
	wantErr[*types.NotFoundException](t, err)

	list, err := other.ListAccounts(ctx, &chime.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Accounts) != 0 {
		t.Errorf("the other AWS account lists %v, want none", accountNames(list.Accounts))
	}

	_, err = other.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(id)})
	wantErr[*types.NotFoundException](t, err)
	_, err = other.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(id), UserEmailList: []string{"x@example.com"}})
	wantErr[*types.NotFoundException](t, err)

	// Its own account is its own, and the first AWS account does not see it.
	created, err := other.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("theirs")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(created.Account.AwsAccountId); got != "444455556666" {
		t.Errorf("AwsAccountId = %q, want 444455556666", got)
	}
	mine, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"mine"}, accountNames(mine.Accounts)); diff != "" {
		t.Errorf("root's accounts (-want +got):\n%s", diff)
	}

	// Looking an account up by a user's address stays in the caller's AWS account.
	if _, err := other.InviteUsers(ctx, &chime.InviteUsersInput{
		AccountId: created.Account.AccountId, UserEmailList: []string{"shared@example.com"},
	}); err != nil {
		t.Fatal(err)
	}
	byEmail, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{UserEmail: aws.String("shared@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if len(byEmail.Accounts) != 0 {
		t.Errorf("ListAccounts by another AWS account's user found %v, want none", accountNames(byEmail.Accounts))
	}

	// A NextToken is bound to the AWS account that got it.
	for i := range 2 {
		e.account(fmt.Sprint("more ", i))
	}
	page, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ListAccounts(ctx, &chime.ListAccountsInput{MaxResults: aws.Int32(1), NextToken: page.NextToken})
	wantErr[*types.BadRequestException](t, err)
}
