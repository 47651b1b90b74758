// Package storeerr words, once for every store, what a broken database
// constraint means to the caller. Each store names the constraint its
// driver reported in the neutral terms below; the functions here give the
// belfry.Error, so that the SQLite and PostgreSQL stores answer every
// conflict in the same words (the storetest suite holds them to it).
package storeerr

import (
	"errors"
	"fmt"

	"github.com/belfryhq/belfry"
)

// Constraint names a constraint the way every store agrees on.
type Constraint string

// The constraints that mean something to a caller. None is any other error.
const (
	None       Constraint = ""
	ForeignKey Constraint = "foreign key"
	AccountID  Constraint = "accounts.id"
	DomainName Constraint = "domains.domain"
	UserID     Constraint = "users.id"
	UserEmail  Constraint = "users.email"
	UserPIN    Constraint = "users.personal_pin"
	InviteID   Constraint = "invites.id"
	RoomID     Constraint = "rooms.id"
	RoomToken  Constraint = "rooms.client_token"
	RoomMember Constraint = "memberships.member"
	KeyID      Constraint = "access_keys.id"
	JobID      Constraint = "jobs.id"
)

// ErrEmailTaken is the cause inside the Conflict of a second user with one
// e-mail key, so that a store's InviteUsers can tell that it lost a race for
// a new address to another transaction and run again.
var ErrEmailTaken = errors.New("e-mail address already in use")

func conflict(format string, args ...any) error {
	return belfry.Errorf(belfry.Conflict, format, args...)
}

// Each function below returns the error that c means for its resource, or
// otherwise, the store's own wrapping of the driver's error, when c means
// nothing for it.

// Account words a broken constraint of accounts.
func Account(c Constraint, a *belfry.Account, otherwise error) error {
	if c == AccountID {
		return conflict("account %s already exists", a.ID)
	}
	return otherwise
}

// Domain words a broken constraint of domain claims.
func Domain(c Constraint, domain string, otherwise error) error {
	if c == DomainName {
		return conflict("domain %s is already claimed by another account", domain)
	}
	return otherwise
}

// User words a broken constraint of users.
func User(c Constraint, u *belfry.User, otherwise error) error {
	switch c {
	case UserEmail:
		return &belfry.Error{Kind: belfry.Conflict,
			Message: fmt.Sprintf("a user with e-mail %s already exists in account %s", u.Email, u.AccountID), Err: ErrEmailTaken}
	case UserPIN:
		return &belfry.Error{Kind: belfry.Conflict, Message: "the personal PIN is already in use", Err: belfry.ErrPINTaken}
	case UserID:
		return conflict("user %s already exists", u.ID)
	case ForeignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", u.AccountID)
	}
	return otherwise
}

// Invite words a broken constraint of invites.
func Invite(c Constraint, inv *belfry.Invite, otherwise error) error {
	switch c {
	case InviteID:
		return conflict("invite %s already exists", inv.ID)
	case ForeignKey:
		return belfry.Errorf(belfry.NotFound, "account %s or user %s not found", inv.AccountID, inv.UserID)
	}
	return otherwise
}

// Room words a broken constraint of rooms.
func Room(c Constraint, r *belfry.Room, otherwise error) error {
	switch c {
	case RoomID:
		return conflict("room %s already exists", r.ID)
	case RoomToken:
		return conflict("a room with client request token %s already exists in account %s", r.ClientToken, r.AccountID)
	case ForeignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", r.AccountID)
	}
	return otherwise
}

// Membership words a broken constraint of room memberships.
func Membership(c Constraint, m *belfry.Membership, otherwise error) error {
	switch c {
	case RoomMember:
		return conflict("member %s is already in room %s", m.Member.ID, m.RoomID)
	case ForeignKey:
		return belfry.Errorf(belfry.NotFound, "room %s not found", m.RoomID)
	}
	return otherwise
}

// Key words a broken constraint of access keys.
func Key(c Constraint, k *belfry.AccessKey, otherwise error) error {
	if c == KeyID {
		return conflict("access key %s already exists", k.ID)
	}
	return otherwise
}

// Job words a broken constraint of the job queue.
func Job(c Constraint, j *belfry.Job, otherwise error) error {
	if c == JobID {
		return conflict("job %s already exists", j.ID)
	}
	return otherwise
}
