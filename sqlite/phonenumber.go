package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

const numberColumns = `seq, e164, country, type, city, state, area_code, status, aws_account_id, product_type,
	calling_name, calling_name_status, calling_name_due, account_id, user_id, associated, created, updated, deleted`

// saveNumberQuery writes what may change of a number.
const saveNumberQuery = `UPDATE phone_numbers SET status = ?, aws_account_id = ?, product_type = ?, calling_name = ?,
	calling_name_status = ?, calling_name_due = ?, account_id = ?, user_id = ?, associated = ?, created = ?,
	updated = ?, deleted = ? WHERE e164 = ?`

func saveNumber(ctx context.Context, tx *sql.Tx, n *belfry.PhoneNumber) error {
	_, err := tx.ExecContext(ctx, saveNumberQuery, string(n.Status), n.AwsAccountID, string(n.ProductType), n.CallingName,
		string(n.CallingNameStatus), micros(n.CallingNameDue), n.AccountID, n.UserID, micros(n.Associated),
		micros(n.Created), micros(n.Updated), micros(n.Deleted), n.E164)
	return internal(err)
}

// ImportPhoneNumbers adds the numbers the pool lacks, in one transaction.
func (s *Store) ImportPhoneNumbers(ctx context.Context, nums []*belfry.PhoneNumber) (int, error) {
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		added = 0
		ins, err := tx.PrepareContext(ctx, `INSERT INTO phone_numbers (e164, country, type, city, state, area_code)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (e164) DO NOTHING`)
		if err != nil {
			return internal(err)
		}
		defer ins.Close()
		for _, n := range nums {
			res, err := ins.ExecContext(ctx, n.E164, n.Country, string(n.Type), n.City, n.State, n.AreaCode)
			if err != nil {
				return internal(err)
			}
			k, _ := res.RowsAffected()
			added += int(k)
		}
		return nil
	})
	return added, err
}

// PoolNumbers returns a page of the pool in import order.
func (s *Store) PoolNumbers(ctx context.Context, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	return s.queryNumbers(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE seq > ? ORDER BY seq LIMIT ?`,
		p, p.After, limit(p))
}

// SearchPhoneNumbers returns a page of the pool's free numbers that f
// selects. The status is written out, not bound, so that SQLite sees the
// partial indexes apply.
func (s *Store) SearchPhoneNumbers(ctx context.Context, f belfry.NumberSearch, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	where := []string{`status = 'Available'`, `country = ?`}
	args := []any{f.Country}
	for _, c := range []struct{ col, v string }{
		{"area_code", f.AreaCode}, {"state", f.State}, {"city", f.City}, {"type", string(f.Type)},
	} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	args = append(args, p.After, limit(p))
	return s.queryNumbers(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE `+strings.Join(where, " AND ")+
		` AND seq > ? ORDER BY seq LIMIT ?`, p, args...)
}

// AvailableNumberKinds returns the countries and types of the free numbers.
func (s *Store) AvailableNumberKinds(ctx context.Context) ([]belfry.NumberKind, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT country, type FROM phone_numbers WHERE status = 'Available'`)
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
	n, err := scanNumber(s.r.QueryRowContext(ctx, `SELECT `+numberColumns+` FROM phone_numbers
		WHERE e164 = ? AND aws_account_id = ?`, e164, awsAccountID))
	if err != nil || awsAccountID == "" {
		return nil, notFound(orNoRows(err), "phone number %s does not exist", e164)
	}
	return n, nil
}

// orNoRows is err, or sql.ErrNoRows for a row found that counts as none.
func orNoRows(err error) error {
	if err == nil {
		return sql.ErrNoRows
	}
	return err
}

// ListPhoneNumbers returns a page of an AWS account's inventory that f
// selects.
func (s *Store) ListPhoneNumbers(ctx context.Context, awsAccountID string, f belfry.NumberFilter, p belfry.Page) ([]*belfry.PhoneNumber, error) {
	where := []string{`aws_account_id = ?`, `aws_account_id <> ''`}
	args := []any{awsAccountID}
	for _, c := range []struct{ col, v string }{
		{"status", string(f.Status)}, {"product_type", string(f.ProductType)}, {"account_id", f.AccountID}, {"user_id", f.UserID},
	} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	args = append(args, p.After, limit(p))
	return s.queryNumbers(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE `+strings.Join(where, " AND ")+
		` AND seq > ? ORDER BY seq LIMIT ?`, p, args...)
}

// ChangePhoneNumbers lets apply change numbers of an AWS account's
// inventory in one transaction.
func (s *Store) ChangePhoneNumbers(ctx context.Context, awsAccountID string, e164s []string, apply func(int, *belfry.PhoneNumber) error) ([]error, error) {
	var errs []error
	err := s.write(ctx, func(tx *sql.Tx) error {
		errs = make([]error, len(e164s))
		for i, e := range e164s {
			n, err := numberOf(ctx, tx, awsAccountID, e)
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

// numberOf reads number e164 of an AWS account's inventory in tx, nil if
// there is none.
func numberOf(ctx context.Context, tx *sql.Tx, awsAccountID, e164 string) (*belfry.PhoneNumber, error) {
	if awsAccountID == "" || e164 == "" {
		return nil, nil
	}
	n, err := scanNumber(tx.QueryRowContext(ctx, `SELECT `+numberColumns+` FROM phone_numbers
		WHERE e164 = ? AND aws_account_id = ?`, e164, awsAccountID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return n, internal(err)
}

// ChangeUserPhoneNumber lets apply change a user and numbers of an AWS
// account's inventory in one transaction.
func (s *Store) ChangeUserPhoneNumber(ctx context.Context, awsAccountID, accountID, userID, e164 string,
	apply func(u *belfry.User, held, n *belfry.PhoneNumber) error) (*belfry.User, error) {
	var u *belfry.User
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		row := tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND account_id = ?`, userID, accountID)
		if u, err = scanUser(row); err != nil {
			return notFound(err, "user %s not found in account %s", userID, accountID)
		}
		held, err := numberOf(ctx, tx, awsAccountID, u.PhoneNumber)
		if err != nil {
			return err
		}
		n, err := numberOf(ctx, tx, awsAccountID, e164)
		if err != nil {
			return err
		}
		if err := apply(u, held, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET phone_number = ? WHERE id = ?`, u.PhoneNumber, u.ID); err != nil {
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
// sweep records nothing.
func (s *Store) ReturnDeletedPhoneNumbers(ctx context.Context, cutoff time.Time, n int) ([]*belfry.PhoneNumber, error) {
	const due = `status = 'DeleteInProgress' AND deleted <= ?`
	var found int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM phone_numbers WHERE `+due+` LIMIT 1)`,
		micros(cutoff)).Scan(&found); err != nil || found == 0 {
		return nil, internal(err)
	}
	var list []*belfry.PhoneNumber
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE `+due+` ORDER BY deleted LIMIT ?`,
			micros(cutoff), n)
		if err != nil {
			return internal(err)
		}
		list, err = scanNumbers(rows, n)
		if err != nil {
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
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal(err)
	}
	return scanNumbers(rows, capacity(p))
}

func scanNumbers(rows *sql.Rows, size int) ([]*belfry.PhoneNumber, error) {
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

func scanNumber(row scanner) (*belfry.PhoneNumber, error) {
	n := new(belfry.PhoneNumber)
	err := row.Scan(&n.Seq, &n.E164, &n.Country, &n.Type, &n.City, &n.State, &n.AreaCode, &n.Status, &n.AwsAccountID,
		&n.ProductType, &n.CallingName, &n.CallingNameStatus, timeCol{&n.CallingNameDue}, &n.AccountID, &n.UserID,
		timeCol{&n.Associated}, timeCol{&n.Created}, timeCol{&n.Updated}, timeCol{&n.Deleted})
	if err != nil {
		return nil, err
	}
	return n, nil
}
