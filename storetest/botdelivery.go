package storetest

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var botDeliveryTests = []test{
	{"OutboxWithItsChange", testOutboxWithItsChange},
	{"DeliveryLog", testBotDeliveryLog},
}

// botEventJob is a queued bot event job for bot b, due at due.
func botEventJob(b *belfry.Bot, due time.Time) *belfry.Job {
	return &belfry.Job{ID: newID(), Kind: belfry.KindBotEvent, AccountID: b.AccountID, Ref: b.ID,
		Payload: []byte(`{"type":"Invite"}`), Status: belfry.JobQueued, Due: due, Created: due}
}

// botJobs returns the store's bot event jobs.
func botJobs(t *testing.T, s belfry.Store) []*belfry.Job {
	t.Helper()
	jobs, err := s.ListJobs(t.Context(), belfry.JobFilter{Kind: belfry.KindBotEvent}, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// testOutboxWithItsChange checks that the jobs a change's context carries
// are written in its transaction, as the change decided them (for the
// batch items that went in only), and not at all when the change fails.
func testOutboxWithItsChange(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := configured(t, s, a, "Build")
	idle := mkBot(t, s, a, "Idle") // no events configuration: refused
	r := mkRoom(t, s, a, "Ops")
	items := []*belfry.MembershipItem{{Membership: botMembership(r, b)}, {Membership: botMembership(r, idle)}}
	ctx := belfry.WithOutbox(t.Context(), func() []*belfry.Job {
		var jobs []*belfry.Job
		for _, it := range items {
			if it.Err == nil {
				jobs = append(jobs, botEventJob(&belfry.Bot{ID: it.Membership.Member.ID, AccountID: a.ID}, at(8)))
			}
		}
		return jobs
	})
	if err := s.CreateMemberships(ctx, a.ID, r.ID, items); err != nil || items[0].Err != nil || items[1].Err == nil {
		t.Fatalf("CreateMemberships() = %v, items %v, %v; want the first in, the second refused", err, items[0].Err, items[1].Err)
	}
	jobs := botJobs(t, s)
	if len(jobs) != 1 || jobs[0].Ref != b.ID || jobs[0].Status != belfry.JobQueued {
		t.Fatalf("jobs after the batch = %+v; want one queued for %s", jobs, b.ID)
	}
	failing := belfry.WithOutbox(t.Context(), func() []*belfry.Job { return []*belfry.Job{botEventJob(b, at(9))} })
	err := s.CreateMembership(failing, a.ID, botMembership(r, b))
	if belfry.ErrorKind(err) != belfry.Conflict {
		t.Fatalf("CreateMembership(again) = %v; want Conflict", err)
	}
	if err := s.DeleteMembership(failing, a.ID, r.ID, "no-such-member"); belfry.ErrorKind(err) != belfry.NotFound {
		t.Fatalf("DeleteMembership(nobody) = %v; want NotFound", err)
	}
	if got := botJobs(t, s); len(got) != 1 {
		t.Errorf("jobs after failed changes = %d; want still 1: a failed change writes no job", len(got))
	}
	if err := s.DeleteMembership(failing, a.ID, r.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if got := botJobs(t, s); len(got) != 2 {
		t.Errorf("jobs after the bot left = %d; want 2", len(got))
	}
}

// testBotDeliveryLog checks that each attempt is logged with its job's
// outcome, a retry's included, read back a bot at a time in order, and
// pruned with old jobs.
func testBotDeliveryLog(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b, other := mkBot(t, s, a, "Build"), mkBot(t, s, a, "Other")
	r := mkRoom(t, s, a, "Ops")
	j := botEventJob(b, at(10))
	ctx := belfry.WithOutbox(t.Context(), func() []*belfry.Job { return []*belfry.Job{j} })
	if _, err := s.CreateRoom(ctx, newRoom(a, "Side", "")); err != nil {
		t.Fatal(err)
	}
	attempt := func(n, status int, e string) *belfry.BotDelivery {
		return &belfry.BotDelivery{EventID: j.ID, AccountID: a.ID, BotID: b.ID, RoomID: r.ID, Type: belfry.BotInvite,
			Attempt: n, At: at(10 + n).UTC(), Status: status, Error: e, Duration: time.Duration(n) * time.Millisecond}
	}
	first, second := attempt(1, 503, "the endpoint answered 503"), attempt(2, 200, "")
	claimed, err := s.ClaimJobs(t.Context(), belfry.KindBotEvent, "w", at(11), time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimJobs() = %v, %v; want the job", claimed, err)
	}
	if err := s.FinishJob(t.Context(), j.ID, belfry.JobOutcome{Status: belfry.JobQueued, At: at(11), Next: at(12),
		Reason: first.Error, Effect: belfry.JobEffect{BotDelivery: first}}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishJob(t.Context(), j.ID, belfry.JobOutcome{Status: belfry.JobDone, At: at(12),
		Effect: belfry.JobEffect{BotDelivery: second}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.BotDeliveries(t.Context(), a.ID, b.ID, belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		d.Seq = 0
	}
	if diff := cmp.Diff(got, []*belfry.BotDelivery{first, second}); diff != "" {
		t.Errorf("BotDeliveries() mismatch (-got +want):\n%s", diff)
	}
	if page, _ := s.BotDeliveries(t.Context(), a.ID, b.ID, belfry.Page{Limit: 1}); len(page) != 1 || page[0].Attempt != 1 {
		t.Errorf("BotDeliveries(limit 1) = %+v; want the first attempt", page)
	}
	recent, err := s.RecentBotDeliveries(t.Context(), a.ID, b.ID, 0, 10)
	if err != nil || len(recent) != 2 || recent[0].Attempt != 2 || recent[1].Attempt != 1 || recent[0].Seq <= recent[1].Seq {
		t.Errorf("RecentBotDeliveries() = %+v, %v; want the second attempt, then the first", recent, err)
	}
	if len(recent) == 2 {
		if page, _ := s.RecentBotDeliveries(t.Context(), a.ID, b.ID, 0, 1); len(page) != 1 || page[0].Attempt != 2 {
			t.Errorf("RecentBotDeliveries(n 1) = %+v; want the newest attempt alone", page)
		}
		if older, _ := s.RecentBotDeliveries(t.Context(), a.ID, b.ID, recent[0].Seq, 10); len(older) != 1 || older[0].Attempt != 1 {
			t.Errorf("RecentBotDeliveries(before the newest) = %+v; want the first attempt alone", older)
		}
	}
	if none, _ := s.RecentBotDeliveries(t.Context(), a.ID, other.ID, 0, 10); len(none) != 0 {
		t.Errorf("RecentBotDeliveries(other bot) = %+v; want none", none)
	}
	if none, _ := s.BotDeliveries(t.Context(), a.ID, other.ID, belfry.Page{}); len(none) != 0 {
		t.Errorf("BotDeliveries(other bot) = %+v; want none", none)
	}
	if _, err := s.PruneJobs(t.Context(), at(100), 100); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.BotDeliveries(t.Context(), a.ID, b.ID, belfry.Page{}); len(left) != 0 {
		t.Errorf("BotDeliveries() after PruneJobs = %+v; want none", left)
	}
}
