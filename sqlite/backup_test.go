package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// TestBackup backs up an open store into a directory whose name SQLite's
// URI syntax would misread, and opens the copy as a store.
func TestBackup(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "belfry.db")
	s := open(t, path)
	defer s.Close()
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-1", Name: "Backed up", Type: belfry.Team,
		Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups ?#%")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "belfry.db")
	if err := sqlite.Backup(ctx, path, dest); err != nil {
		t.Fatalf("Backup() = %v", err)
	}
	if err := sqlite.Backup(ctx, path, dest); err == nil {
		t.Error("a second Backup() to the same file succeeded, want it refused")
	}
	if err := sqlite.Backup(ctx, filepath.Join(t.TempDir(), "none.db"), filepath.Join(dir, "other.db")); err == nil {
		t.Error("Backup() of no database succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the backup directory holds %d files, want the one backup and no leftovers", len(entries))
	}
	copied := open(t, dest)
	defer copied.Close()
	if got, err := copied.Account(ctx, "", a.ID); err != nil || got.Name != a.Name {
		t.Errorf("Account() in the backup = %+v, %v; want %q", got, err, a.Name)
	}
}
