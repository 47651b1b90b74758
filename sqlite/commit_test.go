package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// patience bounds each wait of these tests, so that a write that hangs
// fails the test instead of hanging it; nothing passes by waiting.
const patience = 10 * time.Second

// TestWritesAfterClose holds the writer inside one write, queues more behind
// it and closes the store: the running write commits, the queued ones and
// any write after Close fail as Unavailable, and none of them hangs.
func TestWritesAfterClose(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	started, release := make(chan struct{}), make(chan struct{})
	running := make(chan error, 1)
	go func() {
		running <- s.write(ctx, func(*sql.Tx) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	const queued = 5
	answers := make(chan error, queued)
	for i := range queued {
		go func() { answers <- s.CreateAccount(ctx, testAccount(i)) }()
	}
	waitFor(t, "the writes to queue", func() bool { return len(s.c.queue) == queued })
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitFor(t, "Close to refuse writes", func() bool {
		s.c.mu.RLock()
		defer s.c.mu.RUnlock()
		return s.c.closed
	})
	close(release)

	if err := receive(t, running, "the running write"); err != nil {
		t.Errorf("the write running when Close began = %v; want it committed", err)
	}
	for range queued {
		if err := receive(t, answers, "a queued write"); belfry.ErrorKind(err) != belfry.Unavailable {
			t.Errorf("a write queued at Close = %v; want kind Unavailable", err)
		}
	}
	if err := receive(t, closed, "Close"); err != nil {
		t.Errorf("Close() = %v", err)
	}
	after := make(chan error, 1)
	go func() { after <- s.CreateAccount(ctx, testAccount(queued)) }()
	if err := receive(t, after, "a write after Close"); belfry.ErrorKind(err) != belfry.Unavailable ||
		belfry.ErrorMessage(err) != errClosed.Message {
		t.Errorf("a write after Close = %v; want %q, kind Unavailable", err, errClosed.Message)
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close() = %v; want nil", err)
	}
}

func testAccount(i int) *belfry.Account {
	return &belfry.Account{AwsAccountID: "100000000001", ID: fmt.Sprintf("acc-%d", i), Name: fmt.Sprintf("A%d", i),
		Type: belfry.Team, Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), DefaultLicense: belfry.Pro,
		Status: belfry.AccountActive}
}

// receive returns what c delivers, failing t if nothing comes in patience.
func receive(t *testing.T, c <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(patience):
		t.Fatalf("%s has not returned after %v", what, patience)
		return nil
	}
}

// waitFor polls cond until it holds, failing t after patience.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(patience); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", patience, what)
		}
		time.Sleep(time.Millisecond)
	}
}
