package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// invite calls InviteUsers and fails the test on an error.
func (e *env) invite(accountID string, emails ...string) []types.Invite {
	e.t.Helper()
	out, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
		AccountId: aws.String(accountID), UserEmailList: emails,
	})
	if err != nil {
		e.t.Fatalf("InviteUsers(%q): %v", emails, err)
	}
	return out.Invites
}

// users lists every user of an account.
func (e *env) users(accountID string) []types.User {
	e.t.Helper()
	out, err := e.chime.ListUsers(context.Background(), &chime.ListUsersInput{
		AccountId: aws.String(accountID), MaxResults: aws.Int32(200),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Users
}

var ignoreSDK = cmpopts.IgnoreUnexported(types.Invite{}, types.User{}, types.AlexaForBusinessMetadata{},
	types.Account{}, types.Room{}, types.RoomMembership{}, types.Member{})

func TestInviteUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	emails := []string{"ana@example.com", "Bo@Example.org", "cy@example.net"}
	before := time.Now()
	out, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(acct), UserEmailList: emails})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusCreated {
		t.Errorf("InviteUsers status = %d, want %d", got, http.StatusCreated)
	}
	if len(out.Invites) != len(emails) {
		t.Fatalf("got %d invites, want %d", len(out.Invites), len(emails))
	}
	ids := map[string]bool{}
	for i, inv := range out.Invites {
		want := types.Invite{
			InviteId: inv.InviteId, EmailAddress: aws.String(emails[i]),
			Status: types.InviteStatusPending, EmailStatus: types.EmailStatusNotSent,
		}
		if diff := cmp.Diff(want, inv, ignoreSDK); diff != "" {
			t.Errorf("invite %d (-want +got):\n%s", i, diff)
		}
		if id := aws.ToString(inv.InviteId); !lowerUUID.MatchString(id) || ids[id] {
			t.Errorf("InviteId %q is not a fresh lower-case UUID", id)
		}
		ids[aws.ToString(inv.InviteId)] = true
	}

	users := e.users(acct)
	if len(users) != len(emails) {
		t.Fatalf("ListUsers has %d users, want %d", len(users), len(emails))
	}
	for i, u := range users {
		invited := aws.ToTime(u.InvitedOn)
		if invited.Before(before.Add(-time.Second)) || invited.After(time.Now().Add(time.Second)) {
			t.Errorf("user %d InvitedOn = %v, want about %v", i, invited, before)
		}
		want := types.User{
			UserId: u.UserId, AccountId: aws.String(acct), PrimaryEmail: aws.String(emails[i]),
			LicenseType: types.LicensePro, UserType: types.UserTypePrivateUser,
			UserRegistrationStatus: types.RegistrationStatusUnregistered,
			UserInvitationStatus:   types.InviteStatusPending,
			InvitedOn:              u.InvitedOn,
			AlexaForBusinessMetadata: &types.AlexaForBusinessMetadata{
				IsAlexaForBusinessEnabled: aws.Bool(false),
			},
		}
		if diff := cmp.Diff(want, u, ignoreSDK); diff != "" {
			t.Errorf("listed user %d (-want +got):\n%s", i, diff)
		}
		got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, *got.User, ignoreSDK); diff != "" {
			t.Errorf("GetUser %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestInviteUsersUserType(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	_, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
		AccountId: aws.String(acct), UserEmailList: []string{"desk@example.com"}, UserType: types.UserTypeSharedDevice,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.users(acct)[0].UserType; got != types.UserTypeSharedDevice {
		t.Errorf("UserType = %q, want %q", got, types.UserTypeSharedDevice)
	}
}

func TestInviteUsersAgain(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	first := e.invite(acct, "ana@example.com")
	second := e.invite(acct, "ANA@example.com")
	if aws.ToString(first[0].InviteId) == aws.ToString(second[0].InviteId) {
		t.Errorf("re-invite answered the same InviteId %s, want a new one", aws.ToString(first[0].InviteId))
	}
	if second[0].Status != types.InviteStatusPending {
		t.Errorf("re-invite Status = %q, want Pending", second[0].Status)
	}
	users := e.users(acct)
	if len(users) != 1 {
		t.Fatalf("ListUsers has %d users after a re-invite, want 1", len(users))
	}
	if got := users[0].UserInvitationStatus; got != types.InviteStatusPending {
		t.Errorf("UserInvitationStatus = %q, want Pending", got)
	}
}

func TestInviteUsersAgainRefreshesInvitedOn(t *testing.T) {
	e := newEnv(t)
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	e.svc.Clock = func() time.Time { return *now.Load() }
	set(time.Date(2026, 11, 25, 10, 0, 0, 123e6, time.UTC))
	acct := e.account("team")
	e.invite(acct, "ana@example.com")
	set(time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC))
	e.invite(acct, "ana@example.com")
	got := aws.ToTime(e.users(acct)[0].InvitedOn)
	if want := *now.Load(); !got.Equal(want) {
		t.Errorf("InvitedOn after a re-invite = %v, want %v", got, want)
	}
}

func TestInviteUsersSameAddressTwice(t *testing.T) {
	tests := []struct {
		name   string
		emails []string
	}{
		{"case", []string{"Ana@Example.com", "bo@example.com", "ana@example.COM"}},
		{"spaces", []string{"ana@example.com", "bo@example.com", " ana@example.com "}},
		{"IDN", []string{"user@bücher.example", "bo@example.com", "user@xn--bcher-kva.example"}},
		{"IDN upper case", []string{"user@xn--bcher-kva.example", "bo@example.com", "USER@BÜCHER.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			acct := e.account("team")
			invites := e.invite(acct, tt.emails...)
			if len(invites) != 3 {
				t.Fatalf("got %d invites, want 3", len(invites))
			}
			if a, b := aws.ToString(invites[0].InviteId), aws.ToString(invites[2].InviteId); a != b {
				t.Errorf("the repeated address got InviteIds %s and %s, want one", a, b)
			}
			if aws.ToString(invites[0].InviteId) == aws.ToString(invites[1].InviteId) {
				t.Errorf("two addresses share InviteId %s", aws.ToString(invites[0].InviteId))
			}
			if got := len(e.users(acct)); got != 2 {
				t.Errorf("ListUsers has %d users, want 2", got)
			}
		})
	}
}

func TestInviteUsersIDNAcrossCalls(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	e.invite(acct, "user@bücher.example")
	e.invite(acct, "user@xn--bcher-kva.example")
	users := e.users(acct)
	if len(users) != 1 {
		t.Fatalf("ListUsers has %d users, want 1", len(users))
	}
	if got := aws.ToString(users[0].PrimaryEmail); got != "user@bücher.example" {
		t.Errorf("PrimaryEmail = %q, want the address as first given", got)
	}
	out, err := e.chime.ListUsers(context.Background(), &chime.ListUsersInput{
		AccountId: aws.String(acct), UserEmail: aws.String("USER@xn--bcher-kva.example"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Users) != 1 {
		t.Errorf("ListUsers by the punycode address found %d users, want 1", len(out.Users))
	}
}

func TestInviteUsersLimit(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	var emails []string
	for i := range 51 {
		emails = append(emails, fmt.Sprintf("user%d@example.com", i))
	}
	_, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
		AccountId: aws.String(acct), UserEmailList: emails,
	})
	wantErr[*types.BadRequestException](t, err)
	if got := len(e.users(acct)); got != 0 {
		t.Errorf("a refused call left %d users, want 0", got)
	}
	if got := len(e.invite(acct, emails[:50]...)); got != 50 {
		t.Errorf("50 addresses got %d invites, want 50", got)
	}
}

func TestInviteUsersInvalidAddress(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	for _, bad := range []string{"not-an-email", "ana@", "@example.com", "ana@example", "ana@exa mple.com", "ana@-x.example", "ana@example..com", "ana@.example.com", "",
		"ana@example.com, bo@example.com", "a\nb@example.com", "x\"<y>@example.com", "a b@example.com", "ana@bo@example.com"} {
		t.Run(bad, func(t *testing.T) {
			_, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
				AccountId: aws.String(acct), UserEmailList: []string{"ok@example.com", bad},
			})
			wantErr[*types.BadRequestException](t, err)
		})
	}
	if got := len(e.users(acct)); got != 0 {
		t.Errorf("refused calls left %d users, want 0", got)
	}
}

func TestInviteUsersRefused(t *testing.T) {
	e := newEnv(t)
	ent := e.account("enterprise")
	e.claim(ent, "example.com", belfry.EnterpriseLWA)
	tests := []struct {
		name      string
		accountID string
		check     func(t *testing.T, err error)
	}{
		{"enterprise account", ent, func(t *testing.T, err error) {
			br := wantErr[*types.BadRequestException](t, err)
			if msg := aws.ToString(br.Message); !strings.Contains(msg, "Team") {
				t.Errorf("message %q does not name the reason (a Team account is needed)", msg)
			}
		}},
		{"unknown account", "00000000-0000-0000-0000-000000000000", func(t *testing.T, err error) {
			wantErr[*types.NotFoundException](t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
				AccountId: aws.String(tt.accountID), UserEmailList: []string{"ana@example.com"},
			})
			tt.check(t, err)
		})
	}
}

func TestInviteUsersConcurrent(t *testing.T) {
	e := newEnv(t)
	acct := e.account("team")
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := e.chime.InviteUsers(context.Background(), &chime.InviteUsersInput{
				AccountId: aws.String(acct), UserEmailList: []string{"ana@example.com", fmt.Sprintf("u%d@example.com", i)},
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(e.users(acct)); got != n+1 {
		t.Errorf("ListUsers has %d users, want %d", got, n+1)
	}
}

// TestInviteUsersDomainClaimedElsewhere checks that an address whose domain
// another account has claimed fails alone (chime-behaviour.md §3.2: any
// domain not claimed by another organisation may be invited), with no user.
func TestInviteUsersDomainClaimedElsewhere(t *testing.T) {
	e := newEnv(t)
	team := e.account("team")
	e.lwa("corp", "corp.example")
	got := e.invite(team, "ana@CORP.example", "bo@example.com")
	want := []types.Invite{
		{EmailAddress: aws.String("ana@CORP.example"), Status: types.InviteStatusFailed, EmailStatus: types.EmailStatusNotSent},
		{EmailAddress: aws.String("bo@example.com"), Status: types.InviteStatusPending, EmailStatus: types.EmailStatusNotSent},
	}
	if diff := cmp.Diff(want, got, ignoreSDK, cmpopts.IgnoreFields(types.Invite{}, "InviteId")); diff != "" {
		t.Errorf("Invites (-want +got):\n%s", diff)
	}
	if emails := userEmails(e.users(team)); !slices.Equal(emails, []string{"bo@example.com"}) {
		t.Errorf("users %q; want only bo@example.com", emails)
	}
}
