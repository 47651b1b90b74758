package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// In WAL mode, commits append pages to the WAL, and a checkpoint copies them
// back into the database file, with an fsync. SQLite would checkpoint on the
// commit that fills the WAL, on the one writer's path; Belfry checkpoints
// instead from a connection of its own, beside the writer, so a commit only
// appends. A PASSIVE checkpoint never waits for the writer or the readers.
//
// Copying pages back is not enough to keep the WAL small, though: SQLite
// starts writing the WAL from its beginning again only when a write begins
// after a checkpoint has copied everything and no reader still looks into
// the WAL. Under sustained writes that moment never comes, since the writer
// appends while the checkpointer copies, and the WAL grew to gigabytes. So
// when the WAL passes walLimit, the writer asks the checkpointer for a
// PASSIVE checkpoint at once and goes on; at its first commit after that
// one, it waits while the checkpointer runs a RESTART checkpoint: with the
// writer idle it copies the few pages committed since, waits (briefly) for
// readers to let go of the WAL, and the next commit writes from the WAL's
// start again and truncates the file to journal_size_limit. The writer
// pauses for that one checkpoint, a few milliseconds, every walLimit of
// writes. Should the PASSIVE one lag, the writer waits for the RESTART once
// the WAL is an eighth over the limit, so the bound holds.

// checkpointEvery is how often the checkpointer runs.
const checkpointEvery = 200 * time.Millisecond

// walLimit is the WAL size past which the writer makes the WAL start over,
// and the size SQLite truncates it back to (journal_size_limit). The WAL
// stays below walLimit, an eighth more, and one group's commit.
const walLimit = 64 << 20

// restartWait bounds how long a RESTART checkpoint waits for readers to
// leave the WAL, and so how long the writer pauses for it. A reader that
// holds on longer makes the restart wait for the WAL to grow further.
const restartWait = 100 * time.Millisecond

type checkpointer struct {
	db    *sql.DB
	wal   string // the WAL file's path
	limit int64  // walLimit, smaller in tests
	next  int64  // the WAL size at which the writer next asks for a restart
	// nudge asks for a PASSIVE checkpoint now; primed says that one has
	// run since the last restart, so that a RESTART has little to copy.
	nudge   chan struct{}
	primed  atomic.Bool
	restart chan chan error
	stop    chan struct{}
	done    chan struct{}
}

func (s *Store) startCheckpointer(path string, limit int64) error {
	db, err := sql.Open("sqlite", dsnWaiting(path, restartWait,
		fmt.Sprintf("_pragma=journal_mode(WAL)&_pragma=journal_size_limit(%d)", limit)))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return err
	}
	s.ck = checkpointer{db: db, wal: path + "-wal", limit: limit, next: limit, nudge: make(chan struct{}, 1),
		restart: make(chan chan error), stop: make(chan struct{}), done: make(chan struct{})}
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
		case <-c.nudge:
			c.checkpoint("PASSIVE")
			c.primed.Store(true)
		case reply := <-c.restart:
			reply <- c.checkpoint("RESTART")
		case <-t.C:
			// A failed checkpoint is retried at the next tick; the WAL
			// only grows meanwhile.
			c.checkpoint("PASSIVE")
		}
	}
}

// checkpoint runs a checkpoint of the given mode, and fails when it could
// not copy every page or, for RESTART, when readers kept the WAL.
func (c *checkpointer) checkpoint(mode string) error {
	var busy, log, copied int
	err := c.db.QueryRow(`PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &log, &copied)
	if err == nil && busy != 0 {
		err = fmt.Errorf("sqlite: %s checkpoint: busy after copying %d of %d pages", mode, copied, log)
	}
	return err
}

// boundWAL is called by the writer between commits: when the WAL has grown
// past the limit, it asks for a PASSIVE checkpoint and, once that has run
// or the WAL is an eighth over, waits for a RESTART checkpoint, so that the
// next commit starts the WAL over. A restart that readers held up is tried
// again once the WAL has grown by another quarter of the limit, so that a
// long read does not pause every commit.
func (s *Store) boundWAL() {
	fi, err := os.Stat(s.ck.wal)
	if err != nil || fi.Size() <= s.ck.next {
		return
	}
	if !s.ck.primed.Load() && fi.Size() <= s.ck.next+s.ck.limit/8 {
		select {
		case s.ck.nudge <- struct{}{}:
		default: // asked already
		}
		return
	}
	s.ck.primed.Store(false)
	reply := make(chan error, 1)
	s.ck.restart <- reply
	if err := <-reply; err != nil {
		s.ck.next = fi.Size() + s.ck.limit/4
		return
	}
	s.ck.next = s.ck.limit
}

// stopCheckpointer stops the checkpointer; the writer, closing last,
// checkpoints what is left.
func (s *Store) stopCheckpointer() {
	close(s.ck.stop)
	<-s.ck.done
	s.ck.db.Close()
}
