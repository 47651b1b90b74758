package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	// lockMemberUsersQuery looks up the users a batch names, in any
	// account, and locks their rows in the order of their IDs, then
	// lockRoomQuery the room's: the order CreateMembership takes its locks
	// in, so that batches and single memberships cannot deadlock.
	lockMemberUsersQuery = `SELECT id, email, display_name, account_id FROM users
		WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`
	// lockMemberBotsQuery does for the bots a batch names what
	// lockMemberUsersQuery does for its users, right after it, with each
	// bot's standing.
	lockMemberBotsQuery = `SELECT b.id, b.email, b.display_name, b.account_id, b.disabled,
		EXISTS (SELECT 1 FROM bot_events e WHERE e.bot_id = b.id) FROM bots b
		WHERE b.id = ANY($1) ORDER BY b.id FOR NO KEY UPDATE OF b`
	// roomMembersQuery runs after the locks, as a statement of its own, so
	// that it counts what their previous holders committed.
	roomMembersQuery = `SELECT count(*) FROM memberships WHERE room_id = $1`
	// memberRoomsQuery answers, for each member of $1 that is in a room,
	// how many rooms it is in and whether room $2 is one of them.
	memberRoomsQuery = `SELECT member_id, count(*), bool_or(room_id = $2) FROM memberships
		WHERE member_id = ANY($1) GROUP BY member_id`
)

// CreateMemberships adds a batch of memberships to room roomID of account
// accountID in one transaction of two round trips (twoStep): the first
// locks the batch's users and the room, and reads what
// belfry.PlanMemberships decides on; the second, once it has decided,
// inserts the memberships it let in.
func (s *Store) CreateMemberships(ctx context.Context, accountID, roomID string, items []*belfry.MembershipItem) error {
	var f belfry.MembershipBatchFacts
	return s.twoStep(ctx, func() *batch {
		f = belfry.MembershipBatchFacts{
			Candidates: map[string]*belfry.Member{}, Bots: map[string]belfry.BotStanding{}, MemberRooms: map[string]int{}, InRoom: map[string]bool{},
		}
		return readBatchFacts(&f, roomID, items)
	}, func() (*batch, error) {
		if err := belfry.PlanMemberships(ctx, accountID, roomID, items, f); err != nil {
			return nil, err
		}
		b := new(batch)
		for _, it := range items {
			if m := it.Membership; it.Err == nil {
				b.queue(insertMembershipQuery, []any{m.RoomID, m.Member.ID, string(m.Member.Type), string(m.Role),
					m.InvitedBy, ts(m.Updated)}, func(r pgx.BatchResults) error {
					return membershipError(r.QueryRow().Scan(&m.Seq), m)
				})
			}
		}
		return b, nil
	})
}

// readBatchFacts returns the statements that take the batch's locks and
// fill f, for the members of items in room roomID.
func readBatchFacts(f *belfry.MembershipBatchFacts, roomID string, items []*belfry.MembershipItem) *batch {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.Membership.Member.ID
	}
	b := new(batch)
	b.queue(lockMemberUsersQuery, []any{ids}, func(r pgx.BatchResults) error {
		return eachRow(r, func(rows pgx.Rows) error {
			c := belfry.Member{Type: belfry.MemberUser}
			err := rows.Scan(&c.ID, &c.Email, &c.FullName, &c.AccountID)
			f.Candidates[c.ID] = &c
			return err
		})
	})
	b.queue(lockMemberBotsQuery, []any{ids}, func(r pgx.BatchResults) error {
		return eachRow(r, func(rows pgx.Rows) error {
			c := belfry.Member{Type: belfry.MemberBot}
			var st belfry.BotStanding
			err := rows.Scan(&c.ID, &c.Email, &c.FullName, &c.AccountID, &st.Disabled, &st.EventsConfigured)
			f.Candidates[c.ID], f.Bots[c.ID] = &c, st
			return err
		})
	})
	b.queue(lockRoomQuery, []any{roomID}, func(r pgx.BatchResults) error {
		return optional(r.QueryRow().Scan(&f.RoomAccount), new(bool)) // no room leaves RoomAccount empty
	})
	b.queue(roomMembersQuery, []any{roomID}, func(r pgx.BatchResults) error {
		return internal(r.QueryRow().Scan(&f.RoomMembers))
	})
	b.queue(memberRoomsQuery, []any{ids, roomID}, func(r pgx.BatchResults) error {
		return eachRow(r, func(rows pgx.Rows) error {
			var id string
			var n int
			var in bool
			err := rows.Scan(&id, &n, &in)
			f.MemberRooms[id], f.InRoom[id] = n, in
			return err
		})
	})
	return b
}

// eachRow reads every row of the next result of r with scan.
func eachRow(r pgx.BatchResults, scan func(pgx.Rows) error) error {
	rows, err := r.Query()
	if err != nil {
		return internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return internal(err)
		}
	}
	return internal(rows.Err())
}
