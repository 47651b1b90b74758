package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/belfryhq/belfry"
)

const (
	userByKeyQuery    = `SELECT ` + userColumns + ` FROM users WHERE account_id = ?1 AND email_key = ?2`
	reinviteUserQuery = `UPDATE users SET registration = ?, invitation = ?, invited_on = ?, type = ?, license = ?
		WHERE id = ?`
	// claimedElsewhereQuery lists which of a JSON array of domains live
	// accounts other than ?2 have claimed.
	claimedElsewhereQuery = `SELECT d.domain FROM domains d JOIN accounts a ON a.id = d.account_id
		WHERE d.domain IN (SELECT value FROM json_each(?1)) AND d.account_id <> ?2 AND a.deleted_at IS NULL`
	insertInviteQuery = `INSERT INTO invites (id, account_id, user_id, email, status, email_status, created,
		token_hash, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// InviteUsers carries out a batch of invitations in one transaction: it
// marks the items whose domain another account has claimed, then for each
// item reads the account's user with the item's e-mail key, lets
// belfry.PlanInvite decide, and stores the user and the invite it settled.
// An item whose address an earlier item of the batch added finds that user.
func (s *Store) InviteUsers(ctx context.Context, accountID string, items []*belfry.InviteItem) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := markClaimedElsewhere(ctx, tx, accountID, items); err != nil {
			return err
		}
		q := inviteStmts{
			userByKey: tx.StmtContext(ctx, s.st.userByKey),
			insert:    tx.StmtContext(ctx, s.st.insertUser),
			reinvite:  tx.StmtContext(ctx, s.st.reinviteUser),
			invite:    tx.StmtContext(ctx, s.st.insertInvite),
			job:       tx.StmtContext(ctx, s.st.insertJob),
		}
		for _, item := range items {
			if err := q.invite1(ctx, accountID, item); err != nil {
				return err
			}
		}
		return nil
	})
}

// markClaimedElsewhere sets ClaimedElsewhere on the items whose domain an
// account other than accountID has claimed, in one query for the batch.
func markClaimedElsewhere(ctx context.Context, tx *sql.Tx, accountID string, items []*belfry.InviteItem) error {
	domains := make([]string, len(items))
	for i, item := range items {
		domains[i] = item.Domain()
	}
	list, err := json.Marshal(domains)
	if err != nil {
		return internal(err)
	}
	rows, err := tx.QueryContext(ctx, claimedElsewhereQuery, string(list), accountID)
	if err != nil {
		return internal(err)
	}
	defer rows.Close()
	claimed := map[string]bool{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return internal(err)
		}
		claimed[d] = true
	}
	if err := rows.Err(); err != nil {
		return internal(err)
	}
	for _, item := range items {
		item.ClaimedElsewhere = claimed[item.Domain()]
	}
	return nil
}

// inviteStmts are InviteUsers's statements, bound to its transaction.
type inviteStmts struct {
	userByKey, insert, reinvite, invite, job *sql.Stmt
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
	case belfry.InviteNotMade:
		return nil
	case belfry.InviteNewUser:
		err = insertUser(ctx, q.insert, u)
	case belfry.InviteExistingUser:
		_, err = q.reinvite.ExecContext(ctx, string(u.Registration), string(u.Invitation),
			micros(u.InvitedOn), string(u.Type), string(u.License), u.ID)
		err = userError(err, u)
	}
	if err != nil {
		return err
	}
	inv := item.Invite
	_, err = q.invite.ExecContext(ctx, inv.ID, accountID, inv.UserID, inv.Email,
		string(inv.Status), string(inv.EmailStatus), micros(inv.Created), inv.TokenHash, micros(inv.Expires))
	if err != nil {
		return inviteError(err, inv)
	}
	if item.Mail != nil {
		j := item.Mail.Job()
		if err := insertJob(ctx, q.job, j); err != nil {
			return err
		}
		item.Mail.Seq = j.Seq
	}
	return nil
}

const inviteByTokenQuery = `SELECT i.id, i.account_id, i.user_id, i.email, i.status, i.email_status, i.created,
	i.token_hash, i.expires, i.accepted, ` + prefixedUserColumns + `
	FROM invites i JOIN users u ON u.id = i.user_id WHERE i.token_hash = ?`

// prefixedUserColumns are userColumns of the users table aliased u, in
// the same order, for userFields.
const prefixedUserColumns = `u.seq, u.id, u.account_id, u.email, u.display_name, u.license, u.type,
	u.registration, u.invitation, u.registered_on, u.invited_on, coalesce(u.personal_pin, ''), u.phone_number,
	u.sessions_revoked, u.alexa_enabled, u.alexa_room_arn`

// InviteByToken returns the invite whose token hashes to hash, with its user.
func (s *Store) InviteByToken(ctx context.Context, hash []byte) (*belfry.Invite, *belfry.User, error) {
	inv, u := new(belfry.Invite), new(belfry.User)
	dest := append([]any{&inv.ID, &inv.AccountID, &inv.UserID, &inv.Email, &inv.Status, &inv.EmailStatus,
		timeCol{&inv.Created}, &inv.TokenHash, timeCol{&inv.Expires}, timeCol{&inv.Accepted}}, userFields(u)...)
	err := s.r.QueryRowContext(ctx, inviteByTokenQuery, hash).Scan(dest...)
	if err != nil {
		return nil, nil, notFound(err, "no invitation has this token")
	}
	return inv, u, nil
}

// AcceptInvite registers the invitee of a pending invite, once.
func (s *Store) AcceptInvite(ctx context.Context, id string, u *belfry.User) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invites SET status = 'Accepted', accepted = ?2
			WHERE id = ?1 AND status = 'Pending'`, id, micros(u.RegisteredOn))
		if err := accepted(res, err); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE users SET registration = ?2, invitation = ?3, display_name = ?4,
			registered_on = ?5, personal_pin = ?6 WHERE id = ?1 AND registration = 'Unregistered'`,
			u.ID, string(u.Registration), string(u.Invitation), u.DisplayName, micros(u.RegisteredOn), nullable(u.PersonalPIN))
		if err != nil {
			return userError(err, u)
		}
		if err := accepted(res, nil); err != nil {
			return err
		}
		return cancelJobs(ctx, tx, cancelUserJobsQuery, belfry.CancelAccepted, u.RegisteredOn, sql.Named("user", u.ID))
	})
}

// accepted says whether an accepting UPDATE found its row still waiting.
func accepted(res sql.Result, err error) error {
	if err != nil {
		return internal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return &belfry.Error{Kind: belfry.Conflict, Message: "this invitation was already used", Err: belfry.ErrInviteUsed}
	}
	return nil
}
