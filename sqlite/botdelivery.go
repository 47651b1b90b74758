package sqlite

import (
	"context"
	"database/sql"
	"math"
	"time"

	"github.com/belfryhq/belfry"
)

const (
	insertBotDeliveryQuery = `INSERT INTO bot_deliveries (event_id, account_id, bot_id, room_id, event_type,
		attempt, at, status, error, duration_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// pruneBotDeliveriesQuery deletes up to :n attempts made before
	// :cutoff, the oldest first.
	pruneBotDeliveriesQuery = `DELETE FROM bot_deliveries WHERE seq IN (SELECT seq FROM bot_deliveries
		WHERE at < :cutoff ORDER BY at LIMIT :n)`
)

// writeOutbox writes, in tx, the jobs that the change ctx carries calls
// for (belfry.OutboxJobs), once the change has been made.
func (s *Store) writeOutbox(ctx context.Context, tx *sql.Tx) error {
	jobs := belfry.OutboxJobs(ctx)
	if len(jobs) == 0 {
		return nil
	}
	ins := tx.StmtContext(ctx, s.st.insertJob)
	for _, j := range jobs {
		if err := insertJob(ctx, ins, j); err != nil {
			return err
		}
	}
	return nil
}

// insertBotDelivery writes d, an attempt at a bot event, to the delivery
// log in tx; nothing when d is nil.
func insertBotDelivery(ctx context.Context, tx *sql.Tx, d *belfry.BotDelivery) error {
	if d == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, insertBotDeliveryQuery, d.EventID, d.AccountID, d.BotID, d.RoomID, string(d.Type),
		d.Attempt, micros(d.At), d.Status, d.Error, d.Duration.Microseconds())
	return internal(err)
}

// BotDeliveries returns a page of the attempts at a bot's events.
func (s *Store) BotDeliveries(ctx context.Context, accountID, botID string, p belfry.Page) ([]*belfry.BotDelivery, error) {
	return s.botDeliveries(ctx, `SELECT seq, event_id, account_id, bot_id, room_id, event_type, attempt, at,
		status, error, duration_us FROM bot_deliveries WHERE account_id = ? AND bot_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, accountID, botID, p.After, limit(p))
}

// RecentBotDeliveries returns up to n of the attempts at a bot's events
// logged before seq before (any when before is 0), the newest first.
func (s *Store) RecentBotDeliveries(ctx context.Context, accountID, botID string, before int64, n int) ([]*belfry.BotDelivery, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	return s.botDeliveries(ctx, `SELECT seq, event_id, account_id, bot_id, room_id, event_type, attempt, at,
		status, error, duration_us FROM bot_deliveries WHERE account_id = ? AND bot_id = ? AND seq < ?
		ORDER BY seq DESC LIMIT ?`, accountID, botID, before, limit(belfry.Page{Limit: n}))
}

// botDeliveries runs query, which selects attempts at bot events, with args.
func (s *Store) botDeliveries(ctx context.Context, query string, args ...any) ([]*belfry.BotDelivery, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.BotDelivery
	for rows.Next() {
		d := new(belfry.BotDelivery)
		var typ string
		var us int64
		if err := rows.Scan(&d.Seq, &d.EventID, &d.AccountID, &d.BotID, &d.RoomID, &typ, &d.Attempt, timeCol{&d.At},
			&d.Status, &d.Error, &us); err != nil {
			return nil, internal(err)
		}
		d.Type, d.Duration = belfry.BotEventType(typ), time.Duration(us)*time.Microsecond
		list = append(list, d)
	}
	return list, internal(rows.Err())
}
