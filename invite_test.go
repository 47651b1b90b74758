package belfry

import (
	"testing"
	"time"
)

func TestPlanInvite(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	stored := func(r RegistrationStatus, l License) *User {
		return &User{ID: "u1", Email: "ana@example.com", License: l, Type: PrivateUser, Registration: r,
			Invitation: InviteAccepted, RegisteredOn: now.Add(-time.Hour), PersonalPIN: "1234567890"}
	}
	tests := []struct {
		name             string
		existing         *User
		claimedElsewhere bool
		wantAction       InviteAction
		wantUser         string // the ID of the item's user, "" for none
		wantLicense      License
		wantStatus       InviteStatus
	}{
		{"new address", nil, false, InviteNewUser, "new", Pro, InvitePending},
		{"registered user", stored(Registered, Basic), false, InviteRefused, "u1", Basic, InviteFailed},
		{"pending user keeps its license", stored(Unregistered, Basic), false, InviteExistingUser, "u1", Basic, InvitePending},
		{"suspended Team user gets the default license back", stored(Suspended, Basic), false, InviteExistingUser, "u1", Pro, InvitePending},
		{"domain claimed elsewhere, new address", nil, true, InviteNotMade, "", "", InviteFailed},
		{"domain claimed elsewhere, pending user", stored(Unregistered, Basic), true, InviteNotMade, "u1", Basic, InviteFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := &InviteItem{
				Email: "ana@example.com", Key: "ana@example.com", ClaimedElsewhere: tt.claimedElsewhere,
				User: &User{ID: "new", Email: "ana@example.com", License: Pro, Type: SharedDevice,
					Registration: Unregistered, Invitation: InvitePending, InvitedOn: now},
				Invite: &Invite{ID: "i1", Status: InvitePending, EmailStatus: EmailNotSent, TokenHash: []byte("hash")},
				Mail:   &Mail{ID: "m1"},
			}
			PlanInvite(tt.existing, item)
			if item.Action != tt.wantAction {
				t.Errorf("Action = %d, want %d", item.Action, tt.wantAction)
			}
			var gotUser string
			if item.User != nil {
				gotUser = item.User.ID
				if item.User.License != tt.wantLicense {
					t.Errorf("User.License = %s, want %s", item.User.License, tt.wantLicense)
				}
			}
			if gotUser != tt.wantUser || item.Invite.UserID != tt.wantUser {
				t.Errorf("User %q, Invite.UserID %q; want both %q", gotUser, item.Invite.UserID, tt.wantUser)
			}
			if item.Invite.Status != tt.wantStatus {
				t.Errorf("Invite.Status = %s, want %s", item.Invite.Status, tt.wantStatus)
			}
			if failed := tt.wantStatus == InviteFailed; failed != (item.Mail == nil) || failed != (item.Invite.TokenHash == nil) ||
				(failed && item.Invite.EmailStatus != EmailNotSent) {
				t.Errorf("Mail %v, TokenHash %q, EmailStatus %s; a failed invite has neither mail nor link and is NotSent",
					item.Mail, item.Invite.TokenHash, item.Invite.EmailStatus)
			}
			if tt.existing != nil && tt.existing.Registration == Suspended && item.User.Registration != Unregistered {
				t.Errorf("re-invited suspended user is %s, want Unregistered", item.User.Registration)
			}
		})
	}
}
