package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const numberColumns = `seq, e164, country, type, city, state, area_code, status, aws_account_id, product_type,
	calling_name, calling_name_status, calling_name_due, account_id, user_id, associated, created, updated, deleted`

// saveNumberQuery writes what may change of a number.
const saveNumberQuery = `UPDATE phone_numbers SET status = $1, aws_account_id = $2, product_type = $3, calling_name = $4,
	calling_name_status = $5, calling_name_due = $6, account_id = $7, user_id = $8, associated = $9, created = $10,
	updated = $11, deleted = $12 WHERE e164 = $13`

func saveNumber(ctx context.Context, tx pgx.Tx, n *belfry.PhoneNumber) error {
	_, err := tx.Exec(ctx, saveNumberQuery, string(n.Status), n.AwsAccountID, string(n.ProductType), n.CallingName,
		string(n.CallingNameStatus), ts(n.CallingNameDue), n.AccountID, n.UserID, ts(n.Associated),
		ts(n.Created), ts(n.Updated), ts(n.Deleted), n.E164)
	return internal(err)
}

// ImportPhoneNumbers adds the numbers the pool lacks, in one transaction.
func (s *Store) ImportPhoneNumbers(ctx context.Context, nums []*belfry.PhoneNumber) (int, error) {
	added := 0
	err := s.write(ctx, func(tx pgx.Tx) error {
		added = 0
		for _, n := range nums {
			tag, err := tx.Exec(ctx, `INSERT INTO phone_numbers (e164, country, type, city, state, area_code)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (e164) DO NOTHING`,
				n.E164, n.Country, string(n.Type), n.City, n.State, n.AreaCode)
			if err != nil {
				return internal(err)
			}
			added += int(tag.RowsAffected())
		}
		return nil
	})
	return added, err
}

// PoolNumbers returns a page of the pool in import order.
func (s *Store) PoolNumbers(ctx context.Context, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	return s.queryNumbers(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE seq > $1 ORDER BY seq LIMIT $2`,
		p, p.After, limit(p))
}

// whereEqual adds to where a condition col = $n for each column of cols
// with a value, and its argument to args.
func whereEqual(where []string, args []any, cols [][2]string) ([]string, []any) {
	for _, c := range cols {
		if c[1] != "" {
			args = append(args, c[1])
			where = append(where, fmt.Sprintf("%s = $%d", c[0], len(args)))
		}
	}
	return where, args
}

// pageQuery is a listing of numbers where the conditions hold, cut after
// p.After to p's size.
func pageQuery(where []string, args []any, p belfry.Page) (string, []any) {
	args = append(args, p.After, limit(p))
	return `SELECT ` + numberColumns + ` FROM phone_numbers WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` AND seq > $%d ORDER BY seq LIMIT $%d`, len(args)-1, len(args)), args
}

// SearchPhoneNumbers returns a page of the pool's free numbers that f
// selects. The status is written out, not bound, so that the planner sees
// the partial indexes apply.
func (s *Store) SearchPhoneNumbers(ctx context.Context, f belfry.NumberSearch, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	where, args := whereEqual([]string{`status = 'Available'`}, nil, [][2]string{
		{"country", f.Country}, {"area_code", f.AreaCode}, {"state", f.State}, {"city", f.City}, {"type", string(f.Type)},
	})
	q, args := pageQuery(where, args, p)
	return s.queryNumbers(ctx, q, p, args...)
}

// AvailableNumberKinds returns the countries and types of the free numbers.
func (s *Store) AvailableNumberKinds(ctx context.Context) ([]belfry.NumberKind, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT country, type FROM phone_numbers WHERE status = 'Available'`)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []belfry.NumberKind
	for rows.Next() {
		var k belfry.NumberKind
		if err := rows.Scan(&k.Country, &k.Type); err != nil {
			return nil, internal(err)
		}
		out = append(out, k)
	}
	return out, internal(rows.Err())
}

// PhoneNumber returns number e164 of an AWS account's inventory.
func (s *Store) PhoneNumber(ctx context.Context, awsAccountID, e164 string) (*belfry.PhoneNumber, error) {
	n, err := numberOf(ctx, s.pool, awsAccountID, e164, "")
	if err == nil && n == nil {
		err = belfry.Errorf(belfry.NotFound, "phone number %s does not exist", e164)
	}
	return n, err
}

// ListPhoneNumbers returns a page of an AWS account's inventory that f
// selects.
func (s *Store) ListPhoneNumbers(ctx context.Context, awsAccountID string, f belfry.NumberFilter, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	where, args := whereEqual([]string{`aws_account_id <> ''`}, nil, [][2]string{
		{"aws_account_id", awsAccountID}, {"status", string(f.Status)}, {"product_type", string(f.ProductType)},
		{"account_id", f.AccountID}, {"user_id", f.UserID},
	})
	if awsAccountID == "" {
		return nil, nil
	}
	q, args := pageQuery(where, args, p)
	return s.queryNumbers(ctx, q, p, args...)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// numberOf reads number e164 of an AWS account's inventory, nil if there
// is none; lock, when set, locks its row ("FOR NO KEY UPDATE").
func numberOf(ctx context.Context, q querier, awsAccountID, e164, lock string) (*belfry.PhoneNumber, error) {
	if awsAccountID == "" || e164 == "" {
		return nil, nil
	}
	n, err := scanNumber(q.QueryRow(ctx, `SELECT `+numberColumns+` FROM phone_numbers
		WHERE e164 = $1 AND aws_account_id = $2 `+lock, e164, awsAccountID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return n, internal(err)
}

const forUpdate = "FOR NO KEY UPDATE"

// ChangePhoneNumbers lets apply change numbers of an AWS account's
// inventory, each row locked, in one transaction.
func (s *Store) ChangePhoneNumbers(ctx context.Context, awsAccountID string, e164s []string, apply func(int, *belfry.PhoneNumber) error) ([]error, error) {
	var errs []error
	err := s.write(ctx, func(tx pgx.Tx) error {
		errs = make([]error, len(e164s))
		for i, e := range e164s {
			n, err := numberOf(ctx, tx, awsAccountID, e, forUpdate)
			if err != nil {
				return err
			}
			if errs[i] = apply(i, n); errs[i] == nil && n != nil {
				if err := saveNumber(ctx, tx, n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return errs, err
}

// ChangeUserPhoneNumber lets apply change a user and numbers of an AWS
// account's inventory, their rows locked, in one transaction.
func (s *Store) ChangeUserPhoneNumber(ctx context.Context, awsAccountID, accountID, userID, e164 string,
	apply func(u *belfry.User, held, n *belfry.PhoneNumber) error) (*belfry.User, error) {
	var u *belfry.User
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		row := tx.QueryRow(ctx, userQuery+` FOR NO KEY UPDATE`, userID, accountID)
		if u, err = scanUser(row); err != nil {
			return notFound(err, "user %s not found in account %s", userID, accountID)
		}
		held, err := numberOf(ctx, tx, awsAccountID, u.PhoneNumber, forUpdate)
		if err != nil {
			return err
		}
		n, err := numberOf(ctx, tx, awsAccountID, e164, forUpdate)
		if err != nil {
			return err
		}
		if err := apply(u, held, n); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET phone_number = $1 WHERE id = $2`, u.PhoneNumber, u.ID); err != nil {
			return internal(err)
		}
		for _, changed := range []*belfry.PhoneNumber{held, n} {
			if changed != nil {
				if err := saveNumber(ctx, tx, changed); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ReturnDeletedPhoneNumbers returns to the pool up to n numbers deleted at
// or before cutoff. It writes only when it finds some, so that an idle
// sweep records nothing; SKIP LOCKED lets the sweeps of several replicas
// pass each other.
func (s *Store) ReturnDeletedPhoneNumbers(ctx context.Context, cutoff time.Time, n int) ([]*belfry.PhoneNumber, error) {
	const due = `status = 'DeleteInProgress' AND deleted <= $1`
	var found bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM phone_numbers WHERE `+due+`)`, ts(cutoff)).Scan(&found); err != nil || !found {
		return nil, internal(err)
	}
	var list []*belfry.PhoneNumber
	err := s.write(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE `+due+`
			ORDER BY deleted LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`, ts(cutoff), n)
		if err != nil {
			return internal(err)
		}
		if list, err = scanNumbers(rows, n); err != nil {
			return err
		}
		for _, num := range list {
			num.ReturnToPool()
			if err := saveNumber(ctx, tx, num); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}

func (s *Store) queryNumbers(ctx context.Context, query string, p belfry.Page, args ...any) ([]*belfry.PhoneNumber, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanNumbers(rows, capacity(p))
}

func scanNumbers(rows pgx.Rows, size int) ([]*belfry.PhoneNumber, error) {
	defer rows.Close()
	list := make([]*belfry.PhoneNumber, 0, size)
	for rows.Next() {
		n, err := scanNumber(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, n)
	}
	return list, internal(rows.Err())
}

func scanNumber(row pgx.Row) (*belfry.PhoneNumber, error) {
	n := new(belfry.PhoneNumber)
	err := row.Scan(&n.Seq, &n.E164, &n.Country, &n.Type, &n.City, &n.State, &n.AreaCode, &n.Status, &n.AwsAccountID,
		&n.ProductType, &n.CallingName, &n.CallingNameStatus, timeCol{&n.CallingNameDue}, &n.AccountID, &n.UserID,
		timeCol{&n.Associated}, timeCol{&n.Created}, timeCol{&n.Updated}, timeCol{&n.Deleted})
	if err != nil {
		return nil, err
	}
	return n, nil
}
