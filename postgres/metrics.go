package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ObserveWrites has f hear, for each change, how long it took to commit,
// its reruns after a deadlock or a serialization failure included.
func (s *Store) ObserveWrites(f func(time.Duration)) { s.observer.Set(f) }

// PoolStat returns the figures of the connection pool.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }
