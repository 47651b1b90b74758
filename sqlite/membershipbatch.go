package sqlite

import (
	"context"
	"database/sql"

	"github.com/belfryhq/belfry"
)

// CreateMemberships adds a batch of memberships to room roomID of account
// accountID in one transaction: it reads what belfry.PlanMemberships
// decides on for every member of the batch, lets it decide, and inserts the
// memberships it lets in. The writer's transactions run one at a time, so
// what it read holds until the inserts.
func (s *Store) CreateMemberships(ctx context.Context, accountID, roomID string, items []*belfry.MembershipItem) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		f, err := s.batchFacts(ctx, tx, roomID, items)
		if err != nil {
			return err
		}
		if err := belfry.PlanMemberships(ctx, accountID, roomID, items, f); err != nil {
			return err
		}
		insert := tx.StmtContext(ctx, s.st.insertMembership)
		for _, it := range items {
			if it.Err != nil {
				continue
			}
			m := it.Membership
			res, err := insert.ExecContext(ctx, m.RoomID, m.Member.ID, string(m.Member.Type), string(m.Role),
				m.InvitedBy, micros(m.Updated))
			if err != nil {
				return membershipError(err, m)
			}
			if m.Seq, err = res.LastInsertId(); err != nil {
				return internal(err)
			}
		}
		return nil
	})
}

// batchFacts reads, in tx, what belfry.PlanMemberships decides items on:
// the room's facts once, then each member's, as membershipFacts reads them.
func (s *Store) batchFacts(ctx context.Context, tx *sql.Tx, roomID string, items []*belfry.MembershipItem) (belfry.MembershipBatchFacts, error) {
	room, err := s.membershipFacts(ctx, tx, &belfry.Membership{RoomID: roomID})
	if err != nil {
		return belfry.MembershipBatchFacts{}, err
	}
	f := belfry.MembershipBatchFacts{
		RoomAccount: room.RoomAccount, RoomMembers: room.RoomMembers,
		Candidates: map[string]*belfry.Member{}, Bots: map[string]belfry.BotStanding{}, MemberRooms: map[string]int{}, InRoom: map[string]bool{},
	}
	for _, it := range items {
		id := it.Membership.Member.ID
		one, err := s.membershipFacts(ctx, tx, &belfry.Membership{RoomID: roomID, Member: belfry.Member{ID: id}})
		if err != nil {
			return f, err
		}
		if one.Candidate != nil {
			f.Candidates[id], f.Bots[id] = one.Candidate, one.Bot
		}
		f.MemberRooms[id], f.InRoom[id] = one.MemberRooms, one.InRoom
	}
	return f, nil
}
