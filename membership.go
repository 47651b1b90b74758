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
	// CreateMembership adds m to its room. The store resolves m.Member from
	// m.Member.ID among the users of accountID (NotFound when there is no
	// such member), and returns Conflict when the member is already in the
	// room and LimitExceeded when the room or the member is full.
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
