package mail

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/smtptest"
)

// Two workers on one outbox (as two replicas would be) share it through
// leases: every message goes out exactly once.
func TestWorkersNeverSendTwice(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	o := newOutbox(t).team(t)
	for i := range 4 {
		o.invite(t, addresses(string(rune('a'+i))+"-user", 50)...)
	}
	for _, id := range []string{"replica-1", "replica-2"} {
		cfg := testWorkerConfig()
		cfg.ID = id
		run(t, NewWorker(o.svc, newSender(t, srv.URL()), cfg))
	}
	srv.WaitFor(t, 200, 30*time.Second)
	time.Sleep(200 * time.Millisecond) // a duplicate would arrive now
	seen := map[string]int{}
	for _, r := range srv.Received() {
		seen[r.Header(t).Get("Message-ID")]++
	}
	if len(seen) != 200 {
		t.Errorf("%d distinct messages delivered, want 200", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s delivered %d times", id, n)
		}
	}
	if n := len(o.queued(t)); n != 0 {
		t.Errorf("%d messages still queued", n)
	}
}

// Run stops promptly when its context ends, even with a send stuck on a
// slow server; the message it abandons stays queued, unrecorded, and goes
// once its lease has run out.
func TestWorkerStopsPromptly(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.SetDelay(5 * time.Second)
	o := newOutbox(t).team(t)
	o.invite(t, "slow@example.com")
	var m *belfry.Mail
	for _, m = range o.queued(t) {
	}
	stop := run(t, NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig()))
	eventually(t, 5*time.Second, "send under way", func() bool { return srv.Rcpts("slow@example.com") == 1 })
	if d := stop(); d > time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	if got := o.mail(t, m.ID); got.Status != belfry.MailQueued || got.Attempts != 0 {
		t.Errorf("abandoned message: %s after %d attempts, want Queued and no attempt recorded", got.Status, got.Attempts)
	}
	srv.SetDelay(0)
	cfg := testWorkerConfig()
	cfg.Clock = func() time.Time { return time.Now().Add(3 * time.Minute) } // past the 2-minute lease
	run(t, NewWorker(o.svc, newSender(t, srv.URL()), cfg))
	srv.WaitFor(t, 1, 10*time.Second)
	eventually(t, 5*time.Second, "message recorded as sent", func() bool { return o.mail(t, m.ID).Status == belfry.MailSent })
}

// A worker killed with SIGKILL in the middle of sending loses nothing: the
// messages it had claimed go out, once, when their leases run out, and the
// rest at once.
func TestWorkerSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	srv := smtptest.Start(t, smtptest.Options{})
	srv.SetDelay(10 * time.Second)
	path := t.TempDir() + "/belfry.db"
	o := openOutbox(t, path).team(t)
	emails := addresses("kill", 5)
	o.invite(t, emails...)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$")
	cmd.Env = append(os.Environ(), "BELFRY_TEST_WORKER_DB="+path, "BELFRY_TEST_SMTP_URL="+srv.URL())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "child sending", func() bool { return srv.Rcpts(emails[0]) == 1 })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	srv.SetDelay(0)
	run(t, NewWorker(o.svc, newSender(t, srv.URL()), testWorkerConfig()))
	srv.WaitFor(t, 5, 20*time.Second)
	time.Sleep(200 * time.Millisecond) // a duplicate would arrive now
	for _, e := range emails {
		n := 0
		for _, r := range srv.Received() {
			if r.To[0] == e {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d messages, want 1", e, n)
		}
	}
}

// TestHelperWorkerProcess is the worker TestWorkerSurvivesSIGKILL kills: a
// short lease, one message at a time.
func TestHelperWorkerProcess(t *testing.T) {
	path := os.Getenv("BELFRY_TEST_WORKER_DB")
	if path == "" {
		t.Skip("run by TestWorkerSurvivesSIGKILL")
	}
	o := openOutbox(t, path)
	cfg := testWorkerConfig()
	cfg.Concurrency, cfg.Batch, cfg.Lease = 1, 2, 4*time.Second
	_ = NewWorker(o.svc, newSender(t, os.Getenv("BELFRY_TEST_SMTP_URL")), cfg).Run(context.Background())
}
