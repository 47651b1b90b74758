package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	auditColumns = `seq, "time", aws_account_id, access_key_id, caller_arn, source_ip, request_id, operation,
	account_id, resources, summary`
	insertAuditQuery = `INSERT INTO audit_events ("time", aws_account_id, access_key_id, caller_arn, source_ip,
		request_id, operation, account_id, resources, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING seq`
)

// record queues in b the insert of ev, unless ev is nil, so that the
// change of b's transaction is never without its record; reading b sets
// seq to the event's sequence number.
func record(b *batch, ev *belfry.AuditEvent, seq *int64) {
	if ev == nil {
		return
	}
	// The time is never NULL, even when unset, as in the SQLite store.
	args := []any{ev.Time.Truncate(time.Microsecond), ev.AwsAccountID, ev.AccessKeyID, ev.CallerARN, ev.SourceIP, ev.RequestID,
		ev.Operation, ev.AccountID, list(ev.Resources), ev.Summary}
	b.queue(insertAuditQuery, args, func(r pgx.BatchResults) error {
		return internal(r.QueryRow().Scan(seq))
	})
}

// AuditEvents returns the recorded events that match f, oldest first. The
// log is paged in the order it was written, which is the order of time
// too, since events are recorded as they happen.
func (s *Store) AuditEvents(ctx context.Context, f belfry.AuditFilter) ([]*belfry.AuditEvent, error) {
	q := `SELECT ` + auditColumns + ` FROM audit_events WHERE seq > $1`
	args := []any{f.After, limit(belfry.Page{Limit: f.Limit})}
	if !f.Since.IsZero() {
		args = append(args, ts(f.Since))
		q += ` AND "time" >= $` + strconv.Itoa(len(args))
	}
	if f.AccountID != "" {
		args = append(args, f.AccountID)
		q += ` AND account_id = $` + strconv.Itoa(len(args))
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY seq LIMIT $2`, args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	events := make([]*belfry.AuditEvent, 0, capacity(belfry.Page{Limit: f.Limit}))
	for rows.Next() {
		ev := new(belfry.AuditEvent)
		err := rows.Scan(&ev.Seq, timeCol{&ev.Time}, &ev.AwsAccountID, &ev.AccessKeyID, &ev.CallerARN,
			&ev.SourceIP, &ev.RequestID, &ev.Operation, &ev.AccountID, &ev.Resources, &ev.Summary)
		if err != nil {
			return nil, internal(err)
		}
		if len(ev.Resources) == 0 {
			ev.Resources = nil // as the SQLite store answers
		}
		events = append(events, ev)
	}
	return events, internal(rows.Err())
}
