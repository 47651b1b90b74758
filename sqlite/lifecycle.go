package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/belfryhq/belfry"
)

const (
	updateAccountQuery = `UPDATE accounts SET name = ?, default_license = ?, supported_licenses = ?, status = ?,
		signin_delegate_groups = ? WHERE id = ?`
	// accountDeletedQuery reads an account's deletion time, live or not.
	accountDeletedQuery = `SELECT deleted_at FROM accounts WHERE id = ?`
	// domainUsersQuery reads the account's users whose e-mail key ends in
	// @ and the domain; substr with a negative start counts from the end,
	// so the domain's characters are compared as they are.
	domainUsersQuery = `SELECT ` + userColumns + ` FROM users
		WHERE account_id = ?1 AND substr(email_key, -length(?2) - 1) = '@' || ?2`
	// registrationQuery stores the registration belfry.PlanRelease gave a
	// user.
	registrationQuery = `UPDATE users SET registration = ? WHERE id = ?`
)

// UpdateAccount lets apply change the live account id, in one transaction.
func (s *Store) UpdateAccount(ctx context.Context, awsAccountID, id string, apply func(*belfry.Account) error) (*belfry.Account, error) {
	defer s.ac.changed()
	var a *belfry.Account
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		if a, err = s.liveAccount(ctx, tx, awsAccountID, id); err != nil {
			return err
		}
		if err := apply(a); err != nil {
			return err
		}
		delegates, err := encodeDelegates(a.SigninDelegates)
		if err != nil {
			return internal(err)
		}
		_, err = tx.ExecContext(ctx, updateAccountQuery, a.Name, string(a.DefaultLicense),
			joinList(a.SupportedLicenses), string(a.Status), delegates, a.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// liveAccount reads the live account id, of AWS account awsAccountID unless
// that is empty, in tx.
func (s *Store) liveAccount(ctx context.Context, tx *sql.Tx, awsAccountID, id string) (*belfry.Account, error) {
	a, err := scanAccount(tx.StmtContext(ctx, s.st.accountW).QueryRowContext(ctx, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "account %s not found", id)
	}
	return a, nil
}

// DeleteAccount marks the live account id deleted at t once check agrees,
// given how many of its users are not suspended.
func (s *Store) DeleteAccount(ctx context.Context, awsAccountID, id string, t time.Time, check func(*belfry.Account, int) error) error {
	defer s.ac.changed()
	return s.write(ctx, func(tx *sql.Tx) error {
		a, err := s.liveAccount(ctx, tx, awsAccountID, id)
		if err != nil {
			return err
		}
		var unsuspended int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE account_id = ? AND registration <> 'Suspended'`,
			id).Scan(&unsuspended)
		if err != nil {
			return internal(err)
		}
		if err := check(a, unsuspended); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET deleted_at = ? WHERE id = ?`, micros(t), id)
		if err != nil {
			return internal(err)
		}
		return cancelJobs(ctx, tx, cancelAccountJobsQuery, belfry.CancelDeleted, t, sql.Named("account", id))
	})
}

// RestoreAccount makes account id live once belfry.PlanRestore agrees.
func (s *Store) RestoreAccount(ctx context.Context, id string, deletedSince time.Time) (*belfry.Account, error) {
	defer s.ac.changed()
	var a *belfry.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := belfry.PlanRestore(id, deleted, deletedSince); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET deleted_at = NULL WHERE id = ?`, id); err != nil {
			return internal(err)
		}
		a, err = s.liveAccount(ctx, tx, "", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// deletedAt returns when account id was deleted, the zero time while it is
// live, or NotFound when there is no such account.
func deletedAt(ctx context.Context, tx *sql.Tx, id string) (time.Time, error) {
	var deleted time.Time
	err := tx.QueryRowContext(ctx, accountDeletedQuery, id).Scan(timeCol{&deleted})
	if err != nil {
		return time.Time{}, notFound(err, "account %s not found", id)
	}
	return deleted, nil
}

// PurgeableAccounts returns the IDs of the accounts deleted before
// deletedBefore, oldest deletion first.
func (s *Store) PurgeableAccounts(ctx context.Context, deletedBefore time.Time) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM accounts WHERE deleted_at IS NOT NULL AND deleted_at < ?
		ORDER BY deleted_at, seq`, deletedBefore.UnixMicro())
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, internal(err)
		}
		ids = append(ids, id)
	}
	return ids, internal(rows.Err())
}

// purgeQueries remove an account and everything in it, children first, so
// that the foreign keys hold at every step. ?1 is the account's ID.
var purgeQueries = []string{
	`DELETE FROM messages WHERE account_id = ?1`,
	`DELETE FROM webhooks WHERE account_id = ?1`,
	`DELETE FROM conversation_members WHERE conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)`,
	`DELETE FROM conversations WHERE account_id = ?1`,
	`DELETE FROM memberships WHERE room_id IN (SELECT id FROM rooms WHERE account_id = ?1)
		OR member_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM rooms WHERE account_id = ?1`,
	`DELETE FROM jobs WHERE account_id = ?1`,
	`DELETE FROM invites WHERE account_id = ?1 OR user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM user_settings WHERE user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	// The account's users' numbers stay with their AWS account, Unassigned.
	`UPDATE phone_numbers SET status = 'Unassigned', account_id = '', user_id = '', associated = NULL
		WHERE account_id = ?1 AND status = 'Assigned'`,
	`DELETE FROM users WHERE account_id = ?1`,
	`DELETE FROM account_settings WHERE account_id = ?1`,
	`DELETE FROM retention_settings WHERE account_id = ?1`,
	`DELETE FROM bot_events WHERE bot_id IN (SELECT id FROM bots WHERE account_id = ?1)`,
	`DELETE FROM bots WHERE account_id = ?1`,
	`DELETE FROM bot_deliveries WHERE account_id = ?1`,
	`DELETE FROM domains WHERE account_id = ?1`,
	`DELETE FROM accounts WHERE id = ?1`,
}

// PurgeAccount removes account id with everything in it, once
// belfry.PlanPurge agrees, in one transaction.
func (s *Store) PurgeAccount(ctx context.Context, id string, deletedBefore time.Time) error {
	defer s.ac.changed()
	return s.write(ctx, func(tx *sql.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := belfry.PlanPurge(id, deleted, deletedBefore); err != nil {
			return err
		}
		for _, q := range purgeQueries {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return internal(err)
			}
		}
		return nil
	})
}

// DomainAccount returns the live account that holds domain.
func (s *Store) DomainAccount(ctx context.Context, domain string) (*belfry.Account, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a
		JOIN domains dd ON dd.account_id = a.id WHERE dd.domain = ? AND a.deleted_at IS NULL`, domain)
	a, err := scanAccount(row)
	if err != nil {
		return nil, notFound(err, "domain %s is not claimed by any account", domain)
	}
	return a, nil
}

// ReleaseDomain takes domain from account accountID and suspends the
// account's users of that domain, as belfry.PlanRelease decides, in one
// transaction.
func (s *Store) ReleaseDomain(ctx context.Context, accountID, domain string) (*belfry.Account, int, error) {
	defer s.ac.changed()
	var a *belfry.Account
	var suspended []*belfry.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		held, err := s.liveAccount(ctx, tx, "", accountID)
		if err != nil {
			return err
		}
		users, err := domainUsers(ctx, tx, accountID, domain)
		if err != nil {
			return err
		}
		if suspended, err = belfry.PlanRelease(held, domain, users); err != nil {
			return err
		}
		if err := releaseDomain(ctx, tx, accountID, domain, suspended); err != nil {
			return err
		}
		a, err = s.liveAccount(ctx, tx, "", accountID)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return a, len(suspended), nil
}

// domainUsers reads, in tx, the users of account accountID whose e-mail is
// in domain.
func domainUsers(ctx context.Context, tx *sql.Tx, accountID, domain string) ([]*belfry.User, error) {
	rows, err := tx.QueryContext(ctx, domainUsersQuery, accountID, domain)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var users []*belfry.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, internal(err)
		}
		users = append(users, u)
	}
	return users, internal(rows.Err())
}

// releaseDomain writes, in tx, what belfry.PlanRelease decided: the domain
// is no longer the account's, and the users it suspended are suspended,
// with their queued jobs cancelled.
func releaseDomain(ctx context.Context, tx *sql.Tx, accountID, domain string, suspended []*belfry.User) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM domains WHERE domain = ? AND account_id = ?`, domain, accountID)
	if err != nil {
		return internal(err)
	}
	for _, u := range suspended {
		if _, err := tx.ExecContext(ctx, registrationQuery, string(u.Registration), u.ID); err != nil {
			return internal(err)
		}
		err := cancelJobs(ctx, tx, cancelUserJobsQuery, belfry.CancelSuspended, time.Time{}, sql.Named("user", u.ID))
		if err != nil {
			return err
		}
	}
	return nil
}
