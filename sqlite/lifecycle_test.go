package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// TestPurgeLeavesNothing fills an account through the service, purges it,
// and then looks in every column of every table but the audit log for the
// IDs it held, so that a table added later and forgotten by the purge fails
// here rather than keeping a purged account's data or blocking the purge.
func TestPurgeLeavesNothing(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := &belfry.Service{Store: s, Clock: func() time.Time { return now }}
	ctx := belfry.WithCaller(context.Background(), belfry.Caller{AwsAccountID: "111122223333", ARN: "arn:aws:iam::111122223333:user/t"})
	held := fill(ctx, t, svc)
	suspendAll(ctx, t, svc, held[0])
	if _, _, err := svc.ReleaseDomain(ctx, "example.com"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteAccount(ctx, held[0]); err != nil {
		t.Fatal(err)
	}
	now = now.Add(belfry.DeletedAccountRetention + time.Hour)
	if n, err := svc.PurgeDeletedAccounts(ctx); err != nil || n != 1 {
		t.Fatalf("PurgeDeletedAccounts() = %d, %v; want 1", n, err)
	}
	for table, n := range rowsNaming(ctx, t, s, held) {
		t.Errorf("table %s still has %d rows naming the purged account's resources", table, n)
	}
}

// fill makes an account with a user, an invitee, a room, a membership and
// settings, and returns the IDs it made, the account's first.
func fill(ctx context.Context, t *testing.T, svc *belfry.Service) []string {
	t.Helper()
	a, err := svc.CreateAccount(ctx, "Doomed")
	if err != nil {
		t.Fatal(err)
	}
	invites, err := svc.InviteUsers(ctx, a.ID, []string{"bo@example.org"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseLWA); err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, a.ID, belfry.CreateUserInput{Email: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.CreateRoom(ctx, a.ID, "Ops", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateRoomMembership(ctx, a.ID, r.ID, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateUserSettings(ctx, a.ID, u.ID, &belfry.UserSettings{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateAccountSettings(ctx, a.ID, belfry.AccountSettingsUpdate{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutRetentionSettings(ctx, a.ID, 10, 0); err != nil {
		t.Fatal(err)
	}
	return []string{a.ID, u.ID, invites[0].ID, r.ID}
}

func suspendAll(ctx context.Context, t *testing.T, svc *belfry.Service, accountID string) {
	t.Helper()
	users, err := svc.ListUsers(ctx, accountID, belfry.UserFilter{}, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	if failed, err := svc.BatchSuspendUser(ctx, accountID, ids); err != nil || len(failed) != 0 {
		t.Fatalf("BatchSuspendUser() = %v, %v", failed, err)
	}
}

// rowsNaming counts, per table, the rows that hold one of ids in a column.
func rowsNaming(ctx context.Context, t *testing.T, s *Store, ids []string) map[string]int {
	t.Helper()
	rows, err := s.w.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('audit_events', 'sqlite_sequence', 'schema_migrations')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	found := map[string]int{}
	for _, c := range cols {
		for _, id := range ids {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE %q = ?`, c[0], c[1])
			if err := s.w.QueryRowContext(ctx, q, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			found[c[0]] += n
		}
	}
	for table, n := range found {
		if n == 0 {
			delete(found, table)
		}
	}
	return found
}
