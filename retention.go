package belfry

import "time"

// RetentionCutoff says which messages retention has expired: room messages
// created before Rooms and conversation messages created before
// Conversations. A zero time expires none of its kind.
type RetentionCutoff struct {
	Rooms         time.Time
	Conversations time.Time
}

// None reports whether c expires nothing.
func (c RetentionCutoff) None() bool { return c.Rooms.IsZero() && c.Conversations.IsZero() }

// Cutoff returns what r expires at now: nothing before its
// InitiateDeletion has passed or while no policy is on, else the messages
// older than each policy's days (DECISIONS.md, retention).
func (r *RetentionSettings) Cutoff(now time.Time) RetentionCutoff {
	var c RetentionCutoff
	if r == nil || r.InitiateDeletion.IsZero() || now.Before(r.InitiateDeletion) {
		return c
	}
	if r.RoomDays > 0 {
		c.Rooms = now.AddDate(0, 0, -r.RoomDays)
	}
	if r.ConversationDays > 0 {
		c.Conversations = now.AddDate(0, 0, -r.ConversationDays)
	}
	return c
}
