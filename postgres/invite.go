package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/storeerr"
	"github.com/jackc/pgx/v5"
)

const (
	// lockKeysQuery takes an advisory lock for each of the batch's e-mail
	// keys in the account, in one order for every transaction, so that two
	// batches sharing addresses take turns instead of deadlocking over the
	// inserts of new users, and the second finds the users the first made.
	lockKeysQuery = `SELECT pg_advisory_xact_lock(h) FROM (
		SELECT DISTINCT hashtextextended($1 || ' ' || k, 0) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS keys`
	// usersByKeyQuery reads and locks the account's users with any of the
	// batch's e-mail keys, in key order, so that two batches lock shared
	// users in the same order.
	usersByKeyQuery = `SELECT email_key, ` + userColumns + ` FROM users WHERE account_id = $1 AND email_key = ANY($2)
		ORDER BY email_key FOR UPDATE`
	reinviteUserQuery = `UPDATE users SET registration = $1, invitation = $2, invited_on = $3, type = $4, license = $5
		WHERE id = $6`
	// claimedElsewhereQuery lists which of the batch's domains live accounts
	// other than the inviting one have claimed.
	claimedElsewhereQuery = `SELECT d.domain FROM domains d JOIN accounts a ON a.id = d.account_id
		WHERE d.domain = ANY($2) AND d.account_id <> $1 AND a.deleted_at IS NULL`
	insertInviteQuery = `INSERT INTO invites (id, account_id, user_id, email, status, email_status, created,
		token_hash, expires) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

// InviteUsers carries out a batch of invitations in one transaction. It
// reads and locks the account's users with the batch's addresses in one
// statement, lets belfry.PlanInvite decide each item in order (an item
// whose address an earlier item added finds that user), and sends what it
// decided in one round trip.
//
// Replicas inviting one address at once take turns at a lock of the
// address, so the second finds the user the first made and re-invites it.
// A CreateUser of the address, which takes no such lock, can still win the
// race for the unique e-mail index; that is no conflict for the caller
// either: the transaction runs again and finds the user CreateUser made.
func (s *Store) InviteUsers(ctx context.Context, accountID string, items []*belfry.InviteItem) error {
	saved := snapshot(items)
	return s.write(ctx, func(tx pgx.Tx) error {
		saved.restore()
		err := inviteAll(ctx, tx, accountID, items)
		if errors.Is(err, storeerr.ErrEmailTaken) {
			return &runAgain{err}
		}
		return err
	})
}

func inviteAll(ctx context.Context, tx pgx.Tx, accountID string, items []*belfry.InviteItem) error {
	keys := make([]string, len(items))
	for i, item := range items {
		keys[i] = item.Key
	}
	if _, err := tx.Exec(ctx, lockKeysQuery, accountID, keys); err != nil {
		return internal(err)
	}
	rows, err := tx.Query(ctx, usersByKeyQuery, accountID, keys)
	if err != nil {
		return internal(err)
	}
	users := make(map[string]*belfry.User, len(items)) // by e-mail key
	for rows.Next() {
		var key string
		u, err := scanUser(keyed{rows, &key})
		if err != nil {
			rows.Close()
			return internal(err)
		}
		users[key] = u
	}
	if err := rows.Err(); err != nil {
		return internal(err)
	}
	if err := markClaimedElsewhere(ctx, tx, accountID, items); err != nil {
		return err
	}
	var b batch
	added := make(map[string]*belfry.User) // the users this batch inserts, by key
	for _, item := range items {
		belfry.PlanInvite(users[item.Key], item)
		queueInvite(&b, accountID, item)
		if item.Action == belfry.InviteNewUser {
			added[item.Key] = item.User
		}
		users[item.Key] = item.User
	}
	if err := b.send(ctx, tx); err != nil {
		return err
	}
	// A user that the batch added and then re-invited learnt its Seq only
	// now, from the insert.
	for _, item := range items {
		if u := added[item.Key]; u != nil {
			item.User.Seq = u.Seq
		}
	}
	return nil
}

// markClaimedElsewhere sets ClaimedElsewhere on the items whose domain an
// account other than accountID has claimed, in one query for the batch.
func markClaimedElsewhere(ctx context.Context, tx pgx.Tx, accountID string, items []*belfry.InviteItem) error {
	domains := make([]string, len(items))
	for i, item := range items {
		domains[i] = item.Domain()
	}
	rows, err := tx.Query(ctx, claimedElsewhereQuery, accountID, domains)
	if err != nil {
		return internal(err)
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return internal(err)
	}
	for _, item := range items {
		item.ClaimedElsewhere = slices.Contains(claimed, item.Domain())
	}
	return nil
}

// keyed is a row that starts with a column of its own, the e-mail key,
// before those that scanUser reads.
type keyed struct {
	row pgx.Row
	key *string
}

func (k keyed) Scan(dest ...any) error { return k.row.Scan(append([]any{k.key}, dest...)...) }

// queueInvite adds to b the statements of one settled item.
func queueInvite(b *batch, accountID string, item *belfry.InviteItem) {
	u := item.User
	switch item.Action {
	case belfry.InviteNotMade:
		return
	case belfry.InviteNewUser:
		b.queue(insertUserQuery, userArgs(u), func(r pgx.BatchResults) error {
			return userError(r.QueryRow().Scan(&u.Seq), u)
		})
	case belfry.InviteExistingUser:
		args := []any{string(u.Registration), string(u.Invitation), ts(u.InvitedOn), string(u.Type), string(u.License), u.ID}
		b.queue(reinviteUserQuery, args, func(r pgx.BatchResults) error {
			_, err := r.Exec()
			return userError(err, u)
		})
	}
	inv := item.Invite
	args := []any{inv.ID, accountID, inv.UserID, inv.Email, string(inv.Status), string(inv.EmailStatus),
		ts(inv.Created), inv.TokenHash, ts(inv.Expires)}
	b.queue(insertInviteQuery, args, func(r pgx.BatchResults) error {
		_, err := r.Exec()
		return inviteError(err, inv)
	})
	if m := item.Mail; m != nil {
		j := m.Job()
		b.queue(insertJobQuery, jobArgs(j), func(r pgx.BatchResults) error {
			return jobError(r.QueryRow().Scan(&m.Seq), j)
		})
	}
}

// saved is the items of an InviteUsers call as the service made them, for
// a transaction that runs again to start from.
type saved []savedItem

type savedItem struct {
	item             *belfry.InviteItem
	was              belfry.InviteItem
	user             belfry.User
	invite           belfry.Invite
	mail             belfry.Mail
	hasUser, hasMail bool
}

func snapshot(items []*belfry.InviteItem) saved {
	s := make(saved, len(items))
	for i, item := range items {
		s[i] = savedItem{item: item, was: *item, invite: *item.Invite}
		if item.User != nil {
			s[i].user, s[i].hasUser = *item.User, true
		}
		if item.Mail != nil {
			s[i].mail, s[i].hasMail = *item.Mail, true
		}
	}
	return s
}

// restore puts every item back as snapshot found it.
func (s saved) restore() {
	for _, v := range s {
		*v.item = v.was
		*v.item.Invite = v.invite
		if v.hasUser {
			*v.item.User = v.user
		}
		if v.hasMail {
			*v.item.Mail = v.mail
		}
	}
}

const inviteByTokenQuery = `SELECT i.id, i.account_id, i.user_id, i.email, i.status, i.email_status, i.created,
	i.token_hash, i.expires, i.accepted, u.seq, u.id, u.account_id, u.email, u.display_name, u.license, u.type,
	u.registration, u.invitation, u.registered_on, u.invited_on, coalesce(u.personal_pin, ''), u.phone_number,
	u.sessions_revoked, u.alexa_enabled, u.alexa_room_arn
	FROM invites i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1`

// InviteByToken returns the invite whose token hashes to hash, with its user.
func (s *Store) InviteByToken(ctx context.Context, hash []byte) (*belfry.Invite, *belfry.User, error) {
	inv, u := new(belfry.Invite), new(belfry.User)
	err := s.pool.QueryRow(ctx, inviteByTokenQuery, hash).Scan(&inv.ID, &inv.AccountID, &inv.UserID,
		&inv.Email, &inv.Status, &inv.EmailStatus, timeCol{&inv.Created}, &inv.TokenHash,
		timeCol{&inv.Expires}, timeCol{&inv.Accepted},
		&u.Seq, &u.ID, &u.AccountID, &u.Email, &u.DisplayName, &u.License, &u.Type,
		&u.Registration, &u.Invitation, timeCol{&u.RegisteredOn}, timeCol{&u.InvitedOn},
		&u.PersonalPIN, &u.PhoneNumber, timeCol{&u.SessionsRevoked}, &u.AlexaForBusiness.Enabled,
		&u.AlexaForBusiness.RoomARN)
	if err != nil {
		return nil, nil, notFound(err, "no invitation has this token")
	}
	return inv, u, nil
}

// AcceptInvite registers the invitee of a pending invite, once. Each
// UPDATE names the state it expects, so that of two replicas accepting one
// invite at once, the second waits for the first's row lock and then finds
// the invite no longer Pending.
func (s *Store) AcceptInvite(ctx context.Context, id string, u *belfry.User) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE invites SET status = 'Accepted', accepted = $2
			WHERE id = $1 AND status = 'Pending'`, id, ts(u.RegisteredOn))
		if err != nil {
			return internal(err)
		}
		if tag.RowsAffected() == 0 {
			return errInviteUsed()
		}
		tag, err = tx.Exec(ctx, `UPDATE users SET registration = $2, invitation = $3, display_name = $4,
			registered_on = $5, personal_pin = $6 WHERE id = $1 AND registration = 'Unregistered'`,
			u.ID, string(u.Registration), string(u.Invitation), u.DisplayName, ts(u.RegisteredOn), nullable(u.PersonalPIN))
		if err != nil {
			return userError(err, u)
		}
		if tag.RowsAffected() == 0 {
			return errInviteUsed()
		}
		// The user's invitations still queued are moot now.
		_, err = tx.Exec(ctx, cancelUserJobsQuery, u.ID, belfry.CancelAccepted, ts(u.RegisteredOn))
		return internal(err)
	})
}

func errInviteUsed() error {
	return &belfry.Error{Kind: belfry.Conflict, Message: "this invitation was already used", Err: belfry.ErrInviteUsed}
}
