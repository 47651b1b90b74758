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

// CheckRole holds a role to the model's RoomMembershipRole; "" is a call
// that gives none. The API checks the enum before the service sees a
// call; this keeps every other way in, such as the console, to it.
func CheckRole(r Role) error {
	switch r {
	case "", RoleAdministrator, RoleMember:
		return nil
	}
	return Errorf(BadRequest, "A member's role is %s or %s, not %q.", RoleMember, RoleAdministrator, string(r))
}

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
	// CreateMemberships adds the memberships of items to room roomID of
	// account accountID, in one transaction, as PlanMemberships decides
	// from what the store reads in it (MembershipBatchFacts): each item
	// that may not be made gets its Err and the others are made. It returns
	// only what fails the whole call: NotFound for the room, or the
	// store's own failures.
	CreateMemberships(ctx context.Context, accountID, roomID string, items []*MembershipItem) error
	// ListMemberships returns a page of a room's memberships.
	ListMemberships(ctx context.Context, roomID string, p Page) ([]*Membership, error)
	// MembershipOf returns member memberID's membership of room roomID of
	// account accountID, found through the room and member index, so that a
	// live stream can check its reader's standing without reading the
	// roster: NotFound when the room is not the account's or the member is
	// not in it.
	MembershipOf(ctx context.Context, accountID, roomID, memberID string) (*Membership, error)
	// UpdateMembership lets apply change the membership of member memberID
	// in room roomID of account accountID, in one transaction, and returns
	// it as stored, its member filled in: NotFound when the member is not
	// in such a room, or apply's error.
	UpdateMembership(ctx context.Context, accountID, roomID, memberID string, apply func(*Membership) error) (*Membership, error)
	// DeleteMembership removes member memberID from room roomID of account
	// accountID: NotFound when the member is not in such a room.
	DeleteMembership(ctx context.Context, accountID, roomID, memberID string) error
}

// CreateRoomMembership adds a user or a bot of the room's own account to a room
// (DECISIONS.md, rooms and members); Role defaults to Member.
func (s *Service) CreateRoomMembership(ctx context.Context, accountID, roomID, memberID string, role Role) (*Membership, error) {
	if err := CheckRole(role); err != nil {
		return nil, err
	}
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
	var jobs []*Job
	ctx = WithOutbox(ctx, func() []*Job {
		// A bot hears of the room it joins (Invite), in the transaction
		// that adds it.
		jobs = s.membershipEvents(BotInvite, r.AccountID, s.eventSender(ctx, r.AccountID), m.Updated, []*Membership{m})
		return jobs
	})
	if err := s.Store.CreateMembership(ctx, r.AccountID, m); err != nil {
		return nil, err
	}
	s.kickBots(jobs)
	return m, nil
}

// webhookSeqBase numbers a room's webhooks after its memberships in one
// listing: a webhook is listed with this plus its own Seq, above any
// membership's, so that a page's last Seq tells which of the two the next
// page resumes in.
const webhookSeqBase = int64(1) << 62

// ListRoomMemberships returns a page of a room's memberships: its users and
// bots, then its webhooks, as MemberType Webhook (chime-behaviour.md §3.7).
func (s *Service) ListRoomMemberships(ctx context.Context, accountID, roomID string, p Page) ([]*Membership, error) {
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return nil, err
	}
	var list []*Membership
	if p.After < webhookSeqBase {
		if list, err = s.Store.ListMemberships(ctx, r.ID, p); err != nil || p.Limit > 0 && len(list) >= p.Limit {
			return list, err
		}
	}
	hooks, err := s.Store.ListWebhooks(ctx, r.AccountID, r.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range hooks {
		if seq := webhookSeqBase + w.Seq; seq > p.After && (p.Limit <= 0 || len(list) < p.Limit) {
			list = append(list, webhookMembership(w, seq))
		}
	}
	return list, nil
}

// webhookMembership is how webhook w shows in its room's roster.
func webhookMembership(w *Webhook, seq int64) *Membership {
	return &Membership{
		Seq: seq, RoomID: w.RoomID, Role: RoleMember, Updated: w.Created,
		Member: Member{ID: w.ID, Type: MemberWebhook, FullName: w.Name, AccountID: w.AccountID},
	}
}

// UpdateRoomMembership changes a user's role in a room of an Enterprise
// account and answers the membership with a new UpdatedTimestamp
// (chime-behaviour.md §3.3). role is "" when the call gives none: the role
// stays.
func (s *Service) UpdateRoomMembership(ctx context.Context, accountID, roomID, memberID string, role Role) (*Membership, error) {
	if err := CheckRole(role); err != nil {
		return nil, err
	}
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	AuditNote(ctx, r.AccountID, "changed the role of member "+memberID+" in room "+r.Name, r.ID, memberID)
	return s.Store.UpdateMembership(ctx, r.AccountID, r.ID, memberID, func(m *Membership) error {
		if err := PlanRoleChange(m, role, now); err != nil {
			return err
		}
		AuditNote(ctx, "", "made member "+memberID+" of room "+r.Name+" "+string(m.Role), r.ID, memberID)
		return nil
	})
}

// PlanRoleChange decides UpdateRoomMembership for m as stored: only a user's
// role changes (chime-behaviour.md §3.3: "only for user IDs"), so a bot's
// or a webhook's is BadRequest. The role stays when role is "", and the
// membership's UpdatedTimestamp becomes now either way.
func PlanRoleChange(m *Membership, role Role, now time.Time) error {
	if m.Member.Type != MemberUser {
		return Errorf(BadRequest, "member %s of room %s is a %s; only a user's role can change", m.Member.ID, m.RoomID, m.Member.Type)
	}
	m.Role = orDefault(role, m.Role)
	m.Updated = now
	return nil
}

// DeleteRoomMembership removes a member, user or bot, from a room of an
// Enterprise account.
func (s *Service) DeleteRoomMembership(ctx context.Context, accountID, roomID, memberID string) error {
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return err
	}
	AuditNote(ctx, r.AccountID, "removed member "+memberID+" from room "+r.Name, r.ID, memberID)
	jobs, err := s.removeEvents(ctx, r, memberID)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteMembership(WithOutbox(ctx, func() []*Job { return jobs }), r.AccountID, r.ID, memberID); err != nil {
		return err
	}
	s.kickBots(jobs)
	s.standingChanged(ctx, r.AccountID, Thread{RoomID: r.ID}, memberID)
	return nil
}

// MembershipFacts is what a store reads, inside the transaction that adds a
// membership, for PlanMembership to decide on.
type MembershipFacts struct {
	// Candidate is whoever the membership's member ID names, a user or a
	// bot, with the account it belongs to; nil when nobody has that ID.
	Candidate *Member
	// Bot is the candidate's standing when it is a bot.
	Bot BotStanding
	// RoomAccount is the account of the membership's room, "" when there is
	// no such room.
	RoomAccount string
	// RoomMembers is how many members the room has; MemberRooms how many
	// rooms the candidate is in.
	RoomMembers, MemberRooms int
	// InRoom says whether the member is in the room already.
	InRoom bool
}

// BotStanding is what decides whether a bot may join a room.
type BotStanding struct {
	// Disabled is the bot's own Disabled; EventsConfigured says whether
	// it has an events configuration.
	Disabled, EventsConfigured bool
}

// PlanMembership decides whether m may be made in a room of account
// accountID, given f, and fills m.Member from f.Candidate when it may. Only
// the room's own account's users and bots may join it (DECISIONS.md, rooms
// and members), a bot only when it is enabled and has an events
// configuration to hear of the room by (DECISIONS.md, bots), once (DECISIONS.md: already a member is a Conflict), and
// neither the room nor the member may pass its limit. Both stores call it
// inside the membership's transaction.
func PlanMembership(accountID string, m *Membership, f MembershipFacts) error {
	switch {
	case f.Candidate == nil || f.Candidate.Type == MemberWebhook || f.Candidate.AccountID != accountID:
		return Errorf(NotFound, "member %s not found in account %s", m.Member.ID, accountID)
	case f.RoomAccount != accountID:
		return Errorf(NotFound, "room %s not found in account %s", m.RoomID, accountID)
	case f.Candidate.Type == MemberBot && f.Bot.Disabled:
		return Errorf(BadRequest, "bot %s is disabled; a disabled bot cannot be added to a room", m.Member.ID)
	case f.Candidate.Type == MemberBot && !f.Bot.EventsConfigured:
		return Errorf(BadRequest, "bot %s has no events configuration; put one before adding it to a room", m.Member.ID)
	case f.InRoom:
		return Errorf(Conflict, "member %s is already in room %s", m.Member.ID, m.RoomID)
	case f.RoomMembers >= MaxMembersPerRoom:
		return Errorf(LimitExceeded, "room %s has %d members, the most it can have", m.RoomID, f.RoomMembers)
	case f.MemberRooms >= MaxMembershipsPerUser:
		return Errorf(LimitExceeded, "member %s is in %d rooms, the most a member can be in", m.Member.ID, f.MemberRooms)
	}
	m.Member = *f.Candidate
	return nil
}
