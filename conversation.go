package belfry

import (
	"context"
	"slices"
	"time"
)

// MaxConversationMembers is how many users a conversation may have. Chime
// documents no number; this bound is Belfry's, so that a conversation
// stays a direct chat and its roster a single read.
const MaxConversationMembers = 50

// Conversation is a direct chat between two or more users of one account,
// started from the web app (DECISIONS.md, "Rooms, once they hold
// conversations").
type Conversation struct {
	Seq       int64
	ID        string
	AccountID string
	Created   time.Time
	// CreatedBy is the user who started it.
	CreatedBy string
	// Members are the IDs of its users, the one who started it first.
	Members []string
}

// ConversationStore keeps conversations.
type ConversationStore interface {
	// CreateConversation stores c with its members and sets its Seq;
	// NotFound when a member is not a user of c's account.
	CreateConversation(ctx context.Context, c *Conversation) error
	// ListConversations returns a page of the conversations of account
	// accountID that user userID is in, Members left empty.
	ListConversations(ctx context.Context, accountID, userID string, p Page) ([]*Conversation, error)
	// ListConversationMembers returns the users of conversation id of
	// account accountID, in the order they were added; NotFound when the
	// account has no such conversation.
	ListConversationMembers(ctx context.Context, accountID, id string) ([]*Member, error)
}

// CreateConversation starts a conversation of user creatorID with the
// users others, all of account accountID. A user named twice is in it
// once; a conversation needs another user besides its creator.
func (s *Service) CreateConversation(ctx context.Context, accountID, creatorID string, others []string) (*Conversation, error) {
	members := []string{creatorID}
	for _, id := range others {
		if !ValidText(id) || id == "" {
			return nil, Errorf(BadRequest, "a conversation member's ID must be a user ID")
		}
		if !slices.Contains(members, id) {
			members = append(members, id)
		}
	}
	switch {
	case len(members) < 2:
		return nil, Errorf(BadRequest, "a conversation needs at least 2 users; it has %d", len(members))
	case len(members) > MaxConversationMembers:
		return nil, Errorf(LimitExceeded, "a conversation has at most %d users; %d were given",
			MaxConversationMembers, len(members))
	}
	c := &Conversation{ID: s.newID(), AccountID: accountID, Created: s.now(), CreatedBy: creatorID, Members: members}
	if err := s.Store.CreateConversation(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// ListConversations returns a page of the conversations a user is in.
func (s *Service) ListConversations(ctx context.Context, accountID, userID string, p Page) ([]*Conversation, error) {
	return s.Store.ListConversations(ctx, accountID, userID, p)
}

// ListConversationMembers returns the users of a conversation.
func (s *Service) ListConversationMembers(ctx context.Context, accountID, id string) ([]*Member, error) {
	return s.Store.ListConversationMembers(ctx, accountID, id)
}
