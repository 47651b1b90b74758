package console

import (
	"testing"

	"github.com/belfryhq/belfry"
)

// TestHubCount counts the live pages over every thread, as the
// belfry_live_streams metric reports them, as they come and go.
func TestHubCount(t *testing.T) {
	h := newHub(4)
	_, cancel1 := h.subscribe("a1", belfry.Thread{RoomID: "r1"})
	_, cancel2 := h.subscribe("a1", belfry.Thread{RoomID: "r1"})
	_, cancel3 := h.subscribe("a2", belfry.Thread{ConversationID: "c1"})
	if n := h.count(); n != 3 {
		t.Errorf("three pages open: count %d", n)
	}
	cancel1()
	cancel3()
	if n := h.count(); n != 1 {
		t.Errorf("one page left: count %d", n)
	}
	cancel2()
	if n := h.count(); n != 0 {
		t.Errorf("all pages closed: count %d", n)
	}
}
