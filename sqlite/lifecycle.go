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
	// releaseDomainUsersQuery suspends the account's users whose e-mail
	// key ends in @ and the domain; substr with a negative start counts
	// from the end, so the domain's characters are compared as they are.
	releaseDomainUsersQuery = `UPDATE users SET registration = 'Suspended'
		WHERE account_id = ?1 AND registration <> 'Suspended' AND substr(email_key, -length(?2) - 1) = '@' || ?2`
	// releaseDomainJobsQuery cancels the queued jobs of the account's
	// users in the domain, as releaseDomainUsersQuery finds them.
	releaseDomainJobsQuery = `UPDATE jobs SET ` + cancelJob + ` WHERE status = 'Queued' AND user_id IN (
		SELECT id FROM users u
		WHERE u.account_id = :account AND substr(u.email_key, -length(:domain) - 1) = '@' || :domain)`
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

// RestoreAccount makes account id, deleted at or after deletedSince, live.
func (s *Store) RestoreAccount(ctx context.Context, id string, deletedSince time.Time) (*belfry.Account, error) {
	defer s.ac.changed()
	var a *belfry.Account
	err := s.write(ctx, func(tx *sql.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		switch {
		case err != nil:
			return err
		case deleted.IsZero():
			return belfry.Errorf(belfry.Conflict, "account %s is not deleted", id)
		case deleted.Before(deletedSince):
			return belfry.Errorf(belfry.NotFound, "account %s was deleted on %s, too long ago to restore",
				id, deleted.Format(time.DateOnly))
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
	`DELETE FROM memberships WHERE room_id IN (SELECT id FROM rooms WHERE account_id = ?1)
		OR member_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM rooms WHERE account_id = ?1`,
	`DELETE FROM jobs WHERE account_id = ?1`,
	`DELETE FROM invites WHERE account_id = ?1 OR user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM user_settings WHERE user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM users WHERE account_id = ?1`,
	`DELETE FROM account_settings WHERE account_id = ?1`,
	`DELETE FROM retention_settings WHERE account_id = ?1`,
	`DELETE FROM domains WHERE account_id = ?1`,
	`DELETE FROM accounts WHERE id = ?1`,
}

// PurgeAccount removes account id, deleted before deletedBefore, with
// everything in it, in one transaction.
func (s *Store) PurgeAccount(ctx context.Context, id string, deletedBefore time.Time) error {
	defer s.ac.changed()
	return s.write(ctx, func(tx *sql.Tx) error {
		deleted, err := deletedAt(ctx, tx, id)
		if err != nil {
			return err
		}
		if deleted.IsZero() || !deleted.Before(deletedBefore) {
			return belfry.Errorf(belfry.NotFound, "account %s is not due to be purged", id)
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
// account's users of that domain, in one transaction.
func (s *Store) ReleaseDomain(ctx context.Context, accountID, domain string) (*belfry.Account, int, error) {
	defer s.ac.changed()
	var a *belfry.Account
	var suspended int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.liveAccount(ctx, tx, "", accountID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM domains WHERE domain = ? AND account_id = ?`, domain, accountID)
		if err := affected(res, err, "domain %s is not claimed by account %s", domain, accountID); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, releaseDomainUsersQuery, accountID, domain)
		if err != nil {
			return internal(err)
		}
		if suspended, err = res.RowsAffected(); err != nil {
			return internal(err)
		}
		err = cancelJobs(ctx, tx, releaseDomainJobsQuery, belfry.CancelSuspended, time.Time{},
			sql.Named("account", accountID), sql.Named("domain", domain))
		if err != nil {
			return err
		}
		a, err = s.liveAccount(ctx, tx, "", accountID)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return a, int(suspended), nil
}
