package belfry

import (
	"context"
	"testing"
	"time"
)

func TestPlanMemberships(t *testing.T) {
	user := func(id string) *Member { return &Member{ID: id, Type: MemberUser, AccountID: "a1"} }
	f := MembershipBatchFacts{
		Candidates:  map[string]*Member{"ana": user("ana"), "bob": user("bob"), "cy": user("cy"), "dee": user("dee")},
		RoomAccount: "a1", RoomMembers: MaxMembersPerRoom - 2,
		MemberRooms: map[string]int{"cy": MaxMembershipsPerUser}, InRoom: map[string]bool{"bob": true},
	}
	ids := []string{"ana", "ana", "bob", "nobody", "cy", "dee", "eve"}
	want := []Kind{0, Conflict, Conflict, NotFound, LimitExceeded, 0, LimitExceeded}
	items := make([]*MembershipItem, len(ids))
	for i, id := range ids {
		items[i] = &MembershipItem{Membership: &Membership{RoomID: "r1", Member: Member{ID: id}}}
	}
	f.Candidates["eve"] = user("eve")
	ev := &AuditEvent{}
	if err := PlanMemberships(WithAudit(context.Background(), ev), "a1", "r1", items, f); err != nil {
		t.Fatalf("PlanMemberships() = %v", err)
	}
	for i, it := range items {
		if got := ErrorKind(it.Err); (it.Err == nil) != (want[i] == 0) || it.Err != nil && got != want[i] {
			t.Errorf("item %d (%s): %v; want kind %v (0: made)", i, ids[i], it.Err, want[i])
		}
	}
	if got := ev.Resources; len(got) != 2 || got[0] != "ana" || got[1] != "dee" {
		t.Errorf("audit resources = %v; want the members let in, [ana dee]", got)
	}
	if f.RoomMembers != MaxMembersPerRoom-2 || len(f.InRoom) != 1 {
		t.Errorf("PlanMemberships() changed its facts: %+v", f)
	}
	err := PlanMemberships(context.Background(), "a1", "r9", items, MembershipBatchFacts{RoomAccount: "a2"})
	wantPlanError(t, "PlanMemberships(a room of another account)", err, NotFound, "room r9 not found in account a1")
}

func TestPlanRoleChange(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		typ      MemberType
		role     Role
		wantRole Role
		wantText string
	}{
		{"promote a user", MemberUser, RoleAdministrator, RoleAdministrator, ""},
		{"no role given keeps it", MemberUser, "", RoleMember, ""},
		{"a bot", MemberBot, RoleAdministrator, RoleMember, "member m1 of room r1 is a Bot; only a user's role can change"},
		{"a webhook", MemberWebhook, RoleAdministrator, RoleMember, "is a Webhook"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Membership{RoomID: "r1", Member: Member{ID: "m1", Type: tt.typ}, Role: RoleMember}
			err := PlanRoleChange(m, tt.role, now)
			wantPlanError(t, "PlanRoleChange()", err, BadRequest, tt.wantText)
			if m.Role != tt.wantRole {
				t.Errorf("Role = %s; want %s", m.Role, tt.wantRole)
			}
			if changed := m.Updated.Equal(now); changed != (err == nil) {
				t.Errorf("Updated = %v; want %v only when the change is made", m.Updated, now)
			}
		})
	}
}
