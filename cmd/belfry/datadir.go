package main

import (
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFile is the file in the data directory that a running server keeps
// locked, and in which it writes its PID for the operator to see.
const lockFile = "belfry.lock"

// lockDataDir makes this process the only server on the data directory's
// SQLite file, until unlock or until the process ends, however it ends:
// the SQLite store keeps accounts in memory on the promise that every
// change passes through it, so a second server on the same file would
// serve what the first changed from a stale cache. The lock is flock(2)'s,
// which the kernel lets go of with the process. On PostgreSQL, which
// replicas share by design, it locks nothing.
func (c *Config) lockDataDir() (unlock func() error, err error) {
	if c.usesPostgres() {
		return func() error { return nil }, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(c.DataDir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("the data directory %s is in use by another belfry server%s; two servers on one SQLite "+
				"file would serve each other's changes from stale caches: stop the other one, or give this one its own "+
				"BELFRY_DATA_DIR (several replicas need PostgreSQL: BELFRY_DATABASE_URL)", c.DataDir, holder(f))
		}
		return nil, fmt.Errorf("lock the data directory: %w", err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f.Close, nil
}

// holder names the process whose PID the lock file holds, as " (PID n)",
// or "" when it holds none yet.
func holder(f *os.File) string {
	b, _ := io.ReadAll(io.LimitReader(f, 32))
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (PID %d)", pid)
}
