package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var domainTests = []test{
	{"ClaimMakesEnterprise", testClaimMakesEnterprise},
	{"DomainsSorted", testClaimDomainsSorted},
	{"ClaimAgainIsNoOp", testClaimAgain},
	{"TakenByAnotherAccount", testClaimTaken},
	{"IDNAndPunycodeAreOneDomain", testClaimIDN},
	{"EnterpriseTypeConflict", testClaimTypeConflict},
	{"UnknownAccount", testClaimUnknownAccount},
}

func testClaimMakesEnterprise(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkAccount(t, s, awsAccount(1), "Team")
	got, err := s.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseOIDC)
	if err != nil {
		t.Fatalf("ClaimDomain() = %v", err)
	}
	want := *a
	want.Type, want.Domains = belfry.EnterpriseOIDC, []string{"example.com"}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("ClaimDomain() mismatch (-got +want):\n%s", diff)
	}
	got, err = s.Account(ctx, a.AwsAccountID, a.ID)
	if err != nil {
		t.Fatalf("Account() = %v", err)
	}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("Account() after the claim mismatch (-got +want):\n%s", diff)
	}
}

func testClaimDomainsSorted(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Team")
	for _, d := range []string{"b.example", "c.example", "a.example"} {
		if _, err := s.ClaimDomain(t.Context(), a.ID, d, belfry.EnterpriseLWA); err != nil {
			t.Fatalf("ClaimDomain(%s) = %v", d, err)
		}
	}
	got, err := s.Account(t.Context(), "", a.ID)
	if err != nil {
		t.Fatalf("Account() = %v", err)
	}
	want := *a
	want.Type, want.Domains = belfry.EnterpriseLWA, []string{"a.example", "b.example", "c.example"}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("Account() mismatch (-got +want):\n%s", diff)
	}
}

func testClaimAgain(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	got, err := s.ClaimDomain(t.Context(), a.ID, "example.com", belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain(the same domain again) = %v", err)
	}
	if diff := cmp.Diff(got, a); diff != "" {
		t.Errorf("ClaimDomain(again) mismatch (-got +want):\n%s", diff)
	}
}

func testClaimTaken(t *testing.T, s belfry.Store) {
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	_, err := s.ClaimDomain(t.Context(), b.ID, "example.com", belfry.EnterpriseLWA)
	wantError(t, "ClaimDomain(a domain of another account)", err, belfry.Conflict, "example.com")
	for _, want := range []*belfry.Account{a, b} {
		got, err := s.Account(t.Context(), "", want.ID)
		if err != nil {
			t.Fatalf("Account(%s) = %v", want.Name, err)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("after a refused claim, Account(%s) mismatch (-got +want):\n%s", want.Name, diff)
		}
	}
}

// testClaimIDN checks that a domain is compared in its punycode form, so
// that its Unicode and ASCII spellings are one domain.
func testClaimIDN(t *testing.T, s belfry.Store) {
	a := mkAccount(t, s, awsAccount(1), "Books")
	got, err := s.ClaimDomain(t.Context(), a.ID, "Bücher.example", belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain(Bücher.example) = %v", err)
	}
	want := *a
	want.Type, want.Domains = belfry.EnterpriseLWA, []string{"xn--bcher-kva.example"}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("ClaimDomain(Bücher.example) mismatch (-got +want):\n%s", diff)
	}
	b := mkAccount(t, s, awsAccount(2), "Other books")
	_, err = s.ClaimDomain(t.Context(), b.ID, "xn--bcher-kva.example", belfry.EnterpriseLWA)
	wantError(t, "ClaimDomain(the punycode form of a claimed domain)", err, belfry.Conflict)
}

func testClaimTypeConflict(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	_, err := s.ClaimDomain(ctx, a.ID, "example.org", belfry.EnterpriseOIDC)
	wantError(t, "ClaimDomain(another Enterprise type)", err, belfry.Conflict, a.ID, "EnterpriseLWA")
	_, err = s.ClaimDomain(ctx, a.ID, "example.com", belfry.EnterpriseDirectory)
	wantError(t, "ClaimDomain(a held domain, another Enterprise type)", err, belfry.Conflict)

	// The refused claim left example.org free.
	b := mkAccount(t, s, awsAccount(2), "Other")
	if _, err := s.ClaimDomain(ctx, b.ID, "example.org", belfry.EnterpriseOIDC); err != nil {
		t.Errorf("ClaimDomain(a domain a refused claim named) = %v", err)
	}
	got, err := s.ClaimDomain(ctx, a.ID, "example.net", belfry.EnterpriseLWA)
	if err != nil {
		t.Fatalf("ClaimDomain(a second domain, same type) = %v", err)
	}
	want := *a
	want.Domains = []string{"example.com", "example.net"}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("ClaimDomain(a second domain) mismatch (-got +want):\n%s", diff)
	}
}

func testClaimUnknownAccount(t *testing.T, s belfry.Store) {
	_, err := s.ClaimDomain(t.Context(), "no-such-account", "example.com", belfry.EnterpriseLWA)
	wantError(t, "ClaimDomain(unknown account)", err, belfry.NotFound, "no-such-account")
}
