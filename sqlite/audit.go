package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/belfryhq/belfry"
)

const (
	auditColumns = `seq, time, aws_account_id, access_key_id, caller_arn, source_ip, request_id, operation,
	account_id, resources, summary`
	insertAuditQuery = `INSERT INTO audit_events (time, aws_account_id, access_key_id, caller_arn, source_ip,
		request_id, operation, account_id, resources, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// auditEventsQuery pages through the log in the order it was written,
	// which is also the order of time, since events are recorded as they
	// happen.
	auditEventsQuery = `SELECT ` + auditColumns + ` FROM audit_events
		WHERE seq > ?1 AND time >= ?2 AND (?3 = '' OR account_id = ?3) ORDER BY seq LIMIT ?4`
)

// recordAudit inserts, in tx, the audit event that ctx carries, unless there
// is none or it was recorded already, and returns it with its new sequence
// number, which write sets once the transaction commits.
func (s *Store) recordAudit(ctx context.Context, tx *sql.Tx) (*belfry.AuditEvent, int64, error) {
	ev := belfry.AuditFrom(ctx)
	if ev == nil || ev.Seq != 0 {
		return nil, 0, nil
	}
	resources := ""
	if len(ev.Resources) > 0 {
		b, err := json.Marshal(ev.Resources)
		if err != nil {
			return nil, 0, internal(err)
		}
		resources = string(b)
	}
	res, err := tx.StmtContext(ctx, s.st.insertAudit).ExecContext(ctx, ev.Time.UnixMicro(), ev.AwsAccountID,
		ev.AccessKeyID, ev.CallerARN, ev.SourceIP, ev.RequestID, ev.Operation, ev.AccountID, resources, ev.Summary)
	if err != nil {
		return nil, 0, internal(err)
	}
	seq, err := res.LastInsertId()
	return ev, seq, internal(err)
}

// AuditEvents returns the recorded events that match f, oldest first.
func (s *Store) AuditEvents(ctx context.Context, f belfry.AuditFilter) ([]*belfry.AuditEvent, error) {
	var since int64
	if !f.Since.IsZero() {
		since = f.Since.UnixMicro()
	}
	rows, err := s.r.QueryContext(ctx, auditEventsQuery, f.After, since, f.AccountID, limit(belfry.Page{Limit: f.Limit}))
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	list := make([]*belfry.AuditEvent, 0, capacity(belfry.Page{Limit: f.Limit}))
	for rows.Next() {
		ev, err := scanAudit(rows)
		if err != nil {
			return nil, internal(err)
		}
		list = append(list, ev)
	}
	return list, internal(rows.Err())
}

func scanAudit(row scanner) (*belfry.AuditEvent, error) {
	ev := new(belfry.AuditEvent)
	var resources string
	err := row.Scan(&ev.Seq, timeCol{&ev.Time}, &ev.AwsAccountID, &ev.AccessKeyID, &ev.CallerARN, &ev.SourceIP,
		&ev.RequestID, &ev.Operation, &ev.AccountID, &resources, &ev.Summary)
	if err != nil {
		return nil, err
	}
	if resources != "" {
		if err := json.Unmarshal([]byte(resources), &ev.Resources); err != nil {
			return nil, fmt.Errorf("audit event %d: resources: %w", ev.Seq, err)
		}
	}
	return ev, nil
}
