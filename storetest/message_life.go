package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

// This file tests what happens to messages after they are posted:
// redaction, export, retention and the account's purge.

func testMessageRedact(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	room := roomWith(t, s, a, ana)
	conv := belfry.Thread{ConversationID: mkConversation(t, s, a, ana, mkUser(t, s, a, "bob@example.com")).ID}
	msgs := post(t, s, a, room, ana, 10, 3)
	inConv := post(t, s, a, conv, ana, 20, 1)[0]
	for _, when := range []time.Time{at(100), at(200)} { // the second changes nothing
		got, err := s.RedactMessage(t.Context(), a.ID, room, msgs[1].ID, when)
		if err != nil {
			t.Fatalf("RedactMessage() = %v", err)
		}
		want := *msgs[1]
		want.Content, want.Redacted = "", at(100)
		if diff := cmp.Diff(got, &want); diff != "" {
			t.Errorf("RedactMessage() at %v mismatch (-got +want):\n%s", when, diff)
		}
		msgs[1] = &want
	}
	if diff := cmp.Diff(history(t, s, a, room, 0, 10), msgs); diff != "" {
		t.Errorf("history after a redaction mismatch (-got +want):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		th   belfry.Thread
		id   string
	}{
		{"unknown message", room, newID()},
		{"message of a conversation, as the room's", room, inConv.ID},
		{"message of the room, as the conversation's", conv, msgs[0].ID},
		{"unknown room", belfry.Thread{RoomID: newID()}, msgs[0].ID},
		{"unknown conversation", belfry.Thread{ConversationID: newID()}, inConv.ID},
	} {
		_, err := s.RedactMessage(t.Context(), a.ID, tc.th, tc.id, at(300))
		wantError(t, "RedactMessage("+tc.name+")", err, belfry.NotFound, tc.id)
	}
	got, err := s.RedactMessage(t.Context(), a.ID, conv, inConv.ID, at(400))
	if err != nil || got.Content != "" || !got.Redacted.Equal(at(400)) {
		t.Errorf("RedactMessage(in a conversation) = %+v, %v; want it blank, redacted at %v", got, err, at(400))
	}
}

func testMessageExport(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	room, other := roomWith(t, s, a, ana), roomWith(t, s, a, ana)
	conv := belfry.Thread{ConversationID: mkConversation(t, s, a, ana, mkUser(t, s, a, "bob@example.com")).ID}
	var all []*belfry.Message
	for i := range 4 { // interleaved: each thread's messages are not contiguous
		all = append(all, post(t, s, a, room, ana, 10*i, 1)...)
		all = append(all, post(t, s, a, conv, ana, 10*i+1, 1)...)
		all = append(all, post(t, s, a, other, ana, 10*i+2, 1)...)
	}
	b := mkEnterprise(t, s, "example.org")
	cy := mkUser(t, s, b, "cy@example.org")
	elsewhere := post(t, s, b, roomWith(t, s, b, cy), cy, 0, 2)
	keep := func(f func(*belfry.Message) bool) []*belfry.Message {
		var out []*belfry.Message
		for _, m := range all {
			if f(m) {
				out = append(out, m)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    belfry.MessageFilter
		want []*belfry.Message
	}{
		{"account", belfry.MessageFilter{AccountID: a.ID}, all},
		{"room", belfry.MessageFilter{AccountID: a.ID, Thread: room}, keep(func(m *belfry.Message) bool { return m.RoomID == room.RoomID })},
		{"conversation", belfry.MessageFilter{AccountID: a.ID, Thread: conv}, keep(func(m *belfry.Message) bool { return m.ConversationID != "" })},
		{"since", belfry.MessageFilter{AccountID: a.ID, Since: at(20)}, keep(func(m *belfry.Message) bool { return !m.Created.Before(at(20)) })},
		{"other account", belfry.MessageFilter{AccountID: b.ID}, elsewhere},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantPages(t, tc.want, func(p belfry.Page) ([]*belfry.Message, error) { return s.ListMessages(t.Context(), tc.f, p) },
				func(m *belfry.Message) int64 { return m.Seq })
		})
	}
}

func testMessageDeleteExpired(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	room := roomWith(t, s, a, ana)
	conv := belfry.Thread{ConversationID: mkConversation(t, s, a, ana, mkUser(t, s, a, "bob@example.com")).ID}
	post(t, s, a, room, ana, 0, 5)
	newRoom := post(t, s, a, room, ana, 100, 2)
	oldConv := post(t, s, a, conv, ana, 0, 3)
	b := mkEnterprise(t, s, "example.org")
	cy := mkUser(t, s, b, "cy@example.org")
	elsewhere := post(t, s, b, roomWith(t, s, b, cy), cy, 0, 2)

	rooms := belfry.RetentionCutoff{Rooms: at(50)}
	var counts []int
	for range 4 {
		n, err := s.DeleteExpiredMessages(t.Context(), a.ID, rooms, 2)
		if err != nil {
			t.Fatalf("DeleteExpiredMessages() = %v", err)
		}
		counts = append(counts, n)
	}
	if diff := cmp.Diff(counts, []int{2, 2, 1, 0}); diff != "" {
		t.Errorf("deleted in batches of 2 (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(history(t, s, a, room, 0, 10), newRoom); diff != "" {
		t.Errorf("room after retention mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(history(t, s, a, conv, 0, 10), oldConv); diff != "" {
		t.Errorf("a room policy deleted conversation messages (-got +want):\n%s", diff)
	}
	if n, err := s.DeleteExpiredMessages(t.Context(), a.ID, belfry.RetentionCutoff{}, 10); n != 0 || err != nil {
		t.Errorf("DeleteExpiredMessages(no cutoff) = %d, %v; want 0", n, err)
	}
	n, err := s.DeleteExpiredMessages(t.Context(), a.ID, belfry.RetentionCutoff{Conversations: at(2)}, 10)
	if n != 2 || err != nil {
		t.Errorf("DeleteExpiredMessages(conversations) = %d, %v; want 2", n, err)
	}
	if got := history(t, s, b, belfry.Thread{RoomID: elsewhere[0].RoomID}, 0, 10); len(got) != 2 {
		t.Errorf("retention of account a left %d messages of account b; want 2", len(got))
	}
}

func testMessagePurge(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	c := mkConversation(t, s, a, ana, bob)
	post(t, s, a, belfry.Thread{ConversationID: c.ID}, bob, 0, 3)
	deleteAccount(t, s, a, at(10))
	if err := s.PurgeAccount(t.Context(), a.ID, at(20)); err != nil {
		t.Fatalf("PurgeAccount(with messages and conversations) = %v", err)
	}
	got, err := s.ListMessages(t.Context(), belfry.MessageFilter{AccountID: a.ID}, belfry.Page{Limit: 10})
	if err != nil || len(got) != 0 {
		t.Errorf("ListMessages() after the purge = %d messages, %v; want none", len(got), err)
	}
	_, err = s.ListConversationMembers(t.Context(), a.ID, c.ID)
	wantError(t, "ListConversationMembers(purged)", err, belfry.NotFound)
}

// testMessagesDeletedWithRoom checks that DeleteRoom takes the room's
// messages with it, for good (DECISIONS.md), and leaves other rooms'.
func testMessagesDeletedWithRoom(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	doomed, kept := roomWith(t, s, a, ana), roomWith(t, s, a, ana)
	post(t, s, a, doomed, ana, 0, 3)
	want := post(t, s, a, kept, ana, 10, 2)
	if err := s.DeleteRoom(t.Context(), a.ID, doomed.RoomID); err != nil {
		t.Fatalf("DeleteRoom() = %v", err)
	}
	got, err := s.ListMessages(t.Context(), belfry.MessageFilter{AccountID: a.ID}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListMessages() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("the account's messages after DeleteRoom (-got +want):\n%s", diff)
	}
}

// messageChanges starts a conversation of user u of account a with another
// user, and posts, redacts and deletes a message of it, for the audit
// check.
func messageChanges(s belfry.Store, a *belfry.Account, u *belfry.User) []auditedChange {
	other := newUser(a, "msg-peer@example.com")
	c := &belfry.Conversation{ID: newID(), AccountID: a.ID, Created: at(5), CreatedBy: u.ID, Members: []string{u.ID, other.ID}}
	th := belfry.Thread{ConversationID: c.ID}
	m := newMessage(a, th, u, "hello", 6)
	return []auditedChange{
		{"CreateUser", func(ctx context.Context) error { return s.CreateUser(ctx, other) }},
		{"CreateConversation", func(ctx context.Context) error { return s.CreateConversation(ctx, c) }},
		{"PostMessage", func(ctx context.Context) error { return s.PostMessage(ctx, m) }},
		{"RedactMessage", func(ctx context.Context) error {
			_, err := s.RedactMessage(ctx, a.ID, th, m.ID, at(7))
			return err
		}},
		{"QueueRetention", func(ctx context.Context) error {
			_, err := s.QueueRetention(ctx, []*belfry.Job{{ID: newID(), Kind: belfry.KindRetention, AccountID: a.ID,
				Ref: a.ID, Status: belfry.JobQueued, Due: at(8), Created: at(8)}})
			return err
		}},
		{"DeleteExpiredMessages", func(ctx context.Context) error {
			_, err := s.DeleteExpiredMessages(ctx, a.ID, belfry.RetentionCutoff{Conversations: at(8)}, 10)
			return err
		}},
	}
}
