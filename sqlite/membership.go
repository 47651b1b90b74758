package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry"
)

const (
	memberUserQuery = `SELECT email, display_name FROM users WHERE id = ?1 AND account_id = ?2`
	// membershipRoomQuery answers, for room ?1 and member ?2, the room's
	// account (NULL if there is no such room), how many members the room has
	// and how many rooms the member is in.
	membershipRoomQuery = `SELECT (SELECT account_id FROM rooms WHERE id = ?1),
		(SELECT count(*) FROM memberships WHERE room_id = ?1),
		(SELECT count(*) FROM memberships WHERE member_id = ?2)`
	insertMembershipQuery = `INSERT INTO memberships (room_id, member_id, member_type, role, invited_by, updated)
		VALUES (?, ?, ?, ?, ?, ?)`
	listMembershipsQuery = `SELECT m.seq, m.room_id, m.member_id, m.member_type, m.role, m.invited_by, m.updated,
		coalesce(u.email, ''), coalesce(u.display_name, ''), coalesce(u.account_id, '')
		FROM memberships m LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
		WHERE m.room_id = ?1 AND m.seq > ?2 ORDER BY m.seq LIMIT ?3`
)

// CreateMembership adds m to its room, a room of account accountID, after
// resolving m.Member and checking the room's and the member's limits, in one
// transaction. The database refuses a member already in the room.
func (s *Store) CreateMembership(ctx context.Context, accountID string, m *belfry.Membership) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := s.resolveMember(ctx, tx, accountID, &m.Member); err != nil {
			return err
		}
		if err := s.checkMembershipLimits(ctx, tx, accountID, m); err != nil {
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

// resolveMember fills member from its ID among those who may join a room of
// account accountID: today the account's users. Bots will join here.
func (s *Store) resolveMember(ctx context.Context, tx *sql.Tx, accountID string, member *belfry.Member) error {
	err := tx.StmtContext(ctx, s.st.memberUser).QueryRowContext(ctx, member.ID, accountID).
		Scan(&member.Email, &member.FullName)
	if err != nil {
		return notFound(err, "member %s not found in account %s", member.ID, accountID)
	}
	member.Type, member.AccountID = belfry.MemberUser, accountID
	return nil
}

// checkMembershipLimits checks that m's room is a room of accountID and that
// neither the room nor the member is full.
func (s *Store) checkMembershipLimits(ctx context.Context, tx *sql.Tx, accountID string, m *belfry.Membership) error {
	var roomAccount sql.NullString
	var members, rooms int
	err := tx.StmtContext(ctx, s.st.membershipRoom).QueryRowContext(ctx, m.RoomID, m.Member.ID).
		Scan(&roomAccount, &members, &rooms)
	switch {
	case err != nil:
		return internal(err)
	case roomAccount.String != accountID:
		return belfry.Errorf(belfry.NotFound, "room %s not found in account %s", m.RoomID, accountID)
	case members >= belfry.MaxMembersPerRoom:
		return belfry.Errorf(belfry.LimitExceeded, "room %s has %d members, the most it can have", m.RoomID, members)
	case rooms >= belfry.MaxMembershipsPerUser:
		return belfry.Errorf(belfry.LimitExceeded, "member %s is in %d rooms, the most a member can be in", m.Member.ID, rooms)
	}
	return nil
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
		m := new(belfry.Membership)
		err := rows.Scan(&m.Seq, &m.RoomID, &m.Member.ID, &m.Member.Type, &m.Role, &m.InvitedBy,
			timeCol{&m.Updated}, &m.Member.Email, &m.Member.FullName, &m.Member.AccountID)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, m)
	}
	return list, internal(rows.Err())
}
