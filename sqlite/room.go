package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
)

const roomColumns = `r.seq, r.id, r.account_id, r.name, r.created_by, r.created, r.updated, r.client_token`

// CreateRoom stores r and sets its Seq, unless the account has a room made
// with r's ClientToken, which it returns instead. The lookup, the count,
// belfry.PlanRoom's decision and the insert share one transaction.
func (s *Store) CreateRoom(ctx context.Context, r *belfry.Room) (*belfry.Room, error) {
	var room *belfry.Room
	err := s.write(ctx, func(tx *sql.Tx) error {
		earlier, n, err := roomFacts(ctx, tx, r)
		if err != nil {
			return err
		}
		if room, err = belfry.PlanRoom(r, earlier, n); err != nil || room != r {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO rooms (id, account_id, name, created_by, created, updated, client_token)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.AccountID, r.Name, r.CreatedBy, micros(r.Created), micros(r.Updated), r.ClientToken)
		if err != nil {
			return roomError(err, r)
		}
		r.Seq, err = res.LastInsertId()
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return room, nil
}

// roomFacts reads, in tx, what belfry.PlanRoom decides on: the room the
// account made with r's ClientToken, if any, and how many rooms it has.
func roomFacts(ctx context.Context, tx *sql.Tx, r *belfry.Room) (earlier *belfry.Room, n int, err error) {
	if r.ClientToken != "" {
		row := tx.QueryRowContext(ctx, `SELECT `+roomColumns+` FROM rooms r
			WHERE r.account_id = ? AND r.client_token = ?`, r.AccountID, r.ClientToken)
		earlier, err = scanRoom(row)
		if errors.Is(err, sql.ErrNoRows) {
			earlier, err = nil, nil
		}
		if err != nil {
			return nil, 0, internal(err)
		}
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM rooms WHERE account_id = ?`, r.AccountID).Scan(&n)
	return earlier, n, internal(err)
}

// Room returns room id of account accountID.
func (s *Store) Room(ctx context.Context, accountID, id string) (*belfry.Room, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+roomColumns+` FROM rooms r WHERE r.id = ? AND r.account_id = ?`, id, accountID)
	r, err := scanRoom(row)
	if err != nil {
		return nil, notFound(err, "room %s not found in account %s", id, accountID)
	}
	return r, nil
}

// ListRooms returns a page of the account's rooms, or, when f names a
// member, of the rooms that member belongs to.
func (s *Store) ListRooms(ctx context.Context, accountID string, f belfry.RoomFilter, p belfry.Page) ([]*belfry.Room, error) {
	var rows *sql.Rows
	var err error
	if f.MemberID != "" {
		rows, err = s.r.QueryContext(ctx, `SELECT `+roomColumns+` FROM rooms r
			JOIN memberships m ON m.room_id = r.id AND m.member_id = ?
			WHERE r.account_id = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`, f.MemberID, accountID, p.After, limit(p))
	} else {
		rows, err = s.r.QueryContext(ctx, `SELECT `+roomColumns+` FROM rooms r
			WHERE r.account_id = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`, accountID, p.After, limit(p))
	}
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.Room, 0, capacity(p))
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, r)
	}
	return list, internal(rows.Err())
}

// UpdateRoom lets apply change room id of account accountID, then writes
// its name and update time, in one transaction.
func (s *Store) UpdateRoom(ctx context.Context, accountID, id string, apply func(*belfry.Room) error) (*belfry.Room, error) {
	var r *belfry.Room
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		row := tx.QueryRowContext(ctx, `SELECT `+roomColumns+` FROM rooms r WHERE r.id = ? AND r.account_id = ?`, id, accountID)
		if r, err = scanRoom(row); err != nil {
			return notFound(err, "room %s not found in account %s", id, accountID)
		}
		if err := apply(r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE rooms SET name = ?, updated = ? WHERE id = ?`, r.Name, micros(r.Updated), r.ID)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRoom deletes room id of account accountID. The rows that belong to
// the room, its memberships first, go with it by their foreign keys' ON
// DELETE CASCADE, in the same statement.
func (s *Store) DeleteRoom(ctx context.Context, accountID, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM rooms WHERE id = ? AND account_id = ?`, id, accountID)
		return affected(res, err, "room %s not found in account %s", id, accountID)
	})
}

func scanRoom(row scanner) (*belfry.Room, error) {
	r := new(belfry.Room)
	err := row.Scan(&r.Seq, &r.ID, &r.AccountID, &r.Name, &r.CreatedBy,
		timeCol{&r.Created}, timeCol{&r.Updated}, &r.ClientToken)
	if err != nil {
		return nil, err
	}
	return r, nil
}
