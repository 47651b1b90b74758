package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var lifecycleTests = []test{
	{"UpdateAccount", testUpdateAccount},
	{"UpdateAccountRefused", testUpdateAccountRefused},
	{"DeleteAccount", testDeleteAccount},
	{"DeleteAccountChecked", testDeleteAccountChecked},
	{"RestoreAccount", testRestoreAccount},
	{"RestoreAccountRefused", testRestoreAccountRefused},
	{"PurgeableAccounts", testPurgeableAccounts},
	{"PurgeAccountRemovesEverything", testPurgeAccount},
	{"PurgeAccountRefused", testPurgeAccountRefused},
	{"DomainAccount", testDomainAccount},
	{"ReleaseDomain", testReleaseDomain},
	{"ReleaseDomainRefused", testReleaseDomainRefused},
}

// day is the suite's unit of deletion times.
const day = 24 * time.Hour

func testUpdateAccount(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Before")
	got, err := s.UpdateAccount(t.Context(), a.AwsAccountID, a.ID, func(a *belfry.Account) error {
		a.Name, a.DefaultLicense, a.SigninDelegates = "After", belfry.Basic, []string{"admins"}
		a.SupportedLicenses = []belfry.License{belfry.Basic, belfry.Plus, belfry.Pro}
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateAccount() = %v", err)
	}
	want := *a
	want.Name, want.DefaultLicense, want.SigninDelegates = "After", belfry.Basic, []string{"admins"}
	want.SupportedLicenses = []belfry.License{belfry.Basic, belfry.Plus, belfry.Pro}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("UpdateAccount() mismatch (-got +want):\n%s", diff)
	}
	stored, err := s.Account(t.Context(), "", a.ID)
	if err != nil {
		t.Fatalf("Account() = %v", err)
	}
	if diff := cmp.Diff(stored, &want); diff != "" {
		t.Errorf("Account() after UpdateAccount mismatch (-got +want):\n%s", diff)
	}
}

func testUpdateAccountRefused(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkAccount(t, s, awsAccount(1), "Kept")
	refusal := belfry.Errorf(belfry.BadRequest, "no")
	_, err := s.UpdateAccount(ctx, "", a.ID, func(a *belfry.Account) error {
		a.Name = "Changed"
		return refusal
	})
	if !errors.Is(err, refusal) {
		t.Errorf("UpdateAccount(apply fails) = %v; want apply's error", err)
	}
	wantAccount(t, s, a)
	noop := func(*belfry.Account) error { return nil }
	_, err = s.UpdateAccount(ctx, awsAccount(2), a.ID, noop)
	wantError(t, "UpdateAccount(another AWS account)", err, belfry.NotFound, a.ID)
	_, err = s.UpdateAccount(ctx, "", "no-such-account", noop)
	wantError(t, "UpdateAccount(unknown)", err, belfry.NotFound, "no-such-account")
	deleteAccount(t, s, a, at(0))
	_, err = s.UpdateAccount(ctx, "", a.ID, noop)
	wantError(t, "UpdateAccount(deleted)", err, belfry.NotFound, a.ID)
}

// wantAccount fails t unless the live account want.ID is want.
func wantAccount(t *testing.T, s belfry.Store, want *belfry.Account) {
	t.Helper()
	got, err := s.Account(t.Context(), "", want.ID)
	if err != nil {
		t.Fatalf("Account(%s) = %v", want.Name, err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Account(%s) mismatch (-got +want):\n%s", want.Name, diff)
	}
}

// deleteAccount deletes a at t with no check, and fails t if it cannot.
func deleteAccount(t *testing.T, s belfry.Store, a *belfry.Account, when time.Time) {
	t.Helper()
	err := s.DeleteAccount(t.Context(), a.AwsAccountID, a.ID, when, func(*belfry.Account, int) error { return nil })
	if err != nil {
		t.Fatalf("DeleteAccount(%s) = %v", a.Name, err)
	}
}

// suspend suspends u through UpdateUsers.
func suspend(t *testing.T, s belfry.Store, u *belfry.User) {
	t.Helper()
	c := &belfry.UserChange{ID: u.ID, Apply: func(u *belfry.User) error {
		u.Registration = belfry.Suspended
		return nil
	}}
	if err := s.UpdateUsers(t.Context(), u.AccountID, []*belfry.UserChange{c}); err != nil || c.Err != nil {
		t.Fatalf("UpdateUsers(suspend %s) = %v, %v", u.Email, err, c.Err)
	}
}

func testDeleteAccount(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	other := mkAccount(t, s, a.AwsAccountID, "Other")
	mkUser(t, s, a, "ana@example.com")
	suspend(t, s, mkUser(t, s, a, "bob@example.com"))
	var gotAccount *belfry.Account
	gotUnsuspended := -1
	err := s.DeleteAccount(ctx, a.AwsAccountID, a.ID, at(5), func(a *belfry.Account, n int) error {
		gotAccount, gotUnsuspended = a, n
		return nil
	})
	if err != nil {
		t.Fatalf("DeleteAccount() = %v", err)
	}
	if diff := cmp.Diff(gotAccount, a); diff != "" || gotUnsuspended != 1 {
		t.Errorf("check got %d unsuspended users (want 1) and account mismatch (-got +want):\n%s", gotUnsuspended, diff)
	}
	_, err = s.Account(ctx, "", a.ID)
	wantError(t, "Account(deleted)", err, belfry.NotFound, a.ID)
	list, err := s.ListAccounts(ctx, belfry.AccountFilter{AwsAccountID: a.AwsAccountID}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListAccounts() = %v", err)
	}
	if diff := cmp.Diff(list, []*belfry.Account{other}); diff != "" {
		t.Errorf("ListAccounts() after DeleteAccount mismatch (-got +want):\n%s", diff)
	}
	err = s.DeleteAccount(ctx, a.AwsAccountID, a.ID, at(6), func(*belfry.Account, int) error { return nil })
	wantError(t, "DeleteAccount(deleted already)", err, belfry.NotFound, a.ID)
	err = s.DeleteAccount(ctx, awsAccount(2), other.ID, at(6), func(*belfry.Account, int) error { return nil })
	wantError(t, "DeleteAccount(another AWS account)", err, belfry.NotFound, other.ID)
}

func testDeleteAccountChecked(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	refusal := belfry.Errorf(belfry.Unprocessable, "suspend them first")
	err := s.DeleteAccount(t.Context(), a.AwsAccountID, a.ID, at(5), func(*belfry.Account, int) error { return refusal })
	if !errors.Is(err, refusal) {
		t.Errorf("DeleteAccount(check fails) = %v; want check's error", err)
	}
	wantAccount(t, s, a)
}

func testRestoreAccount(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	deleteAccount(t, s, a, epoch)
	got, err := s.RestoreAccount(t.Context(), a.ID, epoch.Add(-time.Hour))
	if err != nil {
		t.Fatalf("RestoreAccount() = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("RestoreAccount() mismatch (-got +want):\n%s", diff)
	}
	wantAccount(t, s, a)
	wantUser(t, s, u)
}

func testRestoreAccountRefused(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	live := mkAccount(t, s, awsAccount(1), "Live")
	_, err := s.RestoreAccount(ctx, live.ID, epoch)
	wantError(t, "RestoreAccount(live)", err, belfry.Conflict, live.ID)
	_, err = s.RestoreAccount(ctx, "no-such-account", epoch)
	wantError(t, "RestoreAccount(unknown)", err, belfry.NotFound, "no-such-account")
	old := mkAccount(t, s, awsAccount(1), "Old")
	deleteAccount(t, s, old, epoch)
	_, err = s.RestoreAccount(ctx, old.ID, epoch.Add(time.Millisecond))
	wantError(t, "RestoreAccount(deleted before the cutoff)", err, belfry.NotFound, old.ID)
}

func testPurgeableAccounts(t *testing.T, s belfry.Store) {
	late, early, recent := mkAccount(t, s, awsAccount(1), "Late"), mkAccount(t, s, awsAccount(2), "Early"), mkAccount(t, s, awsAccount(1), "Recent")
	mkAccount(t, s, awsAccount(1), "Live")
	deleteAccount(t, s, late, epoch.Add(-2*day))
	deleteAccount(t, s, early, epoch.Add(-3*day))
	deleteAccount(t, s, recent, epoch)
	got, err := s.PurgeableAccounts(t.Context(), epoch.Add(-day))
	if err != nil {
		t.Fatalf("PurgeableAccounts() = %v", err)
	}
	if diff := cmp.Diff(got, []string{early.ID, late.ID}); diff != "" {
		t.Errorf("PurgeableAccounts() mismatch (-got +want):\n%s", diff)
	}
}

// testPurgeAccount fills an account with every kind of thing it can hold,
// purges it, and checks that what it held is gone: its users' PINs and its
// domain are free again, and the store has no row left to refuse that.
func testPurgeAccount(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	u := mkUser(t, s, a, "ana@example.com")
	r := mkRoom(t, s, a, "Ops")
	if err := s.CreateMembership(ctx, a.ID, &belfry.Membership{RoomID: r.ID, Member: belfry.Member{ID: u.ID},
		Role: belfry.RoleMember, Updated: at(5)}); err != nil {
		t.Fatalf("CreateMembership() = %v", err)
	}
	mkWebhook(t, s, r, "CI")
	bot := mkBot(t, s, a, "Build")
	if ConfigureEvents != nil {
		ConfigureEvents(t, s, bot.ID)
		if err := s.CreateMembership(ctx, a.ID, botMembership(r, bot)); err != nil {
			t.Fatalf("CreateMembership(bot) = %v", err)
		}
	}
	invite(t, s, a, withMail(newItem(a, "bob@example.org", 6), "token-purge"))
	if err := s.PutUserSettings(ctx, a.ID, u.ID, &belfry.UserSettings{Telephony: belfry.TelephonySettings{SMS: true}}); err != nil {
		t.Fatalf("PutUserSettings() = %v", err)
	}
	on := true
	if err := s.UpdateAccountSettings(ctx, a.ID, belfry.AccountSettingsUpdate{EnableDialOut: &on}); err != nil {
		t.Fatalf("UpdateAccountSettings() = %v", err)
	}
	if err := s.PutRetentionSettings(ctx, a.ID, &belfry.RetentionSettings{RoomDays: 5, InitiateDeletion: at(7)}); err != nil {
		t.Fatalf("PutRetentionSettings() = %v", err)
	}
	if _, _, err := s.ReleaseDomain(ctx, a.ID, "example.com"); err != nil {
		t.Fatalf("ReleaseDomain() = %v", err)
	}
	deleteAccount(t, s, a, epoch.Add(-91*day))
	if err := s.PurgeAccount(ctx, a.ID, epoch.Add(-90*day)); err != nil {
		t.Fatalf("PurgeAccount() = %v", err)
	}
	_, err := s.RestoreAccount(ctx, a.ID, time.Time{})
	wantError(t, "RestoreAccount(purged)", err, belfry.NotFound, a.ID)
	if hooks, err := s.ListWebhooks(ctx, a.ID, r.ID); err != nil || len(hooks) != 0 {
		t.Errorf("ListWebhooks() after the purge = %v, %v; want none", hooks, err)
	}
	if bots, err := s.ListBots(ctx, a.ID, belfry.Page{}); err != nil || len(bots) != 0 {
		t.Errorf("ListBots() after the purge = %v, %v; want none", bots, err)
	}
	if got, err := s.PurgeableAccounts(ctx, epoch); err != nil || len(got) != 0 {
		t.Errorf("PurgeableAccounts() after the purge = %v, %v; want none", got, err)
	}
	b := mkEnterprise(t, s, "example.com")
	mkBot(t, s, b, "Build") // the purged bot's e-mail is free again
	reuse := newUser(b, "ana@example.com")
	reuse.ID, reuse.PersonalPIN = u.ID, u.PersonalPIN
	if err := s.CreateUser(ctx, reuse); err != nil {
		t.Errorf("CreateUser(the purged user's ID and PIN) = %v; want them free", err)
	}
}

func testPurgeAccountRefused(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	live := mkAccount(t, s, awsAccount(1), "Live")
	err := s.PurgeAccount(ctx, live.ID, epoch)
	wantError(t, "PurgeAccount(live)", err, belfry.NotFound, live.ID)
	recent := mkAccount(t, s, awsAccount(1), "Recent")
	deleteAccount(t, s, recent, epoch)
	err = s.PurgeAccount(ctx, recent.ID, epoch)
	wantError(t, "PurgeAccount(deleted at the cutoff)", err, belfry.NotFound, recent.ID)
	got, err := s.RestoreAccount(ctx, recent.ID, epoch)
	if err != nil {
		t.Fatalf("RestoreAccount() after a refused purge = %v; want the account kept", err)
	}
	if diff := cmp.Diff(got, recent); diff != "" {
		t.Errorf("RestoreAccount() after a refused purge mismatch (-got +want):\n%s", diff)
	}
	err = s.PurgeAccount(ctx, "no-such-account", epoch)
	wantError(t, "PurgeAccount(unknown)", err, belfry.NotFound, "no-such-account")
}

func testDomainAccount(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	got, err := s.DomainAccount(t.Context(), "example.com")
	if err != nil {
		t.Fatalf("DomainAccount() = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("DomainAccount() mismatch (-got +want):\n%s", diff)
	}
	_, err = s.DomainAccount(t.Context(), "example.org")
	wantError(t, "DomainAccount(unclaimed)", err, belfry.NotFound, "example.org")
}

func testReleaseDomain(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	a, err := s.ClaimDomain(ctx, a.ID, "example.org", belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain() = %v", err)
	}
	ana, bob := mkUser(t, s, a, "Ana@EXAMPLE.com"), mkUser(t, s, a, "bob@example.com")
	carl := mkUser(t, s, a, "carl@example.org")
	suspend(t, s, bob)
	got, n, err := s.ReleaseDomain(ctx, a.ID, "example.com")
	if err != nil {
		t.Fatalf("ReleaseDomain() = %v", err)
	}
	want := *a
	want.Domains = []string{"example.org"}
	if diff := cmp.Diff(got, &want); diff != "" || n != 1 {
		t.Errorf("ReleaseDomain() suspended %d users (want 1), account mismatch (-got +want):\n%s", n, diff)
	}
	wantAccount(t, s, &want)
	suspended := *ana
	suspended.Registration = belfry.Suspended
	bob.Registration = belfry.Suspended
	for _, u := range []*belfry.User{&suspended, bob, carl} {
		wantUser(t, s, u)
	}
	b := mkAccount(t, s, awsAccount(2), "Next owner")
	if _, err := s.ClaimDomain(ctx, b.ID, "example.com", belfry.EnterpriseDirectory); err != nil {
		t.Errorf("ClaimDomain(a released domain) = %v", err)
	}
}

func testReleaseDomainRefused(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	_, _, err := s.ReleaseDomain(t.Context(), b.ID, "example.com")
	wantError(t, "ReleaseDomain(a domain of another account)", err, belfry.NotFound, "example.com")
	_, _, err = s.ReleaseDomain(t.Context(), a.ID, "example.org")
	wantError(t, "ReleaseDomain(unclaimed)", err, belfry.NotFound, "example.org")
	got, err := s.DomainAccount(t.Context(), "example.com")
	if err != nil {
		t.Fatalf("DomainAccount() after refused releases = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("DomainAccount() after refused releases mismatch (-got +want):\n%s", diff)
	}
}
