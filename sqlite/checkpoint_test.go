package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// TestWALStaysBounded writes many users from many goroutines at once, the
// load under which the WAL used to grow without end, into a store whose WAL
// limit is 128 KiB, and checks the WAL's size after every write: it may pass
// the limit by an eighth and one group's commit, never by more. The database grows to
// twice that bound, so a WAL that never started over would fail.
func TestWALStaysBounded(t *testing.T) {
	const (
		limit = 128 << 10
		// The WAL may pass the limit by an eighth and one group's
		// commit: 64 users and their audit records make about 300 KiB
		// of pages.
		bound   = limit + limit/8 + 512<<10
		writers = 16
		each    = 400
	)
	path := filepath.Join(t.TempDir(), "belfry.db")
	s, err := open(path, Options{}, limit)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	a := testAccount(1)
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		peak    int64
		wg      sync.WaitGroup
		failure error
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.CreateUser(ctx, testUser(a, w*each+i))
				size := fileSize(path + "-wal")
				mu.Lock()
				peak = max(peak, size)
				if err != nil && failure == nil {
					failure = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failure != nil {
		t.Fatalf("CreateUser: %v", failure)
	}
	// Without a restart the WAL would hold at least every page of the
	// database.
	if db := fileSize(path); db < 2*bound {
		t.Fatalf("the database holds %d bytes after %d writes; the test needs over %d to mean anything", db, writers*each, 2*bound)
	}
	t.Logf("after %d writes: database %d bytes, WAL at most %d bytes", writers*each, fileSize(path), peak)
	if peak > bound {
		t.Errorf("the WAL reached %d bytes; want at most %d (limit %d)", peak, bound, limit)
	}
	if peak == 0 {
		t.Error("the WAL was never seen; is the store in WAL mode?")
	}
}

// TestWALPragmas checks that the connection that runs the RESTART
// checkpoints gives up on readers after restartWait, so that the writer,
// which waits for it, pauses that long at most; and that the writer, which
// starts the WAL over, truncates it to walLimit.
func TestWALPragmas(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ms int64
	if err := s.ck.db.QueryRow(`PRAGMA busy_timeout`).Scan(&ms); err != nil || ms != restartWait.Milliseconds() {
		t.Errorf("checkpointer busy_timeout = %d ms, %v; want %d", ms, err, restartWait.Milliseconds())
	}
	var size int64
	if err := s.w.QueryRow(`PRAGMA journal_size_limit`).Scan(&size); err != nil || size != walLimit {
		t.Errorf("writer journal_size_limit = %d, %v; want %d", size, err, walLimit)
	}
}

func testUser(a *belfry.Account, i int) *belfry.User {
	return &belfry.User{
		ID: fmt.Sprintf("user-%08d", i), AccountID: a.ID, Email: fmt.Sprintf("user%d@example.com", i),
		DisplayName: fmt.Sprint("User ", i), License: belfry.Pro, Type: belfry.PrivateUser,
		Registration: belfry.Registered, RegisteredOn: time.Now(), PersonalPIN: fmt.Sprintf("%010d", i),
	}
}

// fileSize is the size of the file at path, 0 when there is none.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
