package belfry

import (
	"fmt"
	"strings"
	"testing"
)

func TestPlanMembership(t *testing.T) {
	ana := &Member{ID: "u1", Type: MemberUser, Email: "ana@example.com", FullName: "Ana", AccountID: "a1"}
	other := &Member{ID: "u1", Type: MemberUser, Email: "ana@example.org", AccountID: "a2"}
	bot := &Member{ID: "u1", Type: MemberBot, AccountID: "a1"}
	fits := MembershipFacts{Candidate: ana, RoomAccount: "a1", RoomMembers: MaxMembersPerRoom - 1, MemberRooms: MaxMembershipsPerUser - 1}
	with := func(change func(*MembershipFacts)) MembershipFacts {
		f := fits
		change(&f)
		return f
	}
	tests := []struct {
		name     string
		facts    MembershipFacts
		wantKind Kind
		wantText string // what the error's message names; "" when the membership may be made
	}{
		{"a user of the room's account, one below both limits", fits, 0, ""},
		{"nobody has the member ID", with(func(f *MembershipFacts) { f.Candidate = nil }), NotFound, "member u1 not found in account a1"},
		{"a user of another account", with(func(f *MembershipFacts) { f.Candidate = other }), NotFound, "member u1 not found in account a1"},
		{"a bot without an events configuration", with(func(f *MembershipFacts) { f.Candidate = bot }), BadRequest, "no events configuration"},
		{"a disabled bot", with(func(f *MembershipFacts) {
			f.Candidate, f.Bot = bot, BotStanding{Disabled: true, EventsConfigured: true}
		}),
			BadRequest, "bot u1 is disabled"},
		{"a bot of another account", with(func(f *MembershipFacts) {
			f.Candidate, f.Bot = &Member{ID: "u1", Type: MemberBot, AccountID: "a2"}, BotStanding{EventsConfigured: true}
		}), NotFound, "member u1 not found in account a1"},
		{"a webhook", with(func(f *MembershipFacts) { f.Candidate = &Member{ID: "u1", Type: MemberWebhook, AccountID: "a1"} }),
			NotFound, "member u1"},
		{"no such room", with(func(f *MembershipFacts) { f.RoomAccount = "" }), NotFound, "room r1 not found in account a1"},
		{"a room of another account", with(func(f *MembershipFacts) { f.RoomAccount = "a2" }), NotFound, "room r1 not found"},
		{"an unknown member of an unknown room names the member", with(func(f *MembershipFacts) { f.Candidate, f.RoomAccount = nil, "" }),
			NotFound, "member u1"},
		{"already in the room", with(func(f *MembershipFacts) { f.InRoom = true }), Conflict, "member u1 is already in room r1"},
		{"already in a full room: the Conflict says more", with(func(f *MembershipFacts) { f.InRoom, f.RoomMembers = true, MaxMembersPerRoom }),
			Conflict, "already in room r1"},
		{"the room is full", with(func(f *MembershipFacts) { f.RoomMembers = MaxMembersPerRoom }), LimitExceeded,
			fmt.Sprintf("room r1 has %d members, the most it can have", MaxMembersPerRoom)},
		{"the member is in as many rooms as it may be", with(func(f *MembershipFacts) { f.MemberRooms = MaxMembershipsPerUser }),
			LimitExceeded, fmt.Sprintf("member u1 is in %d rooms, the most a member can be in", MaxMembershipsPerUser)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Membership{RoomID: "r1", Member: Member{ID: "u1"}, Role: RoleMember}
			err := PlanMembership("a1", m, tt.facts)
			wantPlanError(t, "PlanMembership()", err, tt.wantKind, tt.wantText)
			want := Member{ID: "u1"}
			if err == nil {
				want = *ana
			}
			if m.Member != want {
				t.Errorf("Member = %+v, want %+v", m.Member, want)
			}
		})
	}
}

// wantPlanError fails t unless err is nil when text is empty, and otherwise
// an error of kind whose message holds text.
func wantPlanError(t *testing.T, call string, err error, kind Kind, text string) {
	t.Helper()
	switch {
	case text == "" && err != nil:
		t.Fatalf("%s = %v, want no error", call, err)
	case text != "" && (ErrorKind(err) != kind || !strings.Contains(ErrorMessage(err), text)):
		t.Fatalf("%s = %v (%s); want a %s error naming %q", call, err, ErrorKind(err), kind, text)
	}
}

// TestPlanMembershipBot checks that an enabled bot of the room's account
// with an events configuration joins, as a bot.
func TestPlanMembershipBot(t *testing.T) {
	bot := Member{ID: "b1", Type: MemberBot, Email: "build-chimebot@example.com", FullName: "Build (Bot)", AccountID: "a1"}
	m := &Membership{RoomID: "r1", Member: Member{ID: "b1"}, Role: RoleMember}
	err := PlanMembership("a1", m, MembershipFacts{Candidate: &bot, Bot: BotStanding{EventsConfigured: true}, RoomAccount: "a1"})
	if err != nil || m.Member != bot {
		t.Errorf("PlanMembership(bot) = %v, member %+v; want %+v", err, m.Member, bot)
	}
}
