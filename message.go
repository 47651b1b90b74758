package belfry

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMessageLength is how many characters a message's content may have
// (DECISIONS.md, "Rooms, once they hold conversations").
const MaxMessageLength = 4096

// MaxHistoryPage is the most messages one page of history holds.
const MaxHistoryPage = 200

// Sender is who posted a message, as it was when they posted: a user, a
// bot or a webhook, with the name and address shown beside the message.
// It is copied into the message so that the history reads the same after
// the sender changes their name or leaves.
type Sender struct {
	ID    string
	Type  MemberType
	Name  string
	Email string
}

// Message is one message in a room or a conversation. Exactly one of
// RoomID and ConversationID is set.
type Message struct {
	Seq            int64
	ID             string
	AccountID      string
	RoomID         string
	ConversationID string
	Sender         Sender
	// Content is markdown, up to MaxMessageLength characters; empty once
	// redacted.
	Content string
	Created time.Time
	// Redacted is when the content was redacted, zero while it stands.
	Redacted time.Time
}

// Thread names where messages are kept: a room or a conversation, one of
// the two.
type Thread struct {
	RoomID         string
	ConversationID string
}

// Thread returns where m is kept.
func (m *Message) Thread() Thread { return Thread{RoomID: m.RoomID, ConversationID: m.ConversationID} }

// String names the thread in messages.
func (t Thread) String() string {
	if t.RoomID != "" {
		return "room " + t.RoomID
	}
	return "conversation " + t.ConversationID
}

// MessageFilter selects an account's messages for an export. Thread, when
// one of its IDs is set, keeps that room's or conversation's only; Since,
// when set, keeps those created at or after it.
type MessageFilter struct {
	AccountID string
	Thread    Thread
	Since     time.Time
}

// MessageStore keeps messages.
type MessageStore interface {
	// PostMessage stores m in its room or conversation and sets its Seq, as
	// PlanPost decides from what the store reads in the same transaction
	// (PostFacts): NotFound when the account has no such room or
	// conversation, Forbidden when the sender is not in it.
	PostMessage(ctx context.Context, m *Message) error
	// ListHistory returns up to limit messages of thread t of account
	// accountID, newest last: the latest ones, or, when before is not 0,
	// those just before the message whose Seq is before. It reads them
	// through an index on (thread, seq), so that a page costs the same
	// however long the history. NotFound when the account has no such
	// thread.
	ListHistory(ctx context.Context, accountID string, t Thread, before int64, limit int) ([]*Message, error)
	// ListMessages returns a page of the messages f selects, oldest first,
	// for an export.
	ListMessages(ctx context.Context, f MessageFilter, p Page) ([]*Message, error)
	// Message returns message id of thread t of account accountID, or
	// NotFound when there is no such thread or no such message in it.
	Message(ctx context.Context, accountID string, t Thread, id string) (*Message, error)
	// RedactMessage overwrites the content of message id of thread t of
	// account accountID, for good, and marks it redacted at at; a message
	// redacted before keeps its first time. NotFound as Message.
	RedactMessage(ctx context.Context, accountID string, t Thread, id string, at time.Time) (*Message, error)
	// DeleteExpiredMessages deletes, for good, up to n messages of account
	// accountID that c says have expired, the oldest first, and returns
	// how many it deleted.
	DeleteExpiredMessages(ctx context.Context, accountID string, c RetentionCutoff, n int) (int, error)
}

// PostFacts are what the store reads, in the transaction that posts a
// message, for PlanPost to decide on.
type PostFacts struct {
	// Found says whether the message's room or conversation is one of
	// its account's.
	Found bool
	// Member says whether the sender is in it: for a webhook, whether it
	// is one of the room's webhooks.
	Member bool
	// Members is how many members the room has, read only for a
	// webhook's post, which may not reach @All or @Present of more than
	// MaxBroadcastMembers.
	Members int
}

// MaxBroadcastMembers is the largest room that a webhook may mention
// @All or @Present in (chime-behaviour.md §3.7).
const MaxBroadcastMembers = 50

// PlanPost decides whether m may be posted: only to a room or conversation
// of m's account, and only by one of its members, or by one of the room's
// webhooks; a webhook may not mention @All or @Present in a room of more
// than MaxBroadcastMembers. Both stores call it inside the message's
// transaction.
func PlanPost(m *Message, f PostFacts) error {
	hook := m.Sender.Type == MemberWebhook
	switch {
	case hook && (!f.Found || !f.Member):
		return webhookGone()
	case hook && f.Members > MaxBroadcastMembers && broadcasts(m.Content):
		return Errorf(BadRequest, "a webhook may mention @All or @Present only in a room of at most %d members; "+
			"this room has %d: mention people by their alias instead", MaxBroadcastMembers, f.Members)
	case !f.Found:
		return Errorf(NotFound, "%s not found in account %s", m.Thread(), m.AccountID)
	case !f.Member:
		return Errorf(Forbidden, "%s %s is not a member of %s", m.Sender.Type, m.Sender.ID, m.Thread())
	}
	return nil
}

// CheckContent refuses message content that is blank, longer than
// MaxMessageLength characters, or not text that Belfry keeps.
func CheckContent(content string) error {
	switch {
	case !ValidText(content):
		return Errorf(BadRequest, "Content must be valid UTF-8 text without NUL characters")
	case strings.TrimSpace(content) == "":
		return Errorf(BadRequest, "Content is blank; a message needs some text")
	case utf8.RuneCountInString(content) > MaxMessageLength:
		return Errorf(BadRequest, "Content has %d characters; a message has at most %d",
			utf8.RuneCountInString(content), MaxMessageLength)
	}
	return nil
}

// PostRoomMessage posts content to a room as user userID of the room's
// account, who must be a member of the room.
func (s *Service) PostRoomMessage(ctx context.Context, accountID, roomID, userID, content string) (*Message, error) {
	return s.post(ctx, accountID, Thread{RoomID: roomID}, userID, content)
}

// PostConversationMessage posts content to a conversation as user userID,
// who must be in it.
func (s *Service) PostConversationMessage(ctx context.Context, accountID, conversationID, userID, content string) (*Message, error) {
	return s.post(ctx, accountID, Thread{ConversationID: conversationID}, userID, content)
}

func (s *Service) post(ctx context.Context, accountID string, t Thread, userID, content string) (*Message, error) {
	if err := CheckContent(content); err != nil {
		return nil, err
	}
	u, err := s.Store.User(ctx, accountID, userID)
	if err != nil {
		return nil, err
	}
	if u.Registration == Suspended {
		return nil, Errorf(Forbidden, "user %s is suspended and cannot post", u.ID)
	}
	m := &Message{
		ID: s.newID(), AccountID: accountID, RoomID: t.RoomID, ConversationID: t.ConversationID,
		Sender:  Sender{ID: u.ID, Type: MemberUser, Name: u.DisplayName, Email: u.Email},
		Content: content, Created: s.now(),
	}
	if err := s.postMessage(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// PostWebhookMessage posts content to the room of webhook id, as
// "NAME (Webhook)", when token is the webhook's. Content longer than
// MaxMessageLength is LimitExceeded, which the webhook endpoint answers
// 413; other bad content is BadRequest.
func (s *Service) PostWebhookMessage(ctx context.Context, id, token, content string) (*Message, error) {
	w, err := s.authenticWebhook(ctx, id, token)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(content); n > MaxMessageLength {
		return nil, Errorf(LimitExceeded, "Content has %d characters; a message has at most %d: split it into several posts",
			n, MaxMessageLength)
	}
	if err := CheckContent(content); err != nil {
		return nil, err
	}
	m := &Message{
		ID: s.newID(), AccountID: w.AccountID, RoomID: w.RoomID,
		Sender:  Sender{ID: w.ID, Type: MemberWebhook, Name: w.Name + " (Webhook)"},
		Content: content, Created: s.now(),
	}
	if err := s.postMessage(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// broadcasts says whether content mentions @All or @Present.
func broadcasts(content string) bool {
	for _, m := range ParseMentions(content) {
		if m.Kind == MentionAll || m.Kind == MentionPresent {
			return true
		}
	}
	return false
}

// History returns a page of a room's or conversation's messages, newest
// last: the latest, or those before the message whose Seq is before.
func (s *Service) History(ctx context.Context, accountID string, t Thread, before int64, limit int) ([]*Message, error) {
	if limit <= 0 || limit > MaxHistoryPage {
		limit = MaxHistoryPage
	}
	return s.Store.ListHistory(ctx, accountID, t, before, limit)
}

// RedactRoomMessage removes a room message's content for good; the message
// stays in place, marked redacted.
func (s *Service) RedactRoomMessage(ctx context.Context, accountID, roomID, messageID string) error {
	return s.redact(ctx, accountID, Thread{RoomID: roomID}, messageID)
}

// RedactConversationMessage removes a conversation message's content for
// good; the message stays in place, marked redacted.
func (s *Service) RedactConversationMessage(ctx context.Context, accountID, conversationID, messageID string) error {
	return s.redact(ctx, accountID, Thread{ConversationID: conversationID}, messageID)
}

// redact answers the same for a message redacted before, so that a retried
// call succeeds (DECISIONS.md). The audit record names the message, never
// its content.
func (s *Service) redact(ctx context.Context, accountID string, t Thread, messageID string) error {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return err
	}
	AuditNote(ctx, a.ID, "redacted message "+messageID+" in "+t.String(), messageID)
	m, err := s.Store.RedactMessage(ctx, a.ID, t, messageID, s.now())
	if err != nil {
		return err
	}
	s.publish(ctx, Event{Kind: EventRedacted, AccountID: a.ID, Thread: t, MessageID: m.ID, Seq: m.Seq})
	return nil
}

// ExportMessages returns a page of an account's messages, oldest first, for
// an operator's compliance export: NotFound when the account is not live,
// or has no such room or conversation as f names.
func (s *Service) ExportMessages(ctx context.Context, f MessageFilter, p Page) ([]*Message, error) {
	if f.Thread.RoomID != "" && f.Thread.ConversationID != "" {
		return nil, Errorf(BadRequest, "an export covers one room or one conversation, not both")
	}
	if _, err := s.Store.Account(ctx, "", f.AccountID); err != nil {
		return nil, err
	}
	var err error
	switch {
	case f.Thread.RoomID != "":
		_, err = s.Store.Room(ctx, f.AccountID, f.Thread.RoomID)
	case f.Thread.ConversationID != "":
		_, err = s.Store.ListConversationMembers(ctx, f.AccountID, f.Thread.ConversationID)
	}
	if err != nil {
		return nil, err
	}
	return s.Store.ListMessages(ctx, f, p)
}

// Message returns one message of a room or conversation, for a page that
// heard of it through Events.
func (s *Service) Message(ctx context.Context, accountID string, t Thread, id string) (*Message, error) {
	return s.Store.Message(ctx, accountID, t, id)
}

// InThread reports whether user userID is a member of thread t of account
// accountID; false too when there is no such room or conversation, which
// the web app answers alike, revealing nothing of others' threads. The web
// app asks it before it shows a thread, and again while a live stream
// stays open.
func (s *Service) InThread(ctx context.Context, accountID string, t Thread, userID string) (bool, error) {
	if t.ConversationID != "" {
		members, err := s.Store.ListConversationMembers(ctx, accountID, t.ConversationID)
		if ErrorKind(err) == NotFound {
			return false, nil
		}
		return slices.ContainsFunc(members, func(m *Member) bool { return m.ID == userID }), err
	}
	_, err := s.RoomMembership(ctx, accountID, t.RoomID, userID)
	if ErrorKind(err) == NotFound {
		return false, nil
	}
	return err == nil, err
}

// RoomMembership returns user userID's membership of room roomID of
// account accountID, with its role: NotFound when there is no such room or
// the user is not in it. The web app reads it to know whether a viewer may
// manage the room's members.
func (s *Service) RoomMembership(ctx context.Context, accountID, roomID, userID string) (*Membership, error) {
	if _, err := s.Store.Room(ctx, accountID, roomID); err != nil {
		return nil, err
	}
	m, err := s.Store.MembershipOf(ctx, accountID, roomID, userID)
	if ErrorKind(err) == NotFound {
		return nil, Errorf(NotFound, "user %s is not a member of room %s", userID, roomID)
	}
	return m, err
}
