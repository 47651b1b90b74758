package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var retentionTests = []test{
	{"ListAndQueue", testRetentionQueue},
	{"Sweep", testRetentionSweep},
	{"TurnedOff", testRetentionOff},
}

// retentionJobs returns the account's retention jobs.
func retentionJobs(t *testing.T, s belfry.Store, accountID string) []*belfry.Job {
	t.Helper()
	jobs, err := s.ListJobs(t.Context(), belfry.JobFilter{Kind: belfry.KindRetention, AccountID: accountID}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListJobs() = %v", err)
	}
	return jobs
}

func testRetentionQueue(t *testing.T, s belfry.Store) {
	on, off, gone := mkEnterprise(t, s, "example.com"), mkEnterprise(t, s, "example.org"), mkEnterprise(t, s, "example.net")
	put := &belfry.RetentionSettings{RoomDays: 3, ConversationDays: 7, InitiateDeletion: at(1000)}
	for _, a := range []*belfry.Account{on, gone} {
		if err := s.PutRetentionSettings(t.Context(), a.ID, put); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutRetentionSettings(t.Context(), off.ID, &belfry.RetentionSettings{}); err != nil {
		t.Fatal(err)
	}
	deleteAccount(t, s, gone, at(10))
	got, err := s.ListRetention(t.Context())
	if err != nil {
		t.Fatalf("ListRetention() = %v", err)
	}
	if diff := cmp.Diff(got, []*belfry.AccountRetention{{AccountID: on.ID, Settings: *put}}); diff != "" {
		t.Errorf("ListRetention() mismatch (-got +want):\n%s", diff)
	}
	job := func(n int) *belfry.Job {
		return &belfry.Job{ID: newID(), Kind: belfry.KindRetention, AccountID: on.ID, Ref: on.ID, Status: belfry.JobQueued, Due: at(n), Created: at(n)}
	}
	for i, want := range []int{1, 0} { // a second sweep, while the job waits, queues nothing
		if n, err := s.QueueRetention(t.Context(), []*belfry.Job{job(2000 + i)}); n != want || err != nil {
			t.Fatalf("QueueRetention() #%d = %d, %v; want %d", i+1, n, err, want)
		}
	}
	claimed, err := s.ClaimJobs(t.Context(), belfry.KindRetention, "w1", at(3000), time.Minute, 5)
	if err != nil || len(claimed) != 1 || !claimed[0].Due.Equal(at(2000)) {
		t.Fatalf("ClaimJobs() = %v, %v; want the one job due at %v", claimed, err, at(2000))
	}
	if n, err := s.QueueRetention(t.Context(), []*belfry.Job{job(3100)}); n != 0 || err != nil {
		t.Errorf("QueueRetention(while a worker runs the job) = %d, %v; want 0", n, err)
	}
	if err := s.FinishJob(t.Context(), claimed[0].ID, belfry.JobOutcome{Status: belfry.JobDone, At: at(3200)}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.QueueRetention(t.Context(), []*belfry.Job{job(4000)}); n != 1 || err != nil {
		t.Errorf("QueueRetention(after the job ran) = %d, %v; want 1", n, err)
	}
	jobs := retentionJobs(t, s, on.ID)
	if len(jobs) != 1 || jobs[0].Status != belfry.JobQueued || !jobs[0].Due.Equal(at(4000)) || jobs[0].Attempts != 0 ||
		jobs[0].LeaseHolder != "" || !jobs[0].Finished.IsZero() {
		t.Errorf("the account's retention jobs are %+v; want one, queued again for %v", jobs, at(4000))
	}
}

// retentionEnv is an Enterprise account whose user ana is in a room and a
// conversation, with a service whose clock the test moves.
type retentionEnv struct {
	svc        *belfry.Service
	ctx        context.Context
	now        time.Time
	a          *belfry.Account
	ana        *belfry.User
	room, conv belfry.Thread
}

func newRetentionEnv(t *testing.T, s belfry.Store) *retentionEnv {
	e := &retentionEnv{now: epoch, a: mkEnterprise(t, s, "example.com")}
	e.svc = &belfry.Service{Store: s, Clock: func() time.Time { return e.now }, NewID: newID}
	e.ctx = belfry.WithCaller(t.Context(), belfry.Caller{AwsAccountID: awsAccount(1)})
	e.ana = mkUser(t, s, e.a, "ana@example.com")
	e.room = roomWith(t, s, e.a, e.ana)
	c, err := e.svc.CreateConversation(e.ctx, e.a.ID, e.ana.ID, []string{mkUser(t, s, e.a, "bob@example.com").ID})
	if err != nil {
		t.Fatal(err)
	}
	e.conv = belfry.Thread{ConversationID: c.ID}
	return e
}

// post posts in th at the env's time, plus d.
func (e *retentionEnv) post(t *testing.T, th belfry.Thread, d time.Duration) *belfry.Message {
	t.Helper()
	was := e.now
	e.now = e.now.Add(d)
	defer func() { e.now = was }()
	var m *belfry.Message
	var err error
	if th.RoomID != "" {
		m, err = e.svc.PostRoomMessage(e.ctx, e.a.ID, th.RoomID, e.ana.ID, "hello")
	} else {
		m, err = e.svc.PostConversationMessage(e.ctx, e.a.ID, th.ConversationID, e.ana.ID, "hello")
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sweep schedules retention and runs the jobs it queued as two workers,
// as two replicas would; it returns how many jobs were queued.
func (e *retentionEnv) sweep(t *testing.T) int {
	t.Helper()
	n, err := e.svc.ScheduleRetention(e.ctx)
	if err != nil {
		t.Fatalf("ScheduleRetention() = %v", err)
	}
	var ran int
	for _, w := range []string{"replica-1", "replica-2"} {
		jobs, err := e.svc.ClaimJobs(e.ctx, belfry.KindRetention, w, e.now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if err := e.svc.ApplyRetention(e.ctx, j); err != nil {
				t.Fatalf("ApplyRetention() = %v", err)
			}
			if err := e.svc.FinishJob(e.ctx, j, belfry.JobOutcome{Status: belfry.JobDone, At: e.now}); err != nil {
				t.Fatal(err)
			}
			ran++
		}
	}
	if ran != n {
		t.Errorf("the workers ran %d retention jobs; want the %d queued, each once", ran, n)
	}
	return n
}

// left returns the IDs of thread th's messages.
func (e *retentionEnv) left(t *testing.T, th belfry.Thread) []string {
	t.Helper()
	msgs, err := e.svc.History(e.ctx, e.a.ID, th, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

// testRetentionSweep puts a policy, and checks that nothing is deleted in
// its 30 days of grace, that after them each sweep deletes the messages
// older than each policy's days, rooms and conversations apart, and that
// two workers never both run an account's sweep.
func testRetentionSweep(t *testing.T, s belfry.Store) {
	e := newRetentionEnv(t, s)
	oldRoom, oldConv := e.post(t, e.room, 0), e.post(t, e.conv, 0)
	midConv := e.post(t, e.conv, 25*day)
	if _, err := e.svc.PutRetentionSettings(e.ctx, e.a.ID, 1, 10); err != nil {
		t.Fatal(err)
	}
	e.now = epoch.Add(29 * day)
	if n := e.sweep(t); n != 0 {
		t.Errorf("a sweep in the grace period queued %d jobs; want 0", n)
	}
	if got := e.left(t, e.room); !cmp.Equal(got, []string{oldRoom.ID}) {
		t.Errorf("the grace period deleted room messages: %v left", got)
	}
	e.now = epoch.Add(30*day + time.Hour)
	fresh := e.post(t, e.room, -2*time.Hour)
	if n := e.sweep(t); n != 1 {
		t.Errorf("the sweep after the grace period queued %d jobs; want 1", n)
	}
	if diff := cmp.Diff(e.left(t, e.room), []string{fresh.ID}); diff != "" {
		t.Errorf("room messages after the sweep (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(e.left(t, e.conv), []string{midConv.ID}); diff != "" {
		t.Errorf("conversation messages after the sweep (-got +want):\n%s; %s was 30 days old", diff, oldConv.ID)
	}
	e.now = e.now.Add(10 * day)
	if n := e.sweep(t); n != 1 {
		t.Errorf("the next sweep queued %d jobs; want the account's job again", n)
	}
	if got := e.left(t, e.conv); len(got) != 0 {
		t.Errorf("conversation messages older than 10 days left after the next sweep: %v", got)
	}
}

// testRetentionOff checks that a policy turned off stops deletion, even by
// a job queued before, and that a policy put again waits its grace anew.
func testRetentionOff(t *testing.T, s belfry.Store) {
	e := newRetentionEnv(t, s)
	old := e.post(t, e.room, 0)
	if _, err := e.svc.PutRetentionSettings(e.ctx, e.a.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	e.now = epoch.Add(31 * day)
	if n, err := e.svc.ScheduleRetention(e.ctx); n != 1 || err != nil {
		t.Fatalf("ScheduleRetention() = %d, %v; want 1", n, err)
	}
	if _, err := e.svc.PutRetentionSettings(e.ctx, e.a.ID, 0, 0); err != nil {
		t.Fatal(err)
	}
	jobs, err := e.svc.ClaimJobs(e.ctx, belfry.KindRetention, "w", e.now, time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("ClaimJobs() = %d jobs, %v; want the one queued before the policy was turned off", len(jobs), err)
	}
	if err := e.svc.ApplyRetention(e.ctx, jobs[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.FinishJob(e.ctx, jobs[0], belfry.JobOutcome{Status: belfry.JobDone, At: e.now}); err != nil {
		t.Fatal(err)
	}
	if n := e.sweep(t); n != 0 {
		t.Errorf("a sweep with the policy off queued %d jobs; want 0", n)
	}
	if _, err := e.svc.PutRetentionSettings(e.ctx, e.a.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	if n := e.sweep(t); n != 0 {
		t.Errorf("a sweep just after the policy was put again queued %d jobs; want 0", n)
	}
	if diff := cmp.Diff(e.left(t, e.room), []string{old.ID}); diff != "" {
		t.Errorf("a policy turned off still deleted (-got +want):\n%s", diff)
	}
}
