package storetest

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// SeedRoom stores an Enterprise account with one user, who is a member of
// one room, for the stores' benchmarks and tests of their own, which then
// fill the room with messages in bulk as only each store can.
func SeedRoom(tb testing.TB, s belfry.Store) (*belfry.Account, *belfry.Room, *belfry.User) {
	tb.Helper()
	ctx := tb.Context()
	now := time.Now()
	a := &belfry.Account{AwsAccountID: "100000000001", ID: "acc-history", Name: "History", Type: belfry.Team,
		Created: now, DefaultLicense: belfry.Pro, Status: belfry.AccountActive}
	u := &belfry.User{ID: "user-history", AccountID: a.ID, Email: "ana@example.com", DisplayName: "Ana", License: belfry.Pro,
		Type: belfry.PrivateUser, Registration: belfry.Registered, RegisteredOn: now, PersonalPIN: "1234567890"}
	r := &belfry.Room{ID: "room-history", AccountID: a.ID, Name: "History", Created: now, Updated: now}
	err := s.CreateAccount(ctx, a)
	if err == nil {
		a, err = s.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseLWA)
	}
	if err == nil {
		err = s.CreateUser(ctx, u)
	}
	if err == nil {
		_, err = s.CreateRoom(ctx, r)
	}
	if err == nil {
		err = s.CreateMembership(ctx, a.ID, &belfry.Membership{RoomID: r.ID, Member: belfry.Member{ID: u.ID}, Role: belfry.RoleMember, Updated: now})
	}
	if err != nil {
		tb.Fatal(err)
	}
	return a, r, u
}
