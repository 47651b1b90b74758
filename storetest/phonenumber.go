package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var phoneNumberTests = []test{
	{"ImportTwice", testPoolImportTwice},
	{"Search", testPoolSearch},
	{"Kinds", testPoolKinds},
	{"FillOrder", testFillOrder},
	{"FillOrderOnce", testFillOrderOnce},
	{"Inventory", testInventory},
	{"ChangeNumbers", testChangeNumbers},
	{"UserNumber", testUserNumber},
	{"ReturnDeleted", testReturnDeleted},
	{"PurgeFreesNumbers", testPurgeFreesNumbers},
}

// poolNumber returns a pool number, checked as the service checks it.
func poolNumber(t *testing.T, e164, country, typ, city, state string) *belfry.PhoneNumber {
	t.Helper()
	n, err := belfry.PoolNumber(e164, country, typ, city, state)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seedPool imports n Local numbers of Seattle, WA (+1206555xxxx), two of
// Portland, OR, a toll-free one and a German one.
func seedPool(t *testing.T, s belfry.Store, n int) []*belfry.PhoneNumber {
	t.Helper()
	var nums []*belfry.PhoneNumber
	for i := range n {
		nums = append(nums, poolNumber(t, fmt.Sprintf("+120655%05d", i), "US", "Local", "Seattle", "WA"))
	}
	nums = append(nums,
		poolNumber(t, "+15035550100", "US", "Local", "Portland", "OR"),
		poolNumber(t, "+15035550101", "US", "Local", "Portland", "OR"),
		poolNumber(t, "+18005550100", "US", "TollFree", "", ""),
		poolNumber(t, "+4930555010", "DE", "Local", "Berlin", ""))
	added, err := s.ImportPhoneNumbers(t.Context(), nums)
	if err != nil || added != len(nums) {
		t.Fatalf("ImportPhoneNumbers() = %d, %v; want %d added", added, err, len(nums))
	}
	return nums
}

func e164sOf(list []*belfry.PhoneNumber) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = n.E164
	}
	return out
}

func testPoolImportTwice(t *testing.T, s belfry.Store) {
	nums := seedPool(t, s, 3)
	again := append(nums, poolNumber(t, "+12065559999", "US", "Local", "Seattle", "WA"))
	added, err := s.ImportPhoneNumbers(t.Context(), again)
	if err != nil || added != 1 {
		t.Fatalf("ImportPhoneNumbers(again) = %d, %v; want only the new number added", added, err)
	}
	pool, err := s.PoolNumbers(t.Context(), belfry.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pool) != len(again) || pool[0].Status != belfry.NumberAvailable || pool[0].AreaCode != "206" {
		t.Errorf("PoolNumbers() = %d numbers, first %+v; want %d, Available, area code 206", len(pool), pool[0], len(again))
	}
}

func testPoolSearch(t *testing.T, s belfry.Store) {
	seedPool(t, s, 5)
	for _, c := range []struct {
		f    belfry.NumberSearch
		want int
	}{
		{belfry.NumberSearch{Country: "US", AreaCode: "206"}, 5},
		{belfry.NumberSearch{Country: "US", State: "OR", City: "Portland"}, 2},
		{belfry.NumberSearch{Country: "US", State: "OR", City: "Seattle"}, 0},
		{belfry.NumberSearch{Country: "US", AreaCode: "800", Type: belfry.TollFree}, 1},
		{belfry.NumberSearch{Country: "DE", Type: belfry.Local}, 1},
		{belfry.NumberSearch{Country: "DE", Type: belfry.TollFree}, 0},
	} {
		got, err := s.SearchPhoneNumbers(t.Context(), c.f, belfry.Page{})
		if err != nil || len(got) != c.want {
			t.Errorf("SearchPhoneNumbers(%+v) = %v, %v; want %d numbers", c.f, e164sOf(got), err, c.want)
		}
	}
	f := belfry.NumberSearch{Country: "US", AreaCode: "206"}
	first, err := s.SearchPhoneNumbers(t.Context(), f, belfry.Page{Limit: 3})
	if err != nil || len(first) != 3 {
		t.Fatalf("first page = %v, %v", e164sOf(first), err)
	}
	rest, err := s.SearchPhoneNumbers(t.Context(), f, belfry.Page{After: first[2].Seq, Limit: 3})
	if diff := cmp.Diff(e164sOf(rest), []string{"+12065500003", "+12065500004"}); err != nil || diff != "" {
		t.Errorf("second page: %v, mismatch (-got +want):\n%s", err, diff)
	}
}

func testPoolKinds(t *testing.T, s belfry.Store) {
	seedPool(t, s, 1)
	got, err := s.AvailableNumberKinds(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := map[belfry.NumberKind]bool{{Country: "US", Type: belfry.Local}: true, {Country: "US", Type: belfry.TollFree}: true,
		{Country: "DE", Type: belfry.Local}: true}
	gotSet := map[belfry.NumberKind]bool{}
	for _, k := range got {
		gotSet[k] = true
	}
	if diff := cmp.Diff(gotSet, want); diff != "" || len(got) != len(want) {
		t.Errorf("AvailableNumberKinds() = %v; mismatch (-got +want):\n%s", got, diff)
	}
}

// mkOrder stores an order of AWS account aws for numbers, Processing.
func mkOrder(t *testing.T, s belfry.Store, aws string, product belfry.ProductType, numbers ...string) *belfry.PhoneNumberOrder {
	t.Helper()
	o := &belfry.PhoneNumberOrder{ID: newID(), AwsAccountID: aws, ProductType: product, Status: belfry.OrderProcessing,
		Created: at(10), Updated: at(10)}
	for _, e := range numbers {
		o.Numbers = append(o.Numbers, belfry.OrderedNumber{E164: e, Status: belfry.OrderedProcessing})
	}
	j := &belfry.Job{ID: newID(), Kind: belfry.KindPhoneOrder, Ref: o.ID, Status: belfry.JobQueued, Due: at(12), Created: at(10)}
	if err := s.CreatePhoneNumberOrder(t.Context(), o, j); err != nil {
		t.Fatalf("CreatePhoneNumberOrder() = %v", err)
	}
	return o
}

// fill fills order id as the service does, at time n.
func fill(t *testing.T, s belfry.Store, id string, n int) *belfry.PhoneNumberOrder {
	t.Helper()
	o, err := s.FillPhoneNumberOrder(t.Context(), id, func(o *belfry.PhoneNumberOrder, pool []*belfry.PhoneNumber) []*belfry.PhoneNumber {
		return belfry.PlanFill(o, pool, at(n))
	})
	if err != nil {
		t.Fatalf("FillPhoneNumberOrder() = %v", err)
	}
	return o
}

func testFillOrder(t *testing.T, s belfry.Store) {
	seedPool(t, s, 2)
	o := mkOrder(t, s, awsAccount(1), belfry.BusinessCalling, "+12065500000", "+19995550100")
	jobs, err := s.ClaimJobs(t.Context(), belfry.KindPhoneOrder, "w", at(12), 60_000_000_000, 5)
	if err != nil || len(jobs) != 1 || jobs[0].Ref != o.ID {
		t.Fatalf("ClaimJobs() = %v, %v; want the order's job", jobs, err)
	}
	got := fill(t, s, o.ID, 20)
	want := []belfry.OrderedNumber{{E164: "+12065500000", Status: belfry.OrderedAcquired}, {E164: "+19995550100", Status: belfry.OrderedFailed}}
	if diff := cmp.Diff(got.Numbers, want); diff != "" || got.Status != belfry.OrderPartial {
		t.Errorf("filled order %s, mismatch (-got +want):\n%s", got.Status, diff)
	}
	read, err := s.PhoneNumberOrder(t.Context(), awsAccount(1), o.ID)
	if err != nil || read.Status != belfry.OrderPartial || !read.Updated.Equal(at(20)) {
		t.Errorf("PhoneNumberOrder() = %+v, %v; want it Partial, updated at 20", read, err)
	}
	if _, err := s.PhoneNumberOrder(t.Context(), awsAccount(2), o.ID); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("another AWS account's PhoneNumberOrder() = %v; want NotFound", err)
	}
	n, err := s.PhoneNumber(t.Context(), awsAccount(1), "+12065500000")
	if err != nil || n.Status != belfry.NumberUnassigned || n.ProductType != belfry.BusinessCalling || !n.Created.Equal(at(20)) {
		t.Errorf("PhoneNumber() = %+v, %v; want it Unassigned BusinessCalling, created at 20", n, err)
	}
	taken := mkOrder(t, s, awsAccount(2), belfry.BusinessCalling, "+12065500000")
	if got := fill(t, s, taken.ID, 30); got.Status != belfry.OrderFailed || got.Numbers[0].Status != belfry.OrderedFailed {
		t.Errorf("order of a taken number = %+v; want it Failed", got)
	}
	orders, err := s.ListPhoneNumberOrders(t.Context(), awsAccount(1), belfry.Page{})
	if err != nil || len(orders) != 1 || orders[0].ID != o.ID {
		t.Errorf("ListPhoneNumberOrders() = %v, %v; want the one order of the account", orders, err)
	}
}

func testFillOrderOnce(t *testing.T, s belfry.Store) {
	seedPool(t, s, 1)
	o := mkOrder(t, s, awsAccount(1), belfry.VoiceConnector, "+12065500000")
	fill(t, s, o.ID, 20)
	again := fill(t, s, o.ID, 40)
	if again.Status != belfry.OrderSuccessful || !again.Updated.Equal(at(20)) {
		t.Errorf("order filled again = %+v; want it as the first fill left it", again)
	}
}

// acquire gives AWS account aws the first count Seattle numbers.
func acquire(t *testing.T, s belfry.Store, aws string, count int) []string {
	t.Helper()
	var list []string
	for i := range count {
		list = append(list, fmt.Sprintf("+120655%05d", i))
	}
	fill(t, s, mkOrder(t, s, aws, belfry.BusinessCalling, list...).ID, 20)
	return list
}

func testInventory(t *testing.T, s belfry.Store) {
	seedPool(t, s, 5)
	list := acquire(t, s, awsAccount(1), 4)
	got, err := s.ListPhoneNumbers(t.Context(), awsAccount(1), belfry.NumberFilter{}, belfry.Page{Limit: 3})
	if diff := cmp.Diff(e164sOf(got), list[:3]); err != nil || diff != "" {
		t.Fatalf("ListPhoneNumbers() = %v, mismatch (-got +want):\n%s", err, diff)
	}
	rest, err := s.ListPhoneNumbers(t.Context(), awsAccount(1), belfry.NumberFilter{}, belfry.Page{After: got[2].Seq})
	if diff := cmp.Diff(e164sOf(rest), list[3:]); err != nil || diff != "" {
		t.Errorf("second page = %v, mismatch (-got +want):\n%s", err, diff)
	}
	for _, f := range []belfry.NumberFilter{{Status: belfry.NumberAssigned}, {ProductType: belfry.VoiceConnector}, {UserID: "u"}} {
		if got, err := s.ListPhoneNumbers(t.Context(), awsAccount(1), f, belfry.Page{}); err != nil || len(got) != 0 {
			t.Errorf("ListPhoneNumbers(%+v) = %v, %v; want none", f, e164sOf(got), err)
		}
	}
	if got, err := s.ListPhoneNumbers(t.Context(), awsAccount(2), belfry.NumberFilter{}, belfry.Page{}); err != nil || len(got) != 0 {
		t.Errorf("another AWS account's ListPhoneNumbers() = %v, %v; want none", e164sOf(got), err)
	}
	if _, err := s.PhoneNumber(t.Context(), awsAccount(1), "+12065500004"); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("PhoneNumber(a pool number) = %v; want NotFound", err)
	}
}

func testChangeNumbers(t *testing.T, s belfry.Store) {
	seedPool(t, s, 2)
	list := acquire(t, s, awsAccount(1), 2)
	errs, err := s.ChangePhoneNumbers(t.Context(), awsAccount(1), []string{list[0], "+12065500001", "+12065509999"},
		func(i int, n *belfry.PhoneNumber) error {
			switch {
			case n == nil:
				return belfry.Errorf(belfry.NotFound, "none")
			case i == 1:
				n.CallingName = "lost"
				return belfry.Errorf(belfry.BadRequest, "refused")
			}
			return belfry.PlanNumberDelete(n, n.E164, at(50))
		})
	if err != nil || errs[0] != nil || belfry.ErrorKind(errs[1]) != belfry.BadRequest || belfry.ErrorKind(errs[2]) != belfry.NotFound {
		t.Fatalf("ChangePhoneNumbers() = %v, %v; want nil, BadRequest, NotFound", errs, err)
	}
	n, _ := s.PhoneNumber(t.Context(), awsAccount(1), list[0])
	if n.Status != belfry.NumberDeleting || !n.Deleted.Equal(at(50)) {
		t.Errorf("deleted number = %+v; want it DeleteInProgress since 50", n)
	}
	refused, _ := s.PhoneNumber(t.Context(), awsAccount(1), list[1])
	if refused.CallingName != "" {
		t.Errorf("a refused change was written: calling name %q", refused.CallingName)
	}
}

func testUserNumber(t *testing.T, s belfry.Store) {
	seedPool(t, s, 2)
	list := acquire(t, s, awsAccount(1), 2)
	a := mkAccount(t, s, awsAccount(1), "phones")
	u := mkUser(t, s, a, "ana@example.com")
	got, err := s.ChangeUserPhoneNumber(t.Context(), awsAccount(1), a.ID, u.ID, list[0], func(u *belfry.User, held, n *belfry.PhoneNumber) error {
		if held != nil {
			t.Errorf("a new user holds %+v", held)
		}
		return belfry.PlanAssociation(u, held, n, list[0], at(60))
	})
	if err != nil || got.PhoneNumber != list[0] {
		t.Fatalf("ChangeUserPhoneNumber() = %+v, %v; want the user holding %s", got, err, list[0])
	}
	read, _ := s.User(t.Context(), a.ID, u.ID)
	n, _ := s.PhoneNumber(t.Context(), awsAccount(1), list[0])
	if read.PhoneNumber != list[0] || n.Status != belfry.NumberAssigned || n.UserID != u.ID || n.AccountID != a.ID || !n.Associated.Equal(at(60)) {
		t.Errorf("after association: user's number %q, number %+v", read.PhoneNumber, n)
	}
	byUser, err := s.ListPhoneNumbers(t.Context(), awsAccount(1), belfry.NumberFilter{UserID: u.ID}, belfry.Page{})
	if err != nil || len(byUser) != 1 {
		t.Errorf("ListPhoneNumbers(UserId) = %v, %v; want the user's number", e164sOf(byUser), err)
	}
	_, err = s.ChangeUserPhoneNumber(t.Context(), awsAccount(1), a.ID, u.ID, "", func(u *belfry.User, held, _ *belfry.PhoneNumber) error {
		if held == nil || held.E164 != list[0] {
			t.Errorf("held = %+v; want %s", held, list[0])
		}
		belfry.PlanDisassociation(u, held, at(70))
		return nil
	})
	read, _ = s.User(t.Context(), a.ID, u.ID)
	n, _ = s.PhoneNumber(t.Context(), awsAccount(1), list[0])
	if err != nil || read.PhoneNumber != "" || n.Status != belfry.NumberUnassigned || n.UserID != "" {
		t.Errorf("after disassociation: %v, user's number %q, number %+v", err, read.PhoneNumber, n)
	}
	if _, err := s.ChangeUserPhoneNumber(t.Context(), awsAccount(1), a.ID, "nobody", "", func(*belfry.User, *belfry.PhoneNumber, *belfry.PhoneNumber) error {
		return nil
	}); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("ChangeUserPhoneNumber(no such user) = %v; want NotFound", err)
	}
}

func testReturnDeleted(t *testing.T, s belfry.Store) {
	seedPool(t, s, 2)
	list := acquire(t, s, awsAccount(1), 2)
	for i, e := range list {
		_, err := s.ChangePhoneNumbers(t.Context(), awsAccount(1), []string{e}, func(_ int, n *belfry.PhoneNumber) error {
			return belfry.PlanNumberDelete(n, e, at(100+i))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ReturnDeletedPhoneNumbers(t.Context(), at(100), 10)
	if err != nil || len(got) != 1 || got[0].E164 != list[0] {
		t.Fatalf("ReturnDeletedPhoneNumbers(100) = %v, %v; want %s", e164sOf(got), err, list[0])
	}
	if _, err := s.PhoneNumber(t.Context(), awsAccount(1), list[0]); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("a returned number is still the account's: %v", err)
	}
	free, err := s.SearchPhoneNumbers(t.Context(), belfry.NumberSearch{Country: "US", AreaCode: "206"}, belfry.Page{})
	if err != nil || len(free) != 1 || free[0].E164 != list[0] || free[0].AwsAccountID != "" {
		t.Errorf("search after return = %v, %v; want %s free again", e164sOf(free), err, list[0])
	}
	if again, err := s.ReturnDeletedPhoneNumbers(t.Context(), at(100), 10); err != nil || len(again) != 0 {
		t.Errorf("ReturnDeletedPhoneNumbers again = %v, %v; want none", e164sOf(again), err)
	}
}

func testPurgeFreesNumbers(t *testing.T, s belfry.Store) {
	seedPool(t, s, 1)
	list := acquire(t, s, awsAccount(1), 1)
	a := mkAccount(t, s, awsAccount(1), "going")
	u := mkUser(t, s, a, "ana@example.com")
	_, err := s.ChangeUserPhoneNumber(t.Context(), awsAccount(1), a.ID, u.ID, list[0], func(u *belfry.User, held, n *belfry.PhoneNumber) error {
		return belfry.PlanAssociation(u, held, n, list[0], at(60))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAccount(t.Context(), a.AwsAccountID, a.ID, at(70), func(*belfry.Account, int) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.PurgeAccount(t.Context(), a.ID, at(80)); err != nil {
		t.Fatal(err)
	}
	n, err := s.PhoneNumber(t.Context(), awsAccount(1), list[0])
	if err != nil || n.Status != belfry.NumberUnassigned || n.UserID != "" || n.AccountID != "" {
		t.Errorf("the number of a purged account's user = %+v, %v; want it Unassigned, still the AWS account's", n, err)
	}
}

// phoneChanges import two numbers, order and acquire them for AWS
// account 1, give the first to user u, delete the second and return it to
// the pool, for testAuditEveryChange.
func phoneChanges(s belfry.Store, u *belfry.User) []auditedChange {
	first, _ := belfry.PoolNumber("+12065550100", "US", "Local", "Seattle", "WA")
	second, _ := belfry.PoolNumber("+12065550101", "US", "Local", "Seattle", "WA")
	o := &belfry.PhoneNumberOrder{ID: newID(), AwsAccountID: awsAccount(1), ProductType: belfry.BusinessCalling,
		Status: belfry.OrderProcessing, Created: at(1), Updated: at(1),
		Numbers: []belfry.OrderedNumber{{E164: first.E164, Status: belfry.OrderedProcessing}, {E164: second.E164, Status: belfry.OrderedProcessing}}}
	return []auditedChange{
		{"ImportPhoneNumbers", func(ctx context.Context) error {
			_, err := s.ImportPhoneNumbers(ctx, []*belfry.PhoneNumber{first, second})
			return err
		}},
		{"CreatePhoneNumberOrder", func(ctx context.Context) error {
			return s.CreatePhoneNumberOrder(ctx, o, &belfry.Job{ID: newID(), Kind: belfry.KindPhoneOrder, Ref: o.ID,
				Status: belfry.JobQueued, Due: at(1), Created: at(1)})
		}},
		{"FillPhoneNumberOrder", func(ctx context.Context) error {
			_, err := s.FillPhoneNumberOrder(ctx, o.ID, func(o *belfry.PhoneNumberOrder, pool []*belfry.PhoneNumber) []*belfry.PhoneNumber {
				return belfry.PlanFill(o, pool, at(2))
			})
			return err
		}},
		{"ChangeUserPhoneNumber", func(ctx context.Context) error {
			_, err := s.ChangeUserPhoneNumber(ctx, awsAccount(1), u.AccountID, u.ID, first.E164, func(u *belfry.User, held, n *belfry.PhoneNumber) error {
				return belfry.PlanAssociation(u, held, n, first.E164, at(3))
			})
			return err
		}},
		{"ChangePhoneNumbers", func(ctx context.Context) error {
			errs, err := s.ChangePhoneNumbers(ctx, awsAccount(1), []string{second.E164}, func(_ int, n *belfry.PhoneNumber) error {
				return belfry.PlanNumberDelete(n, second.E164, at(4))
			})
			return errors.Join(append(errs, err)...)
		}},
		{"ReturnDeletedPhoneNumbers", func(ctx context.Context) error {
			list, err := s.ReturnDeletedPhoneNumbers(ctx, at(100), 10)
			if err == nil && len(list) != 1 {
				err = fmt.Errorf("returned %d numbers; want 1", len(list))
			}
			return err
		}},
	}
}
