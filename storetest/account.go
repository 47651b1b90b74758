package storetest

import (
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var accountTests = []test{
	{"CreateAndGet", testAccountCreateAndGet},
	{"GetScopedToAwsAccount", testAccountScope},
	{"DuplicateID", testAccountDuplicateID},
	{"ListFilters", testAccountListFilters},
}

func testAccountCreateAndGet(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	want := &belfry.Account{
		AwsAccountID: awsAccount(1), ID: newID(), Name: "Ops", Type: belfry.Team, Created: at(1234),
		DefaultLicense: belfry.Pro, SupportedLicenses: []belfry.License{belfry.Basic, belfry.Pro},
		Status: belfry.AccountActive, SigninDelegates: []string{"admins", "ops, night shift"},
	}
	if err := s.CreateAccount(ctx, want); err != nil {
		t.Fatalf("CreateAccount() = %v", err)
	}
	if want.Seq <= 0 {
		t.Errorf("CreateAccount() set Seq %d; want > 0", want.Seq)
	}
	got, err := s.Account(ctx, want.AwsAccountID, want.ID)
	if err != nil {
		t.Fatalf("Account() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Account() mismatch (-got +want):\n%s", diff)
	}
	if got.Created.Location() != time.UTC {
		t.Errorf("Account().Created is in %v; want UTC", got.Created.Location())
	}
	second := mkAccount(t, s, awsAccount(1), "Second")
	if second.Seq <= want.Seq {
		t.Errorf("second account's Seq %d; want more than the first's %d", second.Seq, want.Seq)
	}
}

func testAccountScope(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkAccount(t, s, awsAccount(1), "Mine")
	got, err := s.Account(ctx, "", a.ID)
	if err != nil {
		t.Fatalf("Account(any AWS account) = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("Account(any AWS account) mismatch (-got +want):\n%s", diff)
	}
	_, err = s.Account(ctx, awsAccount(2), a.ID)
	wantError(t, "Account(another AWS account)", err, belfry.NotFound, a.ID)
	_, err = s.Account(ctx, "", "no-such-account")
	wantError(t, "Account(unknown)", err, belfry.NotFound, "no-such-account")
}

func testAccountDuplicateID(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "First")
	dup := *a
	dup.Name = "Second"
	err := s.CreateAccount(t.Context(), &dup)
	wantError(t, "CreateAccount(same ID)", err, belfry.Conflict)
}

func testAccountListFilters(t *testing.T, s belfry.Store) {
	alpha := mkAccount(t, s, awsAccount(1), "Alpha")
	lower := mkAccount(t, s, awsAccount(1), "alpha")
	percent := mkAccount(t, s, awsAccount(1), "Al%pha")
	under := mkAccount(t, s, awsAccount(1), "Al_x")
	other := mkAccount(t, s, awsAccount(2), "Alpine")
	mkUser(t, s, alpha, "Ana@Example.com")
	mkUser(t, s, other, "ana@example.com")
	all := []*belfry.Account{alpha, lower, percent, under, other}
	for _, tc := range []struct {
		name   string
		filter belfry.AccountFilter
		want   []*belfry.Account
	}{
		{"none", belfry.AccountFilter{}, all},
		{"aws", belfry.AccountFilter{AwsAccountID: awsAccount(1)}, all[:4]},
		{"other aws", belfry.AccountFilter{AwsAccountID: awsAccount(2)}, []*belfry.Account{other}},
		{"unknown aws", belfry.AccountFilter{AwsAccountID: awsAccount(3)}, nil},
		{"prefix", belfry.AccountFilter{NamePrefix: "Al"}, []*belfry.Account{alpha, percent, under, other}},
		{"prefix and aws", belfry.AccountFilter{AwsAccountID: awsAccount(1), NamePrefix: "Al"},
			[]*belfry.Account{alpha, percent, under}},
		{"prefix is not LIKE %", belfry.AccountFilter{NamePrefix: "Al%"}, []*belfry.Account{percent}},
		{"prefix is not LIKE _", belfry.AccountFilter{NamePrefix: "Al_"}, []*belfry.Account{under}},
		{"whole name", belfry.AccountFilter{NamePrefix: "alpha"}, []*belfry.Account{lower}},
		{"e-mail", belfry.AccountFilter{UserEmailKey: "ana@example.com"}, []*belfry.Account{alpha, other}},
		{"e-mail and aws", belfry.AccountFilter{AwsAccountID: awsAccount(2), UserEmailKey: "ana@example.com"},
			[]*belfry.Account{other}},
		{"unknown e-mail", belfry.AccountFilter{UserEmailKey: "bob@example.com"}, nil},
	} {
		got, err := s.ListAccounts(t.Context(), tc.filter, belfry.Page{Limit: 100})
		if err != nil {
			t.Fatalf("ListAccounts(%s) = %v", tc.name, err)
		}
		if diff := cmp.Diff(got, tc.want, cmpEmpty); diff != "" {
			t.Errorf("ListAccounts(%s) mismatch (-got +want):\n%s", tc.name, diff)
		}
	}
}
