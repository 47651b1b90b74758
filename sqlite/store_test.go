package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/belfryhq/belfry/storetest"
	"github.com/google/go-cmp/cmp"
)

func TestStore(t *testing.T) {
	storetest.ConfigureEvents = sqlite.ConfigureEvents
	storetest.Run(t, func(t *testing.T) belfry.Store { return open(t, filepath.Join(t.TempDir(), "belfry.db")) })
}

// open opens the store at path and fails t if it cannot.
func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	return s
}

// TestReopen checks that what a store holds survives Close and Open, and
// that opening an up-to-date file again applies no migration twice.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "dir with spaces?and#marks%", "belfry.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	s := open(t, path)
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-1", Name: "Kept", Type: belfry.Team, Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatalf("CreateAccount() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	s = open(t, path)
	defer s.Close()
	got, err := s.Account(ctx, "", a.ID)
	if err != nil {
		t.Fatalf("Account() after reopening = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("Account() after reopening mismatch (-got +want):\n%s", diff)
	}
}

// TestDeletedAccountIsNotFound checks that an account whose deleted_at is
// set, which DeleteAccount will do, disappears from Account and ListAccounts.
func TestDeletedAccountIsNotFound(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "belfry.db")
	s := open(t, path)
	defer s.Close()
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-1", Name: "Gone", Type: belfry.Team, Created: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatalf("CreateAccount() = %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `UPDATE accounts SET deleted_at = 1 WHERE id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Account(ctx, "", a.ID); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("Account(deleted) = %v; want NotFound", err)
	}
	for _, f := range []belfry.AccountFilter{{}, {AwsAccountID: a.AwsAccountID}} {
		list, err := s.ListAccounts(ctx, f, belfry.Page{Limit: 10})
		if err != nil || len(list) != 0 {
			t.Errorf("ListAccounts(%+v) = %d accounts, %v; want none", f, len(list), err)
		}
	}
}
