package sqlite

import (
	"testing"

	"github.com/belfryhq/belfry"
)

// configureEvents gives a bot an events configuration straight in the
// database, for storetest.ConfigureEvents, until the store can make one.
func configureEvents(t *testing.T, s belfry.Store, botID string) {
	t.Helper()
	_, err := s.(*Store).w.ExecContext(t.Context(), `INSERT INTO bot_events (bot_id, outbound_events_https_endpoint)
		VALUES (?, 'https://bot.example.com/events')`, botID)
	if err != nil {
		t.Fatalf("configuring events of bot %s: %v", botID, err)
	}
}

// ConfigureEvents is configureEvents for the package's external tests.
var ConfigureEvents = configureEvents

// OpenUnbounded is Open with a WAL that never starts over, so that a
// benchmark can count the pages its writes append to it.
func OpenUnbounded(path string) (*Store, error) { return open(path, Options{}, 1<<50) }
