package postgres_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/postgres"
	"github.com/belfryhq/belfry/storetest"
)

// dbURL is the database that TestMain made for this run; each test makes
// schemas in it.
var dbURL string

// TestMain makes a fresh database on the server that
// BELFRY_TEST_DATABASE_URL names and drops it after the run. Without one it
// says so and runs no test, so that `go test ./...` reports this package
// with "[no tests to run]" instead of a pass that tested nothing.
func TestMain(m *testing.M) {
	flag.Parse()
	if !pgtest.Configured() {
		fmt.Println(pgtest.SkipMessage)
		flag.Set("test.run", "^TestPostgreSQLConfigured$")
		os.Exit(m.Run())
	}
	u, drop, err := pgtest.CreateDatabase(context.Background(), os.Getenv(pgtest.EnvURL))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dbURL = u
	code := m.Run()
	if err := drop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = max(code, 1)
	}
	os.Exit(code)
}

func TestStore(t *testing.T) {
	storetest.ConfigureEvents = postgres.ConfigureEvents
	storetest.Run(t, func(t *testing.T) belfry.Store { return open(t, pgtest.Schema(t, dbURL)) })
}

// open opens the store at u and fails t if it cannot. The caller closes it.
func open(t testing.TB, u string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("Open(%s) = %v", u, err)
	}
	return s
}

// TestPostgreSQLConfigured reads BELFRY_TEST_DATABASE_URL inside the test
// run, where Go's test cache sees it, so that setting it later reruns the
// package instead of replaying a result that tested nothing; without it the
// test is skipped with the message that says how to run the suite.
func TestPostgreSQLConfigured(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) == "" {
		t.Skip(pgtest.SkipMessage)
	}
}
