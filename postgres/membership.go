package postgres

import (
	"context"
	"errors"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	// memberUserQuery looks up the user the membership names, in any
	// account (belfry.PlanMembership decides who may join), and locks its
	// row, so that the count of the rooms it is in stays true until the
	// insert commits.
	memberUserQuery = `SELECT email, display_name, account_id FROM users WHERE id = $1 FOR NO KEY UPDATE`
	// memberBotQuery looks up the bot the membership names, when it names
	// one, with its standing, and locks its row, as memberUserQuery does a
	// user's: an ID names a user or a bot, never both.
	memberBotQuery = `SELECT b.email, b.display_name, b.account_id, b.disabled,
		EXISTS (SELECT 1 FROM bot_events e WHERE e.bot_id = b.id) FROM bots b WHERE b.id = $1 FOR NO KEY UPDATE OF b`
	// lockRoomQuery answers the room's account and locks its row, so that
	// the count of its members stays true until the insert commits.
	lockRoomQuery = `SELECT account_id FROM rooms WHERE id = $1 FOR NO KEY UPDATE`
	// membershipCountsQuery runs after the locks, as a statement of its
	// own, so that it counts what their previous holders committed, and
	// sees whether the member is in the room already.
	membershipCountsQuery = `SELECT (SELECT count(*) FROM memberships WHERE room_id = $1),
		(SELECT count(*) FROM memberships WHERE member_id = $2),
		EXISTS (SELECT 1 FROM memberships WHERE room_id = $1 AND member_id = $2)`
	insertMembershipQuery = `INSERT INTO memberships (room_id, member_id, member_type, role, invited_by, updated)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`
	// membershipColumns reads a membership m with its member, a user u
	// or a bot b joined on it (memberJoins).
	membershipColumns = `m.seq, m.room_id, m.member_id, m.member_type, m.role, m.invited_by, m.updated,
		coalesce(u.email, b.email, ''), coalesce(u.display_name, b.display_name, ''),
		coalesce(u.account_id, b.account_id, '')`
	memberJoins = ` LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
		LEFT JOIN bots b ON m.member_type = 'Bot' AND b.id = m.member_id `
	listMembershipsQuery = `SELECT ` + membershipColumns + `
		FROM memberships m` + memberJoins + `
		WHERE m.room_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`
	// membershipQuery reads the membership of member $2 in room $1 of
	// account $3.
	membershipQuery = `SELECT ` + membershipColumns + `
		FROM memberships m JOIN rooms r ON r.id = m.room_id AND r.account_id = $3` + memberJoins + `
		WHERE m.room_id = $1 AND m.member_id = $2`
	// lockMembershipQuery reads the membership of member $2 in room $1 of
	// account $3 and locks its row until the change is stored.
	lockMembershipQuery = membershipQuery + ` FOR NO KEY UPDATE OF m`
)

// CreateMembership adds m to its room, a room of account accountID, in one
// transaction of two round trips (twoStep): the first looks the member up,
// locks the member's row and then the room's (always in that order, so
// that two of them cannot deadlock) and counts both; the second, once
// belfry.PlanMembership agrees, inserts. The database refuses a member
// already in the room.
func (s *Store) CreateMembership(ctx context.Context, accountID string, m *belfry.Membership) error {
	var f belfry.MembershipFacts
	return s.twoStep(ctx, func() *batch {
		f = belfry.MembershipFacts{}
		return readMembershipFacts(&f, m)
	}, func() (*batch, error) {
		if err := belfry.PlanMembership(accountID, m, f); err != nil {
			return nil, err
		}
		b := new(batch)
		b.queue(insertMembershipQuery, []any{m.RoomID, m.Member.ID, string(m.Member.Type), string(m.Role),
			m.InvitedBy, ts(m.Updated)}, func(r pgx.BatchResults) error {
			return membershipError(r.QueryRow().Scan(&m.Seq), m)
		})
		return b, nil
	})
}

// readMembershipFacts returns the statements that fill f, for m, and take
// the locks.
func readMembershipFacts(f *belfry.MembershipFacts, m *belfry.Membership) *batch {
	b := new(batch)
	b.queue(memberUserQuery, []any{m.Member.ID}, func(r pgx.BatchResults) error {
		c := belfry.Member{ID: m.Member.ID, Type: belfry.MemberUser}
		found := true
		err := optional(r.QueryRow().Scan(&c.Email, &c.FullName, &c.AccountID), &found)
		if found {
			f.Candidate = &c
		}
		return err
	})
	b.queue(memberBotQuery, []any{m.Member.ID}, func(r pgx.BatchResults) error {
		c := belfry.Member{ID: m.Member.ID, Type: belfry.MemberBot}
		found := true
		err := optional(r.QueryRow().Scan(&c.Email, &c.FullName, &c.AccountID, &f.Bot.Disabled, &f.Bot.EventsConfigured), &found)
		if found {
			f.Candidate = &c
		}
		return err
	})
	b.queue(lockRoomQuery, []any{m.RoomID}, func(r pgx.BatchResults) error {
		return optional(r.QueryRow().Scan(&f.RoomAccount), new(bool)) // no room leaves RoomAccount empty
	})
	b.queue(membershipCountsQuery, []any{m.RoomID, m.Member.ID}, func(r pgx.BatchResults) error {
		return internal(r.QueryRow().Scan(&f.RoomMembers, &f.MemberRooms, &f.InRoom))
	})
	return b
}

// optional turns a scan that found no row into found = false, and other
// errors into internal ones.
func optional(err error, found *bool) error {
	if errors.Is(err, pgx.ErrNoRows) {
		*found = false
		return nil
	}
	return internal(err)
}

// UpdateMembership lets apply change the membership of member memberID in
// room roomID of account accountID, then writes its role and update time,
// in one transaction that holds the membership's row lock.
func (s *Store) UpdateMembership(ctx context.Context, accountID, roomID, memberID string, apply func(*belfry.Membership) error) (*belfry.Membership, error) {
	var m *belfry.Membership
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		if m, err = scanMembership(tx.QueryRow(ctx, lockMembershipQuery, roomID, memberID, accountID)); err != nil {
			return notFound(err, "member %s not found in room %s", memberID, roomID)
		}
		if err := apply(m); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE memberships SET role = $1, updated = $2 WHERE seq = $3`,
			string(m.Role), ts(m.Updated), m.Seq)
		return internal(err)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMembership removes member memberID from room roomID of account
// accountID.
func (s *Store) DeleteMembership(ctx context.Context, accountID, roomID, memberID string) error {
	return s.change(ctx, `DELETE FROM memberships WHERE room_id = $1 AND member_id = $2
		AND room_id IN (SELECT id FROM rooms WHERE account_id = $3)`, []any{roomID, memberID, accountID},
		affected("member %s not found in room %s", memberID, roomID))
}

// MembershipOf returns member memberID's membership of room roomID of
// account accountID, one lookup on the memberships' unique room and member
// index.
func (s *Store) MembershipOf(ctx context.Context, accountID, roomID, memberID string) (*belfry.Membership, error) {
	m, err := scanMembership(s.pool.QueryRow(ctx, membershipQuery, roomID, memberID, accountID))
	if err != nil {
		return nil, notFound(err, "member %s not found in room %s", memberID, roomID)
	}
	return m, nil
}

// ListMemberships returns a page of a room's memberships in the order they
// were made, each with its member filled in.
func (s *Store) ListMemberships(ctx context.Context, roomID string, p belfry.Page) ([]*belfry.Membership, error) {
	rows, err := s.pool.Query(ctx, listMembershipsQuery, roomID, p.After, limit(p))
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.Membership, 0, capacity(p))
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, m)
	}
	return list, internal(rows.Err())
}

func scanMembership(row pgx.Row) (*belfry.Membership, error) {
	m := new(belfry.Membership)
	err := row.Scan(&m.Seq, &m.RoomID, &m.Member.ID, &m.Member.Type, &m.Role, &m.InvitedBy,
		timeCol{&m.Updated}, &m.Member.Email, &m.Member.FullName, &m.Member.AccountID)
	if err != nil {
		return nil, err
	}
	return m, nil
}
