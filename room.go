package belfry

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Room limits from the AWS General Reference (chime-behaviour.md §2, quotas).
const (
	MaxRoomsPerAccount    = 1500
	MaxMembersPerRoom     = 1000
	MaxMembershipsPerUser = 1000
)

// Room is a chat room of an Enterprise account.
type Room struct {
	Seq       int64
	ID        string
	AccountID string
	Name      string
	CreatedBy string
	Created   time.Time
	Updated   time.Time
	// ClientToken makes CreateRoom idempotent: the same token in the same
	// account returns the room created first.
	ClientToken string
}

// RoomFilter narrows ListRooms.
type RoomFilter struct {
	MemberID string
}

// RoomStore keeps rooms.
type RoomStore interface {
	// CreateRoom stores r and sets its Seq, or returns another room, as
	// PlanRoom decides from the room the account made with r's ClientToken
	// and its count of rooms, read in the same transaction; PlanRoom's
	// errors are its own.
	CreateRoom(ctx context.Context, r *Room) (*Room, error)
	// Room returns room id of account accountID, or NotFound.
	Room(ctx context.Context, accountID, id string) (*Room, error)
	// ListRooms returns a page of the account's rooms that match f.
	ListRooms(ctx context.Context, accountID string, f RoomFilter, p Page) ([]*Room, error)
	// UpdateRoom lets apply change room id of account accountID, in one
	// transaction, and returns the room as stored: NotFound when there is
	// no such room, or apply's error.
	UpdateRoom(ctx context.Context, accountID, id string, apply func(*Room) error) (*Room, error)
	// DeleteRoom deletes room id of account accountID and everything in
	// it, memberships included, for good: NotFound when there is no such
	// room.
	DeleteRoom(ctx context.Context, accountID, id string) error
}

// RoomName checks a room's name as CreateRoom and UpdateRoom take it and
// returns it trimmed. A name that is blank once trimmed is refused
// (DECISIONS.md, rooms once they hold conversations): every Room in every
// answer carries a name people can read.
func RoomName(name string) (string, error) {
	if err := CheckName("Name", name); err != nil {
		return "", err
	}
	trimmed := strings.TrimSpace(name)
	if trimmed == "" {
		return "", Errorf(BadRequest, "Name must not be blank; a room needs a name people can read")
	}
	return trimmed, nil
}

// PlanRoomUpdate decides UpdateRoom for r as stored: its new name, when
// the call gives one (name is "" when it does not), and its new
// UpdatedTimestamp, which every UpdateRoom bumps (chime-behaviour.md §3.3).
func PlanRoomUpdate(r *Room, name string, now time.Time) {
	if name != "" {
		r.Name = name
	}
	r.Updated = now
}

// PlanRoom decides CreateRoom for r, given the room that r's account made
// earlier with r's ClientToken (nil for none) and how many rooms the account
// has: the room to answer with, which is r when r is to be stored. The same
// token returns the room made first, even at the limit, so that a retried
// call succeeds; otherwise an account holds at most MaxRoomsPerAccount.
// Both stores call it inside the room's transaction.
func PlanRoom(r, earlier *Room, rooms int) (*Room, error) {
	switch {
	case earlier != nil:
		return earlier, nil
	case rooms >= MaxRoomsPerAccount:
		return nil, Errorf(LimitExceeded, "account %s has %d rooms, the most it can have", r.AccountID, rooms)
	}
	return r, nil
}

// enterprise returns the caller's account id when it is an Enterprise
// account. Rooms, memberships, bots and retention are Enterprise features;
// on a Team account the real service answered 403 with this message
// (chime-behaviour.md §3.3, aws/aws-sdk-ruby#2201).
func (s *Service) enterprise(ctx context.Context, id string) (*Account, error) {
	a, err := s.account(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Type.IsEnterprise() {
		return nil, Errorf(Forbidden, "Chime Account provided is not an Enterprise Chime Account[AWS Account ID: %s][Chime Account ID: %s]",
			a.AwsAccountID, a.ID)
	}
	return a, nil
}

// CreateRoom makes a room, or returns the room that an earlier call with the
// same client request token made.
func (s *Service) CreateRoom(ctx context.Context, accountID, name, clientToken string) (*Room, error) {
	name, err := RoomName(name)
	if err != nil {
		return nil, err
	}
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	c, _ := CallerFrom(ctx)
	now := s.now()
	r := &Room{
		ID: s.newID(), AccountID: a.ID, Name: name, CreatedBy: c.ARN,
		Created: now, Updated: now, ClientToken: clientToken,
	}
	noteRoom(ctx, r)
	return s.Store.CreateRoom(ctx, r)
}

// GetRoom returns a room of an Enterprise account.
func (s *Service) GetRoom(ctx context.Context, accountID, roomID string) (*Room, error) {
	if _, err := s.enterprise(ctx, accountID); err != nil {
		return nil, err
	}
	return s.Store.Room(ctx, accountID, roomID)
}

// ListRooms returns a page of an Enterprise account's rooms.
func (s *Service) ListRooms(ctx context.Context, accountID string, f RoomFilter, p Page) ([]*Room, error) {
	if _, err := s.enterprise(ctx, accountID); err != nil {
		return nil, err
	}
	return s.Store.ListRooms(ctx, accountID, f, p)
}

// UpdateRoom renames a room of an Enterprise account. name is nil when the
// call gives no Name: the room keeps its name, and its UpdatedTimestamp is
// bumped all the same, as for any update.
func (s *Service) UpdateRoom(ctx context.Context, accountID, roomID string, name *string) (*Room, error) {
	var newName string
	if name != nil {
		var err error
		if newName, err = RoomName(*name); err != nil {
			return nil, err
		}
	}
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	AuditNote(ctx, a.ID, "updated room "+roomID, roomID)
	return s.Store.UpdateRoom(ctx, a.ID, roomID, func(r *Room) error {
		was := r.Name
		PlanRoomUpdate(r, newName, now)
		AuditNote(ctx, "", fmt.Sprintf("updated room %q: name %q", was, r.Name), r.ID)
		return nil
	})
}

// DeleteRoom deletes a room of an Enterprise account with its memberships,
// webhooks and messages, for good (chime-behaviour.md §3.3).
func (s *Service) DeleteRoom(ctx context.Context, accountID, roomID string) error {
	r, err := s.GetRoom(ctx, accountID, roomID)
	if err != nil {
		return err
	}
	AuditNote(ctx, r.AccountID, "deleted room "+r.Name, r.ID)
	jobs, err := s.removeEvents(ctx, r, "")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteRoom(WithOutbox(ctx, func() []*Job { return jobs }), r.AccountID, r.ID); err != nil {
		return err
	}
	s.kickBots(jobs)
	s.standingChanged(ctx, r.AccountID, Thread{RoomID: r.ID}, "")
	return nil
}
