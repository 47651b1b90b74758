package storetest

import (
	"fmt"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var messageTests = []test{
	{"PostAndHistory", testMessageHistory},
	{"OnlyMembersPost", testMessageOnlyMembers},
	{"Conversations", testConversations},
	{"ConversationOfOtherAccount", testConversationOtherAccount},
	{"Redact", testMessageRedact},
	{"Export", testMessageExport},
	{"DeleteExpired", testMessageDeleteExpired},
	{"Purge", testMessagePurge},
	{"DeletedWithTheirRoom", testMessagesDeletedWithRoom},
}

// newMessage is a message of user u in thread th of account a at time
// at(n), not yet stored.
func newMessage(a *belfry.Account, th belfry.Thread, u *belfry.User, content string, n int) *belfry.Message {
	return &belfry.Message{
		ID: newID(), AccountID: a.ID, RoomID: th.RoomID, ConversationID: th.ConversationID,
		Sender:  belfry.Sender{ID: u.ID, Type: belfry.MemberUser, Name: u.DisplayName, Email: u.Email},
		Content: content, Created: at(n),
	}
}

// post stores n messages of u in th, the first at time at(from).
func post(t *testing.T, s belfry.Store, a *belfry.Account, th belfry.Thread, u *belfry.User, from, n int) []*belfry.Message {
	t.Helper()
	var list []*belfry.Message
	for i := range n {
		m := newMessage(a, th, u, fmt.Sprintf("message **%d** of %s", i, th), from+i)
		if err := s.PostMessage(t.Context(), m); err != nil {
			t.Fatalf("PostMessage(%d) = %v", i, err)
		}
		list = append(list, m)
	}
	return list
}

// roomWith stores a room of account a whose members are users.
func roomWith(t *testing.T, s belfry.Store, a *belfry.Account, users ...*belfry.User) belfry.Thread {
	t.Helper()
	r := mkRoom(t, s, a, "Ops "+newID())
	for _, u := range users {
		mkMembership(t, s, a, r, u)
	}
	return belfry.Thread{RoomID: r.ID}
}

// mkConversation stores a conversation of account a between users.
func mkConversation(t *testing.T, s belfry.Store, a *belfry.Account, users ...*belfry.User) *belfry.Conversation {
	t.Helper()
	c := &belfry.Conversation{ID: newID(), AccountID: a.ID, Created: at(5), CreatedBy: users[0].ID}
	for _, u := range users {
		c.Members = append(c.Members, u.ID)
	}
	if err := s.CreateConversation(t.Context(), c); err != nil {
		t.Fatalf("CreateConversation() = %v", err)
	}
	return c
}

// history reads a page of th's history.
func history(t *testing.T, s belfry.Store, a *belfry.Account, th belfry.Thread, before int64, n int) []*belfry.Message {
	t.Helper()
	got, err := s.ListHistory(t.Context(), a.ID, th, before, n)
	if err != nil {
		t.Fatalf("ListHistory(before %d) = %v", before, err)
	}
	return got
}

func testMessageHistory(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	room := roomWith(t, s, a, ana)
	other := roomWith(t, s, a, ana)
	msgs := post(t, s, a, room, ana, 10, 5)
	post(t, s, a, other, ana, 20, 2)
	for i, m := range msgs {
		if m.Seq <= 0 || i > 0 && m.Seq <= msgs[i-1].Seq {
			t.Fatalf("PostMessage() set Seq %d after %d; want rising sequence numbers", m.Seq, msgs[max(i-1, 0)].Seq)
		}
	}
	if diff := cmp.Diff(history(t, s, a, room, 0, 2), msgs[3:]); diff != "" {
		t.Errorf("latest page mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(history(t, s, a, room, msgs[3].Seq, 2), msgs[1:3]); diff != "" {
		t.Errorf("page before the 4th mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(history(t, s, a, room, msgs[1].Seq, 2), msgs[:1]); diff != "" {
		t.Errorf("last page mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(history(t, s, a, room, 0, 100), msgs); diff != "" {
		t.Errorf("whole history mismatch (-got +want):\n%s", diff)
	}
	got, err := s.Message(t.Context(), a.ID, room, msgs[2].ID)
	if err != nil {
		t.Fatalf("Message() = %v", err)
	}
	if diff := cmp.Diff(got, msgs[2]); diff != "" {
		t.Errorf("Message() mismatch (-got +want):\n%s", diff)
	}
	_, err = s.Message(t.Context(), a.ID, other, msgs[2].ID)
	wantError(t, "Message(in another room)", err, belfry.NotFound, msgs[2].ID)
	_, err = s.ListHistory(t.Context(), a.ID, belfry.Thread{RoomID: newID()}, 0, 10)
	wantError(t, "ListHistory(unknown room)", err, belfry.NotFound, "room")
}

func testMessageOnlyMembers(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	room := roomWith(t, s, a, ana)
	conv := belfry.Thread{ConversationID: mkConversation(t, s, a, ana, mkUser(t, s, a, "cy@example.com")).ID}
	team := mkAccount(t, s, awsAccount(2), "Team")
	for _, tc := range []struct {
		name string
		m    *belfry.Message
		want belfry.Kind
	}{
		{"not in the room", newMessage(a, room, bob, "hi", 1), belfry.Forbidden},
		{"not in the conversation", newMessage(a, conv, bob, "hi", 1), belfry.Forbidden},
		{"unknown room", newMessage(a, belfry.Thread{RoomID: newID()}, ana, "hi", 1), belfry.NotFound},
		{"unknown conversation", newMessage(a, belfry.Thread{ConversationID: newID()}, ana, "hi", 1), belfry.NotFound},
		{"room of another account", newMessage(team, room, ana, "hi", 1), belfry.NotFound},
	} {
		wantError(t, "PostMessage("+tc.name+")", s.PostMessage(t.Context(), tc.m), tc.want)
	}
	if got := history(t, s, a, room, 0, 10); len(got) != 0 {
		t.Errorf("refused posts left %d messages in the room; want none", len(got))
	}
}

func testConversations(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana, bob, cy := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com"), mkUser(t, s, a, "cy@example.com")
	c1 := mkConversation(t, s, a, bob, ana)
	c2 := mkConversation(t, s, a, ana, cy, bob)
	c3 := mkConversation(t, s, a, ana, cy)
	got, err := s.ListConversations(t.Context(), a.ID, bob.ID, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ListConversations() = %v", err)
	}
	var ids []string
	for _, c := range got {
		if c.AccountID != a.ID || c.Seq <= 0 || !c.Created.Equal(at(5)) {
			t.Errorf("ListConversations() gave %+v; want it whole", c)
		}
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff(ids, []string{c1.ID, c2.ID}); diff != "" {
		t.Errorf("bob's conversations mismatch (-got +want):\n%s", diff)
	}
	members, err := s.ListConversationMembers(t.Context(), a.ID, c2.ID)
	if err != nil {
		t.Fatalf("ListConversationMembers() = %v", err)
	}
	var want []*belfry.Member
	for _, u := range []*belfry.User{ana, cy, bob} {
		want = append(want, &belfry.Member{ID: u.ID, Type: belfry.MemberUser, Email: u.Email, FullName: u.DisplayName, AccountID: a.ID})
	}
	if diff := cmp.Diff(members, want); diff != "" {
		t.Errorf("ListConversationMembers() mismatch (-got +want):\n%s", diff)
	}
	msgs := post(t, s, a, belfry.Thread{ConversationID: c3.ID}, cy, 10, 3)
	if diff := cmp.Diff(history(t, s, a, belfry.Thread{ConversationID: c3.ID}, 0, 10), msgs); diff != "" {
		t.Errorf("conversation history mismatch (-got +want):\n%s", diff)
	}
	_, err = s.ListConversationMembers(t.Context(), a.ID, newID())
	wantError(t, "ListConversationMembers(unknown)", err, belfry.NotFound)
}

func testConversationOtherAccount(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	ana := mkUser(t, s, a, "ana@example.com")
	stranger := mkUser(t, s, mkAccount(t, s, awsAccount(2), "Team"), "eve@example.net")
	c := &belfry.Conversation{ID: newID(), AccountID: a.ID, Created: at(5), CreatedBy: ana.ID, Members: []string{ana.ID, stranger.ID}}
	wantError(t, "CreateConversation(a user of another account)", s.CreateConversation(t.Context(), c), belfry.NotFound)
	got, err := s.ListConversations(t.Context(), a.ID, ana.ID, belfry.Page{Limit: 10})
	if err != nil || len(got) != 0 {
		t.Errorf("ListConversations() after a refused create = %d conversations, %v; want none", len(got), err)
	}
}
