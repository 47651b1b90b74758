package sqlite

import (
	"database/sql"
	"time"
)

// In WAL mode, commits append pages to the WAL, and a checkpoint copies them
// back into the database file, with an fsync. SQLite would checkpoint on the
// commit that fills the WAL, on the one writer's path; Belfry checkpoints
// instead from a connection of its own, beside the writer, so a commit only
// appends. A PASSIVE checkpoint never waits for the writer or the readers.

// checkpointEvery is how often the checkpointer runs.
const checkpointEvery = 200 * time.Millisecond

type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
}

func (s *Store) startCheckpointer(path string) error {
	db, err := sql.Open("sqlite", dsn(path, "_pragma=journal_mode(WAL)"))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return err
	}
	s.ck = checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go s.ck.run()
	return nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// A failed checkpoint is retried at the next tick; the WAL
			// only grows meanwhile.
			c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// stopCheckpointer stops the checkpointer; the writer, closing last,
// checkpoints what is left.
func (s *Store) stopCheckpointer() {
	close(s.ck.stop)
	<-s.ck.done
	s.ck.db.Close()
}
