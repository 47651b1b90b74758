package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

const pgSchema = `
CREATE TABLE users (id bigserial PRIMARY KEY, account text NOT NULL, email text NOT NULL, name text NOT NULL,
	created timestamptz NOT NULL);
CREATE UNIQUE INDEX users_email ON users (account, email);
CREATE INDEX users_created ON users (account, created);
CREATE TABLE jobs (seq bigserial PRIMARY KEY, kind text NOT NULL, payload jsonb NOT NULL,
	status text NOT NULL DEFAULT 'Queued', attempts int NOT NULL DEFAULT 0, due timestamptz NOT NULL,
	lease_holder text NOT NULL DEFAULT '', lease_until timestamptz NOT NULL DEFAULT '-infinity',
	last_error text NOT NULL DEFAULT '', created timestamptz NOT NULL, done timestamptz);
CREATE INDEX jobs_due ON jobs (due, seq) WHERE status = 'Queued';`

const (
	pgInsertUser = `INSERT INTO users (account, email, name, created) VALUES ('acct', $1, $2, $3)`
	pgInsertJob  = `INSERT INTO jobs (kind, payload, due, created) VALUES ('mail', $1, $2, $2) RETURNING seq`
	// pgClaim is Belfry's claim: FOR UPDATE SKIP LOCKED lets the workers
	// of several replicas claim at once without taking the same rows.
	pgClaim = `UPDATE jobs SET lease_holder = $1, lease_until = $3, attempts = attempts + 1
		WHERE seq IN (SELECT seq FROM jobs WHERE status = 'Queued' AND due <= $2 AND lease_until <= $2
			ORDER BY due, seq LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING seq`
	pgComplete = `UPDATE jobs SET status = 'Done', done = $3, lease_holder = '', lease_until = '-infinity'
		WHERE seq = ANY($1) AND lease_holder = $2`
	pgBacklog = `INSERT INTO jobs (kind, payload, due, created)
		SELECT 'mail', jsonb_build_object('user', g, 'to', 'user' || g || '@example.com'), now(), now()
		FROM generate_series(1, $1) g`
)

// pgDatabases numbers the databases this process creates.
var pgDatabases atomic.Int64

// pgDB is a database made for one measurement and dropped after it.
type pgDB struct {
	admin *pgxpool.Pool
	name  string
	url   string
}

func createPG(ctx context.Context, base string) (*pgDB, error) {
	admin, err := pgxpool.New(ctx, base)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("queueweigh_%d_%d", os.Getpid(), pgDatabases.Add(1))
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(base)
	if err != nil {
		admin.Close()
		return nil, err
	}
	cfg.ConnConfig.Database = name
	d := &pgDB{admin: admin, name: name}
	d.url = fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.ConnConfig.User, cfg.ConnConfig.Host,
		cfg.ConnConfig.Port, name)
	return d, nil
}

func (d *pgDB) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := d.admin.Exec(ctx, `DROP DATABASE IF EXISTS `+d.name+` WITH (FORCE)`); err != nil {
		fmt.Fprintf(os.Stderr, "queueweigh: drop %s: %v\n", d.name, err)
	}
	d.admin.Close()
}

// migrate makes the business table, the outbox and River's tables.
func (d *pgDB) migrate(ctx context.Context) error {
	pool, err := pgxpool.New(ctx, d.url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, pgSchema); err != nil {
		return err
	}
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// pgStore is one replica: its own pool (pgx's default size, as Belfry's)
// and its own River client.
type pgStore struct {
	pool *pgxpool.Pool
	rc   *river.Client[pgx.Tx]
}

func openPG(ctx context.Context, d *pgDB, v variant, t *tracker, logs *logCounter, id string) (*pgStore, error) {
	pool, err := pgxpool.New(ctx, d.url)
	if err != nil {
		return nil, err
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), riverConfig(t, logs, id, v))
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &pgStore{pool: pool, rc: rc}, nil
}

func (s *pgStore) close()             { s.pool.Close() }
func (s *pgStore) river() riverClient { return s.rc }

func (s *pgStore) enqueue(ctx context.Context, k jobKind, n int64) (int64, time.Time, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	now := time.Now()
	m := newMail(n)
	if _, err := tx.Exec(ctx, pgInsertUser, m.To, "User", now); err != nil {
		return 0, time.Time{}, err
	}
	var id int64
	switch k {
	case outbox:
		err = tx.QueryRow(ctx, pgInsertJob, m, now).Scan(&id)
	case riverq:
		var res *rivertype.JobInsertResult
		res, err = s.rc.InsertTx(ctx, tx, m, nil)
		if err == nil {
			id = res.Job.ID
		}
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	err = tx.Commit(ctx)
	return id, time.Now(), err
}

// backlog enqueues n jobs in one statement (the outbox) or in batches of a
// thousand through River's InsertMany.
func (s *pgStore) backlog(ctx context.Context, k jobKind, n int) error {
	if k == outbox {
		_, err := s.pool.Exec(ctx, pgBacklog, n)
		return err
	}
	for done := 0; done < n; {
		size := min(1000, n-done)
		params := make([]river.InsertManyParams, size)
		for i := range params {
			params[i].Args = newMail(int64(done + i))
		}
		if _, err := s.rc.InsertMany(ctx, params); err != nil {
			return err
		}
		done += size
	}
	return nil
}

func (s *pgStore) claim(ctx context.Context, holder string, now time.Time, lease time.Duration, n int) ([]int64, error) {
	rows, err := s.pool.Query(ctx, pgClaim, holder, now, now.Add(lease), n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func (s *pgStore) complete(ctx context.Context, holder string, ids ...int64) error {
	_, err := s.pool.Exec(ctx, pgComplete, ids, holder, time.Now())
	return err
}

func (s *pgStore) unfinished(ctx context.Context, k jobKind) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, unfinishedQuery(k)).Scan(&n)
	return n, err
}
