package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
)

// benchAccount opens a store in a temporary directory with one Enterprise
// account, and returns the store, the account and the file's path.
func benchAccount(b *testing.B) (*sqlite.Store, *belfry.Account, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "belfry.db")
	s := open(b, path)
	b.Cleanup(func() { s.Close() })
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-bench", Name: "Bench", Type: belfry.Team,
		Created: time.Now(), DefaultLicense: belfry.Pro, SupportedLicenses: []belfry.License{belfry.Basic, belfry.Pro},
		Status: belfry.AccountActive}
	if err := s.CreateAccount(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	a, err := s.ClaimDomain(context.Background(), a.ID, "example.com", belfry.EnterpriseLWA)
	if err != nil {
		b.Fatal(err)
	}
	return s, a, path
}

// benchUsers makes n users of account a, not yet stored.
func benchUsers(a *belfry.Account, prefix string, n int) []*belfry.User {
	now := time.Now()
	users := make([]*belfry.User, n)
	for i := range users {
		users[i] = &belfry.User{
			ID: fmt.Sprintf("%s-%08d", prefix, i), AccountID: a.ID, Email: fmt.Sprintf("%s%d@example.com", prefix, i),
			DisplayName: fmt.Sprint("User ", i), License: belfry.Pro, Type: belfry.PrivateUser,
			Registration: belfry.Registered, RegisteredOn: now, PersonalPIN: fmt.Sprintf("%s%09d", prefix[:1], i),
		}
	}
	return users
}

// BenchmarkCreateUser measures CreateUser one call at a time.
func BenchmarkCreateUser(b *testing.B) {
	s, a, _ := benchAccount(b)
	users := benchUsers(a, "1", b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := s.CreateUser(ctx, users[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateUserParallel measures CreateUser from many goroutines at
// once, as a busy server calls it.
func BenchmarkCreateUserParallel(b *testing.B) {
	s, a, _ := benchAccount(b)
	users := benchUsers(a, "2", b.N)
	ctx := context.Background()
	next := make(chan *belfry.User, len(users))
	for _, u := range users {
		next <- u
	}
	close(next)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.CreateUser(ctx, <-next); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAccount measures the account lookup that every request makes.
func BenchmarkAccount(b *testing.B) {
	s, a, _ := benchAccount(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Account(ctx, a.AwsAccountID, a.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListUsersPage measures reading a page of 100 users, pages taken
// all through the account, at 1,000 and at 100,000 users: with keyset
// paging on the (account_id, seq) index, both should cost the same.
func BenchmarkListUsersPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			s, a, path := benchAccount(b)
			first := bulkUsers(b, path, benchUsers(a, "3", n))
			ctx := context.Background()
			pages := int64(n / 100)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range int64(b.N) {
				p := belfry.Page{After: first - 1 + (i%pages)*100, Limit: 100}
				got, err := s.ListUsers(ctx, a.ID, belfry.UserFilter{}, p)
				if err != nil || len(got) != 100 {
					b.Fatalf("ListUsers(%+v) = %d users, %v", p, len(got), err)
				}
			}
		})
	}
}

// bulkUsers inserts users in one transaction through a connection of its own
// and returns the Seq of the first.
func bulkUsers(b *testing.B, path string, users []*belfry.User) int64 {
	b.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	ins, err := tx.Prepare(`INSERT INTO users (id, account_id, email, email_key, display_name, license, type,
		registration, invitation, registered_on, personal_pin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	var first int64
	for i, u := range users {
		res, err := ins.Exec(u.ID, u.AccountID, u.Email, belfry.EmailKey(u.Email), u.DisplayName, string(u.License),
			string(u.Type), string(u.Registration), u.RegisteredOn.UnixMicro(), u.PersonalPIN)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			first, _ = res.LastInsertId()
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return first
}

// BenchmarkCreateUserGroupCommit measures CreateUser as the API server
// calls it under load: 32 writers at once, each user with a random PIN, an
// address that sorts among the other writers' (as real addresses do, so
// that each lands on its own index page), and an audit event. Besides the
// time it reports the process's CPU time per user and the pages each user
// adds to the WAL, which are most of a commit's cost and steadier on a busy
// machine than the time.
func BenchmarkCreateUserGroupCommit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "belfry.db")
	s, err := sqlite.OpenUnbounded(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-bench", Name: "Bench", Type: belfry.Team,
		Created: time.Now(), DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	ctx := context.Background()
	if err := s.CreateAccount(ctx, a); err != nil {
		b.Fatal(err)
	}
	const writers = 32
	next := make(chan int, b.N)
	for i := range b.N {
		next <- i
	}
	close(next)
	wal0 := fileSize(b, path+"-wal")
	cpu0 := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range next {
				now := time.Now()
				u := &belfry.User{ID: fmt.Sprintf("%s-%d-%08d", now.Format("150405.000000"), w, i), AccountID: a.ID,
					Email: fmt.Sprintf("u%d-%d@example.com", w, 1_000_000+i), License: belfry.Pro,
					Type: belfry.PrivateUser, Registration: belfry.Registered, RegisteredOn: now,
					PersonalPIN: belfry.NewPersonalPIN()}
				ev := &belfry.AuditEvent{Time: now, AwsAccountID: a.AwsAccountID, AccessKeyID: "AKIAIOSFODNN7EXAMPLE",
					CallerARN: "arn:aws:iam::100000000001:root", SourceIP: "127.0.0.1", RequestID: u.ID,
					Operation: "CreateUser", AccountID: a.ID, Resources: []string{u.ID}, Summary: "created user " + u.Email}
				if err := s.CreateUser(belfry.WithAudit(ctx, ev), u); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
	b.ReportMetric(float64(fileSize(b, path+"-wal")-wal0)/(4096+24)/float64(b.N), "walpages/op")
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
