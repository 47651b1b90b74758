package postgres

import (
	"context"
	"time"

	"github.com/belfryhq/belfry"
)

// JobStats reads the queued jobs through jobs_due and the failed ones
// through jobs_failed (migration 0014), both partial indexes, so that the
// done jobs, most of the table, are never read.
func (s *Store) JobStats(ctx context.Context) ([]belfry.JobStats, error) {
	rows, err := s.pool.Query(ctx, `
SELECT kind, sum(queued)::int, sum(retrying)::int, sum(failed)::int, min(oldest) FROM (
	SELECT kind, count(*) AS queued, count(*) FILTER (WHERE attempts > 0) AS retrying, 0 AS failed,
		min(created) AS oldest
	FROM jobs WHERE status = 'Queued' GROUP BY kind
	UNION ALL
	SELECT kind, 0, 0, count(*), NULL FROM jobs WHERE status = 'Failed' GROUP BY kind
) k GROUP BY kind ORDER BY kind`)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []belfry.JobStats
	for rows.Next() {
		var st belfry.JobStats
		var oldest *time.Time
		if err := rows.Scan(&st.Kind, &st.Queued, &st.Retrying, &st.Failed, &oldest); err != nil {
			return nil, internal(err)
		}
		if oldest != nil {
			st.OldestQueued = oldest.UTC()
		}
		out = append(out, st)
	}
	return out, internal(rows.Err())
}
