package belfry

import (
	"fmt"
	"testing"
)

func TestPlanRoom(t *testing.T) {
	earlier := &Room{ID: "first", AccountID: "a1", Name: "Standup", ClientToken: "token"}
	tests := []struct {
		name     string
		earlier  *Room
		rooms    int
		want     string // the ID of the room answered
		wantText string // what the error names; "" for none
	}{
		{"a new room below the limit", nil, MaxRoomsPerAccount - 1, "new", ""},
		{"a new room at the limit", nil, MaxRoomsPerAccount, "", fmt.Sprintf("account a1 has %d rooms, the most it can have", MaxRoomsPerAccount)},
		{"a retried call gets the room made first", earlier, 1, "first", ""},
		{"a retried call succeeds even at the limit", earlier, MaxRoomsPerAccount, "first", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Room{ID: "new", AccountID: "a1", Name: "Standup", ClientToken: "token"}
			got, err := PlanRoom(r, tt.earlier, tt.rooms)
			wantPlanError(t, "PlanRoom()", err, LimitExceeded, tt.wantText)
			var id string
			if got != nil {
				id = got.ID
			}
			if id != tt.want {
				t.Errorf("PlanRoom() answers room %q, want %q", id, tt.want)
			}
		})
	}
}

func TestRoomName(t *testing.T) {
	for _, tt := range []struct {
		name, want, wantText string
	}{
		{"Standup", "Standup", ""},
		{"  Daily standup  ", "Daily standup", ""},
		{"", "", "Name must not be blank"},
		{" ", "", "Name must not be blank"},
		{"\u00a0\u3000", "", "Name must not be blank"},
		{"new\nline", "", "line feed"},
	} {
		got, err := RoomName(tt.name)
		wantPlanError(t, "RoomName("+tt.name+")", err, BadRequest, tt.wantText)
		if got != tt.want {
			t.Errorf("RoomName(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}
