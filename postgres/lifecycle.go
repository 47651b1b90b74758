package postgres

import (
	"context"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	updateAccountQuery = `UPDATE accounts SET name = $1, default_license = $2, supported_licenses = $3, status = $4,
		signin_delegate_groups = $5 WHERE id = $6`
	// lockDeletedQuery locks an account's row, live or not, and reads its
	// deletion time. FOR UPDATE, unlike the other account locks, also
	// holds off the inserts that reference the account, so that
	// DeleteAccount's count of users holds, and a purge removes all.
	lockDeletedQuery = `SELECT deleted_at FROM accounts WHERE id = $1 FOR UPDATE`
	// domainUsersQuery reads and locks the account's users whose e-mail
	// key ends in @ and the domain; right() compares the domain's
	// characters as they are, where LIKE would read % and _.
	domainUsersQuery = `SELECT ` + userColumns + ` FROM users
		WHERE account_id = $1 AND right(email_key, length($2) + 1) = '@' || $2 FOR NO KEY UPDATE`
	// registrationQuery stores the registration belfry.PlanRelease gave a
	// user.
	registrationQuery = `UPDATE users SET registration = $1 WHERE id = $2`
)

// UpdateAccount lets apply change the live account id, in one transaction
// that holds the account's row lock, so that two updates on two replicas
// cannot lose one another's change.
func (s *Store) UpdateAccount(ctx context.Context, awsAccountID, id string, apply func(*belfry.Account) error) (*belfry.Account, error) {
	var a *belfry.Account
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		if a, err = lockedAccount(ctx, tx, lockAccountQuery, awsAccountID, id); err != nil {
			return err
		}
		if err := apply(a); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, updateAccountQuery, a.Name, string(a.DefaultLicense), list(a.SupportedLicenses),
			string(a.Status), list(a.SigninDelegates), a.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// lockedAccount takes the lock that lock, a query of the account's ID,
// names, then reads the live account id, of AWS account awsAccountID
// unless that is empty, in a statement of its own, which sees what the
// lock's previous holder committed.
func lockedAccount(ctx context.Context, tx pgx.Tx, lock, awsAccountID, id string) (*belfry.Account, error) {
	if _, err := tx.Exec(ctx, lock, id); err != nil {
		return nil, internal(err)
	}
	a, err := scanAccount(tx.QueryRow(ctx, accountQuery, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	return a, nil
}

// DeleteAccount marks the live account id deleted at t once check agrees,
// given how many of its users are not suspended.
func (s *Store) DeleteAccount(ctx context.Context, awsAccountID, id string, t time.Time, check func(*belfry.Account, int) error) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		a, err := lockedAccount(ctx, tx, lockDeletedQuery, awsAccountID, id)
		if err != nil {
			return err
		}
		var unsuspended int
		err = tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE account_id = $1 AND registration <> 'Suspended'`,
			id).Scan(&unsuspended)
		if err != nil {
			return internal(err)
		}
		if err := check(a, unsuspended); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE accounts SET deleted_at = $1 WHERE id = $2`, ts(t), id)
		if err != nil {
			return internal(err)
		}
		_, err = tx.Exec(ctx, cancelAccountJobsQuery, id, belfry.CancelDeleted, ts(t))
		return internal(err)
	})
}

// RestoreAccount makes account id live once belfry.PlanRestore agrees.
func (s *Store) RestoreAccount(ctx context.Context, id string, deletedSince time.Time) (*belfry.Account, error) {
	var a *belfry.Account
	err := s.write(ctx, func(tx pgx.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := belfry.PlanRestore(id, deleted, deletedSince); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET deleted_at = NULL WHERE id = $1`, id); err != nil {
			return internal(err)
		}
		a, err = scanAccount(tx.QueryRow(ctx, accountQuery, id, ""))
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// deletedAt locks account id and returns when it was deleted, the zero time
// while it is live, or NotFound when there is no such account.
func deletedAt(ctx context.Context, tx pgx.Tx, id string) (time.Time, error) {
	var deleted time.Time
	if err := tx.QueryRow(ctx, lockDeletedQuery, id).Scan(timeCol{&deleted}); err != nil {
		return time.Time{}, notFound(err, "account %s not found", id)
	}
	return deleted, nil
}

// PurgeableAccounts returns the IDs of the accounts deleted before
// deletedBefore, oldest deletion first.
func (s *Store) PurgeableAccounts(ctx context.Context, deletedBefore time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM accounts WHERE deleted_at IS NOT NULL AND deleted_at < $1
		ORDER BY deleted_at, seq`, ts(deletedBefore))
	if err != nil {
		return nil, internal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if len(ids) == 0 {
		ids = nil
	}
	return ids, internal(err)
}

// purgeQueries remove an account and everything in it, children first, so
// that the foreign keys hold at every step. $1 is the account's ID.
var purgeQueries = []string{
	`DELETE FROM messages WHERE account_id = $1`,
	`DELETE FROM webhooks WHERE account_id = $1`,
	`DELETE FROM conversation_members WHERE conversation_id IN (SELECT id FROM conversations WHERE account_id = $1)`,
	`DELETE FROM conversations WHERE account_id = $1`,
	`DELETE FROM memberships WHERE room_id IN (SELECT id FROM rooms WHERE account_id = $1)
		OR member_id IN (SELECT id FROM users WHERE account_id = $1)`,
	`DELETE FROM rooms WHERE account_id = $1`,
	`DELETE FROM jobs WHERE account_id = $1`,
	`DELETE FROM invites WHERE account_id = $1 OR user_id IN (SELECT id FROM users WHERE account_id = $1)`,
	`DELETE FROM user_settings WHERE user_id IN (SELECT id FROM users WHERE account_id = $1)`,
	// The account's users' numbers stay with their AWS account, Unassigned.
	`UPDATE phone_numbers SET status = 'Unassigned', account_id = '', user_id = '', associated = NULL
		WHERE account_id = $1 AND status = 'Assigned'`,
	`DELETE FROM users WHERE account_id = $1`,
	`DELETE FROM account_settings WHERE account_id = $1`,
	`DELETE FROM retention_settings WHERE account_id = $1`,
	`DELETE FROM bot_events WHERE bot_id IN (SELECT id FROM bots WHERE account_id = $1)`,
	`DELETE FROM bots WHERE account_id = $1`,
	`DELETE FROM bot_deliveries WHERE account_id = $1`,
	`DELETE FROM domains WHERE account_id = $1`,
	`DELETE FROM accounts WHERE id = $1`,
}

// PurgeAccount removes account id with everything in it, once
// belfry.PlanPurge agrees, in one transaction and one round trip after the
// lock.
func (s *Store) PurgeAccount(ctx context.Context, id string, deletedBefore time.Time) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := belfry.PlanPurge(id, deleted, deletedBefore); err != nil {
			return err
		}
		var b batch
		for _, q := range purgeQueries {
			b.queue(q, []any{id}, func(r pgx.BatchResults) error {
				_, err := r.Exec()
				return internal(err)
			})
		}
		return b.send(ctx, tx)
	})
}

// DomainAccount returns the live account that holds domain.
func (s *Store) DomainAccount(ctx context.Context, domain string) (*belfry.Account, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts a
		JOIN domains dd ON dd.account_id = a.id WHERE dd.domain = $1 AND a.deleted_at IS NULL`, domain)
	a, err := scanAccount(row)
	if err != nil {
		return nil, notFound(err, "domain %s is not claimed by any account", domain)
	}
	return a, nil
}

// ReleaseDomain takes domain from account accountID and suspends the
// account's users of that domain, as belfry.PlanRelease decides, in one
// transaction that holds the account's row lock, as ClaimDomain does, and
// the locks of the domain's users.
func (s *Store) ReleaseDomain(ctx context.Context, accountID, domain string) (*belfry.Account, int, error) {
	var a *belfry.Account
	var suspended []*belfry.User
	err := s.write(ctx, func(tx pgx.Tx) error {
		held, err := lockedAccount(ctx, tx, lockAccountQuery, "", accountID)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, domainUsersQuery, accountID, domain)
		if err != nil {
			return internal(err)
		}
		users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*belfry.User, error) { return scanUser(r) })
		if err != nil {
			return internal(err)
		}
		if suspended, err = belfry.PlanRelease(held, domain, users); err != nil {
			return err
		}
		if err := releaseDomain(ctx, tx, accountID, domain, suspended); err != nil {
			return err
		}
		a, err = scanAccount(tx.QueryRow(ctx, accountQuery, accountID, ""))
		return internal(err)
	})
	if err != nil {
		return nil, 0, err
	}
	return a, len(suspended), nil
}

// releaseDomain writes, in tx and one round trip, what belfry.PlanRelease
// decided: the domain is no longer the account's, and the users it
// suspended are suspended, with their queued jobs
// cancelled.
func releaseDomain(ctx context.Context, tx pgx.Tx, accountID, domain string, suspended []*belfry.User) error {
	var b batch
	exec := func(r pgx.BatchResults) error {
		_, err := r.Exec()
		return internal(err)
	}
	b.queue(`DELETE FROM domains WHERE domain = $1 AND account_id = $2`, []any{domain, accountID}, exec)
	for _, u := range suspended {
		b.queue(registrationQuery, []any{string(u.Registration), u.ID}, exec)
		b.queue(cancelUserJobsQuery, []any{u.ID, belfry.CancelSuspended, nil}, exec)
	}
	return b.send(ctx, tx)
}
