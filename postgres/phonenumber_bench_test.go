package postgres_test

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/internal/pgtest"
	"github.com/belfryhq/belfry/storetest"
)

// BenchmarkPhonePages measures pages of ListPhoneNumbers and
// SearchAvailablePhoneNumbers with 1,000 and 100,000 numbers in the pool:
// go test -run '^$' -bench PhonePages ./postgres with
// BELFRY_TEST_DATABASE_URL set.
func BenchmarkPhonePages(b *testing.B) {
	if dbURL == "" {
		b.Skip(pgtest.SkipMessage)
	}
	storetest.BenchPhonePages(b, func(b *testing.B) belfry.Store {
		s := open(b, pgtest.Schema(b, dbURL))
		b.Cleanup(func() { s.Close() })
		return s
	})
}
