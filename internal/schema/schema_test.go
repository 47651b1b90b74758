package schema_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/internal/schema"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// migrations are two migrations, out of order and beside a file that is
// none; the second fails if the first did not run, and the first fails if
// it runs twice.
func migrations() fstest.MapFS {
	return fstest.MapFS{
		"m/0010_second.sql": {Data: []byte(`INSERT INTO t VALUES (2);`)},
		"m/0002_first.sql":  {Data: []byte(`CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);`)},
		"m/README":          {Data: []byte(`not a migration`)},
	}
}

// testMigrate checks, on db, that migrations apply once, in version order,
// and that a database newer than the program is refused.
func testMigrate(t *testing.T, db *sql.DB, d schema.Dialect) {
	ctx := t.Context()
	fsys := migrations()
	for range 2 {
		if err := schema.Migrate(ctx, db, fsys, "m", d); err != nil {
			t.Fatalf("Migrate() = %v", err)
		}
	}
	var n, sum int
	if err := db.QueryRowContext(ctx, `SELECT count(*), sum(v) FROM t`).Scan(&n, &sum); err != nil || n != 2 || sum != 3 {
		t.Errorf("after migrating twice, t has %d rows summing to %d (%v); want 2 rows, 3", n, sum, err)
	}
	delete(fsys, "m/0010_second.sql")
	if err := schema.Migrate(ctx, db, fsys, "m", d); err == nil {
		t.Error("Migrate(a database newer than the migrations) = nil; want an error")
	}
}

func TestMigrateSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	testMigrate(t, db, schema.SQLite)
}

func TestMigratePostgreSQL(t *testing.T) {
	db := openPostgres(t, pgtest.Schema(t, pgtest.Database(t)))
	testMigrate(t, db, schema.PostgreSQL)
}

// TestMigratePostgreSQLRace migrates one empty schema from eight pools at
// once, as replicas starting together do: every one must succeed, and each
// migration must run once, which the first one's CREATE TABLE (no IF NOT
// EXISTS) and the row count tell.
func TestMigratePostgreSQLRace(t *testing.T) {
	u := pgtest.Schema(t, pgtest.Database(t))
	dbs := make([]*sql.DB, 8)
	for i := range dbs {
		dbs[i] = openPostgres(t, u)
	}
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { errs[i] = schema.Migrate(t.Context(), db, migrations(), "m", schema.PostgreSQL) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d of %d at once = %v", i, len(dbs), err)
		}
	}
	var n int
	if err := dbs[0].QueryRowContext(t.Context(), `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 2 {
		t.Errorf("t has %d rows (%v); want 2, each migration applied once", n, err)
	}
}

func openPostgres(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStoresMirrorMigrations checks that the PostgreSQL store has a
// migration for each of the SQLite store's, with the same number and name,
// so that one schema version means the same in both.
func TestStoresMirrorMigrations(t *testing.T) {
	var names [2][]string
	for i, dir := range []string{"../../sqlite/migrations", "../../postgres/migrations"} {
		list, err := schema.Names(os.DirFS(dir), ".")
		if err != nil {
			t.Fatal(err)
		}
		names[i] = list
	}
	if !slices.Equal(names[0], names[1]) {
		t.Errorf("sqlite/migrations has %q, postgres/migrations %q; want the same files", names[0], names[1])
	}
}
