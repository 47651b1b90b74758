package belfry

import (
	"context"
	"fmt"
	"time"
)

// MembershipRequest is one item of BatchCreateRoomMembership.
type MembershipRequest struct {
	MemberID string
	Role     Role
}

// MembershipItem is one membership of a CreateMemberships call. The service
// sets Membership; the store fills its member and Seq, or sets Err.
type MembershipItem struct {
	Membership *Membership
	Err        error
}

// MemberError is why one item of BatchCreateRoomMembership failed; the
// batch went on.
type MemberError struct {
	MemberID string
	Err      error
}

// MembershipBatchFacts is what a store reads, inside the transaction that
// adds a batch of memberships to one room, for PlanMemberships to decide
// on: MembershipFacts for every member of the batch at once.
type MembershipBatchFacts struct {
	// Candidates is whoever each member ID of the batch names, by ID;
	// an ID that names nobody is missing. Bots holds the standing of the
	// candidates that are bots.
	Candidates map[string]*Member
	Bots       map[string]BotStanding
	// RoomAccount is the account of the room, "" when there is no such
	// room; RoomMembers how many members it has.
	RoomAccount string
	RoomMembers int
	// MemberRooms is how many rooms each candidate is in, by ID; InRoom
	// says which candidates are in the room already.
	MemberRooms map[string]int
	InRoom      map[string]bool
}

// PlanMemberships decides, for a batch of memberships of room roomID of account
// accountID, given f as read before any of them is made, which are made:
// each item, in order, as PlanMembership decides it, counting the items
// let in before it, so that the batch cannot pass the room's limit nor add
// one member twice. An item refused gets its Err; one let in has its member
// filled in and is added to the audit event ctx carries. A room that is not
// the account's fails the whole batch: NotFound.
func PlanMemberships(ctx context.Context, accountID, roomID string, items []*MembershipItem, f MembershipBatchFacts) error {
	if f.RoomAccount != accountID {
		return Errorf(NotFound, "room %s not found in account %s", roomID, accountID)
	}
	added := make(map[string]bool, len(items))
	for _, it := range items {
		id := it.Membership.Member.ID
		it.Err = PlanMembership(accountID, it.Membership, MembershipFacts{
			Candidate: f.Candidates[id], Bot: f.Bots[id], RoomAccount: f.RoomAccount, RoomMembers: f.RoomMembers + len(added),
			MemberRooms: f.MemberRooms[id], InRoom: f.InRoom[id] || added[id],
		})
		if it.Err == nil {
			added[id] = true
			auditAdd(ctx, id)
		}
	}
	return nil
}

// BatchCreateRoomMembership adds up to 50 members to a room of an Enterprise
// account (chime-behaviour.md §3.3): each item fails alone, with Conflict
// for a member already in the room, NotFound for an unknown one and
// LimitExceeded for a full room or member; the memberships made share one
// UpdatedTimestamp. An item without a MemberId fails the whole call
// (chime-behaviour.md §1.7), as does an unknown room.
func (s *Service) BatchCreateRoomMembership(ctx context.Context, accountID, roomID string, reqs []MembershipRequest) ([]MemberError, error) {
	for i, req := range reqs {
		if req.MemberID == "" {
			return nil, Errorf(BadRequest, "MembershipItemList[%d].MemberId is required", i)
		}
		if err := CheckRole(req.Role); err != nil {
			return nil, err
		}
	}
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return nil, err
	}
	items := s.membershipItems(ctx, r, reqs, s.now())
	AuditNote(ctx, r.AccountID, fmt.Sprintf("added members to room %s (%d asked)", r.Name, len(reqs)), r.ID)
	var jobs []*Job
	ctx = WithOutbox(ctx, func() []*Job {
		var added []*Membership
		for _, it := range items {
			if it.Err == nil {
				added = append(added, it.Membership)
			}
		}
		if len(added) == 0 {
			return nil
		}
		jobs = s.membershipEvents(BotInvite, r.AccountID, s.eventSender(ctx, r.AccountID), added[0].Updated, added)
		return jobs
	})
	if err := s.Store.CreateMemberships(ctx, r.AccountID, r.ID, items); err != nil {
		return nil, err
	}
	s.kickBots(jobs)
	failed := []MemberError{}
	for _, it := range items {
		if it.Err != nil {
			failed = append(failed, MemberError{MemberID: it.Membership.Member.ID, Err: it.Err})
		}
	}
	return failed, nil
}

// membershipItems makes the memberships reqs ask for in room r, all updated
// at now; Role defaults to Member.
func (s *Service) membershipItems(ctx context.Context, r *Room, reqs []MembershipRequest, now time.Time) []*MembershipItem {
	c, _ := CallerFrom(ctx)
	items := make([]*MembershipItem, len(reqs))
	for i, req := range reqs {
		items[i] = &MembershipItem{Membership: &Membership{
			RoomID: r.ID, Member: Member{ID: req.MemberID}, Role: orDefault(req.Role, RoleMember),
			InvitedBy: c.ARN, Updated: now,
		}}
	}
	return items
}
