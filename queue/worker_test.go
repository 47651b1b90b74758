package queue

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// fixture is a real SQLite store with a Team account whose invitations
// queue mail jobs through the service, as in production; the tests run
// those jobs with handlers of their own.
type fixture struct {
	svc     *belfry.Service
	ctx     context.Context
	account string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	f := &fixture{
		svc: &belfry.Service{Store: db, Invitations: belfry.Invitations{
			PublicURL: "http://127.0.0.1:8080", Composer: composer{},
		}},
		ctx: belfry.WithCaller(context.Background(),
			belfry.Caller{AwsAccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root"}),
	}
	a, err := f.svc.CreateAccount(f.ctx, "Ops Team")
	if err != nil {
		t.Fatal(err)
	}
	f.account = a.ID
	return f
}

type composer struct{}

func (composer) ComposeInvite(e belfry.InviteEmail) (string, string, string, error) {
	return "Join " + e.AccountName, e.Link, "<a href=\"" + e.Link + "\">join</a>", nil
}

// invite queues one mail job per address and returns the invites.
func (f *fixture) invite(t *testing.T, emails ...string) []*belfry.Invite {
	t.Helper()
	invs, err := f.svc.InviteUsers(f.ctx, f.account, emails, "")
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

// jobs lists the account's jobs.
func (f *fixture) jobs(t *testing.T, statuses ...belfry.JobStatus) []*belfry.Job {
	t.Helper()
	list, err := f.svc.ListJobs(f.ctx, belfry.JobFilter{AccountID: f.account, Statuses: statuses}, belfry.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func testConfig() Config {
	return Config{Poll: 20 * time.Millisecond, RetryFirst: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond}
}

func run(t *testing.T, w *Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
}

// waitFor waits, without a deadline of its own (the test's is enough),
// until cond holds, looking again each time the worker records an outcome.
func waitFor(t *testing.T, w *Worker, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-w.Changed():
		case <-time.After(50 * time.Millisecond):
		case <-t.Context().Done():
			t.Fatal("test ended while waiting")
		}
	}
}

// Each job runs once; done jobs lose their secret, and the mail kind's hook
// marks the invite's e-mail Sent.
func TestWorkerRunsEachJobOnce(t *testing.T) {
	f := newFixture(t)
	invs := f.invite(t, "ana@example.com", "bo@example.com", "cy@example.com")
	var mu sync.Mutex
	ran := map[string]int{}
	w := New(belfry.KindMail, f.svc, HandlerFunc(func(_ context.Context, j *belfry.Job) error {
		mu.Lock()
		defer mu.Unlock()
		if len(j.Secret) == 0 {
			t.Errorf("job %s handed to its handler without its secret", j.ID)
		}
		ran[j.ID]++
		return nil
	}), testConfig())
	run(t, w)
	waitFor(t, w, func() bool { return len(f.jobs(t, belfry.JobDone)) == 3 })
	mu.Lock()
	defer mu.Unlock()
	for id, n := range ran {
		if n != 1 {
			t.Errorf("job %s ran %d times, want once", id, n)
		}
	}
	for _, j := range f.jobs(t) {
		if j.Status != belfry.JobDone || len(j.Secret) != 0 || j.Finished.IsZero() || j.LeaseHolder != "" {
			t.Errorf("job after running: %s, secret %q, finished %v, lease %q; want Done, scrubbed, a time, released",
				j.Status, j.Secret, j.Finished, j.LeaseHolder)
		}
	}
	for _, inv := range invs {
		u, err := f.svc.GetUser(f.ctx, f.account, inv.UserID)
		if err != nil || u.Invitation != belfry.InvitePending {
			t.Errorf("user %s after the mail went: %v, %v; want still Pending", inv.Email, u, err)
		}
	}
}

// A permanent failure fails the job at once and runs the kind's failure
// hook: the invitation fails with its e-mail.
func TestWorkerPermanentFailure(t *testing.T) {
	f := newFixture(t)
	invs := f.invite(t, "gone@example.com")
	w := New(belfry.KindMail, f.svc, HandlerFunc(func(context.Context, *belfry.Job) error {
		return Permanent(errors.New("550 no such user"))
	}), testConfig())
	run(t, w)
	waitFor(t, w, func() bool { return len(f.jobs(t, belfry.JobFailed)) == 1 })
	j := f.jobs(t)[0]
	if j.Attempts != 1 || j.LastError != "550 no such user" || len(j.Secret) != 0 {
		t.Errorf("failed job: %d attempts, last error %q, secret %q; want 1, the reason, scrubbed", j.Attempts, j.LastError, j.Secret)
	}
	u, err := f.svc.GetUser(f.ctx, f.account, invs[0].UserID)
	if err != nil || u.Invitation != belfry.InviteFailed {
		t.Errorf("user after a permanent failure: %+v, %v; want invitation Failed", u, err)
	}
	if w.Healthy() != true {
		t.Error("Healthy() = false after the far end answered with a refusal")
	}
}

// A job that keeps failing is retried with backoff until MaxAttempts, then
// failed with the count in its reason.
func TestWorkerGivesUp(t *testing.T) {
	f := newFixture(t)
	f.invite(t, "flaky@example.com")
	var tries sync.Map
	cfg := testConfig()
	cfg.MaxAttempts = 3
	w := New(belfry.KindMail, f.svc, HandlerFunc(func(_ context.Context, j *belfry.Job) error {
		n, _ := tries.LoadOrStore(j.ID, new(int))
		*n.(*int)++
		return errors.New("connection refused")
	}), cfg)
	run(t, w)
	waitFor(t, w, func() bool { return len(f.jobs(t, belfry.JobFailed)) == 1 })
	j := f.jobs(t)[0]
	if j.Attempts != 3 || !strings.HasPrefix(j.LastError, "gave up after 3 attempts: connection refused") {
		t.Errorf("job: %d attempts, last error %q; want 3 and why it gave up", j.Attempts, j.LastError)
	}
	if w.Healthy() {
		t.Error("Healthy() = true after the far end could not be reached")
	}
}

// Healthy turns false when due jobs waited long to be claimed: the worker
// is behind, and InviteUsers should not wait for it.
func TestWorkerHealthyLag(t *testing.T) {
	f := newFixture(t)
	f.svc.Clock = func() time.Time { return time.Now().Add(-time.Minute) }
	f.invite(t, "late@example.com")
	w := New(belfry.KindMail, f.svc, HandlerFunc(func(context.Context, *belfry.Job) error { return nil }), testConfig())
	if !w.Healthy() {
		t.Error("a new worker is not healthy")
	}
	if cs, err := w.claim(context.Background(), 10); err != nil || len(cs) != 1 {
		t.Fatalf("claim = %d jobs, %v; want 1", len(cs), err)
	}
	if w.Healthy() {
		t.Error("Healthy() = true after claiming a job due a minute ago")
	}
	if cs, err := w.claim(context.Background(), 10); err != nil || len(cs) != 0 {
		t.Fatalf("claim = %d jobs, %v; want none", len(cs), err)
	}
	if !w.Healthy() {
		t.Error("Healthy() = false once the queue is drained")
	}
}

// A temporary failure is kept in the queue with the next attempt's time,
// so the backoff holds across restarts, and the job is not claimed before
// it.
func TestWorkerRetryIsStored(t *testing.T) {
	f := newFixture(t)
	f.invite(t, "later@example.com")
	t0 := time.Now()
	now := t0
	cfg := testConfig()
	cfg.RetryFirst, cfg.RetryMax, cfg.Clock = 30*time.Second, time.Hour, func() time.Time { return now }
	w := New(belfry.KindMail, f.svc, HandlerFunc(func(context.Context, *belfry.Job) error { return nil }), cfg)
	cs, err := w.claim(context.Background(), 10)
	if err != nil || len(cs) != 1 {
		t.Fatalf("claim = %d jobs, %v; want 1", len(cs), err)
	}
	w.settle(context.Background(), cs[0].j, errors.New("dial tcp 127.0.0.1:1: connection refused"))
	j := f.jobs(t)[0]
	if j.Status != belfry.JobQueued || j.Attempts != 1 || !strings.Contains(j.LastError, "connection refused") || !j.Retrying() {
		t.Errorf("after a temporary failure: %s, %d attempts, last error %q; want Queued, 1, the error",
			j.Status, j.Attempts, j.LastError)
	}
	if d := j.Due.Sub(t0); d < 27*time.Second || d > 33*time.Second {
		t.Errorf("next attempt in %v, want 30s give or take a tenth", d)
	}
	now = t0.Add(20 * time.Second)
	if cs, _ := w.claim(context.Background(), 10); len(cs) != 0 {
		t.Error("job claimed before its retry is due")
	}
	now = t0.Add(40 * time.Second)
	if cs, _ := w.claim(context.Background(), 10); len(cs) != 1 {
		t.Error("job not claimed once its retry is due")
	}
}

// A worker claims only jobs of its own kind.
func TestWorkerClaimsItsKindOnly(t *testing.T) {
	f := newFixture(t)
	f.invite(t, "ana@example.com")
	w := New("other", f.svc, HandlerFunc(func(context.Context, *belfry.Job) error { return nil }), testConfig())
	if cs, err := w.claim(context.Background(), 10); err != nil || len(cs) != 0 {
		t.Errorf("a worker of another kind claimed %d mail jobs, %v; want none", len(cs), err)
	}
}

func TestBackoff(t *testing.T) {
	w := New(belfry.KindMail, nil, nil, Config{})
	for _, tt := range []struct {
		attempts int
		want     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, time.Hour}, {40, time.Hour}} {
		got := w.backoff(tt.attempts)
		if got < tt.want*9/10 || got > tt.want*11/10 {
			t.Errorf("backoff(%d) = %v, want %v give or take a tenth", tt.attempts, got, tt.want)
		}
	}
}
