package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// outbox is a real SQLite store in a temporary directory, with a Team
// account whose invitations queue e-mail through the service, as in
// production.
type outbox struct {
	db      *sqlite.Store
	svc     *belfry.Service
	ctx     context.Context
	account string
}

func newOutbox(t testing.TB) *outbox {
	t.Helper()
	return openOutbox(t, filepath.Join(t.TempDir(), "belfry.db"))
}

func openOutbox(t testing.TB, path string) *outbox {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	o := &outbox{db: db, ctx: belfry.WithCaller(context.Background(),
		belfry.Caller{AwsAccountID: "123456789012", ARN: "arn:aws:iam::123456789012:root"})}
	o.svc = &belfry.Service{Store: db, Invitations: belfry.Invitations{
		PublicURL: "http://127.0.0.1:8080", ReplyTo: "admin@example.com", Composer: DefaultTemplates(),
		Wait: 10 * time.Second,
	}}
	return o
}

// team creates the Team account that invitations go to.
func (o *outbox) team(t testing.TB) *outbox {
	t.Helper()
	a, err := o.svc.CreateAccount(o.ctx, "Ops Team")
	if err != nil {
		t.Fatal(err)
	}
	o.account = a.ID
	return o
}

// invite calls InviteUsers, which queues one message per new invite.
func (o *outbox) invite(t testing.TB, emails ...string) []*belfry.Invite {
	t.Helper()
	invs, err := o.svc.InviteUsers(o.ctx, o.account, emails, "")
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

// addresses returns n distinct addresses.
func addresses(prefix string, n int) []string {
	as := make([]string, n)
	for i := range as {
		as[i] = fmt.Sprintf("%s%03d@example.com", prefix, i)
	}
	return as
}

// queued returns the undelivered messages by ID.
func (o *outbox) queued(t testing.TB) map[string]*belfry.Mail {
	t.Helper()
	ms := map[string]*belfry.Mail{}
	var p belfry.Page
	for {
		p.Limit = 1000
		page, err := o.svc.QueuedMails(o.ctx, "", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			ms[m.ID] = m
			p.After = m.Seq
		}
		if len(page) < p.Limit {
			return ms
		}
	}
}

// mail reads one message back from the store.
func (o *outbox) mail(t testing.TB, id string) *belfry.Mail {
	t.Helper()
	ms, err := o.svc.Mails(o.ctx, []string{id})
	if err != nil || len(ms) != 1 {
		t.Fatalf("Mails(%s) = %v, %v", id, ms, err)
	}
	return ms[0]
}

// eventually polls cond until it holds, failing the test after d.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`http://127\.0\.0\.1:8080/invitations/([A-Za-z0-9_%-]+)`)

// inviteOf finds the invite whose link a message carries.
func (o *outbox) inviteOf(t testing.TB, link string) *belfry.Invite {
	t.Helper()
	m := linkRE.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("no accept link in %q", link)
	}
	token, err := url.PathUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err := o.db.InviteByToken(o.ctx, belfry.InviteTokenHash(token))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// testWorkerConfig is quick enough for tests: short polls and backoff.
func testWorkerConfig() WorkerConfig {
	return WorkerConfig{Poll: 20 * time.Millisecond, RetryFirst: 50 * time.Millisecond,
		RetryMax: 200 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
}

// run starts w until the test ends, and returns a function that stops it
// and reports how long stopping took.
func run(t testing.TB, w *Worker) (stop func() time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	stop = func() time.Duration {
		if stopped {
			return 0
		}
		stopped = true
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop within 10s of its context ending")
		}
		return time.Since(start)
	}
	t.Cleanup(func() { stop() })
	return stop
}
