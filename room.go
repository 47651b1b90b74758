package belfry

import (
	"context"
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
	if err := CheckName("Name", name); err != nil {
		return nil, err
	}
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	c, _ := CallerFrom(ctx)
	now := s.now()
	r := &Room{
		ID: s.newID(), AccountID: a.ID, Name: strings.TrimSpace(name), CreatedBy: c.ARN,
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
