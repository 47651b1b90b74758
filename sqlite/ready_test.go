package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// TestPingSeesFailedWrites turns the writer's connection read-only, as a
// database file that went read-only would be: a write fails, and Ping, which
// answered before, fails as Unavailable and says why, though reads still
// work; once writes work again, so does Ping.
func TestPingSeesFailedWrites(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping() on a new store = %v", err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	err = s.CreateAccount(ctx, testAccount(1))
	if belfry.ErrorKind(err) != belfry.Unavailable {
		t.Fatalf("CreateAccount() on a read-only writer = %v (kind %v); want Unavailable", err, belfry.ErrorKind(err))
	}
	err = s.Ping(ctx)
	if belfry.ErrorKind(err) != belfry.Unavailable || !strings.Contains(belfry.ErrorMessage(err), "writes fail: the database file is read-only") {
		t.Errorf("Ping() after a failed write = %v; want Unavailable saying the file is read-only", err)
	}
	if _, err := s.ListAccounts(ctx, belfry.AccountFilter{}, belfry.Page{}); err != nil {
		t.Errorf("ListAccounts() = %v; reads should still work", err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping() once writes work again = %v", err)
	}
}

// TestFullDiskIsUnavailable caps the database file at the pages it has,
// which is to SQLite what a full disk is: writes go on until one needs a
// new page and fails with SQLITE_FULL. The store must answer that write
// as Unavailable, a failure that passes, which the API answers with 503
// and clients retry, not as the Internal fault of a 500.
func TestFullDiskIsUnavailable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	var pages int
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	for i := range 10000 {
		err = s.CreateAccount(ctx, testAccount(i))
		if err != nil {
			break
		}
	}
	if belfry.ErrorKind(err) != belfry.Unavailable || !strings.Contains(belfry.ErrorMessage(err), "the disk is full") {
		t.Errorf("CreateAccount() once the file may not grow = %v (kind %v); want Unavailable saying the disk is full",
			err, belfry.ErrorKind(err))
	}
}
