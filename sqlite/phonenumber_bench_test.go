package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/storetest"
)

// BenchmarkPhonePages measures pages of ListPhoneNumbers and
// SearchAvailablePhoneNumbers with 1,000 and 100,000 numbers in the pool:
// go test -run '^$' -bench PhonePages ./sqlite
func BenchmarkPhonePages(b *testing.B) {
	storetest.BenchPhonePages(b, func(b *testing.B) belfry.Store {
		s := open(b, filepath.Join(b.TempDir(), "belfry.db"))
		b.Cleanup(func() { s.Close() })
		return s
	})
}
