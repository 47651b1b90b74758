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
		found, replay bool
		existing      *belfry.Room
		n             int
	)
	err := s.twoStep(ctx, func() *batch {
		found, replay = true, true
		b := new(batch)
		b.queue(lockAccountQuery, []any{r.AccountID}, func(res pgx.BatchResults) error {
			var one int
			return optional(res.QueryRow().Scan(&one), &found)
		})
		b.queue(`SELECT `+roomColumns+` FROM rooms r WHERE r.account_id = $1 AND r.client_token = $2 AND $2 <> ''`,
			[]any{r.AccountID, r.ClientToken}, func(res pgx.BatchResults) (err error) {
				existing, err = scanRoom(res.QueryRow())
				return optional(err, &replay)
			})
		b.queue(`SELECT count(*) FROM rooms WHERE account_id = $1`, []any{r.AccountID}, func(res pgx.BatchResults) error {
			return internal(res.QueryRow().Scan(&n))
		})
		return b
	}, func() (*batch, error) {
		switch {
		case !found:
			return nil, belfry.Errorf(belfry.NotFound, "account %s not found", r.AccountID)
		case replay:
			return new(batch), nil // the room made first, and the call's audit record
		case n >= belfry.MaxRoomsPerAccount:
			return nil, belfry.Errorf(belfry.LimitExceeded, "account %s has %d rooms, the most it can have", r.AccountID, n)
		}
		b := new(batch)
		b.queue(`INSERT INTO rooms (id, account_id, name, created_by, created, updated, client_token)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
			[]any{r.ID, r.AccountID, r.Name, r.CreatedBy, ts(r.Created), ts(r.Updated), r.ClientToken},
			func(res pgx.BatchResults) error { return roomError(res.QueryRow().Scan(&r.Seq), r) })
		return b, nil
	})
	switch {
	case err != nil:
		return nil, err
	case replay:
		return existing, nil
	}
	return r, nil
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

func scanRoom(row pgx.Row) (*belfry.Room, error) {
	r := new(belfry.Room)
	err := row.Scan(&r.Seq, &r.ID, &r.AccountID, &r.Name, &r.CreatedBy,
		timeCol{&r.Created}, timeCol{&r.Updated}, &r.ClientToken)
	if err != nil {
		return nil, err
	}
	return r, nil
}
