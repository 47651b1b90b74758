package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/storetest"
	"github.com/jackc/pgx/v5"
)

// BenchmarkHistory mirrors sqlite's: a page of 50 messages, the latest and
// one from the middle, of a room of 1,000 and of 1,000,000 messages, which
// one INSERT ... SELECT over generate_series seeds.
func BenchmarkHistory(b *testing.B) {
	if dbURL == "" {
		b.Skip(pgtest.SkipMessage)
	}
	ctx := context.Background()
	for _, n := range []int{1_000, 1_000_000} {
		u := pgtest.Schema(b, dbURL)
		s := open(b, u)
		b.Cleanup(func() { s.Close() })
		room := seedHistory(b, s, u, n)
		latest, err := s.ListHistory(ctx, room.AccountID, belfry.Thread{RoomID: room.ID}, 0, 1)
		if err != nil || len(latest) != 1 {
			b.Fatalf("ListHistory() = %d messages, %v", len(latest), err)
		}
		for _, at := range []struct {
			name   string
			before int64
		}{{"latest", 0}, {"middle", latest[0].Seq / 2}} {
			b.Run(fmt.Sprintf("messages=%d/%s", n, at.name), func(b *testing.B) {
				for b.Loop() {
					page, err := s.ListHistory(ctx, room.AccountID, belfry.Thread{RoomID: room.ID}, at.before, 50)
					if err != nil || len(page) != 50 {
						b.Fatalf("ListHistory() = %d messages, %v; want 50", len(page), err)
					}
				}
			})
		}
	}
}

// seedHistory stores a room of a new account with one member, who has
// posted n messages, and returns the room.
func seedHistory(b *testing.B, s belfry.Store, u string, n int) *belfry.Room {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	a, r, user := storetest.SeedRoom(b, s)
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO messages (id, account_id, room_id, sender_id, sender_type, sender_name,
		sender_email, content, created)
		SELECT format('00000000-0000-4000-8000-%s', lpad(i::text, 12, '0')), $2, $3, $4, 'User', 'Ana', 'ana@example.com',
			'message number ' || i || ' with some **markdown** in it', $5::timestamptz + i * interval '1 millisecond'
		FROM generate_series(1, $1::int) AS i`, n, a.ID, r.ID, user.ID, now)
	if err == nil {
		_, err = conn.Exec(ctx, `ANALYZE messages`)
	}
	if err != nil {
		b.Fatal(err)
	}
	return r
}
