package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/belfryhq/belfry"
)

// updateUserQuery writes every field of a user that may change after it is
// made; its ID, account, e-mail and sequence number never do.
const updateUserQuery = `UPDATE users SET display_name = ?, license = ?, type = ?, registration = ?,
	invitation = ?, registered_on = ?, invited_on = ?, personal_pin = ?, phone_number = ?, sessions_revoked = ?,
	alexa_enabled = ?, alexa_room_arn = ? WHERE id = ? AND account_id = ?`

// UpdateUsers applies a batch of changes to users of account accountID in
// one transaction, in order; see belfry.LifecycleStore.
func (s *Store) UpdateUsers(ctx context.Context, accountID string, changes []*belfry.UserChange) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		read, write := tx.StmtContext(ctx, s.st.userW), tx.StmtContext(ctx, s.st.updateUser)
		for _, c := range changes {
			if err := updateUser1(ctx, tx, read, write, accountID, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// updateUser1 carries out one change of UpdateUsers. It returns only the
// store's own failures; the change's own go in c.Err. What the change
// does is belfry.UserChange.Plan's to decide.
func updateUser1(ctx context.Context, tx *sql.Tx, read, write *sql.Stmt, accountID string, c *belfry.UserChange) error {
	u, err := scanUser(read.QueryRowContext(ctx, c.ID, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		u, err = nil, nil
	}
	if err != nil {
		return internal(err)
	}
	changed, endJobs := c.Plan(accountID, u)
	if !changed {
		return nil
	}
	_, err = write.ExecContext(ctx, u.DisplayName, string(u.License), string(u.Type), string(u.Registration),
		string(u.Invitation), micros(u.RegisteredOn), micros(u.InvitedOn), nullable(u.PersonalPIN), u.PhoneNumber,
		micros(u.SessionsRevoked), u.AlexaForBusiness.Enabled, u.AlexaForBusiness.RoomARN, u.ID, accountID)
	if err != nil {
		return userError(err, u)
	}
	if endJobs {
		if err := cancelJobs(ctx, tx, cancelUserJobsQuery, belfry.CancelSuspended, time.Time{}, sql.Named("user", u.ID)); err != nil {
			return err
		}
	}
	c.User = u
	return nil
}
