// Package storetest is the conformance suite of belfry.Store: every store,
// SQLite and PostgreSQL alike, runs it from a one-line test, so that both
// answer every call the same way, errors included.
package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The suite compares whole values with cmp.Diff, got before want, so that a
// store that reads one field fewer than another shows. Its times have
// millisecond precision, which every store keeps exactly, so no time is
// normalised except where a case says so; Seq is compared too, since a
// store sets it on the value it is given.

// cmpEmpty makes cmp.Diff take a nil slice and an empty one as equal.
var cmpEmpty = cmpopts.EquateEmpty()

// test is one case of the suite; it gets a fresh, empty store.
type test struct {
	name string
	run  func(t *testing.T, s belfry.Store)
}

// Run runs the suite. open returns a fresh, empty store for each case; Run
// closes it when the case ends.
func Run(t *testing.T, open func(t *testing.T) belfry.Store) {
	for _, group := range []struct {
		name  string
		tests []test
	}{
		{"Accounts", accountTests},
		{"Domains", domainTests},
		{"Users", userTests},
		{"Invites", inviteTests},
		{"Outbox", outboxTests},
		{"Jobs", jobTests},
		{"OutboxCancel", outboxCancelTests},
		{"Acceptance", acceptTests},
		{"Rooms", roomTests},
		{"Memberships", membershipTests},
		{"RoomChanges", roomChangeTests},
		{"MembershipBatches", membershipBatchTests},
		{"Messages", messageTests},
		{"Webhooks", webhookTests},
		{"Bots", botTests},
		{"BotDeliveries", botDeliveryTests},
		{"SignIns", signInTests},
		{"Retention", retentionTests},
		{"Keys", keyTests},
		{"Paging", pagingTests},
		{"Lifecycle", lifecycleTests},
		{"UserUpdates", userUpdateTests},
		{"Settings", settingsTests},
		{"GlobalSettings", globalSettingsTests},
		{"Audit", auditTests},
		{"PhoneNumbers", phoneNumberTests},
	} {
		t.Run(group.name, func(t *testing.T) {
			for _, tc := range group.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t)
					t.Cleanup(func() {
						if err := s.Close(); err != nil {
							t.Errorf("Close() = %v", err)
						}
					})
					tc.run(t, s)
				})
			}
		})
	}
}

// epoch is the suite's clock origin. The suite's times have millisecond
// precision, which every store keeps exactly.
var epoch = time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)

// at is epoch plus n milliseconds.
func at(n int) time.Time { return epoch.Add(time.Duration(n) * time.Millisecond) }

var idCounter atomic.Int64

// newID returns an ID no other call returns, shaped like Belfry's IDs.
func newID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", idCounter.Add(1))
}

// awsAccount returns the AWS account ID numbered n.
func awsAccount(n int) string { return fmt.Sprintf("1000000000%02d", n) }

// mkAccount stores a Team account of AWS account aws.
func mkAccount(t *testing.T, s belfry.Store, aws, name string) *belfry.Account {
	t.Helper()
	a := &belfry.Account{
		AwsAccountID: aws, ID: newID(), Name: name, Type: belfry.Team, Created: at(1),
		DefaultLicense: belfry.Pro, SupportedLicenses: []belfry.License{belfry.Basic, belfry.Pro},
		Status: belfry.AccountActive,
	}
	if err := s.CreateAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateAccount(%q) = %v", name, err)
	}
	return a
}

// mkEnterprise stores an EnterpriseLWA account that has claimed domain.
func mkEnterprise(t *testing.T, s belfry.Store, domain string) *belfry.Account {
	t.Helper()
	a := mkAccount(t, s, awsAccount(1), "enterprise "+domain)
	a, err := s.ClaimDomain(t.Context(), a.ID, domain, belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain(%s) = %v", domain, err)
	}
	return a
}

// newUser returns a registered user of account a, not yet stored.
func newUser(a *belfry.Account, email string) *belfry.User {
	return &belfry.User{
		ID: newID(), AccountID: a.ID, Email: email, DisplayName: "User " + email,
		License: belfry.Pro, Type: belfry.PrivateUser, Registration: belfry.Registered,
		RegisteredOn: at(2), PersonalPIN: belfry.NewPersonalPIN(),
	}
}

// mkUser stores a registered user of account a.
func mkUser(t *testing.T, s belfry.Store, a *belfry.Account, email string) *belfry.User {
	t.Helper()
	u := newUser(a, email)
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%s) = %v", email, err)
	}
	return u
}

// newRoom returns a room of account a, not yet stored.
func newRoom(a *belfry.Account, name, token string) *belfry.Room {
	return &belfry.Room{
		ID: newID(), AccountID: a.ID, Name: name, CreatedBy: "arn:aws:iam::" + a.AwsAccountID + ":user/admin",
		Created: at(3), Updated: at(4), ClientToken: token,
	}
}

// mkRoom stores a room of account a.
func mkRoom(t *testing.T, s belfry.Store, a *belfry.Account, name string) *belfry.Room {
	t.Helper()
	r, err := s.CreateRoom(t.Context(), newRoom(a, name, ""))
	if err != nil {
		t.Fatalf("CreateRoom(%s) = %v", name, err)
	}
	return r
}

// wantError fails t unless err is an error of kind want whose message
// mentions each of words.
func wantError(t *testing.T, what string, err error, want belfry.Kind, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s = nil error; want kind %v", what, want)
	}
	if got := belfry.ErrorKind(err); got != want {
		t.Fatalf("%s = %v, kind %v; want kind %v", what, err, got, want)
	}
	msg := belfry.ErrorMessage(err)
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: message %q does not mention %q", what, msg, w)
		}
	}
	if errors.Is(err, belfry.ErrPINTaken) && want != belfry.Conflict {
		t.Errorf("%s = %v wraps ErrPINTaken; want it only in Conflicts", what, err)
	}
}

// ids returns the IDs of items, in order.
func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = id(v)
	}
	return out
}
