package console

import (
	"testing"
	"time"
)

// TestLimiter lets a key act max times in a window, then again as its
// oldest times leave the window, and counts keys apart.
func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	l := newLimiter(3, 15*time.Minute, func() time.Time { return now })
	var got []bool
	for range 4 {
		got = append(got, l.allow("ana"))
		now = now.Add(time.Minute)
	}
	if !got[0] || !got[1] || !got[2] || got[3] {
		t.Errorf("four tries a minute apart: %v; want the first three allowed", got)
	}
	if !l.allow("bo") {
		t.Errorf("another key was refused")
	}
	now = now.Add(11*time.Minute + time.Second) // the first try is 15 min 1 s old
	if !l.allow("ana") || l.allow("ana") {
		t.Errorf("after the first try left the window: want one more allowed, then none")
	}
	now = now.Add(time.Hour)
	l.allow("cy")
	if _, kept := l.seen["bo"]; kept {
		t.Errorf("a key idle for an hour is still kept")
	}
}
