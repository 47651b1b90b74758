package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
)

var (
	printedKeyID  = regexp.MustCompile(`AWS_ACCESS_KEY_ID=(AKIA[A-Z0-9]{16})\n`)
	printedSecret = regexp.MustCompile(`AWS_SECRET_ACCESS_KEY=(\S{40})\n`)
)

// TestFirstStartGeneratesRootCredentials starts Belfry with no root key
// configured: it must draw one, print it once on stderr and keep it in the
// data directory, readable by its owner only, so that the next start, and
// the operator commands, use the same key without printing it again.
func TestFirstStartGeneratesRootCredentials(t *testing.T) {
	t.Parallel()
	first := startBelfry(t, startOptions{NoRoot: true})
	stderr := first.stderr.String()
	id, secret := printedKeyID.FindStringSubmatch(stderr), printedSecret.FindStringSubmatch(stderr)
	if id == nil || secret == nil {
		t.Fatalf("first start printed no AWS_ACCESS_KEY_ID= and AWS_SECRET_ACCESS_KEY= lines:\n%s", stderr)
	}
	if n := strings.Count(stderr, secret[1]); n != 1 {
		t.Errorf("first start printed the secret %d times, want once", n)
	}

	path := filepath.Join(first.DataDir, "root-credentials.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, perm)
	}
	var stored struct{ AccessKeyID, SecretAccessKey, AwsAccountID string }
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if stored.AccessKeyID != id[1] || stored.SecretAccessKey != secret[1] || !regexp.MustCompile(`^[0-9]{12}$`).MatchString(stored.AwsAccountID) {
		t.Errorf("%s holds %s/%s for AWS account %q; want the printed key and a 12-digit account", path, stored.AccessKeyID, stored.SecretAccessKey, stored.AwsAccountID)
	}

	ctx := ctxT(t)
	made, err := first.sdk(id[1], secret[1]).CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("First")})
	if err != nil {
		t.Fatalf("CreateAccount signed with the printed key: %v", err)
	}
	if got := aws.ToString(made.Account.AwsAccountId); got != stored.AwsAccountID {
		t.Errorf("the account belongs to AWS account %s, want the root key's %s", got, stored.AwsAccountID)
	}
	if d, err := first.stop(syscall.SIGTERM, stopTimeout); err != nil {
		t.Fatalf("SIGTERM: exit %v after %v", err, d)
	}

	second := startBelfry(t, startOptions{NoRoot: true, DataDir: first.DataDir})
	if s := second.stderr.String(); strings.Contains(s, secret[1]) || strings.Contains(s, "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("the second start printed the secret again:\n%s", s)
	}
	list, err := second.sdk(id[1], secret[1]).ListAccounts(ctx, &chime.ListAccountsInput{})
	if err != nil {
		t.Fatalf("ListAccounts after a restart, with the stored key: %v", err)
	}
	if len(list.Accounts) != 1 || aws.ToString(list.Accounts[0].AccountId) != aws.ToString(made.Account.AccountId) {
		t.Errorf("ListAccounts after a restart: got %d accounts, want the one made before", len(list.Accounts))
	}

	// The operator commands find the root key in the data directory.
	r := runCmd(t, cleanEnv("BELFRY_DATA_DIR="+first.DataDir, "BELFRY_ENDPOINT="+second.URL), belfryBinary(t), "keys", "list")
	if r.Err != nil || !strings.Contains(r.Stdout, "ACCESS KEY ID") {
		t.Errorf("belfry keys list with only BELFRY_DATA_DIR: %v", r)
	}
}

// TestRootKeyFromEnvironmentStaysSecret starts Belfry with the root key in
// the environment: it must neither print the secret nor write it down.
func TestRootKeyFromEnvironmentStaysSecret(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	if strings.Contains(p.stderr.String(), rootSecret) {
		t.Errorf("Belfry printed the root secret it was given:\n%s", p.stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(p.DataDir, "root-credentials.json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if strings.Contains(string(b), rootSecret) {
		t.Errorf("root-credentials.json holds the secret given in the environment:\n%s", b)
	}
}

// TestOperatorKeys makes an access key for another AWS account with the
// operator command, uses it with aws-cli, and revokes it.
func TestOperatorKeys(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	root := newAWS(t, p, rootKeyID, rootSecret)
	rootAccount := root.createAccount("Root's")

	out := p.mustOperator("keys", "create", "--aws-account-id", "123456789012", "--name", "ci")
	id, secret := printedKeyID.FindStringSubmatch(out), printedSecret.FindStringSubmatch(out)
	if id == nil || secret == nil || !strings.Contains(out, "123456789012") {
		t.Fatalf("belfry keys create printed no AWS_ACCESS_KEY_ID=/AWS_SECRET_ACCESS_KEY= lines for 123456789012:\n%s", out)
	}
	ci := newAWS(t, p, id[1], secret[1])

	var list struct{ Accounts []cliAccount }
	ci.json(&list, "list-accounts")
	if len(list.Accounts) != 0 {
		t.Errorf("list-accounts with a new key of another AWS account: got %+v, want none", list.Accounts)
	}
	ci.fail("NotFoundException", "get-account", "--account-id", rootAccount.AccountID)
	own := ci.createAccount("CI's")
	if own.AwsAccountID != "123456789012" {
		t.Errorf("create-account with the ci key: AwsAccountId %s, want 123456789012", own.AwsAccountID)
	}
	root.json(&list, "list-accounts")
	if len(list.Accounts) != 1 || list.Accounts[0].AccountID != rootAccount.AccountID {
		t.Errorf("root's list-accounts: got %+v, want only its own account", list.Accounts)
	}

	listed := p.mustOperator("keys", "list")
	if !regexp.MustCompile(id[1] + `\s+123456789012\s+ci\s+\S+\s+-\n`).MatchString(listed) {
		t.Errorf("belfry keys list does not show %s as a live key of 123456789012 named ci:\n%s", id[1], listed)
	}
	if strings.Contains(listed, secret[1]) {
		t.Errorf("belfry keys list shows a secret:\n%s", listed)
	}

	if out := p.mustOperator("keys", "revoke", id[1]); !strings.Contains(out, id[1]) {
		t.Errorf("belfry keys revoke printed %q, want it to name the key", out)
	}
	deadline := time.Now().Add(6 * time.Second)
	for {
		r := ci.run("list-accounts")
		if r.Err != nil && strings.Contains(r.Stderr, "UnauthorizedClientException") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the revoked key still works, or fails otherwise, 6s after belfry keys revoke: %v", r)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if listed := p.mustOperator("keys", "list"); regexp.MustCompile(id[1] + `.*\s-\n`).MatchString(listed) {
		t.Errorf("belfry keys list shows the revoked key as live:\n%s", listed)
	}

	if r := p.operator("keys", "revoke", rootKeyID); r.Err == nil {
		t.Errorf("belfry keys revoke ROOT succeeded; the root key must not be revocable: %v", r)
	}
	if r := p.operator("keys", "create", "--aws-account-id", "12345"); r.Err == nil || !strings.Contains(r.Stderr, "12 digits") {
		t.Errorf("belfry keys create with a 5-digit account: want a non-zero exit saying 12 digits; got %v", r)
	}
}

// TestDomainClaimErrors checks that a bad claim fails with a message that
// tells the operator what to do.
func TestDomainClaimErrors(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	made, err := p.sdk(rootKeyID, rootSecret).CreateAccount(ctxT(t), &chime.CreateAccountInput{Name: aws.String("A")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(made.Account.AccountId)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"domain", "claim", id, "example.org", "--type", "Team"}, "EnterpriseLWA, EnterpriseDirectory"},
		{[]string{"domain", "claim", id, "example.org", "--type", "enterprisedirectory"}, "EnterpriseLWA, EnterpriseDirectory"},
		{[]string{"domain", "claim", id, "example.org"}, "--type"},
		{[]string{"domain", "claim", id}, "usage"},
		{[]string{"domain", "claim", "no-such-account", "example.org", "--type", "EnterpriseLWA"}, "NotFound"},
	} {
		r := p.operator(tc.args...)
		if exitCode(r.Err) <= 0 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("belfry %s: want a non-zero exit and %q on stderr; got %v", strings.Join(tc.args, " "), tc.want, r)
		}
	}
	got, err := p.sdk(rootKeyID, rootSecret).GetAccount(ctxT(t), &chime.GetAccountInput{AccountId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Account.AccountType != types.AccountTypeTeam {
		t.Errorf("after failed claims the account is %s, want still Team", got.Account.AccountType)
	}
}

// TestSIGTERMStopsPromptly checks that the process exits 0 soon after
// SIGTERM, as service managers and container runtimes expect.
func TestSIGTERMStopsPromptly(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	// An idle keep-alive connection must not hold the shutdown up.
	if _, err := p.sdk(rootKeyID, rootSecret).ListAccounts(ctxT(t), &chime.ListAccountsInput{}); err != nil {
		t.Fatal(err)
	}
	d, err := p.stop(syscall.SIGTERM, 5*time.Second)
	if err != nil {
		t.Fatalf("after SIGTERM belfry exited with %v (after %v), want status 0", err, d)
	}
}

// TestDataSurvivesSIGKILL acknowledges 20 users, kills the process with
// SIGKILL, and checks that a restart on the same data directory has them all.
func TestDataSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	ctx := ctxT(t)
	c := p.sdk(rootKeyID, rootSecret)
	team, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Team")})
	if err != nil {
		t.Fatal(err)
	}
	corp, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Corp")})
	if err != nil {
		t.Fatal(err)
	}
	teamID, corpID := aws.ToString(team.Account.AccountId), aws.ToString(corp.Account.AccountId)
	p.claim(corpID, "example.org", "EnterpriseLWA")

	var invited []string
	for i := range 10 {
		invited = append(invited, fmt.Sprintf("invitee%d@example.com", i))
	}
	if _, err := c.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: &teamID, UserEmailList: invited}); err != nil {
		t.Fatal(err)
	}
	created := map[string]types.User{}
	for i := range 10 {
		out, err := c.CreateUser(ctx, &chime.CreateUserInput{AccountId: &corpID, Email: aws.String(fmt.Sprintf("staff%d@example.org", i))})
		if err != nil {
			t.Fatal(err)
		}
		created[aws.ToString(out.User.UserId)] = *out.User
	}

	if _, err := p.stop(syscall.SIGKILL, stopTimeout); err == nil {
		t.Fatal("SIGKILL: the process exited 0, want killed")
	}
	again := startBelfry(t, startOptions{DataDir: p.DataDir})
	c = again.sdk(rootKeyID, rootSecret)

	var got []string
	users, err := c.ListUsers(ctx, &chime.ListUsersInput{AccountId: &teamID})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users.Users {
		got = append(got, aws.ToString(u.PrimaryEmail))
	}
	if !slices.Equal(got, invited) {
		t.Errorf("invited users after SIGKILL and restart: got %v, want %v", got, invited)
	}
	for id, want := range created {
		out, err := c.GetUser(ctx, &chime.GetUserInput{AccountId: &corpID, UserId: &id})
		if err != nil {
			t.Errorf("GetUser %s after SIGKILL and restart: %v", id, err)
			continue
		}
		if aws.ToString(out.User.PrimaryEmail) != aws.ToString(want.PrimaryEmail) || aws.ToString(out.User.PersonalPIN) != aws.ToString(want.PersonalPIN) {
			t.Errorf("user %s after restart: %s PIN %s, want %s PIN %s", id, aws.ToString(out.User.PrimaryEmail),
				aws.ToString(out.User.PersonalPIN), aws.ToString(want.PrimaryEmail), aws.ToString(want.PersonalPIN))
		}
	}
	acct, err := c.GetAccount(ctx, &chime.GetAccountInput{AccountId: &corpID})
	if err != nil || acct.Account.AccountType != types.AccountTypeEnterpriseLWA {
		t.Errorf("the claimed account after restart: %+v, %v; want EnterpriseLWA", acct, err)
	}
}

// TestHealthEndpoints checks the probes a load balancer uses: they answer
// 200 without a signature, while the API refuses an unsigned request.
func TestHealthEndpoints(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := client.Get(p.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s %s, want 200", path, resp.Status, body)
		}
	}
	resp, err := client.Get(p.URL + "/accounts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("X-Amzn-ErrorType") != "UnauthorizedClientException" {
		t.Errorf("unsigned GET /accounts: %s %s, want 401 UnauthorizedClientException", resp.Status, resp.Header.Get("X-Amzn-ErrorType"))
	}
}
