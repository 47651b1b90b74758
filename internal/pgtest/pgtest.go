// Package pgtest gives tests a PostgreSQL database or schema of their own on
// the server that BELFRY_TEST_DATABASE_URL names, and skips them with one
// clear message when it names none, so that `go test ./...` runs everywhere
// and CI, which sets it, runs the PostgreSQL tests too.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that points the tests at a PostgreSQL server:
// the URL of a database that its user may create databases and schemas
// from, such as postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvURL = "BELFRY_TEST_DATABASE_URL"

// SkipMessage is what tests say when they leave PostgreSQL out.
const SkipMessage = "PostgreSQL suite left out: set " + EnvURL + "=postgres://… to run it"

// URL returns the configured server URL, or skips t with SkipMessage.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skip(SkipMessage)
	}
	return u
}

// Configured reports whether a PostgreSQL server is configured.
func Configured() bool { return os.Getenv(EnvURL) != "" }

// CreateDatabase creates a fresh, empty database on the server of admin, a
// URL as EnvURL holds, and returns its URL and a function that drops it.
func CreateDatabase(ctx context.Context, admin string) (dbURL string, drop func() error, err error) {
	name := "belfry_test_" + random()
	if err := exec(ctx, admin, `CREATE DATABASE `+name); err != nil {
		return "", nil, err
	}
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return exec(ctx, admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
	dbURL, err = withPath(admin, name, "")
	return dbURL, drop, err
}

// Database creates a fresh, empty database for t, dropped when t ends, and
// returns its URL; it skips t when no server is configured.
func Database(t testing.TB) string {
	t.Helper()
	dbURL, drop, err := CreateDatabase(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return dbURL
}

// Schema creates a fresh, empty schema in the database at dbURL and returns
// dbURL with the schema as its search_path, so that a store opened on it
// makes its tables there. A schema costs far less than a database, which
// is what lets the conformance suite give each case an empty store.
func Schema(t testing.TB, dbURL string) string {
	t.Helper()
	name := "s_" + random()
	if err := exec(t.Context(), dbURL, `CREATE SCHEMA `+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	u, err := withPath(dbURL, "", name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// withPath returns u with its database replaced by db and its search_path
// set to schema, each when not empty.
func withPath(u, db, schema string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "postgres" && parsed.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a postgres:// URL", EnvURL)
	}
	if db != "" {
		parsed.Path = "/" + db
	}
	if schema != "" {
		q := parsed.Query()
		q.Set("search_path", schema)
		parsed.RawQuery = q.Encode()
	}
	return parsed.String(), nil
}

// exec runs one statement on its own connection to the database at u.
func exec(ctx context.Context, u, statement string) error {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, statement); err != nil {
		return fmt.Errorf("%s: %w", statement, err)
	}
	return nil
}

func random() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
