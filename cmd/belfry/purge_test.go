package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/mail"
	"github.com/belfryhq/belfry/sqlite"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// inProcess is a service on a real SQLite store, with a clock the test
// moves, and a caller of the root AWS account.
func inProcess(t *testing.T) (*belfry.Service, *fakeClock, context.Context) {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	svc := &belfry.Service{Store: store, Clock: clock.Now}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: rootAwsAcctID, AccessKeyID: rootKeyID})
	return svc, clock, ctx
}

// TestPurgeWorker deletes two accounts 89 and 91 days before "now", runs
// the worker, and checks that it purges the older only, keeps doing so at
// each tick, and stops when its context ends.
func TestPurgeWorker(t *testing.T) {
	svc, clock, ctx := inProcess(t)
	var ids []string
	for _, name := range []string{"old", "recent"} {
		a, err := svc.CreateAccount(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteAccount(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		clock.Add(2 * 24 * time.Hour)
	}
	clock.Add(89*24*time.Hour - 2*24*time.Hour) // old was deleted 91 days ago, recent 89
	var logs syncBuffer
	run, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- purgeWorker(svc, 10*time.Millisecond, belfry.DefaultJobRetention, slog.New(slog.NewTextHandler(&logs, nil)))(run)
	}()

	waitFor(t, "the old account to be purged", func() bool { return purgeable(t, svc, clock) == 1 })
	if _, err := svc.RestoreAccount(ctx, ids[0]); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("RestoreAccount(purged) = %v, want NotFound", err)
	}
	clock.Add(2 * 24 * time.Hour)
	waitFor(t, "the recent account to be purged at a later tick", func() bool { return purgeable(t, svc, clock) == 0 })

	stop()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the worker returned %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the worker did not stop within 2s of its context ending")
	}
	if !strings.Contains(logs.String(), "purged deleted accounts") {
		t.Errorf("the worker logged nothing of its purges:\n%s", logs.String())
	}
	events, err := svc.AuditEvents(context.Background(), belfry.AuditFilter{AccountID: ids[0]})
	if err != nil || len(events) != 1 || events[0].Operation != "PurgeAccount" {
		t.Errorf("audit events of the purged account = %+v, %v; want one PurgeAccount", events, err)
	}
}

// TestPurgeWorkerPrunesJobs fails one invitation e-mail 31 days before
// "now" and another today, runs the worker with a 30-day job retention,
// and checks that the old job is deleted while the recent failure stays
// for an operator's belfry jobs list --failed.
func TestPurgeWorkerPrunesJobs(t *testing.T) {
	svc, clock, ctx := inProcess(t)
	templates, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	svc.Invitations.Composer = templates
	a, err := svc.CreateAccount(ctx, "Team")
	if err != nil {
		t.Fatal(err)
	}
	fail := func(email string) string {
		t.Helper()
		if _, err := svc.InviteUsers(ctx, a.ID, []string{email}, belfry.PrivateUser); err != nil {
			t.Fatal(err)
		}
		jobs, err := svc.ClaimJobs(ctx, belfry.KindMail, "test", clock.Now(), time.Minute, 1)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("ClaimJobs() = %v, %v; want the invitation's e-mail", jobs, err)
		}
		o := belfry.JobOutcome{Status: belfry.JobFailed, At: clock.Now(), Reason: "550 no such user"}
		if err := svc.FinishJob(ctx, jobs[0], o); err != nil {
			t.Fatal(err)
		}
		return jobs[0].ID
	}
	fail("old@example.com")
	clock.Add(31 * 24 * time.Hour)
	recent := fail("recent@example.com")
	failed := func() []string {
		t.Helper()
		jobs, err := svc.ListJobs(ctx, belfry.JobFilter{Statuses: []belfry.JobStatus{belfry.JobFailed}}, belfry.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return ids(jobs)
	}
	run, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- purgeWorker(svc, time.Hour, 30*24*time.Hour, slog.New(slog.DiscardHandler))(run) }()
	defer func() { stop(); <-done }()
	waitFor(t, "the old job to be deleted", func() bool { return len(failed()) == 1 })
	if got := failed(); got[0] != recent {
		t.Errorf("failed jobs after pruning = %v; want the recent one, %s", got, recent)
	}
}

func ids(jobs []*belfry.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// purgeable counts deleted accounts the store still holds, purgeable or not.
func purgeable(t *testing.T, svc *belfry.Service, clock *fakeClock) int {
	t.Helper()
	ids, err := svc.Store.PurgeableAccounts(context.Background(), clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPurgeIntervalConfig(t *testing.T) {
	for _, tc := range []struct {
		env     string
		args    []string
		want    time.Duration
		wantErr string
	}{
		{"", nil, time.Hour, ""},
		{"15m", nil, 15 * time.Minute, ""},
		{"15m", []string{"-purge-interval", "30s"}, 30 * time.Second, ""},
		{"0s", nil, time.Hour, "must be positive"},
		{"-1h", nil, time.Hour, "must be positive"},
		{"soon", nil, time.Hour, "not a duration"},
		{"", []string{"-purge-interval", "0"}, 0, "must be positive"},
	} {
		t.Run(fmt.Sprint(tc.env, tc.args), func(t *testing.T) {
			cfg, err := parsePurgeFlags(t, "BELFRY_PURGE_INTERVAL", tc.env, tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("got %v, want an error saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.PurgeInterval != tc.want {
				t.Errorf("got %v, %v; want %v", cfg.PurgeInterval, err, tc.want)
			}
		})
	}
}

// parsePurgeFlags binds the purge's flags with environment variable env
// set to value, and parses args, as the server's start does.
func parsePurgeFlags(t *testing.T, env, value string, args []string) (*Config, error) {
	t.Setenv(env, value)
	cfg := new(Config)
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.bindPurge(fs)
	return cfg, errors.Join(append(cfg.envErrs, fs.Parse(args))...)
}

// TestJobRetentionConfig checks that job retention defaults to 30 days and
// follows BELFRY_JOB_RETENTION, then the flag, refusing what is not positive.
func TestJobRetentionConfig(t *testing.T) {
	for _, tc := range []struct {
		env     string
		args    []string
		want    time.Duration
		wantErr string
	}{
		{"", nil, 30 * 24 * time.Hour, ""},
		{"168h", nil, 7 * 24 * time.Hour, ""},
		{"168h", []string{"-job-retention", "1h"}, time.Hour, ""},
		{"0s", nil, 0, "must be positive"},
	} {
		t.Run(fmt.Sprint(tc.env, tc.args), func(t *testing.T) {
			cfg, err := parsePurgeFlags(t, "BELFRY_JOB_RETENTION", tc.env, tc.args)
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got %v, want an error saying %q", err, tc.wantErr)
			case tc.wantErr == "" && (err != nil || cfg.JobRetention != tc.want):
				t.Errorf("got %v, %v; want %v", cfg.JobRetention, err, tc.want)
			}
		})
	}
}

// TestAuditExportPages exports more events than one page of the operator
// API holds, with and without a limit, and checks that every event is
// printed once, in order, one JSON object a line.
func TestAuditExportPages(t *testing.T) {
	svc, _, ctx := inProcess(t)
	root := &belfry.AccessKey{ID: rootKeyID, Secret: rootSecret, AwsAccountID: rootAwsAcctID, Name: "root"}
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Root: root}))
	t.Cleanup(srv.Close)
	const n = auditPage + 7
	for i := range n {
		ev := &belfry.AuditEvent{Time: time.Now(), Operation: "CreateAccount", RequestID: fmt.Sprint(i)}
		if _, err := svc.CreateAccount(belfry.WithAudit(ctx, ev), fmt.Sprint("a", i)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &Config{Endpoint: srv.URL, DataDir: t.TempDir(), RootAccessKeyID: rootKeyID, RootSecretAccessKey: rootSecret}
	for _, tc := range []struct{ limit, want int }{{0, n}, {auditPage + 2, auditPage + 2}, {3, 3}} {
		var out bytes.Buffer
		if err := exportAudit(context.Background(), cfg, auditQuery{limit: tc.limit}, &out); err != nil {
			t.Fatalf("exportAudit(limit %d) = %v", tc.limit, err)
		}
		events := auditLines(t, out.String())
		if len(events) != tc.want {
			t.Fatalf("exportAudit(limit %d) printed %d events, want %d", tc.limit, len(events), tc.want)
		}
		for i, ev := range events {
			if ev.RequestID != fmt.Sprint(i) {
				t.Fatalf("exportAudit(limit %d): line %d is request %s, want %d", tc.limit, i+1, ev.RequestID, i)
			}
		}
	}
}

// TestLifecycleCommandErrors checks that the operator's lifecycle commands
// fail with a message that says what is wrong.
func TestLifecycleCommandErrors(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"domain", "release"}, "usage: belfry domain release DOMAIN"},
		{[]string{"domain", "release", "example.org"}, "NotFound"},
		{[]string{"domain", "release", "not..a.domain"}, "BadRequest"},
		{[]string{"accounts"}, "usage: belfry accounts restore"},
		{[]string{"accounts", "restore"}, "usage: belfry accounts restore"},
		{[]string{"accounts", "restore", "no-such-account"}, "NotFound"},
		{[]string{"audit", "--since", "yesterday"}, "RFC 3339"},
		{[]string{"audit", "--limit", "-1"}, "negative"},
		{[]string{"audit", "extra"}, "usage: belfry audit"},
	} {
		r := p.operator(tc.args...)
		if exitCode(r.Err) <= 0 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("belfry %s: want a non-zero exit and %q on stderr; got %v", strings.Join(tc.args, " "), tc.want, r)
		}
	}
	if out := p.mustOperator("audit"); out != "" {
		t.Errorf("belfry audit on a new server printed %q, want nothing", out)
	}
}
