package sqlite

import (
	"database/sql"
	"time"
)

// ObserveWrites has f hear, for each write, how long it took from its
// call to its commit: its wait for the writer and its group's commit.
func (s *Store) ObserveWrites(f func(time.Duration)) { s.observer.Set(f) }

// PoolStats returns the figures of the writer's connection and of the
// readers' pool.
func (s *Store) PoolStats() (writer, readers sql.DBStats) { return s.w.Stats(), s.r.Stats() }
