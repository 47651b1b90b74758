package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const orderColumns = `seq, id, aws_account_id, product_type, status, numbers, created, updated`

// CreatePhoneNumberOrder stores o and its job in one transaction.
func (s *Store) CreatePhoneNumberOrder(ctx context.Context, o *belfry.PhoneNumberOrder, j *belfry.Job) error {
	numbers, err := json.Marshal(o.Numbers)
	if err != nil {
		return internal(err)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO phone_number_orders (id, aws_account_id, product_type, status, numbers,
			created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`, o.ID, o.AwsAccountID,
			string(o.ProductType), string(o.Status), string(numbers), ts(o.Created), ts(o.Updated)).Scan(&o.Seq)
		if err != nil {
			return internal(err)
		}
		return jobError(tx.QueryRow(ctx, insertJobQuery, jobArgs(j)...).Scan(&j.Seq), j)
	})
}

// PhoneNumberOrder returns order id of an AWS account.
func (s *Store) PhoneNumberOrder(ctx context.Context, awsAccountID, id string) (*belfry.PhoneNumberOrder, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderColumns+` FROM phone_number_orders
		WHERE id = $1 AND aws_account_id = $2`, id, awsAccountID))
	if err != nil {
		return nil, notFound(err, "phone number order %s does not exist", id)
	}
	return o, nil
}

// ListPhoneNumberOrders returns a page of an AWS account's orders.
func (s *Store) ListPhoneNumberOrders(ctx context.Context, awsAccountID string, p belfry.Page) ([]*belfry.PhoneNumberOrder, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orderColumns+` FROM phone_number_orders
		WHERE aws_account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, awsAccountID, p.After, limit(p))
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

// FillPhoneNumberOrder lets fill decide an order, its row and those of
// its numbers locked, and writes it and the numbers it acquires, in one
// transaction: two workers filling orders for one number acquire it once.
func (s *Store) FillPhoneNumberOrder(ctx context.Context, id string,
	fill func(*belfry.PhoneNumberOrder, []*belfry.PhoneNumber) []*belfry.PhoneNumber) (*belfry.PhoneNumberOrder, error) {
	var o *belfry.PhoneNumberOrder
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		row := tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM phone_number_orders WHERE id = $1 FOR NO KEY UPDATE`, id)
		if o, err = scanOrder(row); err != nil {
			return notFound(err, "phone number order %s does not exist", id)
		}
		e164s := make([]string, len(o.Numbers))
		for i, on := range o.Numbers {
			e164s[i] = on.E164
		}
		rows, err := tx.Query(ctx, `SELECT `+numberColumns+` FROM phone_numbers WHERE e164 = ANY($1)
			ORDER BY e164 FOR NO KEY UPDATE`, e164s)
		if err != nil {
			return internal(err)
		}
		pool, err := scanNumbers(rows, len(e164s))
		if err != nil {
			return err
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
		_, err = tx.Exec(ctx, `UPDATE phone_number_orders SET status = $1, numbers = $2, updated = $3 WHERE id = $4`,
			string(o.Status), string(numbers), ts(o.Updated), o.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func scanOrder(row pgx.Row) (*belfry.PhoneNumberOrder, error) {
	o := new(belfry.PhoneNumberOrder)
	var numbers string
	err := row.Scan(&o.Seq, &o.ID, &o.AwsAccountID, &o.ProductType, &o.Status, &numbers, timeCol{&o.Created}, timeCol{&o.Updated})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(numbers), &o.Numbers); err != nil {
		return nil, errors.Join(errors.New("postgres: an order's numbers do not read"), err)
	}
	return o, nil
}
