package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/google/go-cmp/cmp"
)

func TestAccountSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := aws.String(e.account("team"))
	check := func(what string, want types.AccountSettings) {
		t.Helper()
		out, err := e.chime.GetAccountSettings(ctx, &chime.GetAccountSettingsInput{AccountId: acct})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want, out.AccountSettings, ignoreSDK, cmp.AllowUnexported(types.AccountSettings{})); diff != "" {
			t.Errorf("GetAccountSettings %s (-want +got):\n%s", what, diff)
		}
	}
	check("before any update", types.AccountSettings{DisableRemoteControl: aws.Bool(false), EnableDialOut: aws.Bool(false)})
	out, err := e.chime.UpdateAccountSettings(ctx, &chime.UpdateAccountSettingsInput{
		AccountId: acct, AccountSettings: &types.AccountSettings{EnableDialOut: aws.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("UpdateAccountSettings status = %d, want 204", got)
	}
	check("after enabling dial-out", types.AccountSettings{DisableRemoteControl: aws.Bool(false), EnableDialOut: aws.Bool(true)})
	_, err = e.chime.UpdateAccountSettings(ctx, &chime.UpdateAccountSettingsInput{
		AccountId: acct, AccountSettings: &types.AccountSettings{DisableRemoteControl: aws.Bool(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	check("after a second, partial update", types.AccountSettings{DisableRemoteControl: aws.Bool(true), EnableDialOut: aws.Bool(true)})

	_, err = e.chime.GetAccountSettings(ctx, &chime.GetAccountSettingsInput{AccountId: aws.String("nope")})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.UpdateAccountSettings(ctx, &chime.UpdateAccountSettingsInput{AccountId: aws.String("nope"), AccountSettings: &types.AccountSettings{}})
	wantErr[*types.NotFoundException](t, err)
	r := e.do(request{Method: "PUT", Path: "/accounts/" + *acct + "/settings", Body: []byte(`{"AccountSettings":{"EnableDialOut":"yes"}}`)})
	if r.Status != http.StatusBadRequest {
		t.Errorf("a string for a boolean answered %d %s, want 400", r.Status, r.Body)
	}
	r = e.do(request{Method: "PUT", Path: "/accounts/" + *acct + "/settings", Body: []byte(`{}`)})
	if r.Status != http.StatusBadRequest {
		t.Errorf("no AccountSettings answered %d %s, want 400", r.Status, r.Body)
	}
}

func groupNames(a *types.Account) []string {
	out := []string{}
	for _, g := range a.SigninDelegateGroups {
		out = append(out, aws.ToString(g.GroupName))
	}
	return out
}

func TestSigninDelegateGroups(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := aws.String(e.enterprise("corp", "example.com"))
	groups := func(names ...string) []types.SigninDelegateGroup {
		out := make([]types.SigninDelegateGroup, len(names))
		for i, n := range names {
			out[i] = types.SigninDelegateGroup{GroupName: aws.String(n)}
		}
		return out
	}
	for _, names := range [][]string{{"desks", "lobby"}, {"lobby", "rooms"}} {
		if _, err := e.chime.AssociateSigninDelegateGroupsWithAccount(ctx, &chime.AssociateSigninDelegateGroupsWithAccountInput{
			AccountId: acct, SigninDelegateGroups: groups(names...),
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"desks", "lobby", "rooms"}, groupNames(got.Account)); diff != "" {
		t.Errorf("groups after associating twice (-want +got):\n%s", diff)
	}
	if _, err := e.chime.DisassociateSigninDelegateGroupsFromAccount(ctx, &chime.DisassociateSigninDelegateGroupsFromAccountInput{
		AccountId: acct, GroupNames: []string{"lobby", "never-there"},
	}); err != nil {
		t.Fatal(err)
	}
	got, err = e.chime.GetAccount(ctx, &chime.GetAccountInput{AccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"desks", "rooms"}, groupNames(got.Account)); diff != "" {
		t.Errorf("groups after disassociating (-want +got):\n%s", diff)
	}

	team, lwa := aws.String(e.account("team")), aws.String(e.lwa("lwa", "example.org"))
	for _, tt := range []struct {
		name string
		in   chime.AssociateSigninDelegateGroupsWithAccountInput
		want func(t *testing.T, err error)
	}{
		{"Team account", chime.AssociateSigninDelegateGroupsWithAccountInput{AccountId: team, SigninDelegateGroups: groups("g")},
			func(t *testing.T, err error) {
				wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, "EnterpriseDirectory")
			}},
		{"LWA account", chime.AssociateSigninDelegateGroupsWithAccountInput{AccountId: lwa, SigninDelegateGroups: groups("g")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"no group name", chime.AssociateSigninDelegateGroupsWithAccountInput{AccountId: acct, SigninDelegateGroups: []types.SigninDelegateGroup{{}}},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"blank group name", chime.AssociateSigninDelegateGroupsWithAccountInput{AccountId: acct, SigninDelegateGroups: groups(" ")},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"unknown account", chime.AssociateSigninDelegateGroupsWithAccountInput{AccountId: aws.String("nope"), SigninDelegateGroups: groups("g")},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.AssociateSigninDelegateGroupsWithAccount(ctx, &tt.in)
			tt.want(t, err)
		})
	}
	_, err = e.chime.DisassociateSigninDelegateGroupsFromAccount(ctx, &chime.DisassociateSigninDelegateGroupsFromAccountInput{
		AccountId: acct, GroupNames: []string{},
	})
	wantErr[*types.BadRequestException](t, err)
}

func TestRetentionSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := aws.String(e.enterprise("corp", "example.com"))
	got, err := e.chime.GetRetentionSettings(ctx, &chime.GetRetentionSettingsInput{AccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	if got.InitiateDeletionTimestamp != nil || got.RetentionSettings == nil ||
		got.RetentionSettings.RoomRetentionSettings.RetentionDays != nil {
		t.Errorf("before any put: %+v, want settings without days or deletion time", got)
	}
	before := time.Now()
	out, err := e.chime.PutRetentionSettings(ctx, &chime.PutRetentionSettingsInput{AccountId: acct, RetentionSettings: &types.RetentionSettings{
		RoomRetentionSettings:         &types.RoomRetentionSettings{RetentionDays: aws.Int32(30)},
		ConversationRetentionSettings: &types.ConversationRetentionSettings{RetentionDays: aws.Int32(5475)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("PutRetentionSettings status = %d, want 204", got)
	}
	got, err = e.chime.GetRetentionSettings(ctx, &chime.GetRetentionSettingsInput{AccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	rs := got.RetentionSettings
	if aws.ToInt32(rs.RoomRetentionSettings.RetentionDays) != 30 || aws.ToInt32(rs.ConversationRetentionSettings.RetentionDays) != 5475 {
		t.Errorf("GetRetentionSettings = %+v %+v, want 30 and 5475 days", rs.RoomRetentionSettings, rs.ConversationRetentionSettings)
	}
	if d := aws.ToTime(got.InitiateDeletionTimestamp).Sub(before); d < 30*24*time.Hour-time.Second || d > 30*24*time.Hour+time.Minute {
		t.Errorf("InitiateDeletionTimestamp is %v after the put, want 30 days", d)
	}

	// Omitting RetentionDays turns a policy off.
	if _, err := e.chime.PutRetentionSettings(ctx, &chime.PutRetentionSettingsInput{AccountId: acct, RetentionSettings: &types.RetentionSettings{
		RoomRetentionSettings: &types.RoomRetentionSettings{},
	}}); err != nil {
		t.Fatal(err)
	}
	got, err = e.chime.GetRetentionSettings(ctx, &chime.GetRetentionSettingsInput{AccountId: acct})
	if err != nil || got.RetentionSettings.RoomRetentionSettings.RetentionDays != nil || got.InitiateDeletionTimestamp != nil {
		t.Errorf("after turning the policies off: %+v (%v), want no days and no deletion time", got, err)
	}
}

func TestRetentionSettingsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	team := e.account("team")
	acct := e.enterprise("corp", "example.com")
	days := func(n int32) *types.RetentionSettings {
		return &types.RetentionSettings{RoomRetentionSettings: &types.RoomRetentionSettings{RetentionDays: aws.Int32(n)}}
	}
	_, err := e.chime.GetRetentionSettings(ctx, &chime.GetRetentionSettingsInput{AccountId: aws.String(team)})
	wantMessage(t, wantErr[*types.ForbiddenException](t, err).Message, "not an Enterprise Chime Account", team)
	_, err = e.chime.PutRetentionSettings(ctx, &chime.PutRetentionSettingsInput{AccountId: aws.String(team), RetentionSettings: days(5)})
	wantErr[*types.ForbiddenException](t, err)
	for _, n := range []int32{0, -1, 5476} {
		_, err = e.chime.PutRetentionSettings(ctx, &chime.PutRetentionSettingsInput{AccountId: aws.String(acct), RetentionSettings: days(n)})
		wantErr[*types.BadRequestException](t, err)
	}
	_, err = e.chime.GetRetentionSettings(ctx, &chime.GetRetentionSettingsInput{AccountId: aws.String("nope")})
	wantErr[*types.NotFoundException](t, err)
}

func TestUserSettings(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := aws.String(e.enterprise("corp", "example.com"))
	u := e.user(*acct, "ana@example.com")
	got, err := e.chime.GetUserSettings(ctx, &chime.GetUserSettingsInput{AccountId: acct, UserId: u.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if tel := got.UserSettings.Telephony; aws.ToBool(tel.InboundCalling) || aws.ToBool(tel.OutboundCalling) || aws.ToBool(tel.SMS) ||
		tel.InboundCalling == nil || tel.OutboundCalling == nil || tel.SMS == nil {
		t.Errorf("settings before any update: %+v, want all three present and false", tel)
	}
	out, err := e.chime.UpdateUserSettings(ctx, &chime.UpdateUserSettingsInput{AccountId: acct, UserId: u.UserId,
		UserSettings: &types.UserSettings{Telephony: &types.TelephonySettings{
			InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(false), SMS: aws.Bool(true),
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("UpdateUserSettings status = %d, want 204", got)
	}
	got, err = e.chime.GetUserSettings(ctx, &chime.GetUserSettingsInput{AccountId: acct, UserId: u.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if tel := got.UserSettings.Telephony; !aws.ToBool(tel.InboundCalling) || aws.ToBool(tel.OutboundCalling) || !aws.ToBool(tel.SMS) {
		t.Errorf("settings after the update: %+v, want inbound and SMS on, outbound off", tel)
	}

	r := e.do(request{Method: "PUT", Path: "/accounts/" + *acct + "/users/" + *u.UserId + "/settings",
		Body: []byte(`{"UserSettings":{"Telephony":{"InboundCalling":true,"OutboundCalling":true}}}`)})
	if r.Status != http.StatusBadRequest {
		t.Errorf("Telephony without SMS answered %d %s, want 400", r.Status, r.Body)
	}
	_, err = e.chime.GetUserSettings(ctx, &chime.GetUserSettingsInput{AccountId: acct, UserId: aws.String("nope")})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.UpdateUserSettings(ctx, &chime.UpdateUserSettingsInput{AccountId: aws.String("nope"), UserId: u.UserId,
		UserSettings: &types.UserSettings{Telephony: &types.TelephonySettings{InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(true), SMS: aws.Bool(true)}}})
	wantErr[*types.NotFoundException](t, err)
}
