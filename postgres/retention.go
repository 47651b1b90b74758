package postgres

import (
	"context"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

// ListRetention returns the live accounts that have a retention policy on.
func (s *Store) ListRetention(ctx context.Context) ([]*belfry.AccountRetention, error) {
	rows, err := s.pool.Query(ctx, `SELECT rs.account_id, rs.room_days, rs.conversation_days, rs.initiate_deletion
		FROM retention_settings rs JOIN accounts a ON a.id = rs.account_id
		WHERE a.deleted_at IS NULL AND rs.initiate_deletion IS NOT NULL ORDER BY a.seq`)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.AccountRetention
	for rows.Next() {
		r := new(belfry.AccountRetention)
		st := &r.Settings
		if err := rows.Scan(&r.AccountID, &st.RoomDays, &st.ConversationDays, timeCol{&st.InitiateDeletion}); err != nil {
			return nil, internal(err)
		}
		list = append(list, r)
	}
	return list, internal(rows.Err())
}

// queueRetentionQuery adds an account's retention job, or queues the one
// it has again once it has ended; the unique index on retention jobs' ref
// (the account) makes sweeps that race, on any replica, queue it once.
const queueRetentionQuery = `INSERT INTO jobs (id, kind, account_id, ref, status, due, created)
	VALUES ($1, 'retention', $2, $2, 'Queued', $3, $3)
	ON CONFLICT (ref) WHERE kind = 'retention' DO UPDATE SET status = 'Queued', due = excluded.due,
		created = excluded.created, attempts = 0, last_error = '', lease_holder = '', lease_until = '-infinity',
		finished = NULL
	WHERE jobs.status <> 'Queued'`

// QueueRetention queues each account's retention job, in one round trip
// and one transaction.
func (s *Store) QueueRetention(ctx context.Context, jobs []*belfry.Job) (int, error) {
	var queued int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		queued = 0
		b := new(batch)
		for _, j := range jobs {
			b.queue(queueRetentionQuery, []any{j.ID, j.AccountID, ts(j.Due)}, func(r pgx.BatchResults) error {
				tag, err := r.Exec()
				queued += tag.RowsAffected()
				return internal(err)
			})
		}
		return b.send(ctx, tx)
	})
	return int(queued), err
}
