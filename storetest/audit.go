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
	{"ReadersRecordNothing", testAuditReadersRecordNothing},
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
// in order, as they were given. Which methods change state is read from the
// store itself (writers), so a method added later fails this test until a
// change below calls it.
func testAuditEveryChange(t *testing.T, s belfry.Store) {
	changes := auditedChanges(t, s)
	wantEveryWriter(t, s, changes)
	var want []*belfry.AuditEvent
	for i, c := range changes {
		ev := event(c.method, 10+i)
		if err := c.call(belfry.WithAudit(t.Context(), ev)); err != nil {
			t.Fatalf("%s() = %v", c.method, err)
		}
		if ev.Seq <= 0 {
			t.Errorf("%s() recorded its event without setting its Seq", c.method)
		}
		want = append(want, ev)
	}
	if diff := cmp.Diff(auditLog(t, s), want); diff != "" {
		t.Errorf("AuditEvents() mismatch (-got +want):\n%s", diff)
	}
}

// auditedChange is one call of the store method named method, which
// changes state.
type auditedChange struct {
	method string
	call   func(ctx context.Context) error
}

// auditedChanges returns a sequence of changes that calls every store
// method that changes state at least once, each call succeeding after the
// ones before it.
func auditedChanges(t *testing.T, s belfry.Store) []auditedChange {
	a := mkEnterprise(t, s, "example.com")
	team := mkAccount(t, s, awsAccount(1), "Team")
	u := mkUser(t, s, a, "ana@example.com")
	var changes []auditedChange
	changes = append(changes, resourceChanges(s, a, u)...)
	changes = append(changes, messageChanges(s, a, u)...)
	changes = append(changes, webhookChanges(s, a)...)
	changes = append(changes, botChanges(s, a)...)
	changes = append(changes, roomChanges(s, a, u)...)
	changes = append(changes, signInChanges(s, u)...)
	changes = append(changes, mailChanges(s, team)...)
	changes = append(changes, globalSettingsChanges(s)...)
	changes = append(changes, phoneChanges(s, u)...)
	return append(changes, lifecycleChanges(s, a, team)...)
}

// resourceChanges creates and changes users, rooms, keys and settings of
// account a, whose user u is.
func resourceChanges(s belfry.Store, a *belfry.Account, u *belfry.User) []auditedChange {
	r := newRoom(a, "Ops", "")
	k := belfry.NewAccessKey(awsAccount(1), "ci", at(5))
	on := true
	return []auditedChange{
		{"CreateAccount", func(ctx context.Context) error { return s.CreateAccount(ctx, newAccount(awsAccount(1), "New")) }},
		{"ClaimDomain", func(ctx context.Context) error {
			_, err := s.ClaimDomain(ctx, a.ID, "example.org", belfry.EnterpriseLWA)
			return err
		}},
		{"CreateUser", func(ctx context.Context) error { return s.CreateUser(ctx, newUser(a, "bob@example.com")) }},
		{"CreateRoom", func(ctx context.Context) error {
			_, err := s.CreateRoom(ctx, r)
			return err
		}},
		{"CreateMembership", func(ctx context.Context) error {
			return s.CreateMembership(ctx, a.ID, &belfry.Membership{RoomID: r.ID, Member: belfry.Member{ID: u.ID}, Role: belfry.RoleMember, Updated: at(4)})
		}},
		{"CreateKey", func(ctx context.Context) error { return s.CreateKey(ctx, k) }},
		{"RevokeKey", func(ctx context.Context) error { return s.RevokeKey(ctx, k.ID, at(6)) }},
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
		{"ServerSecret", func(ctx context.Context) error {
			_, err := s.ServerSecret(ctx, "audit-test", []byte("0123456789abcdef0123456789abcdef"))
			return err
		}},
	}
}

// roomChanges makes a room of account a, adds user u to it in a batch,
// changes u's role and the room's name, removes u and deletes the room.
func roomChanges(s belfry.Store, a *belfry.Account, u *belfry.User) []auditedChange {
	r := newRoom(a, "Standup", "")
	return []auditedChange{
		{"CreateRoom", func(ctx context.Context) error {
			_, err := s.CreateRoom(ctx, r)
			return err
		}},
		{"CreateMemberships", func(ctx context.Context) error {
			items := batchOf(r, u)
			if err := s.CreateMemberships(ctx, a.ID, r.ID, items); err != nil {
				return err
			}
			return items[0].Err
		}},
		{"UpdateMembership", func(ctx context.Context) error {
			_, err := s.UpdateMembership(ctx, a.ID, r.ID, u.ID, func(m *belfry.Membership) error {
				m.Role = belfry.RoleAdministrator
				return nil
			})
			return err
		}},
		{"UpdateRoom", func(ctx context.Context) error {
			_, err := s.UpdateRoom(ctx, a.ID, r.ID, rename("Daily standup", 8))
			return err
		}},
		{"DeleteMembership", func(ctx context.Context) error { return s.DeleteMembership(ctx, a.ID, r.ID, u.ID) }},
		{"DeleteRoom", func(ctx context.Context) error { return s.DeleteRoom(ctx, a.ID, r.ID) }},
	}
}

// mailChanges invites two addresses to account team and takes their
// invitation e-mail through the outbox: one is sent and accepted, the
// other fails.
func mailChanges(s belfry.Store, team *belfry.Account) []auditedChange {
	dora := withMail(newItem(team, "dora@example.net", 3), "token-dora")
	eve := withMail(newItem(team, "eve@example.net", 3), "token-eve")
	return []auditedChange{
		{"InviteUsers", func(ctx context.Context) error {
			return s.InviteUsers(ctx, team.ID, []*belfry.InviteItem{dora, eve})
		}},
		{"ClaimJobs", func(ctx context.Context) error {
			_, err := s.ClaimJobs(ctx, belfry.KindMail, "worker", at(50), time.Minute, 2)
			return err
		}},
		{"FinishJob", func(ctx context.Context) error {
			return s.FinishJob(ctx, dora.Mail.ID, belfry.JobOutcome{Status: belfry.JobQueued, Next: at(60), Reason: "busy"})
		}},
		{"FinishJob", func(ctx context.Context) error {
			return s.FinishJob(ctx, dora.Mail.ID, belfry.JobOutcome{Status: belfry.JobDone, At: at(70),
				Effect: belfry.JobEffect{Invite: &belfry.InviteEmailOutcome{InviteID: dora.Invite.ID, Email: belfry.EmailSent}}})
		}},
		{"FinishJob", func(ctx context.Context) error {
			return s.FinishJob(ctx, eve.Mail.ID, belfry.JobOutcome{Status: belfry.JobFailed, At: at(70), Reason: "no such mailbox",
				Effect: belfry.JobEffect{Invite: &belfry.InviteEmailOutcome{InviteID: eve.Invite.ID, Email: belfry.EmailFailed}}})
		}},
		{"AcceptInvite", func(ctx context.Context) error {
			u := *dora.User
			u.Registration, u.Invitation, u.DisplayName = belfry.Registered, belfry.InviteAccepted, "Dora"
			u.RegisteredOn, u.PersonalPIN = at(80), belfry.NewPersonalPIN()
			return s.AcceptInvite(ctx, dora.Invite.ID, &u)
		}},
		{"CancelStaleJobs", func(ctx context.Context) error {
			_, err := s.CancelStaleJobs(ctx, at(90))
			return err
		}},
		{"PruneJobs", func(ctx context.Context) error {
			_, err := s.PruneJobs(ctx, at(100), 10)
			return err
		}},
	}
}

// lifecycleChanges releases a domain of account a, then deletes, restores
// and purges account team.
func lifecycleChanges(s belfry.Store, a, team *belfry.Account) []auditedChange {
	noop := func(*belfry.Account, int) error { return nil }
	return []auditedChange{
		{"ReleaseDomain", func(ctx context.Context) error {
			_, _, err := s.ReleaseDomain(ctx, a.ID, "example.org")
			return err
		}},
		{"DeleteAccount", func(ctx context.Context) error { return s.DeleteAccount(ctx, "", team.ID, epoch, noop) }},
		{"RestoreAccount", func(ctx context.Context) error {
			_, err := s.RestoreAccount(ctx, team.ID, time.Time{})
			return err
		}},
		{"DeleteAccount", func(ctx context.Context) error { return s.DeleteAccount(ctx, "", team.ID, epoch, noop) }},
		{"PurgeAccount", func(ctx context.Context) error { return s.PurgeAccount(ctx, team.ID, epoch.Add(time.Second)) }},
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
	if diff := cmp.Diff(auditLog(t, s), []*belfry.AuditEvent{ev}); diff != "" {
		t.Errorf("two changes with one event: AuditEvents() mismatch (-got +want):\n%s", diff)
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
