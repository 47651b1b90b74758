package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/internal/smtptest"
	"github.com/jackc/pgx/v5"
)

// TestReplicas runs three belfry processes on one fresh PostgreSQL
// database, started at once so that their migrations race, and drives them
// at once through the Go SDK: uniqueness and idempotency hold across
// replicas, a NextToken from one works on another, the mail outbox is
// shared with each message sent once, and a replica killed with SIGKILL
// while clients write loses nothing it acknowledged.
func TestReplicas(t *testing.T) {
	t.Parallel()
	db := pgtest.Database(t)
	// The mail server is down until the outbox subtest, so that the
	// invitations wait in the outbox for all three replicas' workers.
	mailServer := smtptest.Start(t, smtptest.Options{})
	mailServer.Stop()
	ps := startReplicas(t, 3, "BELFRY_DATABASE_URL="+db, "BELFRY_SMTP_URL="+mailServer.URL(),
		"BELFRY_MAIL_RETRY_FIRST=1s", "BELFRY_INVITE_WAIT=100ms")
	r := &replicaSet{t: t, ps: ps}
	for _, p := range ps {
		r.clients = append(r.clients, p.sdk(rootKeyID, rootSecret))
	}
	t.Run("MigrationsAppliedOnce", func(t *testing.T) { wantMigrationsOnce(t, db) })
	t.Run("SameEmailOneWins", r.sameEmail)
	t.Run("SameClientTokenOneRoom", r.sameToken)
	t.Run("NextTokenOnAnotherReplica", r.nextTokens)
	t.Run("OutboxSendsEachMailOnce", func(t *testing.T) { r.outbox(t, mailServer) })
	t.Run("SIGKILLLosesNothingAcknowledged", r.kill)
}

// startReplicas launches n servers at once with the extra environment, all
// with the tests' root key, and waits until each is ready.
func startReplicas(t *testing.T, n int, env ...string) []*proc {
	t.Helper()
	bin := belfryBinary(t)
	ps := make([]*proc, n)
	for i := range ps {
		ps[i] = launch(t, bin, startOptions{DataDir: t.TempDir(), ExtraEnv: env})
	}
	for i, p := range ps {
		if err := p.waitReady(); err != nil {
			t.Fatalf("replica %d did not become ready: %v", i, err)
		}
	}
	return ps
}

// wantMigrationsOnce checks that schema_migrations records every migration
// of postgres/migrations once.
func wantMigrationsOnce(t *testing.T, db string) {
	files, err := os.ReadDir("../../postgres/migrations")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n, distinct int
	if err := conn.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).
		Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != len(files) || distinct != n {
		t.Errorf("schema_migrations has %d rows, %d versions; want each of the %d migrations once", n, distinct, len(files))
	}
}

// replicaSet is the running replicas and an SDK client of each, and the
// accounts the subtests share.
type replicaSet struct {
	t       *testing.T
	ps      []*proc
	clients []*chime.Client
	corp    string // an EnterpriseLWA account of example.org
	team    string
}

// at is the client of replica i, counting round the set.
func (r *replicaSet) at(i int) *chime.Client { return r.clients[i%len(r.clients)] }

// accounts makes the Team and the Enterprise account, once.
func (r *replicaSet) accounts(t *testing.T) {
	t.Helper()
	if r.corp != "" {
		return
	}
	ctx := ctxT(t)
	for i, name := range []string{"Corp", "Team"} {
		out, err := r.at(i).CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			r.corp = aws.ToString(out.Account.AccountId)
		} else {
			r.team = aws.ToString(out.Account.AccountId)
		}
	}
	r.ps[2].claim(r.corp, "example.org", "EnterpriseLWA")
}

// sameEmail creates one address on two replicas at once, many times: one
// must answer 201 and the other ConflictException.
func (r *replicaSet) sameEmail(t *testing.T) {
	r.accounts(t)
	ctx := ctxT(t)
	for round := range 30 {
		email := fmt.Sprintf("race%02d@example.org", round)
		errs := make([]error, 2)
		together(2, func(i int) {
			_, errs[i] = r.at(round+i).CreateUser(ctx, &chime.CreateUserInput{AccountId: &r.corp, Email: &email})
		})
		var conflict *types.ConflictException
		switch {
		case errs[0] == nil && errors.As(errs[1], &conflict), errs[1] == nil && errors.As(errs[0], &conflict):
		default:
			t.Errorf("round %d: CreateUser(%s) on two replicas at once = %v, %v; want one success and one ConflictException",
				round, email, errs[0], errs[1])
		}
	}
}

// sameToken sends CreateRoom with one ClientRequestToken to three replicas
// at once, many times: every answer must be the one room.
func (r *replicaSet) sameToken(t *testing.T) {
	r.accounts(t)
	ctx := ctxT(t)
	const rounds = 10
	for round := range rounds {
		token := fmt.Sprintf("replica-token-%02d", round)
		ids := make([]string, 3)
		errs := make([]error, 3)
		together(3, func(i int) {
			out, err := r.at(i).CreateRoom(ctx, &chime.CreateRoomInput{AccountId: &r.corp,
				Name: aws.String("Standup"), ClientRequestToken: &token})
			if errs[i] = err; err == nil {
				ids[i] = aws.ToString(out.Room.RoomId)
			}
		})
		if errors.Join(errs...) != nil || ids[0] != ids[1] || ids[1] != ids[2] {
			t.Errorf("round %d: CreateRoom with one token on three replicas = %q, %v; want one room", round, ids, errs)
		}
	}
	out, err := r.at(1).ListRooms(ctx, &chime.ListRoomsInput{AccountId: &r.corp})
	if err != nil || len(out.Rooms) != rounds {
		t.Errorf("ListRooms = %d rooms, %v; want %d, one per token", len(out.Rooms), err, rounds)
	}
}

// invited is the addresses nextTokens invites, in order.
var invited = func() []string {
	var list []string
	for i := range 130 {
		list = append(list, fmt.Sprintf("invitee%03d@example.com", i))
	}
	return list
}()

// nextTokens invites 130 addresses through the replicas in turn, then pages
// through them 20 at a time, each page from the next replica with the
// NextToken of the page before: every user once, in order.
func (r *replicaSet) nextTokens(t *testing.T) {
	r.accounts(t)
	ctx := ctxT(t)
	for i := 0; i < len(invited); i += 50 {
		in := &chime.InviteUsersInput{AccountId: &r.team, UserEmailList: invited[i:min(i+50, len(invited))]}
		if _, err := r.at(i/50).InviteUsers(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	var token *string
	for page := 0; page == 0 || token != nil; page++ {
		out, err := r.at(page).ListUsers(ctx, &chime.ListUsersInput{AccountId: &r.team, MaxResults: aws.Int32(20), NextToken: token})
		if err != nil {
			t.Fatalf("ListUsers page %d on replica %d with the token of replica %d: %v", page, page%3, (page+2)%3, err)
		}
		for _, u := range out.Users {
			got = append(got, aws.ToString(u.PrimaryEmail))
		}
		token = out.NextToken
	}
	if !slices.Equal(got, invited) {
		t.Errorf("paging across replicas gave %d users %v; want the %d invited, in order", len(got), got, len(invited))
	}
}

// outbox brings the mail server up only now, so that the invitations of
// nextTokens have waited in the outbox, and all three replicas' workers
// compete for them: each must arrive exactly once.
func (r *replicaSet) outbox(t *testing.T, mailServer *smtptest.Server) {
	mailServer.Restart(t)
	mailServer.WaitFor(t, len(invited), 30*time.Second)
	time.Sleep(500 * time.Millisecond) // a second delivery would arrive now
	counts := map[string]int{}
	for _, m := range mailServer.Received() {
		counts[m.Header(t).Get("Message-ID")]++
	}
	if len(counts) != len(invited) {
		t.Errorf("%d distinct messages arrived; want %d, one per invitation", len(counts), len(invited))
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("message %s arrived %d times; want once", id, n)
		}
	}
}

// kill has twelve clients create users through the three replicas for two
// seconds, kills replica 2 with SIGKILL after half a second, and checks that
// every user any replica acknowledged is there, and that the others stay
// ready.
func (r *replicaSet) kill(t *testing.T) {
	r.accounts(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	acked := map[string]string{} // user ID → e-mail
	var failed int
	stop := time.Now().Add(2 * time.Second)
	go func() {
		time.Sleep(500 * time.Millisecond)
		if _, err := r.ps[2].stop(syscall.SIGKILL, stopTimeout); err == nil {
			t.Errorf("SIGKILL: replica 2 exited 0")
		}
	}()
	together(12, func(c int) {
		for n := 0; time.Now().Before(stop); n++ {
			email := fmt.Sprintf("w%02d-%04d@example.org", c, n)
			out, err := r.at(c).CreateUser(ctx, &chime.CreateUserInput{AccountId: &r.corp, Email: &email})
			mu.Lock()
			if err != nil {
				failed++
			} else {
				acked[aws.ToString(out.User.UserId)] = email
			}
			mu.Unlock()
			if err != nil {
				time.Sleep(20 * time.Millisecond) // a client backs off from a dead replica
			}
		}
	})
	if failed == 0 {
		t.Errorf("no write failed; want the killed replica's to")
	}
	stored := map[string]string{}
	pages := chime.NewListUsersPaginator(r.at(0), &chime.ListUsersInput{AccountId: &r.corp, MaxResults: aws.Int32(200)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			stored[aws.ToString(u.UserId)] = aws.ToString(u.PrimaryEmail)
		}
	}
	for id, email := range acked {
		if stored[id] != email {
			t.Errorf("acknowledged user %s (%s) is not stored after the SIGKILL", id, email)
		}
	}
	t.Logf("%d writes acknowledged, %d failed, all acknowledged ones stored", len(acked), failed)
	for i, p := range r.ps[:2] {
		if err := p.waitReady(); err != nil {
			t.Errorf("replica %d after replica 2 was killed: %v", i, err)
		}
	}
}

// together runs fn(0) … fn(n-1) at once and waits for them.
func together(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// TestDatabaseURLRefused checks the two configurations that would let
// replicas part ways: a database URL Belfry cannot use, and PostgreSQL
// without the shared root key. Both must stop Belfry before it listens,
// saying what to set; neither needs a database.
func TestDatabaseURLRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"BELFRY_DATABASE_URL=mysql://db/belfry"}, "postgres://"},
		{[]string{"BELFRY_DATABASE_URL=postgres://127.0.0.1:1/none"}, "BELFRY_ROOT_AWS_ACCOUNT_ID"},
		{[]string{"BELFRY_DATABASE_URL=postgresql://127.0.0.1:1/none", "BELFRY_ROOT_ACCESS_KEY_ID=" + rootKeyID,
			"BELFRY_ROOT_SECRET_ACCESS_KEY=" + rootSecret}, "same root key"},
	} {
		env := cleanEnv(append(tc.env, "BELFRY_DATA_DIR="+t.TempDir(), "BELFRY_ADDR="+freeAddr(t))...)
		r := runCmd(t, env, belfryBinary(t), "serve")
		if exitCode(r.Err) <= 0 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("belfry serve with %q: want a non-zero exit and %q on stderr; got %v", tc.env, tc.want, r)
		}
		if strings.Contains(r.Stderr, "AWS_SECRET_ACCESS_KEY=") {
			t.Errorf("belfry serve with %q drew and printed a root key before refusing:\n%s", tc.env, r.Stderr)
		}
	}
}
