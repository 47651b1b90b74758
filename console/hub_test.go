package console

import (
	"testing"

	"github.com/belfryhq/belfry"
)

// TestHubDropsSlowSubscriber fills one page's queue while another keeps
// up: the slow one is dropped, the other gets every event, and the
// publisher never waits.
func TestHubDropsSlowSubscriber(t *testing.T) {
	h := newHub(4)
	room := belfry.Thread{RoomID: "r1"}
	slow, cancelSlow := h.subscribe("a1", room)
	defer cancelSlow()
	fast, cancelFast := h.subscribe("a1", room)
	defer cancelFast()
	other, cancelOther := h.subscribe("a1", belfry.Thread{RoomID: "r2"})
	defer cancelOther()
	var got []int64
	for seq := int64(1); seq <= 10; seq++ {
		h.deliver(belfry.Event{Kind: belfry.EventPosted, AccountID: "a1", Thread: room, Seq: seq})
		got = append(got, (<-fast.events).Seq)
	}
	select {
	case <-slow.dropped:
	default:
		t.Errorf("the subscriber that read nothing of 10 events with a queue of 4 was not dropped")
	}
	select {
	case <-fast.dropped:
		t.Errorf("the subscriber that kept up was dropped")
	default:
	}
	if len(got) != 10 || got[9] != 10 {
		t.Errorf("the subscriber that kept up got %v; want 1 to 10", got)
	}
	if len(other.events) != 0 {
		t.Errorf("a page of another room got %d events", len(other.events))
	}
	cancelFast()
	h.deliver(belfry.Event{Kind: belfry.EventPosted, AccountID: "a1", Thread: room, Seq: 11})
	if len(fast.events) != 0 {
		t.Errorf("a cancelled subscriber still gets events")
	}
}
