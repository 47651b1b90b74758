package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/belfryhq/belfry"
)

// TestPragmas checks that the DSNs took effect: the writer runs in WAL mode
// with foreign keys and syncs every commit unless told to sync less, and the
// readers cannot write.
func TestPragmas(t *testing.T) {
	for _, sync := range []struct {
		opts Options
		want string // PRAGMA synchronous: 1 is NORMAL, 2 FULL
	}{{Options{}, "2"}, {Options{Sync: SyncNormal}, "1"}} {
		s, err := OpenWith(filepath.Join(t.TempDir(), "belfry.db"), sync.opts)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := t.Context()
		for _, tc := range []struct {
			pragma string
			want   string
		}{
			{"journal_mode", "wal"},
			{"synchronous", sync.want},
			{"foreign_keys", "1"},
			{"busy_timeout", "5000"},
		} {
			var got string
			if err := s.w.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil || got != tc.want {
				t.Errorf("writer with sync %v: PRAGMA %s = %q, %v; want %q", sync.opts.Sync, tc.pragma, got, err, tc.want)
			}
		}
		if _, err := s.r.ExecContext(ctx, `DELETE FROM accounts`); err == nil {
			t.Error("a reader connection wrote; want query_only connections")
		}
		u := &belfry.User{ID: "u-1", AccountID: "no-such-account", Email: "ana@example.com"}
		if err := s.CreateUser(ctx, u); belfry.ErrorKind(err) != belfry.NotFound {
			t.Errorf("CreateUser(unknown account) = %v; want NotFound from the foreign key", err)
		}
	}
}

// TestParseSync checks the names the configuration takes.
func TestParseSync(t *testing.T) {
	for name, want := range map[string]Sync{"full": SyncFull, "normal": SyncNormal} {
		if got, err := ParseSync(name); err != nil || got != want || got.String() != name {
			t.Errorf("ParseSync(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	for _, bad := range []string{"", "FULL", "off", "extra"} {
		if _, err := ParseSync(bad); err == nil {
			t.Errorf("ParseSync(%q) succeeded; want an error", bad)
		}
	}
}

// TestMigrate checks that migrations apply once, in version order, and that
// a database newer than the program is refused.
func TestMigrate(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	fsys := fstest.MapFS{
		"m/1010_second.sql": {Data: []byte(`INSERT INTO t VALUES (2);`)},
		"m/1002_first.sql":  {Data: []byte(`CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);`)},
		"m/README":          {Data: []byte(`not a migration`)},
	}
	for range 2 {
		if err := migrate(ctx, s.w, fsys, "m"); err != nil {
			t.Fatalf("migrate() = %v", err)
		}
	}
	var n, sum int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*), sum(v) FROM t`).Scan(&n, &sum); err != nil || n != 2 || sum != 3 {
		t.Errorf("after migrating twice, t has %d rows summing to %d (%v); want 2 rows, 3", n, sum, err)
	}
	delete(fsys, "m/1010_second.sql")
	if err := migrate(ctx, s.w, fsys, "m"); err == nil {
		t.Error("migrate(a database newer than the migrations) = nil; want an error")
	}
}
