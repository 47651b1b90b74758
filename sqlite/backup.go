package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database at path to a new file,
// dest, while a server may be serving writes on it. It needs neither the
// server nor its data directory lock: it reads through a connection of its
// own, and VACUUM INTO copies the database as one read transaction sees it,
// which WAL lets run beside the writer. The copy holds every transaction
// committed before that read began and none of those after. The server's
// writes go on meanwhile; its checkpoints cannot restart the WAL while the
// copy reads, so the WAL grows past its usual bound until the copy ends
// (see checkpoint.go).
//
// The copy is written beside dest under a temporary name, checked with
// PRAGMA integrity_check, synced, and only then renamed to dest, so that
// dest is either a whole, sound backup or absent. Backup replaces no file.
func Backup(ctx context.Context, path, dest string) (err error) {
	// An absolute path, so that VACUUM INTO never reads dest as a file: URI.
	if dest, err = filepath.Abs(dest); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database to back up: %w", err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s exists; a backup goes to a new file and replaces none", dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return err
	}
	// VACUUM INTO writes only into a file that is absent or empty.
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := vacuumInto(ctx, path, tmp.Name()); err != nil {
		return err
	}
	if err := checkIntegrity(ctx, tmp.Name()); err != nil {
		return err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return err
	}
	if err := place(tmp.Name(), dest); err != nil {
		return fmt.Errorf("put the backup at %s: %w", dest, err)
	}
	return syncFile(filepath.Dir(dest))
}

// place moves the file at tmp to dest, unless a file appeared at dest
// meanwhile: a hard link fails then, where a rename would replace it. A
// file system without hard links gets the rename.
func place(tmp, dest string) error {
	err := os.Link(tmp, dest)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return err
	}
	return os.Rename(tmp, dest)
}

// vacuumInto copies the database at path into the empty file at dest. The
// connection cannot be query_only, which refuses VACUUM INTO too, though
// VACUUM INTO changes nothing in the database it copies.
func vacuumInto(ctx context.Context, path, dest string) error {
	db, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("copy %s: %w", path, err)
	}
	return nil
}

// checkIntegrity runs PRAGMA integrity_check on the database at path.
func checkIntegrity(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		return err
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&verdict); err != nil {
		return fmt.Errorf("check the backup: %w", err)
	}
	if verdict != "ok" {
		return errors.New("the backup failed its integrity check: " + verdict)
	}
	return nil
}

// syncFile flushes the file or directory at path to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
