package storetest

import (
	"context"
	"testing"

	"github.com/belfryhq/belfry"
)

// testEventsConfiguration checks that a bot's configuration is stored,
// replaced, read back, kept from other accounts, and deleted, after which
// the bot cannot join a room.
func testEventsConfiguration(t *testing.T, s belfry.Store) {
	a, other := mkEnterprise(t, s, "example.com"), mkEnterprise(t, s, "example.org")
	b := mkBot(t, s, a, "Build")
	ctx := t.Context()
	wantError(t, "EventsConfiguration(none)", eventsErr(s.EventsConfiguration(ctx, a.ID, b.ID)), belfry.NotFound)
	for _, endpoint := range []string{"https://bot.example.com/one", "https://bot.example.com/two"} {
		c := &belfry.EventsConfiguration{BotID: b.ID, OutboundEventsHTTPSEndpoint: endpoint}
		if err := s.PutEventsConfiguration(ctx, a.ID, c); err != nil {
			t.Fatalf("PutEventsConfiguration(%s) = %v", endpoint, err)
		}
		got, err := s.EventsConfiguration(ctx, a.ID, b.ID)
		if err != nil || *got != *c {
			t.Fatalf("EventsConfiguration() = %+v, %v; want %+v", got, err, c)
		}
	}
	wantError(t, "EventsConfiguration(other account)", eventsErr(s.EventsConfiguration(ctx, other.ID, b.ID)), belfry.NotFound)
	elsewhere := &belfry.EventsConfiguration{BotID: b.ID, OutboundEventsHTTPSEndpoint: "https://x.example/"}
	wantError(t, "PutEventsConfiguration(other account)", s.PutEventsConfiguration(ctx, other.ID, elsewhere), belfry.NotFound)
	wantError(t, "DeleteEventsConfiguration(other account)", s.DeleteEventsConfiguration(ctx, other.ID, b.ID), belfry.NotFound)
	for range 2 {
		if err := s.DeleteEventsConfiguration(ctx, a.ID, b.ID); err != nil {
			t.Fatalf("DeleteEventsConfiguration() = %v", err)
		}
	}
	wantError(t, "EventsConfiguration(deleted)", eventsErr(s.EventsConfiguration(ctx, a.ID, b.ID)), belfry.NotFound)
	r := mkRoom(t, s, a, "Ops")
	wantError(t, "CreateMembership(unconfigured bot)", s.CreateMembership(ctx, a.ID, botMembership(r, b)), belfry.BadRequest)
}

// eventsErr keeps the error of an EventsConfiguration call.
func eventsErr(_ *belfry.EventsConfiguration, err error) error { return err }

// eventsChanges puts and deletes the events configuration of bot b of
// account a.
func eventsChanges(s belfry.Store, a *belfry.Account, b *belfry.Bot) []auditedChange {
	return []auditedChange{
		{"PutEventsConfiguration", func(ctx context.Context) error {
			return s.PutEventsConfiguration(ctx, a.ID, &belfry.EventsConfiguration{BotID: b.ID, OutboundEventsHTTPSEndpoint: "https://bot.example.com/"})
		}},
		{"DeleteEventsConfiguration", func(ctx context.Context) error { return s.DeleteEventsConfiguration(ctx, a.ID, b.ID) }},
	}
}
