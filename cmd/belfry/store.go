package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/postgres"
	"github.com/belfryhq/belfry/sqlite"
)

// usesPostgres reports whether the configuration names a PostgreSQL
// database, which several replicas may share, instead of the SQLite file in
// the data directory.
func (c *Config) usesPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// checkDatabase refuses what would let replicas part ways: a database URL
// that Belfry cannot use (falling back to a SQLite file of its own would
// split the data silently), and PostgreSQL without a root key in the
// environment, which every replica must share (docs/decisions.md).
func (c *Config) checkDatabase() error {
	if _, err := c.sqliteOptions(); err != nil {
		return fmt.Errorf("BELFRY_SQLITE_SYNC (-sqlite-sync): %w", err)
	}
	switch {
	case c.DatabaseURL == "":
		return nil
	case !c.usesPostgres():
		return fmt.Errorf("BELFRY_DATABASE_URL must be a postgres:// or postgresql:// URL; leave it empty for SQLite in the data directory")
	case c.RootAccessKeyID == "" || c.RootSecretAccessKey == "" || c.RootAwsAccountID == "":
		return errors.New("on PostgreSQL every replica must have the same root key: set BELFRY_ROOT_ACCESS_KEY_ID, " +
			"BELFRY_ROOT_SECRET_ACCESS_KEY and BELFRY_ROOT_AWS_ACCOUNT_ID (see docs/decisions.md)")
	}
	return nil
}

// storeName says in the log which database this replica runs on, without
// the URL's password, so that an operator can tell replicas that share one.
func (c *Config) storeName() string {
	if !c.usesPostgres() {
		o, _ := c.sqliteOptions()
		return "sqlite:" + c.sqlitePath() + " (sync " + o.Sync.String() + ")"
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return "postgres"
	}
	return "postgres://" + u.Host + u.Path
}

// openStore opens the store that the configuration names: PostgreSQL when
// DatabaseURL is set, else SQLite in the data directory.
func openStore(ctx context.Context, c *Config) (belfry.Store, error) {
	if c.usesPostgres() {
		return postgres.Open(ctx, c.DatabaseURL)
	}
	o, err := c.sqliteOptions()
	if err != nil {
		return nil, err
	}
	return sqlite.OpenWith(c.sqlitePath(), o)
}

// sqliteOptions are the SQLite store's options; commands without the
// serve flags leave SQLiteSync empty, which is the default, full.
func (c *Config) sqliteOptions() (sqlite.Options, error) {
	if c.SQLiteSync == "" {
		return sqlite.Options{}, nil
	}
	sync, err := sqlite.ParseSync(c.SQLiteSync)
	return sqlite.Options{Sync: sync}, err
}

// setUpEvents gives the service the Events that carry posted and redacted
// messages to the web app's live pages: within the process on SQLite,
// which one process owns, and through LISTEN/NOTIFY on PostgreSQL, so that
// a message posted on one replica reaches a browser held by another.
func (s *server) setUpEvents(svc *belfry.Service, log *slog.Logger) {
	pg, ok := s.store.(*postgres.Store)
	if !ok {
		svc.Events = &belfry.LocalEvents{}
		return
	}
	ev := postgres.NewEvents(pg, log)
	svc.Events = ev
	s.background = append(s.background, ev.Run)
}
