package postgres

import (
	"errors"
	"fmt"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// This file is the one place where PostgreSQL's errors become Belfry's: the
// database enforces uniqueness and references, constraint names what broke
// in the terms every store shares, and package storeerr words what that
// means to the caller, as it does for the SQLite store.

// constraints maps the unique constraints and indexes, as the migrations
// name them, to the constraint they stand for.
var constraints = map[string]storeerr.Constraint{
	"accounts_id":             storeerr.AccountID,
	"domains_domain":          storeerr.DomainName,
	"users_id":                storeerr.UserID,
	"users_email":             storeerr.UserEmail,
	"users_personal_pin":      storeerr.UserPIN,
	"invites_id":              storeerr.InviteID,
	"rooms_id":                storeerr.RoomID,
	"rooms_client_token":      storeerr.RoomToken,
	"memberships_room_member": storeerr.RoomMember,
	"access_keys_id":          storeerr.KeyID,
	"jobs_id":                 storeerr.JobID,
}

// constraint returns the constraint that err broke (23505,
// unique_violation), storeerr.ForeignKey for a broken foreign key (23503),
// or storeerr.None when err is neither.
func constraint(err error) storeerr.Constraint {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return storeerr.None
	}
	switch e.Code {
	case "23505":
		return constraints[e.ConstraintName]
	case "23503":
		return storeerr.ForeignKey
	}
	return storeerr.None
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
