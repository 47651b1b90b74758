package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/postgres"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, for the floor
)

// database says what Belfry runs on in the benchmark: SQLite in the
// temporary directory, or PostgreSQL with one or more replicas, each an
// in-process Belfry with its own connection pool, as separate processes
// would have.
type database struct {
	url      string // a postgres:// URL; empty for SQLite
	replicas int
	schema   string // the fresh schema this run works in, on PostgreSQL
	// sync is what the SQLite store's commits wait for, and the floor's.
	sync sqlite.Sync
}

func (d *database) postgres() bool { return d.url != "" }

// String names the store in the report's header.
func (d *database) String() string {
	if !d.postgres() {
		return "SQLite (WAL, one file, sync " + d.sync.String() + ")"
	}
	u, _ := url.Parse(d.url)
	return fmt.Sprintf("PostgreSQL %s%s, %d replica(s)", u.Host, u.Path, d.replicas)
}

// check refuses flags that do not fit together, and reads the SQLite sync
// setting's name.
func (d *database) check(syncName string) error {
	var err error
	if d.sync, err = sqlite.ParseSync(syncName); err != nil {
		return fmt.Errorf("-sqlite-sync: %w", err)
	}
	switch {
	case d.replicas < 1:
		return fmt.Errorf("-replicas must be at least 1")
	case d.replicas > 1 && !d.postgres():
		return fmt.Errorf("-replicas %d needs -database-url: SQLite serves one process", d.replicas)
	case d.postgres() && !strings.HasPrefix(d.url, "postgres://") && !strings.HasPrefix(d.url, "postgresql://"):
		return fmt.Errorf("-database-url must be a postgres:// URL")
	}
	return nil
}

// open opens one store per replica: on SQLite the file belfry.db in dir, on
// PostgreSQL a fresh schema of the database, so that every run starts
// empty and leaves the database as it found it (drop removes the schema).
func (d *database) open(ctx context.Context, dir string) ([]belfry.Store, error) {
	if !d.postgres() {
		s, err := sqlite.OpenWith(filepath.Join(dir, "belfry.db"), sqlite.Options{Sync: d.sync})
		return []belfry.Store{s}, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	d.schema = "belfry_bench_" + hex.EncodeToString(b)
	if err := d.exec(ctx, `CREATE SCHEMA `+d.schema); err != nil {
		return nil, err
	}
	var stores []belfry.Store
	for range d.replicas {
		s, err := postgres.Open(ctx, d.schemaURL())
		if err != nil {
			return stores, err
		}
		stores = append(stores, s)
	}
	return stores, nil
}

// drop removes the run's schema.
func (d *database) drop() error {
	if d.schema == "" {
		return nil
	}
	return d.exec(context.Background(), `DROP SCHEMA `+d.schema+` CASCADE`)
}

// schemaURL is the database URL with the run's schema as its search_path.
func (d *database) schemaURL() string {
	u, _ := url.Parse(d.url)
	q := u.Query()
	q.Set("search_path", d.schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// connURL is u without pgxpool's pool_* parameters, which a single
// connection, or database/sql, would send to the server as settings.
func connURL(u string) string {
	parsed, _ := url.Parse(u)
	q := parsed.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

func (d *database) exec(ctx context.Context, statement string) error {
	conn, err := pgx.Connect(ctx, connURL(d.url))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, statement)
	return err
}

// floorDB opens the floor's table beside Belfry's data, on the same kind of
// database, and returns it with the statements that create it and insert
// into it.
func (d *database) floorDB(dir string) (db *sql.DB, create, insert string, err error) {
	if !d.postgres() {
		db, err = sql.Open("sqlite", d.sqliteDSN(filepath.Join(dir, "floor.db")))
		if err == nil {
			db.SetMaxOpenConns(1) // one writer, as Belfry's SQLite store has
		}
		return db, `CREATE TABLE users (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, email TEXT NOT NULL)`,
			`INSERT INTO users (id, account_id, email) VALUES (?, ?, ?)`, err
	}
	db, err = sql.Open("pgx", connURL(d.schemaURL()))
	if err == nil {
		// As many connections as a Belfry replica's pool, all kept open.
		n := max(4, runtime.NumCPU())
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	return db, `CREATE TABLE floor_users (id text PRIMARY KEY, account_id text NOT NULL, email text NOT NULL)`,
		`INSERT INTO floor_users (id, account_id, email) VALUES ($1, $2, $3)`, err
}
