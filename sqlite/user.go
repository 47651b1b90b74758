package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry"
)

const userColumns = `seq, id, account_id, email, display_name, license, type, registration, invitation,
	registered_on, invited_on, coalesce(personal_pin, ''), phone_number, sessions_revoked, alexa_enabled,
	alexa_room_arn`

const (
	userQuery = `SELECT ` + userColumns + ` FROM users WHERE id = ?1 AND account_id = ?2`
	// listUsersQuery cuts pages on the (account_id, seq) index, so that a
	// page costs the same at any depth and any account size.
	listUsersQuery = `SELECT ` + userColumns + ` FROM users
		WHERE account_id = ?1 AND seq > ?2 AND (?3 = '' OR type = ?3) ORDER BY seq LIMIT ?4`
	listUsersByKeyQuery = `SELECT ` + userColumns + ` FROM users
		WHERE account_id = ?1 AND email_key = ?2 AND seq > ?3 AND (?4 = '' OR type = ?4) ORDER BY seq LIMIT ?5`
	insertUserQuery = `INSERT INTO users (id, account_id, email, email_key, display_name, license, type,
		registration, invitation, registered_on, invited_on, personal_pin, phone_number, sessions_revoked,
		alexa_enabled, alexa_room_arn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CreateUser stores a new user and sets its Seq. The database refuses a
// second user with the same e-mail key in the account, and a PIN in use.
func (s *Store) CreateUser(ctx context.Context, u *belfry.User) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return insertUser(ctx, tx.StmtContext(ctx, s.st.insertUser), u)
	})
}

// insertUser runs the prepared insertUserQuery, ins, for u.
func insertUser(ctx context.Context, ins *sql.Stmt, u *belfry.User) error {
	res, err := ins.ExecContext(ctx, u.ID, u.AccountID, u.Email, belfry.EmailKey(u.Email), u.DisplayName,
		string(u.License), string(u.Type), string(u.Registration), string(u.Invitation),
		micros(u.RegisteredOn), micros(u.InvitedOn), nullable(u.PersonalPIN), u.PhoneNumber,
		micros(u.SessionsRevoked), u.AlexaForBusiness.Enabled, u.AlexaForBusiness.RoomARN)
	if err != nil {
		return userError(err, u)
	}
	u.Seq, err = res.LastInsertId()
	return internal(err)
}

// User returns user id of account accountID.
func (s *Store) User(ctx context.Context, accountID, id string) (*belfry.User, error) {
	u, err := scanUser(s.st.user.QueryRowContext(ctx, id, accountID))
	if err != nil {
		return nil, notFound(err, "user %s not found in account %s", id, accountID)
	}
	return u, nil
}

// ListUsers returns a page of the account's users that match f.
func (s *Store) ListUsers(ctx context.Context, accountID string, f belfry.UserFilter, p belfry.Page) ([]*belfry.User, error) {
	var rows *sql.Rows
	var err error
	if f.EmailKey != "" {
		rows, err = s.st.listUsersByKey.QueryContext(ctx, accountID, f.EmailKey, p.After, string(f.Type), limit(p))
	} else {
		rows, err = s.st.listUsers.QueryContext(ctx, accountID, p.After, string(f.Type), limit(p))
	}
	if err != nil {
		return nil, internal(err)
	}
	return scanUsers(rows, capacity(p))
}

// scanUsers reads the users of rows, which it closes.
func scanUsers(rows *sql.Rows, n int) ([]*belfry.User, error) {
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

func scanUser(row scanner) (*belfry.User, error) {
	u := new(belfry.User)
	if err := row.Scan(userFields(u)...); err != nil {
		return nil, err
	}
	return u, nil
}

// userFields are the destinations of userColumns in u, for every query
// that reads a whole user, so that none of them reads fewer fields.
func userFields(u *belfry.User) []any {
	return []any{&u.Seq, &u.ID, &u.AccountID, &u.Email, &u.DisplayName, &u.License, &u.Type,
		&u.Registration, &u.Invitation, timeCol{&u.RegisteredOn}, timeCol{&u.InvitedOn},
		&u.PersonalPIN, &u.PhoneNumber, timeCol{&u.SessionsRevoked}, &u.AlexaForBusiness.Enabled,
		&u.AlexaForBusiness.RoomARN}
}
