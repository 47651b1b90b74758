package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const roomColumns = `r.seq, r.id, r.account_id, r.name, r.created_by, r.created, r.updated, r.client_token`

// CreateRoom stores r and sets its Seq, unless the account has a room made
// with r's ClientToken, which it returns instead. Its transaction (twoStep)
// first locks the account's row, then looks the token up and counts the
// rooms, so that for every replica these and the insert are one step: the
// same token sent to three replicas at once makes one room, and two rooms
// created at the limit cannot both fit.
func (s *Store) CreateRoom(ctx context.Context, r *belfry.Room) (*belfry.Room, error) {
	var (
		found         bool
		earlier, room *belfry.Room
		n             int
	)
	err := s.twoStep(ctx, func() *batch {
		found, earlier = true, nil
		b := new(batch)
		b.queue(lockAccountQuery, []any{r.AccountID}, func(res pgx.BatchResults) error {
			var one int
			return optional(res.QueryRow().Scan(&one), &found)
		})
		b.queue(`SELECT `+roomColumns+` FROM rooms r WHERE r.account_id = $1 AND r.client_token = $2 AND $2 <> ''`,
			[]any{r.AccountID, r.ClientToken}, func(res pgx.BatchResults) error {
				replay := true
				got, err := scanRoom(res.QueryRow())
				if err = optional(err, &replay); replay {
					earlier = got
				}
				return err
			})
		b.queue(`SELECT count(*) FROM rooms WHERE account_id = $1`, []any{r.AccountID}, func(res pgx.BatchResults) error {
			return internal(res.QueryRow().Scan(&n))
		})
		return b
	}, func() (_ *batch, err error) {
		if !found {
			return nil, belfry.Errorf(belfry.NotFound, "account %s not found", r.AccountID)
		}
		if room, err = belfry.PlanRoom(r, earlier, n); err != nil {
			return nil, err
		}
		if room != r {
			return new(batch), nil // the room made first, and the call's audit record
		}
		b := new(batch)
		b.queue(`INSERT INTO rooms (id, account_id, name, created_by, created, updated, client_token)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
			[]any{r.ID, r.AccountID, r.Name, r.CreatedBy, ts(r.Created), ts(r.Updated), r.ClientToken},
			func(res pgx.BatchResults) error { return roomError(res.QueryRow().Scan(&r.Seq), r) })
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return room, nil
}

// Room returns room id of account accountID.
func (s *Store) Room(ctx context.Context, accountID, id string) (*belfry.Room, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+roomColumns+` FROM rooms r WHERE r.id = $1 AND r.account_id = $2`, id, accountID)
	r, err := scanRoom(row)
	if err != nil {
		return nil, notFound(err, "room %s not found in account %s", id, accountID)
	}
	return r, nil
}

// ListRooms returns a page of the account's rooms, or, when f names a
// member, of the rooms that member belongs to.
func (s *Store) ListRooms(ctx context.Context, accountID string, f belfry.RoomFilter, p belfry.Page) ([]*belfry.Room, error) {
	var rows pgx.Rows
	var err error
	if f.MemberID != "" {
		rows, err = s.pool.Query(ctx, `SELECT `+roomColumns+` FROM rooms r
			JOIN memberships m ON m.room_id = r.id AND m.member_id = $1
			WHERE r.account_id = $2 AND r.seq > $3 ORDER BY r.seq LIMIT $4`, f.MemberID, accountID, p.After, limit(p))
	} else {
		rows, err = s.pool.Query(ctx, `SELECT `+roomColumns+` FROM rooms r
			WHERE r.account_id = $1 AND r.seq > $2 ORDER BY r.seq LIMIT $3`, accountID, p.After, limit(p))
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
// its name and update time, in one transaction that holds the room's row
// lock, so that two updates on two replicas cannot lose one another's
// change.
func (s *Store) UpdateRoom(ctx context.Context, accountID, id string, apply func(*belfry.Room) error) (*belfry.Room, error) {
	var r *belfry.Room
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		row := tx.QueryRow(ctx, `SELECT `+roomColumns+` FROM rooms r WHERE r.id = $1 AND r.account_id = $2 FOR NO KEY UPDATE`,
			id, accountID)
		if r, err = scanRoom(row); err != nil {
			return notFound(err, "room %s not found in account %s", id, accountID)
		}
		if err := apply(r); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE rooms SET name = $1, updated = $2 WHERE id = $3`, r.Name, ts(r.Updated), r.ID)
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
	return s.change(ctx, `DELETE FROM rooms WHERE id = $1 AND account_id = $2`, []any{id, accountID},
		affected("room %s not found in account %s", id, accountID))
}

func scanRoom(row pgx.Row) (*belfry.Room, error) {
	r := new(belfry.Room)
	err := row.Scan(&r.Seq, &r.ID, &r.AccountID, &r.Name, &r.CreatedBy,
		timeCol{&r.Created}, timeCol{&r.Updated}, &r.ClientToken)
	if err != nil {
		return nil, err
	}
	return r, nil
}
