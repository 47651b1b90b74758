package postgres

import (
	"errors"
	"fmt"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// This file is the one place where PostgreSQL's errors become Belfry's: the
// database enforces uniqueness and references, and the functions below name,
// for each resource, what a broken constraint means to the caller, in the
// words the SQLite store uses (sqlite/error.go), so that both answer alike.

// foreignKey is what constraint reports for a broken FOREIGN KEY, whichever
// it is: every resource has one meaning for it.
const foreignKey = "FOREIGN KEY"

// constraint returns the name of the unique constraint or index that err
// broke (23505, unique_violation), as the migrations name them, foreignKey
// for a broken foreign key (23503), or "" when err is neither.
func constraint(err error) string {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code {
	case "23505":
		return e.ConstraintName
	case "23503":
		return foreignKey
	}
	return ""
}

// affected reads the result of an UPDATE or DELETE that must match a row,
// and turns one that matched none into a NotFound error.
func affected(format string, args ...any) func(pgx.BatchResults) error {
	return func(r pgx.BatchResults) error {
		tag, err := r.Exec()
		if err != nil {
			return internal(err)
		}
		if tag.RowsAffected() == 0 {
			return belfry.Errorf(belfry.NotFound, format, args...)
		}
		return nil
	}
}

// conflict is a Conflict error with a caller-safe message.
func conflict(format string, args ...any) error {
	return belfry.Errorf(belfry.Conflict, format, args...)
}

// notFound turns pgx.ErrNoRows into a NotFound error whose message names
// what was looked for, and other errors into internal ones.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return belfry.Errorf(belfry.NotFound, format, args...)
	}
	return internal(err)
}

// internal wraps an error that has no meaning for the caller; its kind is
// Internal and its text goes to the log only. Belfry's own errors pass as
// they are.
func internal(err error) error {
	if err == nil {
		return nil
	}
	var be *belfry.Error
	if errors.As(err, &be) {
		return err
	}
	return fmt.Errorf("postgres: %w", err)
}

func accountError(err error, a *belfry.Account) error {
	switch constraint(err) {
	case "accounts_id":
		return conflict("account %s already exists", a.ID)
	}
	return internal(err)
}

func domainError(err error, domain string) error {
	switch constraint(err) {
	case "domains_domain":
		return conflict("domain %s is already claimed by another account", domain)
	}
	return internal(err)
}

func userError(err error, u *belfry.User) error {
	switch constraint(err) {
	case "users_email":
		return &belfry.Error{Kind: belfry.Conflict,
			Message: fmt.Sprintf("a user with e-mail %s already exists in account %s", u.Email, u.AccountID), Err: errEmailTaken}
	case "users_personal_pin":
		return &belfry.Error{Kind: belfry.Conflict, Message: "the personal PIN is already in use", Err: belfry.ErrPINTaken}
	case "users_id":
		return conflict("user %s already exists", u.ID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", u.AccountID)
	}
	return internal(err)
}

// errEmailTaken is the cause inside the Conflict of a second user with one
// e-mail key, so that InviteUsers can tell that it lost a race for a new
// address to another transaction and run again.
var errEmailTaken = errors.New("e-mail address already in use")

func inviteError(err error, inv *belfry.Invite) error {
	switch constraint(err) {
	case "invites_id":
		return conflict("invite %s already exists", inv.ID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s or user %s not found", inv.AccountID, inv.UserID)
	}
	return internal(err)
}

func roomError(err error, r *belfry.Room) error {
	switch constraint(err) {
	case "rooms_id":
		return conflict("room %s already exists", r.ID)
	case "rooms_client_token":
		return conflict("a room with client request token %s already exists in account %s", r.ClientToken, r.AccountID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "account %s not found", r.AccountID)
	}
	return internal(err)
}

func membershipError(err error, m *belfry.Membership) error {
	switch constraint(err) {
	case "memberships_room_member":
		return conflict("member %s is already in room %s", m.Member.ID, m.RoomID)
	case foreignKey:
		return belfry.Errorf(belfry.NotFound, "room %s not found", m.RoomID)
	}
	return internal(err)
}

func keyError(err error, k *belfry.AccessKey) error {
	switch constraint(err) {
	case "access_keys_id":
		return conflict("access key %s already exists", k.ID)
	}
	return internal(err)
}
