package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/belfryhq/belfry"
)

const (
	// memberQuery looks up the user or the bot the membership names, in
	// any account, with a bot's standing: belfry.PlanMembership decides who
	// may join.
	memberQuery = `SELECT 'User', email, display_name, account_id, 0, 0 FROM users WHERE id = ?1
		UNION ALL SELECT 'Bot', b.email, b.display_name, b.account_id, b.disabled,
			EXISTS (SELECT 1 FROM bot_events e WHERE e.bot_id = b.id) FROM bots b WHERE b.id = ?1`
	// membershipRoomQuery answers, for room ?1 and member ?2, the room's
	// account (NULL if there is no such room), how many members the room has,
	// how many rooms the member is in and whether the member is in the room.
	membershipRoomQuery = `SELECT (SELECT account_id FROM rooms WHERE id = ?1),
		(SELECT count(*) FROM memberships WHERE room_id = ?1),
		(SELECT count(*) FROM memberships WHERE member_id = ?2),
		EXISTS (SELECT 1 FROM memberships WHERE room_id = ?1 AND member_id = ?2)`
	insertMembershipQuery = `INSERT INTO memberships (room_id, member_id, member_type, role, invited_by, updated)
		VALUES (?, ?, ?, ?, ?, ?)`
	// membershipColumns reads a membership m with its member, a user u
	// or a bot b joined on it (memberJoins).
	membershipColumns = `m.seq, m.room_id, m.member_id, m.member_type, m.role, m.invited_by, m.updated,
		coalesce(u.email, b.email, ''), coalesce(u.display_name, b.display_name, ''),
		coalesce(u.account_id, b.account_id, '')`
	memberJoins = ` LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
		LEFT JOIN bots b ON m.member_type = 'Bot' AND b.id = m.member_id `
	listMembershipsQuery = `SELECT ` + membershipColumns + `
		FROM memberships m` + memberJoins + `
		WHERE m.room_id = ?1 AND m.seq > ?2 ORDER BY m.seq LIMIT ?3`
	// membershipQuery reads the membership of member ?2 in room ?1 of
	// account ?3.
	membershipQuery = `SELECT ` + membershipColumns + `
		FROM memberships m JOIN rooms r ON r.id = m.room_id AND r.account_id = ?3` + memberJoins + `
		WHERE m.room_id = ?1 AND m.member_id = ?2`
)

// CreateMembership adds m to its room, a room of account accountID, in one
// transaction: it reads the member and the room's and the member's counts,
// lets belfry.PlanMembership decide, and inserts. The database refuses a
// member already in the room.
func (s *Store) CreateMembership(ctx context.Context, accountID string, m *belfry.Membership) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		f, err := s.membershipFacts(ctx, tx, m)
		if err != nil {
			return err
		}
		if err := belfry.PlanMembership(accountID, m, f); err != nil {
			return err
		}
		res, err := tx.StmtContext(ctx, s.st.insertMembership).ExecContext(ctx, m.RoomID, m.Member.ID,
			string(m.Member.Type), string(m.Role), m.InvitedBy, micros(m.Updated))
		if err != nil {
			return membershipError(err, m)
		}
		m.Seq, err = res.LastInsertId()
		return internal(err)
	})
}

// membershipFacts reads, in tx, what belfry.PlanMembership decides m on.
func (s *Store) membershipFacts(ctx context.Context, tx *sql.Tx, m *belfry.Membership) (belfry.MembershipFacts, error) {
	var f belfry.MembershipFacts
	c := belfry.Member{ID: m.Member.ID}
	err := tx.StmtContext(ctx, s.st.member).QueryRowContext(ctx, c.ID).
		Scan(&c.Type, &c.Email, &c.FullName, &c.AccountID, &f.Bot.Disabled, &f.Bot.EventsConfigured)
	switch {
	case err == nil:
		f.Candidate = &c
	case !errors.Is(err, sql.ErrNoRows):
		return f, internal(err)
	}
	var roomAccount sql.NullString
	err = tx.StmtContext(ctx, s.st.membershipRoom).QueryRowContext(ctx, m.RoomID, m.Member.ID).
		Scan(&roomAccount, &f.RoomMembers, &f.MemberRooms, &f.InRoom)
	f.RoomAccount = roomAccount.String
	return f, internal(err)
}

// UpdateMembership lets apply change the membership of member memberID in
// room roomID of account accountID, then writes its role and update time,
// in one transaction.
func (s *Store) UpdateMembership(ctx context.Context, accountID, roomID, memberID string, apply func(*belfry.Membership) error) (*belfry.Membership, error) {
	var m *belfry.Membership
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		if m, err = scanMembership(tx.QueryRowContext(ctx, membershipQuery, roomID, memberID, accountID)); err != nil {
			return notFound(err, "member %s not found in room %s", memberID, roomID)
		}
		if err := apply(m); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE memberships SET role = ?, updated = ? WHERE seq = ?`,
			string(m.Role), micros(m.Updated), m.Seq)
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
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE room_id = ?1 AND member_id = ?2
			AND room_id IN (SELECT id FROM rooms WHERE account_id = ?3)`, roomID, memberID, accountID)
		return affected(res, err, "member %s not found in room %s", memberID, roomID)
	})
}

// MembershipOf returns member memberID's membership of room roomID of
// account accountID, one lookup on the memberships' unique room and member
// index.
func (s *Store) MembershipOf(ctx context.Context, accountID, roomID, memberID string) (*belfry.Membership, error) {
	m, err := scanMembership(s.st.membership.QueryRowContext(ctx, roomID, memberID, accountID))
	if err != nil {
		return nil, notFound(err, "member %s not found in room %s", memberID, roomID)
	}
	return m, nil
}

// ListMemberships returns a page of a room's memberships in the order they
// were made, each with its member filled in.
func (s *Store) ListMemberships(ctx context.Context, roomID string, p belfry.Page) ([]*belfry.Membership, error) {
	rows, err := s.st.listMemberships.QueryContext(ctx, roomID, p.After, limit(p))
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

func scanMembership(row scanner) (*belfry.Membership, error) {
	m := new(belfry.Membership)
	err := row.Scan(&m.Seq, &m.RoomID, &m.Member.ID, &m.Member.Type, &m.Role, &m.InvitedBy,
		timeCol{&m.Updated}, &m.Member.Email, &m.Member.FullName, &m.Member.AccountID)
	if err != nil {
		return nil, err
	}
	return m, nil
}
