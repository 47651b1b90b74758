package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/belfryhq/belfry"
)

// JobStats reads the queued jobs through jobs_due and the failed ones
// through jobs_failed (migration 0014), both partial indexes, so that the
// done jobs, most of the table, are never read.
func (s *Store) JobStats(ctx context.Context) ([]belfry.JobStats, error) {
	rows, err := s.r.QueryContext(ctx, `
SELECT kind, sum(queued), sum(retrying), sum(failed), min(oldest) FROM (
	SELECT kind, count(*) AS queued, sum(attempts > 0) AS retrying, 0 AS failed, min(created) AS oldest
	FROM jobs WHERE status = 'Queued' GROUP BY kind
	UNION ALL
	SELECT kind, 0, 0, count(*), NULL FROM jobs WHERE status = 'Failed' GROUP BY kind
) GROUP BY kind ORDER BY kind`)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []belfry.JobStats
	for rows.Next() {
		var st belfry.JobStats
		var oldest sql.NullInt64
		if err := rows.Scan(&st.Kind, &st.Queued, &st.Retrying, &st.Failed, &oldest); err != nil {
			return nil, internal(err)
		}
		if oldest.Valid {
			st.OldestQueued = time.UnixMicro(oldest.Int64).UTC()
		}
		out = append(out, st)
	}
	return out, internal(rows.Err())
}
