package postgres

import (
	"context"
	"math"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/jackc/pgx/v5"
)

const (
	botDeliveryColumns     = `event_id, account_id, bot_id, room_id, event_type, attempt, at, status, error, duration_us`
	insertBotDeliveryQuery = `INSERT INTO bot_deliveries (` + botDeliveryColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	// insertBotDeliveryAfter logs an attempt, its values from $4 on, once
	// for each row of r: after a statement that queued the retry.
	insertBotDeliveryAfter = `INSERT INTO bot_deliveries (` + botDeliveryColumns + `)
		SELECT $4::text, $5::text, $6::text, $7::text, $8::text, $9::int, $10::timestamptz, $11::int, $12::text,
			$13::bigint FROM r`
)

func botDeliveryArgs(d *belfry.BotDelivery) []any {
	return []any{d.EventID, d.AccountID, d.BotID, d.RoomID, string(d.Type), d.Attempt, ts(d.At), d.Status, d.Error,
		d.Duration.Microseconds()}
}

// queueOutbox adds to b the inserts of the jobs that the change ctx
// carries calls for (belfry.OutboxJobs), once the change's statements have
// been decided, so that they commit or roll back with it.
func queueOutbox(ctx context.Context, b *batch) {
	for _, j := range belfry.OutboxJobs(ctx) {
		b.queue(insertJobQuery, jobArgs(j), func(r pgx.BatchResults) error {
			if err := r.QueryRow().Scan(&j.Seq); err != nil {
				return jobError(err, j)
			}
			return nil
		})
	}
}

// BotDeliveries returns a page of the attempts at a bot's events.
func (s *Store) BotDeliveries(ctx context.Context, accountID, botID string, p belfry.Page) ([]*belfry.BotDelivery, error) {
	return s.botDeliveries(ctx, `SELECT seq, `+botDeliveryColumns+` FROM bot_deliveries
		WHERE account_id = $1 AND bot_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`, accountID, botID, p.After, limit(p))
}

// RecentBotDeliveries returns up to n of the attempts at a bot's events
// logged before seq before (any when before is 0), the newest first.
func (s *Store) RecentBotDeliveries(ctx context.Context, accountID, botID string, before int64, n int) ([]*belfry.BotDelivery, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	return s.botDeliveries(ctx, `SELECT seq, `+botDeliveryColumns+` FROM bot_deliveries
		WHERE account_id = $1 AND bot_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`,
		accountID, botID, before, limit(belfry.Page{Limit: n}))
}

// botDeliveries runs query, which selects attempts at bot events, with args.
func (s *Store) botDeliveries(ctx context.Context, query string, args ...any) ([]*belfry.BotDelivery, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var list []*belfry.BotDelivery
	for rows.Next() {
		d := new(belfry.BotDelivery)
		var typ string
		var us int64
		if err := rows.Scan(&d.Seq, &d.EventID, &d.AccountID, &d.BotID, &d.RoomID, &typ, &d.Attempt, &d.At,
			&d.Status, &d.Error, &us); err != nil {
			return nil, internal(err)
		}
		d.Type, d.Duration, d.At = belfry.BotEventType(typ), time.Duration(us)*time.Microsecond, d.At.UTC()
		list = append(list, d)
	}
	return list, internal(rows.Err())
}
