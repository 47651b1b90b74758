package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestPingSeesFailedWrites makes every write to users and to the write
// probe fail as a full disk does (SQLSTATE 53100, disk_full), with
// triggers: a write fails, and Ping, which answered before, fails as
// Unavailable and says why, though the database still answers; once the
// triggers are gone, Ping answers again.
func TestPingSeesFailedWrites(t *testing.T) {
	u := pgtest.Schema(t, dbURL)
	s := open(t, u)
	defer s.Close()
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping() on a new store = %v", err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`)
	exec(`CREATE TRIGGER full_accounts BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION disk_full()`)
	exec(`CREATE TRIGGER full_probe BEFORE UPDATE ON write_probe FOR EACH ROW EXECUTE FUNCTION disk_full()`)

	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-1", Name: "Full", Type: belfry.Team,
		Created: time.Now(), DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(ctx, a); err == nil {
		t.Fatal("CreateAccount() on a full disk succeeded")
	}
	err = s.Ping(ctx)
	if belfry.ErrorKind(err) != belfry.Unavailable || !strings.Contains(belfry.ErrorMessage(err), "writes fail: the database server's disk is full") {
		t.Errorf("Ping() after a failed write = %v; want Unavailable saying the disk is full", err)
	}
	if strings.Contains(belfry.ErrorMessage(err), "No space left") {
		t.Errorf("Ping()'s message %q repeats the server's words; want SQLSTATE's only", belfry.ErrorMessage(err))
	}
	exec(`DROP TRIGGER full_accounts ON accounts`)
	exec(`DROP TRIGGER full_probe ON write_probe`)
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping() once writes work again = %v", err)
	}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Errorf("CreateAccount() once writes work again = %v", err)
	}
}
