package belfry

import (
	"context"
	"time"
)

// MemberType is what kind of member a room has.
type MemberType string

// The member types.
const (
	MemberUser    MemberType = "User"
	MemberBot     MemberType = "Bot"
	MemberWebhook MemberType = "Webhook"
)

// Role is a member's role in a room.
type Role string

// The roles.
const (
	RoleAdministrator Role = "Administrator"
	RoleMember        Role = "Member"
)

// Member is who belongs to a room, as the room's roster shows them.
type Member struct {
	ID        string
	Type      MemberType
	Email     string
	FullName  string
	AccountID string
}

// Membership is a member's place in a room.
type Membership struct {
	Seq       int64
	RoomID    string
	Member    Member
	Role      Role
	InvitedBy string
	Updated   time.Time
}

// MembershipStore keeps room memberships.
type MembershipStore interface {
	// CreateMembership adds m to its room, a room of account accountID, as
	// PlanMembership decides from what the store reads in the transaction
	// (MembershipFacts): its NotFound and LimitExceeded errors, and
	// Conflict when the member is already in the room.
	CreateMembership(ctx context.Context, accountID string, m *Membership) error
	// ListMemberships returns a page of a room's memberships.
	ListMemberships(ctx context.Context, roomID string, p Page) ([]*Membership, error)
}

// CreateRoomMembership adds a user of the room's own account to a room
// (DECISIONS.md, rooms and members); Role defaults to Member.
func (s *Service) CreateRoomMembership(ctx context.Context, accountID, roomID, memberID string, role Role) (*Membership, error) {
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return nil, err
	}
	c, _ := CallerFrom(ctx)
	m := &Membership{
		RoomID:    r.ID,
		Member:    Member{ID: memberID},
		Role:      orDefault(role, RoleMember),
		InvitedBy: c.ARN,
		Updated:   s.now(),
	}
	AuditNote(ctx, r.AccountID, "added member "+memberID+" to room "+r.Name+" as "+string(m.Role), r.ID, memberID)
	if err := s.Store.CreateMembership(ctx, r.AccountID, m); err != nil {
		return nil, err
	}
	return m, nil
}

// ListRoomMemberships returns a page of a room's memberships.
func (s *Service) ListRoomMemberships(ctx context.Context, accountID, roomID string, p Page) ([]*Membership, error) {
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return nil, err
	}
	return s.Store.ListMemberships(ctx, r.ID, p)
}

// MembershipFacts is what a store reads, inside the transaction that adds a
// membership, for PlanMembership to decide on.
type MembershipFacts struct {
	// Candidate is whoever the membership's member ID names, with the
	// account it belongs to; nil when nobody has that ID. Today only users
	// are looked up; bots will be too.
	Candidate *Member
	// RoomAccount is the account of the membership's room, "" when there is
	// no such room.
	RoomAccount string
	// RoomMembers is how many members the room has; MemberRooms how many
	// rooms the candidate is in.
	RoomMembers, MemberRooms int
}

// PlanMembership decides whether m may be made in a room of account
// accountID, given f, and fills m.Member from f.Candidate when it may. Only
// the room's own account's users may join it (DECISIONS.md, rooms and
// members), and neither the room nor the member may pass its limit. Both
// stores call it inside the membership's transaction.
func PlanMembership(accountID string, m *Membership, f MembershipFacts) error {
	switch {
	case f.Candidate == nil || f.Candidate.Type != MemberUser || f.Candidate.AccountID != accountID:
		return Errorf(NotFound, "member %s not found in account %s", m.Member.ID, accountID)
	case f.RoomAccount != accountID:
		return Errorf(NotFound, "room %s not found in account %s", m.RoomID, accountID)
	case f.RoomMembers >= MaxMembersPerRoom:
		return Errorf(LimitExceeded, "room %s has %d members, the most it can have", m.RoomID, f.RoomMembers)
	case f.MemberRooms >= MaxMembershipsPerUser:
		return Errorf(LimitExceeded, "member %s is in %d rooms, the most a member can be in", m.Member.ID, f.MemberRooms)
	}
	m.Member = *f.Candidate
	return nil
}
