package belfry

import (
	"slices"
	"testing"
	"time"
)

func TestPlanRestore(t *testing.T) {
	since := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deleted  time.Time
		wantKind Kind
		wantText string // "" when the account may be restored
	}{
		{"deleted within the retention", since.Add(time.Hour), 0, ""},
		{"deleted at the cutoff", since, 0, ""},
		{"live", time.Time{}, Conflict, "account a1 is not deleted"},
		{"deleted too long ago", since.Add(-time.Second), NotFound, "account a1 was deleted on 2026-09-01, too long ago to restore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPlanError(t, "PlanRestore()", PlanRestore("a1", tt.deleted, since), tt.wantKind, tt.wantText)
		})
	}
}

func TestPlanPurge(t *testing.T) {
	before := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deleted  time.Time
		wantText string // "" when the account may be purged
	}{
		{"deleted before the cutoff", before.Add(-time.Second), ""},
		{"deleted at the cutoff", before, "account a1 is not due to be purged"},
		{"deleted since", before.Add(time.Hour), "account a1 is not due to be purged"},
		{"live, restored meanwhile", time.Time{}, "account a1 is not due to be purged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPlanError(t, "PlanPurge()", PlanPurge("a1", tt.deleted, before), NotFound, tt.wantText)
		})
	}
}

func TestPlanRelease(t *testing.T) {
	a := &Account{ID: "a1", Type: EnterpriseLWA, Domains: []string{"example.com", "example.org"}}
	user := func(id, email string, r RegistrationStatus) *User {
		return &User{ID: id, AccountID: "a1", Email: email, Registration: r}
	}
	tests := []struct {
		name          string
		domain        string
		users         []*User
		wantSuspended []string // the IDs of the users suspended, in order
		wantText      string   // what the error names; "" for none
	}{
		{"suspends the domain's users who are not suspended", "example.com", []*User{
			user("ana", "Ana@EXAMPLE.com", Registered), user("bob", "bob@example.com", Suspended),
			user("cy", "cy@example.com", Unregistered),
		}, []string{"ana", "cy"}, ""},
		{"a domain without users suspends nobody", "example.org", nil, nil, ""},
		{"leaves users of other domains and accounts", "example.com", []*User{
			user("dee", "dee@example.org", Registered), user("eve", "eve@sub.example.com", Registered),
			{ID: "fay", AccountID: "a2", Email: "fay@example.com", Registration: Registered},
		}, nil, ""},
		{"a domain the account does not hold", "example.net", []*User{user("gus", "gus@example.net", Registered)},
			nil, "domain example.net is not claimed by account a1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			was := make([]RegistrationStatus, len(tt.users))
			for i, u := range tt.users {
				was[i] = u.Registration
			}
			suspended, err := PlanRelease(a, tt.domain, tt.users)
			wantPlanError(t, "PlanRelease()", err, NotFound, tt.wantText)
			var ids []string
			for _, u := range suspended {
				ids = append(ids, u.ID)
			}
			if !slices.Equal(ids, tt.wantSuspended) {
				t.Errorf("PlanRelease() suspends %q, want %q", ids, tt.wantSuspended)
			}
			for i, u := range tt.users {
				want := was[i]
				if slices.Contains(tt.wantSuspended, u.ID) {
					want = Suspended
				}
				if u.Registration != want {
					t.Errorf("after PlanRelease() %s is %s, want %s", u.ID, u.Registration, want)
				}
			}
		})
	}
}
