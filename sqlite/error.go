package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/belfryhq/belfry"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file is the one place where SQLite's errors become Belfry's: the
// database enforces uniqueness and references, and the functions below name,
// for each resource, what a broken constraint means to the caller.

// foreignKey is what constraint reports for a broken FOREIGN KEY, which
// SQLite does not name.
const foreignKey = "FOREIGN KEY"

// constraint returns the constraint that err broke: the columns of a UNIQUE
// or PRIMARY KEY constraint as SQLite names them ("users.personal_pin",
// "users.account_id, users.email_key"), foreignKey, or "" when err is no
// constraint violation.
func constraint(err error) string {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return foreignKey
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// "constraint failed: UNIQUE constraint failed: users.id (2067)"
		const marker = "constraint failed: "
		msg := e.Error()
		cols := msg[strings.LastIndex(msg, marker)+len(marker):]
		if i := strings.LastIndex(cols, " ("); i >= 0 {
			cols = cols[:i]
		}
		return cols
	}
	return ""
}

// conflict is a Conflict error with a caller-safe message.
func conflict(format string, args ...any) error {
	return belfry.Errorf(belfry.Conflict, format, args...)
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
	switch constraint(err) {
	case "accounts.id":
		return conflict("account %s already exists", a.ID)
	}
	return internal(err)
}

func domainError(err error, domain string) error {
	switch constraint(err) {
	case "domains.domain":
		return conflict("domain %s is already claimed by another account", domain)
	}
	return internal(err)
}

func userError(err error, u *belfry.User) error {
	switch constraint(err) {
	case "users.account_id, users.email_key":
		return conflict("a user with e-mail %s already exists in account %s", u.Email, u.AccountID)
	case "users.personal_pin":
		return &belfry.Error{Kind: belfry.Conflict, Message: "the personal PIN is already in use", Err: belfry.ErrPINTaken}
	case "users.id":
		return conflict("user %s already exists", u.ID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", u.AccountID)
	}
	return internal(err)
}

func inviteError(err error, inv *belfry.Invite) error {
	switch constraint(err) {
	case "invites.id":
		return conflict("invite %s already exists", inv.ID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s or user %s not found", inv.AccountID, inv.UserID)
	}
	return internal(err)
}

func roomError(err error, r *belfry.Room) error {
	switch constraint(err) {
	case "rooms.id":
		return conflict("room %s already exists", r.ID)
	case "rooms.account_id, rooms.client_token":
		return conflict("a room with client request token %s already exists in account %s", r.ClientToken, r.AccountID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", r.AccountID)
	}
	return internal(err)
}

func membershipError(err error, m *belfry.Membership) error {
	switch constraint(err) {
	case "memberships.room_id, memberships.member_id":
		return conflict("member %s is already in room %s", m.Member.ID, m.RoomID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "room %s not found", m.RoomID)
	}
	return internal(err)
}

func keyError(err error, k *belfry.AccessKey) error {
	switch constraint(err) {
	case "access_keys.id":
		return conflict("access key %s already exists", k.ID)
	}
	return internal(err)
}
