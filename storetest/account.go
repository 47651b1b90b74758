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
	if got, err := s.Account(ctx, "", a.ID); err != nil || got.ID != a.ID {
		t.Errorf("Account(any AWS account) = %v, %v; want account %s", got, err, a.ID)
	}
	_, err := s.Account(ctx, awsAccount(2), a.ID)
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
	all := []string{alpha.ID, lower.ID, percent.ID, under.ID, other.ID}
	for _, tc := range []struct {
		name   string
		filter belfry.AccountFilter
		want   []string
	}{
		{"none", belfry.AccountFilter{}, all},
		{"aws", belfry.AccountFilter{AwsAccountID: awsAccount(1)}, all[:4]},
		{"other aws", belfry.AccountFilter{AwsAccountID: awsAccount(2)}, []string{other.ID}},
		{"unknown aws", belfry.AccountFilter{AwsAccountID: awsAccount(3)}, []string{}},
		{"prefix", belfry.AccountFilter{NamePrefix: "Al"}, []string{alpha.ID, percent.ID, under.ID, other.ID}},
		{"prefix and aws", belfry.AccountFilter{AwsAccountID: awsAccount(1), NamePrefix: "Al"},
			[]string{alpha.ID, percent.ID, under.ID}},
		{"prefix is not LIKE %", belfry.AccountFilter{NamePrefix: "Al%"}, []string{percent.ID}},
		{"prefix is not LIKE _", belfry.AccountFilter{NamePrefix: "Al_"}, []string{under.ID}},
		{"whole name", belfry.AccountFilter{NamePrefix: "alpha"}, []string{lower.ID}},
		{"e-mail", belfry.AccountFilter{UserEmailKey: "ana@example.com"}, []string{alpha.ID, other.ID}},
		{"e-mail and aws", belfry.AccountFilter{AwsAccountID: awsAccount(2), UserEmailKey: "ana@example.com"},
			[]string{other.ID}},
		{"unknown e-mail", belfry.AccountFilter{UserEmailKey: "bob@example.com"}, []string{}},
	} {
		got, err := s.ListAccounts(t.Context(), tc.filter, belfry.Page{Limit: 100})
		if err != nil {
			t.Fatalf("ListAccounts(%s) = %v", tc.name, err)
		}
		if diff := cmp.Diff(ids(got, accountID), tc.want); diff != "" {
			t.Errorf("ListAccounts(%s) IDs mismatch (-got +want):\n%s", tc.name, diff)
		}
		if tc.name == "none" && len(got) > 0 {
			if diff := cmp.Diff(got[0], alpha); diff != "" {
				t.Errorf("ListAccounts(%s)[0] mismatch (-got +want):\n%s", tc.name, diff)
			}
		}
	}
}
