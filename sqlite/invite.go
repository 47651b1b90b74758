package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
)

const (
	userByKeyQuery    = `SELECT ` + userColumns + ` FROM users WHERE account_id = ?1 AND email_key = ?2`
	reinviteUserQuery = `UPDATE users SET registration = ?, invitation = ?, invited_on = ?, type = ? WHERE id = ?`
	insertInviteQuery = `INSERT INTO invites (id, account_id, user_id, email, status, email_status, created)
		VALUES (?, ?, ?, ?, ?, ?, ?)`
)

// InviteUsers carries out a batch of invitations in one transaction: for each
// item it reads the account's user with the item's e-mail key, lets
// belfry.PlanInvite decide, and stores the user and the invite it settled.
// An item whose address an earlier item of the batch added finds that user.
func (s *Store) InviteUsers(ctx context.Context, accountID string, items []*belfry.InviteItem) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		q := inviteStmts{
			userByKey: tx.StmtContext(ctx, s.st.userByKey),
			insert:    tx.StmtContext(ctx, s.st.insertUser),
			reinvite:  tx.StmtContext(ctx, s.st.reinviteUser),
			invite:    tx.StmtContext(ctx, s.st.insertInvite),
		}
		for _, item := range items {
			if err := q.invite1(ctx, accountID, item); err != nil {
				return err
			}
		}
		return nil
	})
}

// inviteStmts are InviteUsers's statements, bound to its transaction.
type inviteStmts struct {
	userByKey, insert, reinvite, invite *sql.Stmt
}

// invite1 carries out one item of InviteUsers.
func (q inviteStmts) invite1(ctx context.Context, accountID string, item *belfry.InviteItem) error {
	existing, err := scanUser(q.userByKey.QueryRowContext(ctx, accountID, item.Key))
	if errors.Is(err, sql.ErrNoRows) {
		existing, err = nil, nil
	}
	if err != nil {
		return internal(err)
	}
	belfry.PlanInvite(existing, item)
	u := item.User
	switch item.Action {
	case belfry.InviteNewUser:
		err = insertUser(ctx, q.insert, u)
	case belfry.InviteExistingUser:
		_, err = q.reinvite.ExecContext(ctx, string(u.Registration), string(u.Invitation),
			micros(u.InvitedOn), string(u.Type), u.ID)
		err = userError(err, u)
	}
	if err != nil {
		return err
	}
	inv := item.Invite
	_, err = q.invite.ExecContext(ctx, inv.ID, accountID, inv.UserID, inv.Email,
		string(inv.Status), string(inv.EmailStatus), micros(inv.Created))
	if err != nil {
		return inviteError(err, inv)
	}
	return nil
}
