package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

type cliUserError struct{ UserID, ErrorCode, ErrorMessage string }

// userStates lists each user of an account as e-mail → registration/license.
func (a *awsCLI) userStates(accountID string) map[string]string {
	a.t.Helper()
	var out struct{ Users []cliUser }
	a.json(&out, "list-users", "--account-id", accountID)
	states := map[string]string{}
	for _, u := range out.Users {
		states[u.PrimaryEmail] = u.UserRegistrationStatus + "/" + u.LicenseType
	}
	return states
}

func (a *awsCLI) userIDs(accountID string) []string {
	a.t.Helper()
	var out struct{ Users []cliUser }
	a.json(&out, "list-users", "--account-id", accountID)
	var ids []string
	for _, u := range out.Users {
		ids = append(ids, u.UserID)
	}
	return ids
}

// batch runs a batch command that must succeed and returns its UserErrors.
func (a *awsCLI) batch(args ...string) []cliUserError {
	a.t.Helper()
	var out struct{ UserErrors []cliUserError }
	a.json(&out, args...)
	return out.UserErrors
}

func wantStates(t *testing.T, what string, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s is %s, want %s (all: %v)", what, k, got[k], v, got)
		}
	}
}

// TestAWSCLITeamLifecycle runs a Team account from creation to deletion and
// back with aws-cli and the operator commands: invite, change licenses,
// suspend, re-invite, delete (refused, then done), restore.
func TestAWSCLITeamLifecycle(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	aws := newAWS(t, p, rootKeyID, rootSecret)
	team := aws.createAccount("Lifecycle")
	var updated struct{ Account cliAccount }
	aws.json(&updated, "update-account", "--account-id", team.AccountID, "--name", "Lifecycle Ltd", "--default-license", "Basic")
	if updated.Account.Name != "Lifecycle Ltd" || updated.Account.DefaultLicense != "Basic" {
		t.Errorf("update-account: got %+v, want Lifecycle Ltd with default Basic", updated.Account)
	}
	var invited struct{ Invites []cliInvite }
	aws.json(&invited, "invite-users", "--account-id", team.AccountID, "--user-email-list", "a@example.com", "b@example.com")
	ids := aws.userIDs(team.AccountID)
	errs := aws.batch("batch-update-user", "--account-id", team.AccountID, "--update-user-request-items",
		"UserId="+ids[0]+",LicenseType=Pro", "UserId=not-a-user,LicenseType=Pro", "UserId="+ids[1]+",LicenseType=Plus")
	if len(errs) != 2 || errs[0].UserID != "not-a-user" || errs[0].ErrorCode != "NotFound" || errs[1].ErrorCode != "BadRequest" {
		t.Errorf("batch-update-user: UserErrors %+v, want NotFound for not-a-user and BadRequest for Plus", errs)
	}
	wantStates(t, "after batch-update-user", aws.userStates(team.AccountID),
		map[string]string{"a@example.com": "Unregistered/Pro", "b@example.com": "Unregistered/Basic"})

	if errs := aws.batch(append([]string{"batch-suspend-user", "--account-id", team.AccountID, "--user-id-list"}, ids...)...); len(errs) != 0 {
		t.Errorf("batch-suspend-user: UserErrors %+v, want none", errs)
	}
	aws.json(&invited, "invite-users", "--account-id", team.AccountID, "--user-email-list", "b@example.com")
	wantStates(t, "after re-inviting b", aws.userStates(team.AccountID),
		map[string]string{"a@example.com": "Suspended/Pro", "b@example.com": "Unregistered/Basic"})

	r := aws.fail("UnprocessableEntityException", "delete-account", "--account-id", team.AccountID)
	if !strings.Contains(r.Stderr, "BatchSuspendUser") {
		t.Errorf("delete-account refused without saying what to do:\n%s", r.Stderr)
	}
	aws.batch("batch-suspend-user", "--account-id", team.AccountID, "--user-id-list", ids[1])
	if r := aws.run("delete-account", "--account-id", team.AccountID); r.Err != nil {
		t.Fatalf("delete-account: %v", r)
	}
	aws.fail("NotFoundException", "get-account", "--account-id", team.AccountID)

	out := p.mustOperator("accounts", "restore", team.AccountID)
	if !strings.Contains(out, team.AccountID) {
		t.Errorf("belfry accounts restore printed %q, want the account ID", out)
	}
	var got struct{ Account cliAccount }
	aws.json(&got, "get-account", "--account-id", team.AccountID)
	if got.Account.Name != "Lifecycle Ltd" {
		t.Errorf("after the restore get-account gives %+v", got.Account)
	}
	if r := p.operator("accounts", "restore", team.AccountID); r.Err == nil || !strings.Contains(r.Stderr, "not deleted") {
		t.Errorf("restoring a live account: want a failure saying it is not deleted; got %v", r)
	}
}

// TestAWSCLIEnterpriseLifecycle runs an EnterpriseLWA account: users made,
// suspended and unsuspended, signed out, given new PINs; the domain
// released; the account deleted. The audit log then tells the story.
func TestAWSCLIEnterpriseLifecycle(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	aws := newAWS(t, p, rootKeyID, rootSecret)
	corp := aws.createAccount("Corp")
	p.claim(corp.AccountID, "example.org", "EnterpriseLWA")
	var made struct{ User cliUser }
	aws.json(&made, "create-user", "--account-id", corp.AccountID, "--email", "ana@example.org")
	ana := made.User
	aws.batch("batch-suspend-user", "--account-id", corp.AccountID, "--user-id-list", ana.UserID)
	wantStates(t, "after suspending", aws.userStates(corp.AccountID), map[string]string{"ana@example.org": "Suspended/Pro"})
	if errs := aws.batch("batch-unsuspend-user", "--account-id", corp.AccountID, "--user-id-list", ana.UserID, "nobody"); len(errs) != 1 {
		t.Errorf("batch-unsuspend-user: UserErrors %+v, want one, for nobody", errs)
	}
	wantStates(t, "after unsuspending", aws.userStates(corp.AccountID), map[string]string{"ana@example.org": "Registered/Pro"})

	if r := aws.run("logout-user", "--account-id", corp.AccountID, "--user-id", ana.UserID); r.Err != nil {
		t.Fatalf("logout-user: %v", r)
	}
	var reset struct{ User cliUser }
	aws.json(&reset, "reset-personal-pin", "--account-id", corp.AccountID, "--user-id", ana.UserID)
	if !pinPattern.MatchString(reset.User.PersonalPIN) || reset.User.PersonalPIN == ana.PersonalPIN {
		t.Errorf("reset-personal-pin: PIN %q, want 10 new digits (old %s)", reset.User.PersonalPIN, ana.PersonalPIN)
	}
	var upd struct{ User cliUser }
	aws.json(&upd, "update-user", "--account-id", corp.AccountID, "--user-id", ana.UserID, "--license-type", "Basic")
	if upd.User.LicenseType != "Basic" {
		t.Errorf("update-user: got %+v, want license Basic", upd.User)
	}

	aws.fail("UnprocessableEntityException", "delete-account", "--account-id", corp.AccountID)
	out := p.mustOperator("domain", "release", "example.org")
	if !strings.Contains(out, "1 users suspended") || !strings.Contains(out, corp.AccountID) {
		t.Errorf("belfry domain release printed %q, want the account and 1 user suspended", out)
	}
	if r := aws.run("delete-account", "--account-id", corp.AccountID); r.Err != nil {
		t.Fatalf("delete-account after the release: %v", r)
	}

	events := auditLines(t, p.mustOperator("audit", "--account", corp.AccountID))
	want := []string{"CreateAccount", "ClaimDomain", "CreateUser", "BatchSuspendUser", "BatchUnsuspendUser",
		"LogoutUser", "ResetPersonalPIN", "UpdateUser", "ReleaseDomain", "DeleteAccount"}
	var ops []string
	for _, ev := range events {
		ops = append(ops, ev.Operation)
		if ev.RequestID == "" || ev.AccountID != corp.AccountID || ev.Time == "" {
			t.Errorf("event %+v lacks its request ID, account or time", ev)
		}
	}
	if !slices.Equal(ops, want) {
		t.Errorf("belfry audit --account: operations %v, want %v", ops, want)
	}
	if ev := events[0]; ev.AccessKeyID != rootKeyID || ev.SourceIP != "127.0.0.1" || !strings.HasPrefix(ev.CallerARN, "arn:aws:iam::") {
		t.Errorf("the first event %+v does not say who and from where", ev)
	}
}

type auditLine struct {
	Seq                                   int64
	Time, Operation, AccountID, RequestID string
	AwsAccountID, AccessKeyID, CallerARN  string
	SourceIP, Summary                     string
	Resources                             []string
}

// auditLines parses `belfry audit` output: one JSON object a line.
func auditLines(t *testing.T, out string) []auditLine {
	t.Helper()
	var events []auditLine
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var ev auditLine
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("belfry audit line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		events = append(events, ev)
	}
	return events
}
