package postgres

import (
	"context"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	// lockUserQuery reads a user and locks its row until the change is
	// stored, so that two replicas changing one user do not lose either
	// change: the second reads what the first stored.
	lockUserQuery = `SELECT ` + userColumns + ` FROM users WHERE id = $1 AND account_id = $2 FOR UPDATE`
	// updateUserQuery writes every field of a user that may change after
	// it is made; its ID, account, e-mail and sequence number never do.
	updateUserQuery = `UPDATE users SET display_name = $1, license = $2, type = $3, registration = $4,
		invitation = $5, registered_on = $6, invited_on = $7, personal_pin = $8, phone_number = $9,
		sessions_revoked = $10, alexa_enabled = $11, alexa_room_arn = $12 WHERE id = $13 AND account_id = $14`
)

// UpdateUsers applies a batch of changes to users of account accountID in
// one transaction, in order; see belfry.LifecycleStore.
func (s *Store) UpdateUsers(ctx context.Context, accountID string, changes []*belfry.UserChange) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		for _, c := range changes {
			c.User, c.Err = nil, nil // a transaction that runs again starts afresh
			if err := updateUser1(ctx, tx, accountID, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// updateUser1 carries out one change of UpdateUsers. It returns only the
// store's own failures; the change's own go in c.Err. What the change
// does is belfry.UserChange.Plan's to decide.
func updateUser1(ctx context.Context, tx pgx.Tx, accountID string, c *belfry.UserChange) error {
	u, err := scanUser(tx.QueryRow(ctx, lockUserQuery, c.ID, accountID))
	if errors.Is(err, pgx.ErrNoRows) {
		u, err = nil, nil
	}
	if err != nil {
		return internal(err)
	}
	changed, endJobs := c.Plan(accountID, u)
	if !changed {
		return nil
	}
	_, err = tx.Exec(ctx, updateUserQuery, u.DisplayName, string(u.License), string(u.Type), string(u.Registration),
		string(u.Invitation), ts(u.RegisteredOn), ts(u.InvitedOn), nullable(u.PersonalPIN), u.PhoneNumber,
		ts(u.SessionsRevoked), u.AlexaForBusiness.Enabled, u.AlexaForBusiness.RoomARN, u.ID, accountID)
	if err != nil {
		return userError(err, u)
	}
	if endJobs {
		if _, err := tx.Exec(ctx, cancelUserJobsQuery, u.ID, belfry.CancelSuspended, nil); err != nil {
			return internal(err)
		}
	}
	c.User = u
	return nil
}
