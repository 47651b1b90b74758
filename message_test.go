package belfry

import (
	"strings"
	"testing"
	"time"
)

func TestCheckContent(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		want    bool // accepted
	}{
		{"one character", "a", true},
		{"markdown", "**bold** and `code`", true},
		{"4,096 characters", strings.Repeat("a", MaxMessageLength), true},
		{"4,096 characters of 4 bytes", strings.Repeat("😀", MaxMessageLength), true},
		{"4,097 characters", strings.Repeat("a", MaxMessageLength+1), false},
		{"4,097 characters of 3 bytes", strings.Repeat("€", MaxMessageLength+1), false},
		{"empty", "", false},
		{"blank", " \t\n ", false},
		{"NUL", "a\x00b", false},
		{"not UTF-8", "a\xffb", false},
	} {
		err := CheckContent(tc.content)
		if got := err == nil; got != tc.want {
			t.Errorf("CheckContent(%s) = %v; want accepted %v", tc.name, err, tc.want)
		}
		if err != nil && ErrorKind(err) != BadRequest {
			t.Errorf("CheckContent(%s) = %v, kind %v; want BadRequest", tc.name, err, ErrorKind(err))
		}
	}
}

func TestPlanPost(t *testing.T) {
	m := &Message{AccountID: "acc", RoomID: "room", Sender: Sender{ID: "ana", Type: MemberUser}}
	for _, tc := range []struct {
		f    PostFacts
		want error
	}{
		{PostFacts{Found: true, Member: true}, nil},
		{PostFacts{Found: true}, Errorf(Forbidden, "")},
		{PostFacts{}, Errorf(NotFound, "")},
	} {
		err := PlanPost(m, tc.f)
		if (err == nil) != (tc.want == nil) || err != nil && ErrorKind(err) != ErrorKind(tc.want) {
			t.Errorf("PlanPost(%+v) = %v; want %v", tc.f, err, tc.want)
		}
	}
}

func TestRetentionCutoff(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		r    *RetentionSettings
		want RetentionCutoff
	}{
		{"no settings", nil, RetentionCutoff{}},
		{"off", &RetentionSettings{}, RetentionCutoff{}},
		{"in its grace", &RetentionSettings{RoomDays: 5, InitiateDeletion: now.Add(time.Second)}, RetentionCutoff{}},
		{"rooms", &RetentionSettings{RoomDays: 5, InitiateDeletion: now}, RetentionCutoff{Rooms: now.AddDate(0, 0, -5)}},
		{"both", &RetentionSettings{RoomDays: 1, ConversationDays: 30, InitiateDeletion: now.Add(-time.Hour)},
			RetentionCutoff{Rooms: now.AddDate(0, 0, -1), Conversations: now.AddDate(0, 0, -30)}},
	} {
		if got := tc.r.Cutoff(now); got != tc.want {
			t.Errorf("Cutoff(%s) = %+v; want %+v", tc.name, got, tc.want)
		}
	}
}
