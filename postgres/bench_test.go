package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/postgres"
)

// The benchmarks mirror sqlite/bench_test.go, on a fresh schema of the
// database TestMain made: go test -bench . ./postgres with
// BELFRY_TEST_DATABASE_URL set.

// benchAccount opens a store on a fresh schema with one Enterprise account.
func benchAccount(b *testing.B) (*postgres.Store, *belfry.Account) {
	b.Helper()
	if dbURL == "" {
		b.Skip(pgtest.SkipMessage)
	}
	s := open(b, pgtest.Schema(b, dbURL))
	b.Cleanup(func() { s.Close() })
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-bench", Name: "Bench", Type: belfry.Team,
		Created: time.Now(), DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	if err := s.CreateAccount(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	return s, a
}

// BenchmarkCreateUser measures CreateUser one call at a time: one round
// trip, the insert and its audit record in one batch.
func BenchmarkCreateUser(b *testing.B) {
	s, a := benchAccount(b)
	ctx := belfry.WithAudit(context.Background(), &belfry.AuditEvent{Time: time.Now(), Operation: "CreateUser"})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		belfry.AuditFrom(ctx).Seq = 0
		u := &belfry.User{ID: fmt.Sprint("u-", i), AccountID: a.ID, Email: fmt.Sprintf("u%d@example.com", i),
			License: belfry.Pro, Type: belfry.PrivateUser, Registration: belfry.Registered, RegisteredOn: time.Now()}
		if err := s.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInviteUsers50 measures InviteUsers with 50 new addresses, each
// with its e-mail queued, one call at a time.
func BenchmarkInviteUsers50(b *testing.B) {
	s, a := benchAccount(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		emails := make([]string, 50)
		for j := range emails {
			emails[j] = fmt.Sprintf("i%d-%d@example.com", i, j)
		}
		items := inviteItems(a, emails...)
		for _, item := range items {
			item.Mail = &belfry.Mail{ID: nextID(), InviteID: item.Invite.ID, AccountID: a.ID, To: item.Email,
				Subject: "Join", Text: "a link", MessageID: nextID() + "@belfry", Status: belfry.MailQueued,
				NextAttempt: item.Invite.Created, Created: item.Invite.Created}
		}
		if err := s.InviteUsers(ctx, a.ID, items); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccount measures the account lookup that every request makes.
func BenchmarkAccount(b *testing.B) {
	s, a := benchAccount(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Account(ctx, a.AwsAccountID, a.ID); err != nil {
			b.Fatal(err)
		}
	}
}
