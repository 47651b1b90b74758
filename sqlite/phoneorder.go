package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/belfryhq/belfry"
)

const orderColumns = `seq, id, aws_account_id, product_type, status, numbers, created, updated`

// CreatePhoneNumberOrder stores o and its job in one transaction.
func (s *Store) CreatePhoneNumberOrder(ctx context.Context, o *belfry.PhoneNumberOrder, j *belfry.Job) error {
	numbers, err := json.Marshal(o.Numbers)
	if err != nil {
		return internal(err)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO phone_number_orders (id, aws_account_id, product_type, status, numbers,
			created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`, o.ID, o.AwsAccountID, string(o.ProductType), string(o.Status),
			string(numbers), micros(o.Created), micros(o.Updated))
		if err != nil {
			return internal(err)
		}
		if o.Seq, err = res.LastInsertId(); err != nil {
			return internal(err)
		}
		return insertJob(ctx, tx.StmtContext(ctx, s.st.insertJob), j)
	})
}

// PhoneNumberOrder returns order id of an AWS account.
func (s *Store) PhoneNumberOrder(ctx context.Context, awsAccountID, id string) (*belfry.PhoneNumberOrder, error) {
	o, err := scanOrder(s.r.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM phone_number_orders
		WHERE id = ? AND aws_account_id = ?`, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "phone number order %s does not exist", id)
	}
	return o, nil
}

// ListPhoneNumberOrders returns a page of an AWS account's orders.
func (s *Store) ListPhoneNumberOrders(ctx context.Context, awsAccountID string, p belfry.Page) ([]*belfry.PhoneNumberOrder, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+orderColumns+` FROM phone_number_orders
		WHERE aws_account_id = ? AND seq > ? ORDER BY seq LIMIT ?`, awsAccountID, p.After, limit(p))
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.PhoneNumberOrder, 0, capacity(p))
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, o)
	}
	return list, internal(rows.Err())
}

// FillPhoneNumberOrder lets fill decide an order and writes it and the
// numbers it acquires, in one transaction. SQLite's one writer holds the
// order and the numbers meanwhile.
func (s *Store) FillPhoneNumberOrder(ctx context.Context, id string,
	fill func(*belfry.PhoneNumberOrder, []*belfry.PhoneNumber) []*belfry.PhoneNumber) (*belfry.PhoneNumberOrder, error) {
	var o *belfry.PhoneNumberOrder
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		row := tx.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM phone_number_orders WHERE id = ?`, id)
		if o, err = scanOrder(row); err != nil {
			return notFound(err, "phone number order %s does not exist", id)
		}
		var pool []*belfry.PhoneNumber
		for _, on := range o.Numbers {
			n, err := scanNumber(tx.QueryRowContext(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE e164 = ?`, on.E164))
			switch {
			case err == nil:
				pool = append(pool, n)
			case err != sql.ErrNoRows:
				return internal(err)
			}
		}
		for _, n := range fill(o, pool) {
			if err := saveNumber(ctx, tx, n); err != nil {
				return err
			}
		}
		numbers, err := json.Marshal(o.Numbers)
		if err != nil {
			return internal(err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE phone_number_orders SET status = ?, numbers = ?, updated = ? WHERE id = ?`,
			string(o.Status), string(numbers), micros(o.Updated), o.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func scanOrder(row scanner) (*belfry.PhoneNumberOrder, error) {
	o := new(belfry.PhoneNumberOrder)
	var numbers string
	err := row.Scan(&o.Seq, &o.ID, &o.AwsAccountID, &o.ProductType, &o.Status, &numbers, timeCol{&o.Created}, timeCol{&o.Updated})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(numbers), &o.Numbers); err != nil {
		return nil, err
	}
	return o, nil
}
