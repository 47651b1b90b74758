package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/belfryhq/belfry/storetest"
)

// historyRoom opens a store at path with one room of account a whose one
// member has posted n messages, seeded by one INSERT ... SELECT over a
// second connection, since n may be a million; it returns the store and
// the room. The caller closes the store.
func historyRoom(tb testing.TB, path string, n int) (*sqlite.Store, *belfry.Account, belfry.Thread) {
	tb.Helper()
	ctx := context.Background()
	s := open(tb, path)
	a, r, u := storetest.SeedRoom(tb, s)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO messages (id, account_id, room_id, sender_id, sender_type, sender_name, sender_email, content, created)
		SELECT printf('00000000-0000-4000-8000-%012d', i), ?, ?, ?, 'User', 'Ana', 'ana@example.com',
			'message number ' || i || ' with some **markdown** in it', ? + i FROM n`,
		n, a.ID, r.ID, u.ID, time.Now().UnixMicro())
	if err != nil {
		tb.Fatal(err)
	}
	return s, a, belfry.Thread{RoomID: r.ID}
}

// BenchmarkHistory reads a page of 50 messages, the latest and one from
// the middle of the history, of a room of 1,000 and of 1,000,000 messages:
// keyset paging on (room_id, seq) makes a page cost the same whatever the
// length and the depth.
func BenchmarkHistory(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		s, a, room := historyRoom(b, filepath.Join(b.TempDir(), "belfry.db"), n)
		b.Cleanup(func() { s.Close() })
		latest, err := s.ListHistory(context.Background(), a.ID, room, 0, 1)
		if err != nil || len(latest) != 1 {
			b.Fatalf("ListHistory() = %d messages, %v", len(latest), err)
		}
		for _, at := range []struct {
			name   string
			before int64
		}{{"latest", 0}, {"middle", latest[0].Seq / 2}} {
			b.Run(fmt.Sprintf("messages=%d/%s", n, at.name), func(b *testing.B) {
				for b.Loop() {
					page, err := s.ListHistory(context.Background(), a.ID, room, at.before, 50)
					if err != nil || len(page) != 50 {
						b.Fatalf("ListHistory() = %d messages, %v; want 50", len(page), err)
					}
				}
			})
		}
	}
}

// TestRedactionLeavesNoTrace redacts a message, closes the store, which
// checkpoints the write-ahead log into the file and removes it, and checks
// that the file's bytes no longer hold the content: SQLite would otherwise
// leave the old bytes in the page's free space (secure_delete).
func TestRedactionLeavesNoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "belfry.db")
	s, a, room := historyRoom(t, path, 1)
	const secret = "zebra-launch-code-7f3a9c"
	m := &belfry.Message{ID: "00000000-0000-4000-8000-00000000beef", AccountID: a.ID, RoomID: room.RoomID,
		Sender:  belfry.Sender{ID: "user-history", Type: belfry.MemberUser},
		Content: strings.Repeat(secret+" ", 20), Created: time.Now()}
	if err := s.PostMessage(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RedactMessage(t.Context(), a.ID, room, m.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte(secret)); n > 0 {
			t.Errorf("%s holds the redacted content %d times; want none", filepath.Base(name), n)
		}
	}
}
