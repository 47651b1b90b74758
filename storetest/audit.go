package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var auditTests = []test{
	{"EveryChangeRecordsItsEvent", testAuditEveryChange},
	{"RecordedOnce", testAuditOnce},
	{"FailedChangeRecordsNothing", testAuditFailed},
	{"NoEventNoRecord", testAuditNoEvent},
	{"Filters", testAuditFilters},
}

// event returns an audit event of operation op at time at(n).
func event(op string, n int) *belfry.AuditEvent {
	return &belfry.AuditEvent{
		Time: at(n), AwsAccountID: awsAccount(1), AccessKeyID: "AKIAEXAMPLE000000001",
		CallerARN: "arn:aws:iam::" + awsAccount(1) + ":user/admin", SourceIP: "192.0.2.1",
		RequestID: newID(), Operation: op, AccountID: newID(), Resources: []string{newID(), "example.com"},
		Summary: "did " + op,
	}
}

// auditLog returns every recorded event.
func auditLog(t *testing.T, s belfry.Store) []*belfry.AuditEvent {
	t.Helper()
	got, err := s.AuditEvents(t.Context(), belfry.AuditFilter{Limit: belfry.MaxAuditPage})
	if err != nil {
		t.Fatalf("AuditEvents() = %v", err)
	}
	return got
}

// testAuditEveryChange makes one change with each store method that changes
// state, each with its own event, and checks that the log holds them all,
// in order, as they were given.
func testAuditEveryChange(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	team := mkAccount(t, s, awsAccount(1), "Team")
	u := mkUser(t, s, a, "ana@example.com")
	r := mkRoom(t, s, a, "Ops")
	noop := func(*belfry.Account, int) error { return nil }
	on := true
	changes := []struct {
		op   string
		call func(ctx context.Context) error
	}{
		{"CreateAccount", func(ctx context.Context) error { return s.CreateAccount(ctx, newAccount(awsAccount(1), "New")) }},
		{"ClaimDomain", func(ctx context.Context) error {
			_, err := s.ClaimDomain(ctx, a.ID, "example.org", belfry.EnterpriseLWA)
			return err
		}},
		{"CreateUser", func(ctx context.Context) error { return s.CreateUser(ctx, newUser(a, "bob@example.com")) }},
		{"InviteUsers", func(ctx context.Context) error {
			return s.InviteUsers(ctx, team.ID, []*belfry.InviteItem{newItem(team, "carl@example.net", 3)})
		}},
		{"CreateRoom", func(ctx context.Context) error {
			_, err := s.CreateRoom(ctx, newRoom(a, "Dev", ""))
			return err
		}},
		{"CreateRoomMembership", func(ctx context.Context) error {
			return s.CreateMembership(ctx, a.ID, &belfry.Membership{RoomID: r.ID, Member: belfry.Member{ID: u.ID}, Role: belfry.RoleMember, Updated: at(4)})
		}},
		{"CreateKey", func(ctx context.Context) error {
			return s.CreateKey(ctx, belfry.NewAccessKey(awsAccount(1), "ci", at(5)))
		}},
		{"UpdateUsers", func(ctx context.Context) error {
			return s.UpdateUsers(ctx, a.ID, []*belfry.UserChange{change(u.ID, func(*belfry.User) error { return nil })})
		}},
		{"UpdateAccount", func(ctx context.Context) error {
			_, err := s.UpdateAccount(ctx, "", a.ID, func(*belfry.Account) error { return nil })
			return err
		}},
		{"UpdateAccountSettings", func(ctx context.Context) error {
			return s.UpdateAccountSettings(ctx, a.ID, belfry.AccountSettingsUpdate{EnableDialOut: &on})
		}},
		{"PutRetentionSettings", func(ctx context.Context) error { return s.PutRetentionSettings(ctx, a.ID, &belfry.RetentionSettings{}) }},
		{"PutUserSettings", func(ctx context.Context) error { return s.PutUserSettings(ctx, a.ID, u.ID, &belfry.UserSettings{}) }},
		{"ReleaseDomain", func(ctx context.Context) error {
			_, _, err := s.ReleaseDomain(ctx, a.ID, "example.org")
			return err
		}},
		{"DeleteAccount", func(ctx context.Context) error { return s.DeleteAccount(ctx, "", team.ID, epoch, noop) }},
		{"RestoreAccount", func(ctx context.Context) error {
			_, err := s.RestoreAccount(ctx, team.ID, time.Time{})
			return err
		}},
		{"DeleteAccountAgain", func(ctx context.Context) error { return s.DeleteAccount(ctx, "", team.ID, epoch, noop) }},
		{"PurgeAccount", func(ctx context.Context) error { return s.PurgeAccount(ctx, team.ID, epoch.Add(time.Second)) }},
	}
	var want []*belfry.AuditEvent
	for i, c := range changes {
		ev := event(c.op, 10+i)
		if err := c.call(belfry.WithAudit(t.Context(), ev)); err != nil {
			t.Fatalf("%s() = %v", c.op, err)
		}
		if ev.Seq <= 0 {
			t.Errorf("%s() recorded its event without setting its Seq", c.op)
		}
		want = append(want, ev)
	}
	if diff := cmp.Diff(auditLog(t, s), want); diff != "" {
		t.Errorf("AuditEvents() mismatch (-got +want):\n%s", diff)
	}
}

// newAccount returns a Team account, not yet stored.
func newAccount(aws, name string) *belfry.Account {
	return &belfry.Account{AwsAccountID: aws, ID: newID(), Name: name, Type: belfry.Team, Created: at(1),
		DefaultLicense: belfry.Pro, SupportedLicenses: []belfry.License{belfry.Basic, belfry.Pro}, Status: belfry.AccountActive}
}

// testAuditOnce checks that an event given to two changes is recorded by
// the first only: one request, one record.
func testAuditOnce(t *testing.T, s belfry.Store) {
	ev := event("CreateAccount", 1)
	ctx := belfry.WithAudit(t.Context(), ev)
	for _, name := range []string{"One", "Two"} {
		if err := s.CreateAccount(ctx, newAccount(awsAccount(1), name)); err != nil {
			t.Fatalf("CreateAccount(%s) = %v", name, err)
		}
	}
	if got := auditLog(t, s); len(got) != 1 {
		t.Errorf("two changes with one event recorded %d events; want 1", len(got))
	}
}

func testAuditFailed(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	ctx := belfry.WithAudit(t.Context(), event("CreateUser", 1))
	if err := s.CreateUser(ctx, newUser(a, "ana@example.com")); belfry.ErrorKind(err) != belfry.Conflict {
		t.Fatalf("CreateUser(an address in use) = %v; want a Conflict", err)
	}
	refusal := belfry.Errorf(belfry.Unprocessable, "no")
	ctx = belfry.WithAudit(t.Context(), event("DeleteAccount", 2))
	if err := s.DeleteAccount(ctx, "", a.ID, epoch, func(*belfry.Account, int) error { return refusal }); !errors.Is(err, refusal) {
		t.Fatalf("DeleteAccount(refused) = %v; want the refusal", err)
	}
	ctx = belfry.WithAudit(t.Context(), event("UpdateUsers", 3))
	other := mkUser(t, s, mkAccount(t, s, awsAccount(2), "Other"), "bob@example.net")
	err := s.UpdateUsers(ctx, a.ID, []*belfry.UserChange{change(u.ID, func(u *belfry.User) error {
		u.PersonalPIN = other.PersonalPIN
		return nil
	})})
	wantError(t, "UpdateUsers(a PIN in use)", err, belfry.Conflict)
	if got := auditLog(t, s); len(got) != 0 {
		t.Errorf("failed changes recorded %d events; want none", len(got))
	}
}

func testAuditNoEvent(t *testing.T, s belfry.Store) {
	mkUser(t, s, mkEnterprise(t, s, "example.com"), "ana@example.com")
	if got := auditLog(t, s); len(got) != 0 {
		t.Errorf("changes without events recorded %d events; want none", len(got))
	}
}

func testAuditFilters(t *testing.T, s belfry.Store) {
	var all []*belfry.AuditEvent
	accounts := []string{"acc-a", "acc-b"}
	for i := range 6 {
		ev := event("CreateAccount", 1000*i)
		ev.AccountID = accounts[i%2]
		if err := s.CreateAccount(belfry.WithAudit(t.Context(), ev), newAccount(awsAccount(1), fmt.Sprint(i))); err != nil {
			t.Fatalf("CreateAccount() = %v", err)
		}
		all = append(all, ev)
	}
	for _, tc := range []struct {
		name string
		f    belfry.AuditFilter
		want []*belfry.AuditEvent
	}{
		{"none", belfry.AuditFilter{}, all},
		{"since", belfry.AuditFilter{Since: at(3000)}, all[3:]},
		{"account", belfry.AuditFilter{AccountID: "acc-b"}, []*belfry.AuditEvent{all[1], all[3], all[5]}},
		{"after", belfry.AuditFilter{After: all[1].Seq}, all[2:]},
		{"limit", belfry.AuditFilter{Limit: 2}, all[:2]},
		{"all together", belfry.AuditFilter{Since: at(1000), AccountID: "acc-a", After: all[2].Seq, Limit: 1}, all[4:5]},
	} {
		got, err := s.AuditEvents(t.Context(), tc.f)
		if err != nil {
			t.Fatalf("AuditEvents(%s) = %v", tc.name, err)
		}
		if diff := cmp.Diff(got, tc.want, cmpEmpty); diff != "" {
			t.Errorf("AuditEvents(%s) mismatch (-got +want):\n%s", tc.name, diff)
		}
	}
}
