package storetest

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// The outbox's tests read and drive invitation e-mail as the mail worker
// does: jobs of kind belfry.KindMail, read back as belfry.Mail, their
// outcomes recorded through the service so that the kind's hooks apply.

func mailsOf(t *testing.T, jobs []*belfry.Job, err error) ([]*belfry.Mail, error) {
	t.Helper()
	if err != nil {
		return nil, err
	}
	mails := make([]*belfry.Mail, len(jobs))
	for i, j := range jobs {
		if mails[i], err = belfry.MailOf(j); err != nil {
			t.Fatalf("MailOf(%s) = %v", j.ID, err)
		}
	}
	return mails, nil
}

func mails(t *testing.T, s belfry.Store, ids []string) ([]*belfry.Mail, error) {
	t.Helper()
	jobs, err := s.Jobs(t.Context(), ids)
	return mailsOf(t, jobs, err)
}

// queuedMails lists the mail of account (all accounts when "") still to be
// sent and still of use at now, as an operator sees it.
func queuedMails(t *testing.T, s belfry.Store, account string, now time.Time, p belfry.Page) ([]*belfry.Mail, error) {
	t.Helper()
	jobs, err := s.ListJobs(t.Context(), belfry.JobFilter{
		Kind: belfry.KindMail, Statuses: []belfry.JobStatus{belfry.JobQueued}, AccountID: account, LiveAt: now,
	}, p)
	return mailsOf(t, jobs, err)
}

func claimMail(t *testing.T, s belfry.Store, holder string, now time.Time, lease time.Duration, n int) ([]*belfry.Mail, error) {
	t.Helper()
	jobs, err := s.ClaimJobs(t.Context(), belfry.KindMail, holder, now, lease, n)
	return mailsOf(t, jobs, err)
}

// finishMail records an outcome of mail id through the service, as the
// worker does; NotFound when there is no such mail.
func finishMail(t *testing.T, s belfry.Store, id string, o belfry.JobOutcome) error {
	t.Helper()
	j := &belfry.Job{ID: id, Kind: belfry.KindMail}
	if jobs, err := s.Jobs(t.Context(), []string{id}); err == nil && len(jobs) == 1 {
		j = jobs[0]
	}
	return (&belfry.Service{Store: s}).FinishJob(t.Context(), j, o)
}

func mailSent(t *testing.T, s belfry.Store, id string, sent time.Time) error {
	return finishMail(t, s, id, belfry.JobOutcome{Status: belfry.JobDone, At: sent})
}

func mailRetry(t *testing.T, s belfry.Store, id string, next time.Time, reason string) error {
	return finishMail(t, s, id, belfry.JobOutcome{Status: belfry.JobQueued, Next: next, Reason: reason})
}

func mailFailed(t *testing.T, s belfry.Store, id, reason string, failed time.Time) error {
	return finishMail(t, s, id, belfry.JobOutcome{Status: belfry.JobFailed, Reason: reason, At: failed})
}

var jobTests = []test{
	{"ListFilters", testJobList},
	{"FinishUnknown", testJobFinishUnknown},
	{"RetryEndedJob", testJobRetryEnded},
	{"Prune", testJobPrune},
	{"Stats", testJobStats},
	{"Reset", testReset},
}

// testJobList checks that an operator's listing filters by kind, status
// and account, and pages in creation order.
func testJobList(t *testing.T, s belfry.Store) {
	items := queue(t, s, 3)
	if err := mailFailed(t, s, items[1].Mail.ID, "550 no such user", at(50)); err != nil {
		t.Fatal(err)
	}
	list := func(f belfry.JobFilter, p belfry.Page) []string {
		t.Helper()
		got, err := s.ListJobs(t.Context(), f, p)
		if err != nil {
			t.Fatalf("ListJobs(%+v) = %v", f, err)
		}
		return ids(got, func(j *belfry.Job) string { return j.ID })
	}
	account := items[0].Invite.AccountID
	for _, tt := range []struct {
		name string
		f    belfry.JobFilter
		p    belfry.Page
		want []string
	}{
		{"all", belfry.JobFilter{}, belfry.Page{Limit: 10},
			[]string{items[0].Mail.ID, items[1].Mail.ID, items[2].Mail.ID}},
		{"failed", belfry.JobFilter{Statuses: []belfry.JobStatus{belfry.JobFailed}}, belfry.Page{Limit: 10},
			[]string{items[1].Mail.ID}},
		{"queued of the account", belfry.JobFilter{AccountID: account, Statuses: []belfry.JobStatus{belfry.JobQueued}},
			belfry.Page{Limit: 10}, []string{items[0].Mail.ID, items[2].Mail.ID}},
		{"page after the first", belfry.JobFilter{Kind: belfry.KindMail}, belfry.Page{After: items[0].Mail.Seq, Limit: 1},
			[]string{items[1].Mail.ID}},
		{"another kind", belfry.JobFilter{Kind: "bot-event"}, belfry.Page{Limit: 10}, nil},
		{"another account", belfry.JobFilter{AccountID: "no-such-account"}, belfry.Page{Limit: 10}, nil},
	} {
		if diff := cmp.Diff(list(tt.f, tt.p), tt.want, cmpEmpty); diff != "" {
			t.Errorf("ListJobs(%s) mismatch (-got +want):\n%s", tt.name, diff)
		}
	}
	got, err := s.Jobs(t.Context(), []string{items[1].Mail.ID})
	if err != nil || len(got) != 1 {
		t.Fatalf("Jobs() = %v, %v", got, err)
	}
	want := items[1].Mail.Job()
	want.Status, want.Attempts, want.LastError, want.Finished, want.Secret = belfry.JobFailed, 1, "550 no such user", at(50), nil
	if diff := cmp.Diff(got[0], want); diff != "" {
		t.Errorf("failed job mismatch (-got +want):\n%s", diff)
	}
}

func testJobFinishUnknown(t *testing.T, s belfry.Store) {
	for _, st := range []belfry.JobStatus{belfry.JobDone, belfry.JobFailed, belfry.JobQueued} {
		err := s.FinishJob(t.Context(), "no-such-job", belfry.JobOutcome{Status: st, At: at(1), Next: at(2)})
		wantError(t, "FinishJob(unknown, "+string(st)+")", err, belfry.NotFound)
	}
}

// testJobRetryEnded checks that a retry cannot bring back a job that ended
// meanwhile (its user suspended, say): the job stays ended.
func testJobRetryEnded(t *testing.T, s belfry.Store) {
	items := queue(t, s, 1)
	if err := mailSent(t, s, items[0].Mail.ID, at(20)); err != nil {
		t.Fatal(err)
	}
	wantError(t, "FinishJob(retry of a done job)", mailRetry(t, s, items[0].Mail.ID, at(30), "421"), belfry.NotFound)
	if m := mailByID(t, s, items[0].Mail.ID); m.Status != belfry.MailSent {
		t.Errorf("a retried done mail is %s; want it Sent", m.Status)
	}
}

// testJobPrune ends jobs in each way a job ends, at different times, and
// checks that PruneJobs deletes those that ended before its cutoff, no
// more than its bound at a time and the first made first, and never one
// that ended at the cutoff or later, nor one still queued.
func testJobPrune(t *testing.T, s belfry.Store) {
	items := expiring(t, s, 5)
	if err := mailSent(t, s, items[0].Mail.ID, at(20)); err != nil {
		t.Fatal(err)
	}
	if err := mailFailed(t, s, items[1].Mail.ID, "550 no such user", at(30)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CancelStaleJobs(t.Context(), at(52)); err != nil || n != 1 {
		t.Fatalf("CancelStaleJobs() = %d, %v; want the third mail cancelled", n, err)
	}
	if err := mailSent(t, s, items[3].Mail.ID, at(60)); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		cutoff time.Time
		want   int
	}{{at(60), 2}, {at(60), 1}, {at(60), 0}} {
		if n, err := s.PruneJobs(t.Context(), step.cutoff, 2); err != nil || n != step.want {
			t.Errorf("PruneJobs(before %v, at most 2) = %d, %v; want %d", step.cutoff.Sub(epoch), n, err, step.want)
		}
	}
	got, err := s.ListJobs(t.Context(), belfry.JobFilter{}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListJobs() = %v", err)
	}
	want := []string{items[3].Mail.ID, items[4].Mail.ID}
	if diff := cmp.Diff(ids(got, func(j *belfry.Job) string { return j.ID }), want); diff != "" {
		t.Errorf("jobs left after pruning (-got +want):\n%s", diff)
	}
}
