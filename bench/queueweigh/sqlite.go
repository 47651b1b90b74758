package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite"
)

// sqliteSchema is the business table and the generalised outbox.
const sqliteSchema = `
CREATE TABLE users (id INTEGER PRIMARY KEY, account TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
	created INTEGER NOT NULL);
CREATE UNIQUE INDEX users_email ON users (account, email);
CREATE INDEX users_created ON users (account, created);
CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'Queued', attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL,
	lease_holder TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, done INTEGER);
CREATE INDEX jobs_due ON jobs (due, seq) WHERE status = 'Queued';`

const (
	sqliteInsertUser = `INSERT INTO users (account, email, name, created) VALUES ('acct', ?, ?, ?)`
	sqliteInsertJob  = `INSERT INTO jobs (kind, payload, due, created) VALUES ('mail', ?, ?, ?)`
	sqliteClaim      = `UPDATE jobs SET lease_holder = ?1, lease_until = ?3, attempts = attempts + 1
		WHERE seq IN (SELECT seq FROM jobs WHERE status = 'Queued' AND due <= ?2 AND lease_until <= ?2
			ORDER BY due, seq LIMIT ?4) RETURNING seq`
	sqliteComplete = `UPDATE jobs SET status = 'Done', done = ?3, lease_holder = '', lease_until = 0
		WHERE seq IN (SELECT value FROM json_each(?1)) AND lease_holder = ?2`
)

// sqliteDSN opens path with Belfry's writer pragmas (sqlite/sqlite.go),
// except that SQLite checkpoints by itself: there is no checkpointer here.
func sqliteDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(5000)&_txlock=immediate" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)"
}

// sqliteStore is one SQLite file written through one connection and a
// grouper. River works through rdb: the writer itself when shared, or a
// pool of its own on the same file.
type sqliteStore struct {
	w   *sql.DB
	r   *sql.DB // a query-only connection, as Belfry reads beside its writer
	rdb *sql.DB
	g   *grouper
	rc  *river.Client[*sql.Tx]
}

func openSQLite(ctx context.Context, dir string, v variant, t *tracker, logs *logCounter) (*sqliteStore, error) {
	path := filepath.Join(dir, "belfry.db")
	w, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	s := &sqliteStore{w: w, rdb: w}
	if _, err := w.ExecContext(ctx, sqliteSchema); err != nil {
		w.Close()
		return nil, err
	}
	s.r, err = sql.Open("sqlite", sqliteDSN(path)+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := s.openRiver(ctx, path, v, t, logs); err != nil {
		s.closeDBs()
		return nil, err
	}
	s.g = newGrouper(w)
	return s, nil
}

// openRiver makes River's tables and its client, working through Belfry's
// writer or, for v.ownPool, through a pool of its own.
func (s *sqliteStore) openRiver(ctx context.Context, path string, v variant, t *tracker, logs *logCounter) error {
	if v.ownPool {
		dsn := strings.Replace(sqliteDSN(path), "busy_timeout(5000)", fmt.Sprintf("busy_timeout(%d)", *riverBusy), 1)
		var err error
		if s.rdb, err = sql.Open("sqlite", dsn); err != nil {
			return err
		}
		// One connection, as riversqlite's documentation advises against
		// SQLITE_BUSY between River's own goroutines.
		s.rdb.SetMaxOpenConns(*riverConns)
	}
	driver := riversqlite.New(s.rdb)
	m, err := rivermigrate.New(driver, nil)
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err == nil {
		s.rc, err = river.NewClient(driver, riverConfig(t, logs, "sqlite", v))
	}
	return err
}

func (s *sqliteStore) closeDBs() {
	if s.rdb != nil && s.rdb != s.w {
		s.rdb.Close()
	}
	s.r.Close()
	s.w.Close()
}

func (s *sqliteStore) close() {
	s.g.close()
	s.closeDBs()
}

func (s *sqliteStore) river() riverClient { return s.rc }

func (s *sqliteStore) enqueue(ctx context.Context, k jobKind, n int64) (int64, time.Time, error) {
	var id int64
	at, err := s.g.do(ctx, func(tx *sql.Tx) error {
		id = 0
		now := time.Now()
		m := newMail(n)
		if _, err := tx.ExecContext(ctx, sqliteInsertUser, m.To, "User", now.UnixMicro()); err != nil {
			return err
		}
		var err error
		id, err = s.addJob(ctx, tx, k, m, now)
		return err
	})
	return id, at, err
}

// addJob enqueues m in tx as a job of kind k, and returns the job's ID.
func (s *sqliteStore) addJob(ctx context.Context, tx *sql.Tx, k jobKind, m mailArgs, now time.Time) (int64, error) {
	switch k {
	case outbox:
		payload, _ := json.Marshal(m)
		res, err := tx.ExecContext(ctx, sqliteInsertJob, string(payload), now.UnixMicro(), now.UnixMicro())
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	case riverq:
		res, err := s.rc.InsertTx(ctx, tx, m, nil)
		if err != nil {
			return 0, err
		}
		return res.Job.ID, nil
	}
	return 0, nil
}

// backlog enqueues n jobs, a thousand a transaction.
func (s *sqliteStore) backlog(ctx context.Context, k jobKind, n int) error {
	for done := 0; done < n; {
		size := min(1000, n-done)
		_, err := s.g.do(ctx, func(tx *sql.Tx) error {
			now := time.Now()
			for i := range size {
				if _, err := s.addJob(ctx, tx, k, newMail(int64(done+i)), now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += size
	}
	return nil
}

func (s *sqliteStore) claim(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]int64, error) {
	var ids []int64
	_, err := s.g.do(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, sqliteClaim, holder, now.UnixMicro(), now.Add(lease).UnixMicro(), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

func (s *sqliteStore) complete(ctx context.Context, holder string, ids ...int64) error {
	list, _ := json.Marshal(ids)
	_, err := s.g.do(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, sqliteComplete, string(list), holder, time.Now().UnixMicro())
		return err
	})
	return err
}

func (s *sqliteStore) unfinished(ctx context.Context, k jobKind) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, unfinishedQuery(k)).Scan(&n)
	return n, err
}
