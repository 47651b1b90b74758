package postgres

import (
	"context"
	"strconv"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const userColumns = `seq, id, account_id, email, display_name, license, type, registration, invitation,
	registered_on, invited_on, coalesce(personal_pin, ''), phone_number, sessions_revoked, alexa_enabled,
	alexa_room_arn`

const (
	userQuery       = `SELECT ` + userColumns + ` FROM users WHERE id = $1 AND account_id = $2`
	insertUserQuery = `INSERT INTO users (id, account_id, email, email_key, display_name, license, type,
		registration, invitation, registered_on, invited_on, personal_pin, phone_number, sessions_revoked,
		alexa_enabled, alexa_room_arn)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING seq`
)

// CreateUser stores a new user and sets its Seq. The database refuses a
// second user with the same e-mail key in the account, and a PIN in use;
// of two replicas creating one address at once, the second waits for the
// first to commit and then gets the Conflict.
func (s *Store) CreateUser(ctx context.Context, u *belfry.User) error {
	return s.change(ctx, insertUserQuery, userArgs(u), func(r pgx.BatchResults) error {
		return userError(r.QueryRow().Scan(&u.Seq), u)
	})
}

// userArgs are the arguments of insertUserQuery for u.
func userArgs(u *belfry.User) []any {
	return []any{u.ID, u.AccountID, u.Email, belfry.EmailKey(u.Email), u.DisplayName,
		string(u.License), string(u.Type), string(u.Registration), string(u.Invitation),
		ts(u.RegisteredOn), ts(u.InvitedOn), nullable(u.PersonalPIN), u.PhoneNumber,
		ts(u.SessionsRevoked), u.AlexaForBusiness.Enabled, u.AlexaForBusiness.RoomARN}
}

// User returns user id of account accountID.
func (s *Store) User(ctx context.Context, accountID, id string) (*belfry.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userQuery, id, accountID))
	if err != nil {
		return nil, notFound(err, "user %s not found in account %s", id, accountID)
	}
	return u, nil
}

// ListUsers returns a page of the account's users that match f, cut on the
// (account_id, seq) index so that a page costs the same at any depth.
func (s *Store) ListUsers(ctx context.Context, accountID string, f belfry.UserFilter, p belfry.Page) ([]*belfry.User, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE account_id = $1 AND seq > $2`
	args := []any{accountID, p.After, limit(p)}
	if f.EmailKey != "" {
		args = append(args, f.EmailKey)
		q += ` AND email_key = $4`
	}
	if f.Type != "" {
		args = append(args, string(f.Type))
		q += ` AND type = $` + strconv.Itoa(len(args))
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY seq LIMIT $3`, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanUsers(rows, capacity(p))
}

// scanUsers reads the users of rows, which it closes.
func scanUsers(rows pgx.Rows, n int) ([]*belfry.User, error) {
	defer rows.Close()
	list := make([]*belfry.User, 0, n)
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, u)
	}
	return list, internal(rows.Err())
}

func scanUser(row pgx.Row) (*belfry.User, error) {
	u := new(belfry.User)
	err := row.Scan(&u.Seq, &u.ID, &u.AccountID, &u.Email, &u.DisplayName, &u.License, &u.Type,
		&u.Registration, &u.Invitation, timeCol{&u.RegisteredOn}, timeCol{&u.InvitedOn},
		&u.PersonalPIN, &u.PhoneNumber, timeCol{&u.SessionsRevoked}, &u.AlexaForBusiness.Enabled,
		&u.AlexaForBusiness.RoomARN)
	if err != nil {
		return nil, err
	}
	return u, nil
}
