package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file is the one place where SQLite's errors become Belfry's: the
// database enforces uniqueness and references, constraint names what broke
// in the terms every store shares, and package storeerr words what that
// means to the caller.

// constraints maps the columns SQLite names for a broken UNIQUE or PRIMARY
// KEY constraint to the constraint they stand for.
var constraints = map[string]storeerr.Constraint{
	"accounts.id":                          storeerr.AccountID,
	"domains.domain":                       storeerr.DomainName,
	"users.id":                             storeerr.UserID,
	"users.email_key, users.account_id":    storeerr.UserEmail,
	"users.personal_pin":                   storeerr.UserPIN,
	"invites.id":                           storeerr.InviteID,
	"rooms.id":                             storeerr.RoomID,
	"rooms.account_id, rooms.client_token": storeerr.RoomToken,
	"memberships.room_id, memberships.member_id": storeerr.RoomMember,
	"access_keys.id": storeerr.KeyID,
	"jobs.id":        storeerr.JobID,
}

// constraint returns the constraint that err broke, storeerr.ForeignKey for
// any FOREIGN KEY (SQLite does not say which), or storeerr.None when err is
// no constraint violation Belfry gives a meaning to.
func constraint(err error) storeerr.Constraint {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return storeerr.None
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return storeerr.ForeignKey
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// "constraint failed: UNIQUE constraint failed: users.id (2067)"
		const marker = "constraint failed: "
		msg := e.Error()
		cols := msg[strings.LastIndex(msg, marker)+len(marker):]
		if i := strings.LastIndex(cols, " ("); i >= 0 {
			cols = cols[:i]
		}
		return constraints[cols]
	}
	return storeerr.None
}

// notFound turns sql.ErrNoRows into a NotFound error whose message names
// what was looked for, and other errors into internal ones.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return belfry.Errorf(belfry.NotFound, format, args...)
	}
	return internal(err)
}

// internal wraps an error that has no meaning for the caller; its kind is
// Internal and its text goes to the log only.
func internal(err error) error {
	if err == nil {
		return nil
	}
	var be *belfry.Error
	if errors.As(err, &be) {
		return err
	}
	return fmt.Errorf("sqlite: %w", err)
}

func accountError(err error, a *belfry.Account) error {
	return storeerr.Account(constraint(err), a, internal(err))
}

func domainError(err error, domain string) error {
	return storeerr.Domain(constraint(err), domain, internal(err))
}

func userError(err error, u *belfry.User) error {
	return storeerr.User(constraint(err), u, internal(err))
}

func inviteError(err error, inv *belfry.Invite) error {
	return storeerr.Invite(constraint(err), inv, internal(err))
}

func roomError(err error, r *belfry.Room) error {
	return storeerr.Room(constraint(err), r, internal(err))
}

func membershipError(err error, m *belfry.Membership) error {
	return storeerr.Membership(constraint(err), m, internal(err))
}

func keyError(err error, k *belfry.AccessKey) error {
	return storeerr.Key(constraint(err), k, internal(err))
}
