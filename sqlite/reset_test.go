package sqlite

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/belfryhq/belfry/internal/schema"
)

// TestResetCoversEveryTable checks that schema.ChimeTables names every
// table the migrations make but those a reset keeps, so that a migration
// adding a table of Chime resources cannot leave it out of the reset.
func TestResetCoversEveryTable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.r.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND name NOT IN ('access_keys', 'server_secrets', 'write_probe', 'schema_migrations') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
	}
	want := slices.Sorted(slices.Values(schema.ChimeTables))
	if !slices.Equal(got, want) {
		t.Errorf("tables a reset must empty: %v; schema.ChimeTables names %v", got, want)
	}
}
