package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

// PhoneBenchOwner is the AWS account that SeedPhoneNumbers gives numbers.
const PhoneBenchOwner = "100000000042"

// SeedPhoneNumbers fills store s's pool with n Seattle numbers and gives
// PhoneBenchOwner the first tenth of them, through orders as the service
// fills them, for the stores' page benchmarks. It returns the sequence
// numbers of the owner's numbers and of the free ones, each in import
// order.
func SeedPhoneNumbers(tb testing.TB, s belfry.Store, n int) (owned, free []int64) {
	tb.Helper()
	ctx := tb.Context()
	nums := make([]*belfry.PhoneNumber, 0, belfry.MaxPoolImport)
	flush := func() {
		if _, err := s.ImportPhoneNumbers(ctx, nums); err != nil {
			tb.Fatal(err)
		}
		nums = nums[:0]
	}
	for i := range n {
		p, err := belfry.PoolNumber(fmt.Sprintf("+1206%07d", i), "US", "Local", "Seattle", "WA")
		if err != nil {
			tb.Fatal(err)
		}
		if nums = append(nums, p); len(nums) == cap(nums) {
			flush()
		}
	}
	flush()
	now := time.Now()
	for start := 0; start < n/10; start += belfry.MaxPhoneNumberBatch {
		o := &belfry.PhoneNumberOrder{ID: fmt.Sprintf("order-%d", start), AwsAccountID: PhoneBenchOwner,
			ProductType: belfry.BusinessCalling, Status: belfry.OrderProcessing, Created: now, Updated: now}
		for i := start; i < min(start+belfry.MaxPhoneNumberBatch, n/10); i++ {
			o.Numbers = append(o.Numbers, belfry.OrderedNumber{E164: fmt.Sprintf("+1206%07d", i), Status: belfry.OrderedProcessing})
		}
		j := &belfry.Job{ID: "job-" + o.ID, Kind: belfry.KindPhoneOrder, Ref: o.ID, Status: belfry.JobQueued, Due: now, Created: now}
		if err := s.CreatePhoneNumberOrder(ctx, o, j); err != nil {
			tb.Fatal(err)
		}
		_, err := s.FillPhoneNumberOrder(ctx, o.ID, func(o *belfry.PhoneNumberOrder, pool []*belfry.PhoneNumber) []*belfry.PhoneNumber {
			return belfry.PlanFill(o, pool, now)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	for p := (belfry.Page{Limit: 10000}); ; {
		list, err := s.PoolNumbers(ctx, p)
		if err != nil {
			tb.Fatal(err)
		}
		if len(list) == 0 {
			return owned, free
		}
		for _, num := range list {
			if num.AwsAccountID == PhoneBenchOwner {
				owned = append(owned, num.Seq)
			} else {
				free = append(free, num.Seq)
			}
		}
		p.After = list[len(list)-1].Seq
	}
}

// BenchPhonePages measures, on a pool of each size, a first and a deep
// page of ListPhoneNumbers (99 numbers, the model's most) and of
// SearchAvailablePhoneNumbers (500). open returns a fresh store.
func BenchPhonePages(b *testing.B, open func(b *testing.B) belfry.Store) {
	for _, size := range []int{1000, 100000} {
		s := open(b)
		owned, free := SeedPhoneNumbers(b, s, size)
		search := belfry.NumberSearch{Country: "US", AreaCode: "206"}
		benchPages(b, s, size, owned, free, search)
	}
}

// benchPages runs the four page benchmarks on one seeded store.
func benchPages(b *testing.B, s belfry.Store, size int, owned, free []int64, search belfry.NumberSearch) {
	list := func(after int64) func() (int, error) {
		return func() (int, error) {
			l, err := s.ListPhoneNumbers(b.Context(), PhoneBenchOwner, belfry.NumberFilter{}, belfry.Page{After: after, Limit: 100})
			return len(l), err
		}
	}
	find := func(after int64) func() (int, error) {
		return func() (int, error) {
			l, err := s.SearchPhoneNumbers(b.Context(), search, belfry.Page{After: after, Limit: 501})
			return len(l), err
		}
	}
	for _, c := range []struct {
		name string
		want int
		page func() (int, error)
	}{
		{"ListPhoneNumbers/first", 100, list(0)},
		{"ListPhoneNumbers/last", 99, list(owned[len(owned)-100])},
		{"SearchAvailablePhoneNumbers/first", 501, find(0)},
		{"SearchAvailablePhoneNumbers/last", 500, find(free[len(free)-501])},
	} {
		b.Run(fmt.Sprintf("pool=%d/%s", size, c.name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if n, err := c.page(); err != nil || n != c.want {
					b.Fatalf("page of %d, %v; want %d", n, err, c.want)
				}
			}
		})
	}
}
