package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/belfryhq/belfry/sqlite"
)

// pgBackupAdvice is what belfry backup says on PostgreSQL, whose own tools
// back it up better than Belfry could.
const pgBackupAdvice = `this deployment keeps its data in PostgreSQL (BELFRY_DATABASE_URL); belfry backup copies only the SQLite database. Back PostgreSQL up with its own tools:
  pg_dump --format=custom --file=belfry.dump "$BELFRY_DATABASE_URL"   a consistent logical backup, taken while replicas serve; pg_restore brings it back
  pg_basebackup with WAL archiving (archive_mode, archive_command)    base backups plus archived WAL, for point-in-time recovery
(README, section "Backups")`

// backupCommand takes a consistent backup of the SQLite database in the
// data directory while a server may be serving writes on it (see
// sqlite.Backup). It reads the file directly, so it runs where the data
// directory is, and it takes no lock: the server holds the data directory's
// lock, and keeps it.
func backupCommand(ctx context.Context, args []string) error {
	const usage = "usage: belfry backup FILE   (FILE must not exist yet)"
	var cfg Config
	fs := flag.NewFlagSet("belfry backup", flag.ContinueOnError)
	cfg.bind(fs)
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("BELFRY_DATABASE_URL", ""), "PostgreSQL database, which pg_dump backs up instead (BELFRY_DATABASE_URL)")
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) != 1 || pos[0] == "" {
		return errors.Join(err, errors.New(usage))
	}
	if cfg.usesPostgres() {
		return errors.New(pgBackupAdvice)
	}
	if err := cfg.checkDatabase(); err != nil {
		return err
	}
	dest := pos[0]
	if err := sqlite.Backup(ctx, cfg.sqlitePath(), dest); err != nil {
		return fmt.Errorf("backup of %s: %w", cfg.sqlitePath(), err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Printf("backed up %s to %s: %d bytes, integrity check ok\n", cfg.sqlitePath(), dest, fi.Size())
	fmt.Printf("to restore: stop belfry, remove belfry.db, belfry.db-wal and belfry.db-shm from the data directory, "+
		"copy %s there as belfry.db, and start belfry (README, \"Backups\")\n", filepath.Base(dest))
	return nil
}

// sqlitePath is where the SQLite store keeps its database: belfry.db in the
// data directory.
func (c *Config) sqlitePath() string { return filepath.Join(c.DataDir, "belfry.db") }
