package postgres

import (
	"context"
	"math"
	"strings"
	"time"
)

// takeTokens refills an access key's bucket for the time since it was last
// touched, by the database's clock, which every replica shares, and takes
// up to want whole tokens, all in one statement under the row's lock. A
// key's first request finds its bucket full.
var takeTokens = strings.ReplaceAll(`
INSERT INTO rate_buckets AS b (access_key_id, tokens, taken, updated)
VALUES ($1, $3::float8 - LEAST($4::int, $3::int), LEAST($4::int, $3::int), clock_timestamp())
ON CONFLICT (access_key_id) DO UPDATE SET
	taken = LEAST($4::int, floor(AVAIL))::int,
	tokens = AVAIL - LEAST($4::int, floor(AVAIL)),
	updated = clock_timestamp()
RETURNING taken, tokens`, "AVAIL",
	`LEAST($3::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.updated)::float8) * $2::float8)`)

// TakeTokens takes up to want tokens from keyID's bucket, which refills at
// perSecond up to burst and which every replica on this database shares
// (api.SharedThrottle). When it takes none, wait is how long until the
// bucket holds one.
func (s *Store) TakeTokens(ctx context.Context, keyID string, perSecond float64, burst, want int) (int, time.Duration, error) {
	var taken int
	var left float64
	if err := s.pool.QueryRow(ctx, takeTokens, keyID, perSecond, burst, want).Scan(&taken, &left); err != nil {
		return 0, 0, internal(err)
	}
	if taken > 0 {
		return taken, 0, nil
	}
	wait := time.Duration(math.Ceil((1 - left) / perSecond * float64(time.Second)))
	return 0, max(wait, time.Millisecond), nil
}
