package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var settingsTests = []test{
	{"AccountSettingsPartialUpdates", testAccountSettings},
	{"RetentionSettingsReplaced", testRetentionSettings},
	{"UserSettings", testUserSettings},
	{"UserSettingsNotFound", testUserSettingsNotFound},
}

func testAccountSettings(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a, b := mkAccount(t, s, awsAccount(1), "A"), mkAccount(t, s, awsAccount(1), "B")
	wantSettings := func(what string, want belfry.AccountSettings) {
		t.Helper()
		got, err := s.AccountSettings(ctx, a.ID)
		if err != nil {
			t.Fatalf("AccountSettings() %s = %v", what, err)
		}
		if diff := cmp.Diff(got, &want); diff != "" {
			t.Errorf("AccountSettings() %s mismatch (-got +want):\n%s", what, diff)
		}
	}
	wantSettings("before any update", belfry.AccountSettings{})
	on, off := true, false
	update := func(u belfry.AccountSettingsUpdate) {
		t.Helper()
		if err := s.UpdateAccountSettings(ctx, a.ID, u); err != nil {
			t.Fatalf("UpdateAccountSettings() = %v", err)
		}
	}
	update(belfry.AccountSettingsUpdate{EnableDialOut: &on})
	wantSettings("after enabling dial-out", belfry.AccountSettings{EnableDialOut: true})
	update(belfry.AccountSettingsUpdate{DisableRemoteControl: &on})
	wantSettings("after disabling remote control", belfry.AccountSettings{DisableRemoteControl: true, EnableDialOut: true})
	update(belfry.AccountSettingsUpdate{EnableDialOut: &off})
	wantSettings("after disabling dial-out", belfry.AccountSettings{DisableRemoteControl: true})
	update(belfry.AccountSettingsUpdate{})
	wantSettings("after an empty update", belfry.AccountSettings{DisableRemoteControl: true})
	if got, err := s.AccountSettings(ctx, b.ID); err != nil || *got != (belfry.AccountSettings{}) {
		t.Errorf("another account's settings = %+v, %v; want all off", got, err)
	}
}

func testRetentionSettings(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	got, err := s.RetentionSettings(ctx, a.ID)
	if err != nil || *got != (belfry.RetentionSettings{}) {
		t.Errorf("RetentionSettings() before any put = %+v, %v; want zero", got, err)
	}
	for _, want := range []belfry.RetentionSettings{
		{RoomDays: 1, ConversationDays: 5475, InitiateDeletion: at(100)},
		{ConversationDays: 30, InitiateDeletion: at(200)},
		{},
	} {
		if err := s.PutRetentionSettings(ctx, a.ID, &want); err != nil {
			t.Fatalf("PutRetentionSettings(%+v) = %v", want, err)
		}
		got, err := s.RetentionSettings(ctx, a.ID)
		if err != nil {
			t.Fatalf("RetentionSettings() = %v", err)
		}
		if diff := cmp.Diff(got, &want); diff != "" {
			t.Errorf("RetentionSettings() after a put mismatch (-got +want):\n%s", diff)
		}
	}
}

func testUserSettings(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	ana, bob := mkUser(t, s, a, "ana@example.com"), mkUser(t, s, a, "bob@example.com")
	got, err := s.UserSettings(ctx, a.ID, ana.ID)
	if err != nil || *got != (belfry.UserSettings{}) {
		t.Errorf("UserSettings() before any put = %+v, %v; want all off", got, err)
	}
	for _, want := range []belfry.UserSettings{
		{Telephony: belfry.TelephonySettings{InboundCalling: true, OutboundCalling: true, SMS: true}},
		{Telephony: belfry.TelephonySettings{SMS: true}},
	} {
		if err := s.PutUserSettings(ctx, a.ID, ana.ID, &want); err != nil {
			t.Fatalf("PutUserSettings() = %v", err)
		}
		got, err := s.UserSettings(ctx, a.ID, ana.ID)
		if err != nil {
			t.Fatalf("UserSettings() = %v", err)
		}
		if diff := cmp.Diff(got, &want); diff != "" {
			t.Errorf("UserSettings() after a put mismatch (-got +want):\n%s", diff)
		}
	}
	if got, err := s.UserSettings(ctx, a.ID, bob.ID); err != nil || *got != (belfry.UserSettings{}) {
		t.Errorf("another user's settings = %+v, %v; want all off", got, err)
	}
}

func testUserSettingsNotFound(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	a := mkEnterprise(t, s, "example.com")
	b := mkAccount(t, s, awsAccount(2), "Other")
	u := mkUser(t, s, a, "ana@example.com")
	_, err := s.UserSettings(ctx, b.ID, u.ID)
	wantError(t, "UserSettings(a user of another account)", err, belfry.NotFound, u.ID)
	_, err = s.UserSettings(ctx, a.ID, "no-such-user")
	wantError(t, "UserSettings(unknown user)", err, belfry.NotFound, "no-such-user")
	err = s.PutUserSettings(ctx, b.ID, u.ID, &belfry.UserSettings{})
	wantError(t, "PutUserSettings(a user of another account)", err, belfry.NotFound, u.ID)
	err = s.PutUserSettings(ctx, a.ID, "no-such-user", &belfry.UserSettings{})
	wantError(t, "PutUserSettings(unknown user)", err, belfry.NotFound, "no-such-user")
}
