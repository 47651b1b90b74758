package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

var tenDigits = regexp.MustCompile(`^[0-9]{10}$`)

func TestCreateUser(t *testing.T) {
	tests := []struct {
		name            string
		in              chime.CreateUserInput
		wantDisplayName string
		wantType        types.UserType
	}{
		{"username", chime.CreateUserInput{Email: aws.String("ana.lopez@example.com"), Username: aws.String("Ana López")},
			"Ana López", types.UserTypePrivateUser},
		{"no username", chime.CreateUserInput{Email: aws.String("bo.smith@example.com")},
			"bo.smith", types.UserTypePrivateUser},
		{"shared device", chime.CreateUserInput{Email: aws.String("desk-1@example.com"), UserType: types.UserTypeSharedDevice},
			"desk-1", types.UserTypeSharedDevice},
		{"domain in other case", chime.CreateUserInput{Email: aws.String("cy@EXAMPLE.com")},
			"cy", types.UserTypePrivateUser},
	}
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.AccountId = aws.String(acct)
			before := time.Now()
			out, err := e.chime.CreateUser(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
				t.Errorf("CreateUser status = %d, want %d", got, http.StatusCreated)
			}
			u := out.User
			if pin := aws.ToString(u.PersonalPIN); !tenDigits.MatchString(pin) {
				t.Errorf("PersonalPIN = %q, want 10 digits", pin)
			}
			if reg := aws.ToTime(u.RegisteredOn); reg.Before(before.Add(-time.Second)) || reg.After(time.Now().Add(time.Second)) {
				t.Errorf("RegisteredOn = %v, want about %v", reg, before)
			}
			want := types.User{
				UserId: u.UserId, AccountId: aws.String(acct), PrimaryEmail: tt.in.Email,
				DisplayName: aws.String(tt.wantDisplayName), LicenseType: types.LicensePro,
				UserType: tt.wantType, UserRegistrationStatus: types.RegistrationStatusRegistered,
				RegisteredOn: u.RegisteredOn, PersonalPIN: u.PersonalPIN,
				AlexaForBusinessMetadata: &types.AlexaForBusinessMetadata{IsAlexaForBusinessEnabled: aws.Bool(false)},
			}
			if diff := cmp.Diff(want, *u, ignoreSDK); diff != "" {
				t.Errorf("CreateUser User (-want +got):\n%s", diff)
			}

			got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, *got.User, ignoreSDK); diff != "" {
				t.Errorf("GetUser (-want +got):\n%s", diff)
			}

			list, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct), UserEmail: tt.in.Email})
			if err != nil {
				t.Fatal(err)
			}
			want.PersonalPIN = nil // listings leave the PIN out
			if diff := cmp.Diff([]types.User{want}, list.Users, ignoreSDK); diff != "" {
				t.Errorf("ListUsers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateUserRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	team := e.account("team")
	ent := e.enterprise("corp", "example.com")
	e.user(ent, "ana@example.com")
	tests := []struct {
		name  string
		in    chime.CreateUserInput
		check func(t *testing.T, err error)
	}{
		{"team account", chime.CreateUserInput{AccountId: aws.String(team), Email: aws.String("bo@example.com")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"domain not claimed", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("bo@example.org")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"subdomain not claimed", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("bo@sub.example.com")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"missing email", chime.CreateUserInput{AccountId: aws.String(ent), Username: aws.String("bo")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"invalid email", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("bo-at-example.com")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"two addresses", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("bo@example.com, cy@example.com")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"newline in the local part", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("b\no@example.com")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"quote and angle brackets", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String(`x"<y>@example.com`)},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"bad user type", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("bo@example.com"), UserType: "Robot"},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"same address", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("ana@example.com")},
			func(t *testing.T, err error) { wantErr[*types.ConflictException](t, err) }},
		{"same address in other case", chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("ANA@Example.COM")},
			func(t *testing.T, err error) { wantErr[*types.ConflictException](t, err) }},
		{"unknown account", chime.CreateUserInput{AccountId: aws.String("00000000-0000-0000-0000-000000000000"), Email: aws.String("bo@example.com")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.CreateUser(ctx, &tt.in)
			tt.check(t, err)
		})
	}
	if got := len(e.users(ent)); got != 1 {
		t.Errorf("the Enterprise account has %d users, want 1", got)
	}
}

func TestGetUserUnknown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.enterprise("a", "a.example")
	b := e.enterprise("b", "b.example")
	u := e.user(a, "ana@a.example")
	tests := []struct{ name, account, user string }{
		{"unknown user", a, "00000000-0000-0000-0000-000000000000"},
		{"user of another account", b, aws.ToString(u.UserId)},
		{"unknown account", "00000000-0000-0000-0000-000000000000", aws.ToString(u.UserId)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(tt.account), UserId: aws.String(tt.user)})
			wantErr[*types.NotFoundException](t, err)
		})
	}
}

func userEmails(us []types.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = aws.ToString(u.PrimaryEmail)
	}
	return out
}

func TestListUsersFilters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	e.user(acct, "Ana@Example.com")
	e.user(acct, "bo@example.com")
	if _, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{
		AccountId: aws.String(acct), Email: aws.String("desk@example.com"), UserType: types.UserTypeSharedDevice,
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   chime.ListUsersInput
		want []string
	}{
		{"all", chime.ListUsersInput{}, []string{"Ana@Example.com", "bo@example.com", "desk@example.com"}},
		{"email", chime.ListUsersInput{UserEmail: aws.String("bo@example.com")}, []string{"bo@example.com"}},
		{"email in other case", chime.ListUsersInput{UserEmail: aws.String("ana@EXAMPLE.COM")}, []string{"Ana@Example.com"}},
		{"unknown email", chime.ListUsersInput{UserEmail: aws.String("zed@example.com")}, []string{}},
		{"shared devices", chime.ListUsersInput{UserType: types.UserTypeSharedDevice}, []string{"desk@example.com"}},
		{"private users", chime.ListUsersInput{UserType: types.UserTypePrivateUser}, []string{"Ana@Example.com", "bo@example.com"}},
		{"email and type", chime.ListUsersInput{UserEmail: aws.String("bo@example.com"), UserType: types.UserTypeSharedDevice}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.AccountId = aws.String(acct)
			out, err := e.chime.ListUsers(ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, userEmails(out.Users)); diff != "" {
				t.Errorf("ListUsers (-want +got):\n%s", diff)
			}
			for _, u := range out.Users {
				if u.PersonalPIN != nil {
					t.Errorf("ListUsers shows PersonalPIN %q of %s; only GetUser shows it", *u.PersonalPIN, aws.ToString(u.PrimaryEmail))
				}
			}
		})
	}
}

func TestListUsersMaxResults(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "a@example.com", "b@example.com", "c@example.com")
	tests := []struct {
		max     int32
		wantLen int
		wantErr bool
	}{
		{max: 0, wantErr: true},
		{max: -1, wantErr: true},
		{max: 201, wantErr: true},
		{max: 1, wantLen: 1},
		{max: 2, wantLen: 2},
		{max: 200, wantLen: 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			out, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct), MaxResults: aws.Int32(tt.max)})
			if tt.wantErr {
				wantErr[*types.BadRequestException](t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Users) != tt.wantLen {
				t.Errorf("got %d users, want %d", len(out.Users), tt.wantLen)
			}
			if more := out.NextToken != nil; more != (tt.wantLen < 3) {
				t.Errorf("NextToken present = %v, want %v", more, tt.wantLen < 3)
			}
		})
	}
}

func TestListUsersPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	var want []string
	for batch := range 5 {
		var emails []string
		for i := range 50 {
			emails = append(emails, fmt.Sprintf("user%03d@example.com", batch*50+i))
		}
		e.invite(acct, emails...)
		want = append(want, emails...)
	}
	tests := []struct {
		max       int32
		wantPages int
	}{
		{0, 3}, // the default page holds 100
		{7, 36},
		{50, 5}, // the last page is full and has no NextToken
		{100, 3},
		{200, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			in := &chime.ListUsersInput{AccountId: aws.String(acct)}
			if tt.max > 0 {
				in.MaxResults = aws.Int32(tt.max)
			}
			var got []string
			pages := 0
			p := chime.NewListUsersPaginator(e.chime, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				got = append(got, userEmails(out.Users)...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("users over all pages (-want +got):\n%s", diff)
			}
			if pages != tt.wantPages {
				t.Errorf("got %d pages, want %d", pages, tt.wantPages)
			}
		})
	}
	t.Run("token with other filter", func(t *testing.T) {
		first, err := e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct), MaxResults: aws.Int32(10)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.chime.ListUsers(ctx, &chime.ListUsersInput{
			AccountId: aws.String(acct), UserType: types.UserTypeSharedDevice, NextToken: first.NextToken,
		})
		wantErr[*types.BadRequestException](t, err)
		other := e.account("other")
		_, err = e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(other), NextToken: first.NextToken})
		wantErr[*types.BadRequestException](t, err)
	})
}

func TestCreateUserIDN(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "bücher.example")
	u := e.user(acct, "ana@BÜCHER.example")
	if got := aws.ToString(u.PrimaryEmail); got != "ana@BÜCHER.example" {
		t.Errorf("PrimaryEmail = %q, want the address as given", got)
	}
	_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{
		AccountId: aws.String(acct), Email: aws.String("Ana@xn--bcher-kva.example"),
	})
	wantErr[*types.ConflictException](t, err)
}

func TestListUsersTokenOfAnotherOperation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 2 {
		e.account(fmt.Sprint("acct ", i))
	}
	acct := e.account("team")
	e.invite(acct, "a@example.com", "b@example.com")
	page, err := e.chime.ListAccounts(ctx, &chime.ListAccountsInput{MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: aws.String(acct), NextToken: page.NextToken})
	wantErr[*types.BadRequestException](t, err)
}
