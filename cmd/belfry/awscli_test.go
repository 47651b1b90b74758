package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The wire shapes as aws-cli prints them. encoding/json matches keys
// without regard to case, so AccountID reads "AccountId".
type (
	cliAccount struct {
		AwsAccountID, AccountID, Name, AccountType, AccountStatus, DefaultLicense string
	}
	cliUser struct {
		UserID, AccountID, PrimaryEmail, DisplayName, UserType, LicenseType string
		UserRegistrationStatus, UserInvitationStatus, PersonalPIN           string
	}
	cliInvite struct {
		InviteID, Status, EmailAddress, EmailStatus string
	}
	cliRoom struct {
		RoomID, Name, AccountID, CreatedBy string
	}
	cliMembership struct {
		RoomID, Role, InvitedBy string
		Member                  struct{ MemberID, MemberType, Email, AccountID string }
	}
)

// awsCLI runs the real aws command against one Belfry server, configured
// only by environment variables, as the README tells users to.
type awsCLI struct {
	t        *testing.T
	bin      string
	endpoint string
	env      []string
}

// newAWS returns aws-cli signed with the given key, or skips the test when
// aws-cli is not installed.
func newAWS(t *testing.T, p *proc, keyID, secret string) *awsCLI {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws-cli is not installed (no aws on PATH); .ci/run installs it with apt-get install awscli")
	}
	noFile := filepath.Join(t.TempDir(), "absent")
	return &awsCLI{t: t, bin: bin, endpoint: p.URL, env: cleanEnv(
		"AWS_ACCESS_KEY_ID="+keyID,
		"AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+noFile,
		"AWS_SHARED_CREDENTIALS_FILE="+noFile,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1", // show each answer as it is
		"AWS_PAGER=",         // aws-cli v2 would page its output
	)}
}

// run runs `aws chime ARGS --endpoint-url URL --output json`.
func (a *awsCLI) run(args ...string) result {
	a.t.Helper()
	full := append([]string{"chime"}, args...)
	full = append(full, "--endpoint-url", a.endpoint, "--output", "json")
	return runCmd(a.t, a.env, a.bin, full...)
}

// json runs a command that must succeed and decodes what it printed.
func (a *awsCLI) json(v any, args ...string) {
	a.t.Helper()
	r := a.run(args...)
	if r.Err != nil {
		a.t.Fatalf("aws chime %s: %v", strings.Join(args, " "), r)
	}
	if err := json.Unmarshal([]byte(r.Stdout), v); err != nil {
		a.t.Fatalf("aws chime %s printed what is not JSON: %v\n%s", strings.Join(args, " "), err, r)
	}
}

// fail runs a command that must exit non-zero naming the exception code.
func (a *awsCLI) fail(code string, args ...string) result {
	a.t.Helper()
	r := a.run(args...)
	if r.Err == nil || exitCode(r.Err) <= 0 {
		a.t.Fatalf("aws chime %s: want a non-zero exit with %s; got %v", strings.Join(args, " "), code, r)
	}
	if !strings.Contains(r.Stderr, code) {
		a.t.Fatalf("aws chime %s: stderr does not name %s:\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

func (a *awsCLI) createAccount(name string) cliAccount {
	a.t.Helper()
	var out struct{ Account cliAccount }
	a.json(&out, "create-account", "--name", name)
	if out.Account.AccountID == "" || out.Account.AccountType != "Team" || out.Account.Name != name {
		a.t.Fatalf("create-account %s: got %+v, want a Team account with an ID", name, out.Account)
	}
	return out.Account
}

var pinPattern = regexp.MustCompile(`^[0-9]{10}$`)

// TestAWSCLIWalkthrough follows the README's walk-through with aws-cli:
// a Team account with invitations, and an Enterprise account, made so by
// the operator's domain claim, with a user, a room and a membership.
func TestAWSCLIWalkthrough(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	aws := newAWS(t, p, rootKeyID, rootSecret)

	team := aws.createAccount("Team of two")
	if team.AwsAccountID != rootAwsAcctID || team.AccountStatus != "Active" {
		t.Errorf("create-account: got %+v, want AwsAccountId %s and status Active", team, rootAwsAcctID)
	}

	var invited struct{ Invites []cliInvite }
	aws.json(&invited, "invite-users", "--account-id", team.AccountID, "--user-email-list", "a@example.com", "b@example.com")
	if len(invited.Invites) != 2 {
		t.Fatalf("invite-users: got %d invites, want 2: %+v", len(invited.Invites), invited.Invites)
	}
	for i, want := range []string{"a@example.com", "b@example.com"} {
		inv := invited.Invites[i]
		if inv.EmailAddress != want || inv.Status != "Pending" || inv.EmailStatus != "NotSent" || inv.InviteID == "" {
			t.Errorf("invite %d: got %+v, want %s Pending/NotSent with an InviteId (no mail server is configured)", i, inv, want)
		}
	}

	var listed struct {
		Users     []cliUser
		NextToken string
	}
	aws.json(&listed, "list-users", "--account-id", team.AccountID)
	var emails []string
	for _, u := range listed.Users {
		emails = append(emails, u.PrimaryEmail)
		if u.AccountID != team.AccountID || u.UserRegistrationStatus != "Unregistered" ||
			u.UserInvitationStatus != "Pending" || u.UserType != "PrivateUser" || u.PersonalPIN != "" || u.UserID == "" {
			t.Errorf("list-users: got %+v, want an Unregistered, Pending PrivateUser of %s without PersonalPIN", u, team.AccountID)
		}
	}
	if want := []string{"a@example.com", "b@example.com"}; !slices.Equal(emails, want) || listed.NextToken != "" {
		t.Errorf("list-users: got %v (NextToken %q), want %v in one page", emails, listed.NextToken, want)
	}

	corp := aws.createAccount("Corp")
	p.claim(corp.AccountID, "example.org", "EnterpriseDirectory")
	var got struct{ Account cliAccount }
	aws.json(&got, "get-account", "--account-id", corp.AccountID)
	if got.Account.AccountType != "EnterpriseDirectory" || got.Account.AccountID != corp.AccountID {
		t.Fatalf("get-account after the claim: got %+v, want EnterpriseDirectory", got.Account)
	}

	var created struct{ User cliUser }
	aws.json(&created, "create-user", "--account-id", corp.AccountID, "--email", "u@example.org", "--user-type", "PrivateUser")
	u := created.User
	if u.UserID == "" || u.AccountID != corp.AccountID || u.PrimaryEmail != "u@example.org" || u.UserType != "PrivateUser" ||
		u.UserRegistrationStatus != "Registered" || !pinPattern.MatchString(u.PersonalPIN) {
		t.Fatalf("create-user: got %+v, want a Registered PrivateUser u@example.org with a 10-digit PIN", u)
	}

	var room struct{ Room cliRoom }
	aws.json(&room, "create-room", "--account-id", corp.AccountID, "--name", "Ops")
	r := room.Room
	if r.RoomID == "" || r.Name != "Ops" || r.AccountID != corp.AccountID || !strings.HasPrefix(r.CreatedBy, "arn:aws:iam::"+rootAwsAcctID+":") {
		t.Fatalf("create-room: got %+v, want room Ops of %s created by an ARN of %s", r, corp.AccountID, rootAwsAcctID)
	}

	var member struct{ RoomMembership cliMembership }
	aws.json(&member, "create-room-membership", "--account-id", corp.AccountID, "--room-id", r.RoomID, "--member-id", u.UserID)
	checkMembership(t, "create-room-membership", member.RoomMembership, r.RoomID, u)

	var members struct {
		RoomMemberships []cliMembership
		NextToken       string
	}
	aws.json(&members, "list-room-memberships", "--account-id", corp.AccountID, "--room-id", r.RoomID)
	if len(members.RoomMemberships) != 1 || members.NextToken != "" {
		t.Fatalf("list-room-memberships: got %+v, want the one membership", members)
	}
	checkMembership(t, "list-room-memberships", members.RoomMemberships[0], r.RoomID, u)

	var fetched struct{ User cliUser }
	aws.json(&fetched, "get-user", "--account-id", corp.AccountID, "--user-id", u.UserID)
	if fetched.User != u {
		t.Errorf("get-user: got %+v, want what create-user answered, %+v", fetched.User, u)
	}

	var accounts struct{ Accounts []cliAccount }
	aws.json(&accounts, "list-accounts")
	var ids []string
	for _, a := range accounts.Accounts {
		ids = append(ids, a.AccountID)
	}
	if want := []string{team.AccountID, corp.AccountID}; !slices.Equal(ids, want) {
		t.Errorf("list-accounts: got %v, want %v in creation order", ids, want)
	}
}

func checkMembership(t *testing.T, op string, m cliMembership, roomID string, u cliUser) {
	t.Helper()
	if m.RoomID != roomID || m.Role != "Member" || m.Member.MemberID != u.UserID || m.Member.MemberType != "User" ||
		m.Member.Email != u.PrimaryEmail || m.Member.AccountID != u.AccountID {
		t.Errorf("%s: got %+v, want user %s (%s) as a Member of room %s", op, m, u.UserID, u.PrimaryEmail, roomID)
	}
}

// TestAWSCLIErrors checks that the failures users meet first reach aws-cli
// as the exceptions the Chime documentation names.
func TestAWSCLIErrors(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	aws := newAWS(t, p, rootKeyID, rootSecret)
	team := aws.createAccount("Team")

	aws.fail("BadRequestException", "create-user", "--account-id", team.AccountID, "--email", "u@example.com", "--user-type", "PrivateUser")
	aws.fail("NotFoundException", "get-account", "--account-id", "nope")
	aws.fail("ForbiddenException", "create-room", "--account-id", team.AccountID, "--name", "Ops")

	wrong := newAWS(t, p, "AKIAUNKNOWNKEY000000", rootSecret)
	wrong.fail("UnauthorizedClientException", "list-accounts")
	badSecret := newAWS(t, p, rootKeyID, "not-the-secret")
	badSecret.fail("ForbiddenException", "list-accounts")
}

// TestAWSCLIListUsersPaginates invites 130 users in three calls and checks
// that aws-cli's automatic pagination, which follows NextToken, returns
// each exactly once, whatever the page size.
func TestAWSCLIListUsersPaginates(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	aws := newAWS(t, p, rootKeyID, rootSecret)
	team := aws.createAccount("Crowd")

	var want []string
	for call, n := range []int{50, 50, 30} {
		args := []string{"invite-users", "--account-id", team.AccountID, "--user-email-list"}
		for i := range n {
			e := fmt.Sprintf("user%03d@example.com", len(want)+i)
			args = append(args, e)
		}
		var out struct{ Invites []cliInvite }
		aws.json(&out, args...)
		if len(out.Invites) != n {
			t.Fatalf("invite-users call %d: got %d invites, want %d", call, len(out.Invites), n)
		}
		want = append(want, args[len(args)-n:]...)
	}

	for _, extra := range [][]string{nil, {"--page-size", "40"}, {"--page-size", "7"}} {
		var out struct {
			Users     []cliUser
			NextToken string
		}
		aws.json(&out, append([]string{"list-users", "--account-id", team.AccountID}, extra...)...)
		var got []string
		for _, u := range out.Users {
			got = append(got, u.PrimaryEmail)
		}
		if !slices.Equal(got, want) || out.NextToken != "" {
			t.Errorf("list-users %v: got %d users (NextToken %q), want all %d once, in invitation order:\n%v",
				extra, len(got), out.NextToken, len(want), got)
		}
	}

	// --max-items stops mid-page; --starting-token resumes from there.
	var first struct {
		Users     []cliUser
		NextToken string
	}
	aws.json(&first, "list-users", "--account-id", team.AccountID, "--page-size", "40", "--max-items", "60")
	if len(first.Users) != 60 || first.NextToken == "" {
		t.Fatalf("list-users --max-items 60: got %d users and NextToken %q, want 60 and a token", len(first.Users), first.NextToken)
	}
	var rest struct{ Users []cliUser }
	aws.json(&rest, "list-users", "--account-id", team.AccountID, "--page-size", "40", "--starting-token", first.NextToken)
	var got []string
	for _, u := range append(first.Users, rest.Users...) {
		got = append(got, u.PrimaryEmail)
	}
	if !slices.Equal(got, want) {
		t.Errorf("list-users in two runs: got %d users, want all %d once:\n%v", len(got), len(want), got)
	}
}
