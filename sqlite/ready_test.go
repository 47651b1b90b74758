package sqlite

import (
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
	if err := s.CreateAccount(ctx, testAccount(1)); err == nil {
		t.Fatal("CreateAccount() on a read-only writer succeeded")
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
