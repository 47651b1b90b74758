package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

func TestUpdateUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	u := e.user(acct, "ana@example.com")
	out, err := e.chime.UpdateUser(ctx, &chime.UpdateUserInput{
		AccountId: aws.String(acct), UserId: u.UserId, LicenseType: types.LicenseBasic, UserType: types.UserTypeSharedDevice,
		AlexaForBusinessMetadata: &types.AlexaForBusinessMetadata{
			IsAlexaForBusinessEnabled: aws.Bool(true), AlexaForBusinessRoomArn: aws.String("arn:aws:a4b:us-east-1:111122223333:room/r1"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := u
	want.LicenseType, want.UserType = types.LicenseBasic, types.UserTypeSharedDevice
	want.AlexaForBusinessMetadata = &types.AlexaForBusinessMetadata{
		IsAlexaForBusinessEnabled: aws.Bool(true), AlexaForBusinessRoomArn: aws.String("arn:aws:a4b:us-east-1:111122223333:room/r1"),
	}
	if diff := cmp.Diff(want, *out.User, ignoreSDK); diff != "" {
		t.Errorf("UpdateUser User (-want +got):\n%s", diff)
	}
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, *got.User, ignoreSDK); diff != "" {
		t.Errorf("GetUser after UpdateUser (-want +got):\n%s", diff)
	}

	// Members left out stay; Alexa can be switched off alone.
	out, err = e.chime.UpdateUser(ctx, &chime.UpdateUserInput{
		AccountId: aws.String(acct), UserId: u.UserId,
		AlexaForBusinessMetadata: &types.AlexaForBusinessMetadata{IsAlexaForBusinessEnabled: aws.Bool(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want.AlexaForBusinessMetadata.IsAlexaForBusinessEnabled = aws.Bool(false)
	if diff := cmp.Diff(want, *out.User, ignoreSDK); diff != "" {
		t.Errorf("UpdateUser(Alexa off) User (-want +got):\n%s", diff)
	}
}

func TestUpdateUserRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	other := e.enterprise("other", "example.org")
	u := e.user(acct, "ana@example.com")
	stranger := e.user(other, "bo@example.org")
	tests := []struct {
		name  string
		in    chime.UpdateUserInput
		check func(t *testing.T, err error)
	}{
		{"unsupported license", chime.UpdateUserInput{AccountId: aws.String(acct), UserId: u.UserId, LicenseType: types.LicenseProTrial},
			func(t *testing.T, err error) {
				wantMessage(t, wantErr[*types.BadRequestException](t, err).Message, "ProTrial", "Basic, Pro")
			}},
		{"unknown license", chime.UpdateUserInput{AccountId: aws.String(acct), UserId: u.UserId, LicenseType: "Gold"},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"unknown user type", chime.UpdateUserInput{AccountId: aws.String(acct), UserId: u.UserId, UserType: "Robot"},
			func(t *testing.T, err error) { wantErr[*types.BadRequestException](t, err) }},
		{"unknown user", chime.UpdateUserInput{AccountId: aws.String(acct), UserId: aws.String("nope"), LicenseType: types.LicenseBasic},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"user of another account", chime.UpdateUserInput{AccountId: aws.String(acct), UserId: stranger.UserId, LicenseType: types.LicenseBasic},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
		{"unknown account", chime.UpdateUserInput{AccountId: aws.String("nope"), UserId: u.UserId, LicenseType: types.LicenseBasic},
			func(t *testing.T, err error) { wantErr[*types.NotFoundException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.chime.UpdateUser(ctx, &tt.in)
			tt.check(t, err)
		})
	}
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
	if err != nil || got.User.LicenseType != types.LicensePro || got.User.UserType != types.UserTypePrivateUser {
		t.Errorf("after refused updates the user is %+v (%v), want it unchanged", got, err)
	}
}

// userError is a UserError without the SDK's internals, for comparing.
type userError struct{ UserID, Code string }

func userErrs(errs []types.UserError) []userError {
	out := []userError{}
	for _, e := range errs {
		out = append(out, userError{aws.ToString(e.UserId), string(e.ErrorCode)})
		if aws.ToString(e.ErrorMessage) == "" {
			out = append(out, userError{aws.ToString(e.UserId), "no ErrorMessage"})
		}
	}
	return out
}

func TestBatchUpdateUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "a@example.com", "b@example.com")
	users := e.users(acct)
	a, b := aws.ToString(users[0].UserId), aws.ToString(users[1].UserId)
	out, err := e.chime.BatchUpdateUser(ctx, &chime.BatchUpdateUserInput{AccountId: aws.String(acct),
		UpdateUserRequestItems: []types.UpdateUserRequestItem{
			{UserId: aws.String("nope"), LicenseType: types.LicenseBasic},
			{UserId: aws.String(a), LicenseType: types.LicenseBasic},
			{UserId: aws.String(b), LicenseType: types.LicensePlus},
			{UserId: aws.String(b), UserType: types.UserTypeSharedDevice, LicenseType: types.LicenseBasic},
			{UserId: aws.String(b)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := []userError{{"nope", "NotFound"}, {b, "BadRequest"}, {b, "BadRequest"}, {b, "BadRequest"}}
	if diff := cmp.Diff(want, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("UserErrors (-want +got):\n%s", diff)
	}
	licenses := []types.License{}
	for _, u := range e.users(acct) {
		licenses = append(licenses, u.LicenseType)
	}
	if diff := cmp.Diff([]types.License{types.LicenseBasic, types.LicensePro}, licenses); diff != "" {
		t.Errorf("licenses after the batch (-want +got):\n%s", diff)
	}

	// When every item succeeds, UserErrors is an empty list, not absent.
	body := `{"UpdateUserRequestItems":[{"UserId":"` + b + `","LicenseType":"Basic"}]}`
	r := e.do(request{Method: "POST", Path: "/accounts/" + acct + "/users", Body: []byte(body)})
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != `{"UserErrors":[]}` {
		t.Errorf("all-success batch answered %d %s, want 200 {\"UserErrors\":[]}", r.Status, r.Body)
	}

	items := make([]types.UpdateUserRequestItem, 21)
	for i := range items {
		items[i] = types.UpdateUserRequestItem{UserId: aws.String(a), LicenseType: types.LicensePro}
	}
	_, err = e.chime.BatchUpdateUser(ctx, &chime.BatchUpdateUserInput{AccountId: aws.String(acct), UpdateUserRequestItems: items})
	wantErr[*types.BadRequestException](t, err)
	_, err = e.chime.BatchUpdateUser(ctx, &chime.BatchUpdateUserInput{AccountId: aws.String("nope"), UpdateUserRequestItems: items[:1]})
	wantErr[*types.NotFoundException](t, err)
}

// registration returns each user's registration status, by e-mail.
func (e *env) registration(accountID string) map[string]types.RegistrationStatus {
	e.t.Helper()
	out := map[string]types.RegistrationStatus{}
	for _, u := range e.users(accountID) {
		out[aws.ToString(u.PrimaryEmail)] = u.UserRegistrationStatus
	}
	return out
}

func TestSuspendTeamUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "a@example.com", "b@example.com", "c@example.com")
	users := e.users(acct)
	a, b := aws.ToString(users[0].UserId), aws.ToString(users[1].UserId)
	out, err := e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{
		AccountId: aws.String(acct), UserIdList: []string{a, "nope", b, a},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{{"nope", "NotFound"}}, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("UserErrors (-want +got):\n%s", diff)
	}
	want := map[string]types.RegistrationStatus{
		"a@example.com": types.RegistrationStatusSuspended, "b@example.com": types.RegistrationStatusSuspended,
		"c@example.com": types.RegistrationStatusUnregistered,
	}
	if diff := cmp.Diff(want, e.registration(acct)); diff != "" {
		t.Errorf("after suspending, users are listed as (-want +got):\n%s", diff)
	}

	// A Team account lifts a suspension by inviting again, not by unsuspending.
	un, err := e.chime.BatchUnsuspendUser(ctx, &chime.BatchUnsuspendUserInput{AccountId: aws.String(acct), UserIdList: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{{a, "BadRequest"}}, userErrs(un.UserErrors)); diff != "" {
		t.Errorf("Team BatchUnsuspendUser UserErrors (-want +got):\n%s", diff)
	}
	wantMessage(t, un.UserErrors[0].ErrorMessage, "InviteUsers")
	invites := e.invite(acct, "a@example.com")
	if invites[0].Status != types.InviteStatusPending {
		t.Errorf("re-inviting a suspended user: %+v, want a Pending invite", invites[0])
	}
	want["a@example.com"] = types.RegistrationStatusUnregistered
	if diff := cmp.Diff(want, e.registration(acct)); diff != "" {
		t.Errorf("after re-inviting, users are listed as (-want +got):\n%s", diff)
	}

	ids := make([]string, 51)
	for i := range ids {
		ids[i] = a
	}
	_, err = e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: aws.String(acct), UserIdList: ids})
	wantErr[*types.BadRequestException](t, err)
	_, err = e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: aws.String("nope"), UserIdList: ids[:1]})
	wantErr[*types.NotFoundException](t, err)
}

func TestSuspendLWAUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.lwa("corp", "example.com")
	a, b := aws.ToString(e.user(acct, "a@example.com").UserId), aws.ToString(e.user(acct, "b@example.com").UserId)
	e.suspendAll(acct, a)
	out, err := e.chime.BatchUnsuspendUser(ctx, &chime.BatchUnsuspendUserInput{
		AccountId: aws.String(acct), UserIdList: []string{a, b, "nope"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{{"nope", "NotFound"}}, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("UserErrors (-want +got): not-suspended users are silently ignored\n%s", diff)
	}
	want := map[string]types.RegistrationStatus{
		"a@example.com": types.RegistrationStatusRegistered, "b@example.com": types.RegistrationStatusRegistered,
	}
	if diff := cmp.Diff(want, e.registration(acct)); diff != "" {
		t.Errorf("after unsuspending (-want +got):\n%s", diff)
	}

	// A user whose domain was released comes back only with the domain.
	e.suspendAll(acct, a)
	e.operator("DELETE", "/_belfry/domains/example.com", "", http.StatusOK)
	out, err = e.chime.BatchUnsuspendUser(ctx, &chime.BatchUnsuspendUserInput{AccountId: aws.String(acct), UserIdList: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{{a, "BadRequest"}}, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("unsuspending after the release: UserErrors (-want +got):\n%s", diff)
	}
}

func TestSuspendDirectoryUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	a := aws.ToString(e.user(acct, "a@example.com").UserId)
	out, err := e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: aws.String(acct), UserIdList: []string{a, "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{{a, "BadRequest"}, {"nope", "NotFound"}}, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("UserErrors (-want +got):\n%s", diff)
	}
	wantMessage(t, out.UserErrors[0].ErrorMessage, "EnterpriseDirectory", "directory")
	if got := e.registration(acct)["a@example.com"]; got != types.RegistrationStatusRegistered {
		t.Errorf("after a refused suspension the user is %s, want Registered", got)
	}
}

func TestLogoutUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	u := e.user(acct, "ana@example.com")
	before := time.Now()
	out, err := e.chime.LogoutUser(ctx, &chime.LogoutUserInput{AccountId: aws.String(acct), UserId: u.UserId})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(out.ResultMetadata); got != http.StatusNoContent {
		t.Errorf("LogoutUser status = %d, want 204", got)
	}
	stored, err := e.svc.Store.User(ctx, acct, aws.ToString(u.UserId))
	if err != nil {
		t.Fatal(err)
	}
	if stored.SessionValid(before.Add(-time.Second)) || !stored.SessionValid(time.Now().Add(time.Second)) {
		t.Errorf("after LogoutUser (SessionsRevoked %v) an older session holds or a newer one does not", stored.SessionsRevoked)
	}
	if stored.Registration != belfry.Registered {
		t.Errorf("LogoutUser changed the registration to %s", stored.Registration)
	}
	_, err = e.chime.LogoutUser(ctx, &chime.LogoutUserInput{AccountId: aws.String(acct), UserId: aws.String("nope")})
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.LogoutUser(ctx, &chime.LogoutUserInput{AccountId: aws.String("nope"), UserId: u.UserId})
	wantErr[*types.NotFoundException](t, err)
}

func TestResetPersonalPIN(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.enterprise("corp", "example.com")
	u := e.user(acct, "ana@example.com")
	seen := map[string]bool{aws.ToString(u.PersonalPIN): true}
	for i := range 20 {
		out, err := e.chime.ResetPersonalPIN(ctx, &chime.ResetPersonalPINInput{AccountId: aws.String(acct), UserId: u.UserId})
		if err != nil {
			t.Fatal(err)
		}
		pin := aws.ToString(out.User.PersonalPIN)
		if !tenDigits.MatchString(pin) || seen[pin] {
			t.Fatalf("reset %d: PIN %q, want 10 digits never seen before", i, pin)
		}
		seen[pin] = true
		want := u
		want.PersonalPIN = out.User.PersonalPIN
		if diff := cmp.Diff(want, *out.User, ignoreSDK); diff != "" {
			t.Errorf("ResetPersonalPIN User (-want +got):\n%s", diff)
		}
		got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: u.UserId})
		if err != nil || aws.ToString(got.User.PersonalPIN) != pin {
			t.Fatalf("GetUser after reset %d: PIN %v (%v), want %s", i, got, err, pin)
		}
	}
	for _, tt := range []struct{ account, user string }{{acct, "nope"}, {"nope", aws.ToString(u.UserId)}} {
		_, err := e.chime.ResetPersonalPIN(ctx, &chime.ResetPersonalPINInput{AccountId: aws.String(tt.account), UserId: aws.String(tt.user)})
		wantErr[*types.NotFoundException](t, err)
	}
}

func TestBatchCallsAreAtomicPerItem(t *testing.T) {
	// Twenty concurrent license flips and suspensions of the same users
	// never lose an update or fail a whole call.
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	var emails []string
	for i := range 10 {
		emails = append(emails, fmt.Sprintf("u%d@example.com", i))
	}
	e.invite(acct, emails...)
	var ids []string
	for _, u := range e.users(acct) {
		ids = append(ids, aws.ToString(u.UserId))
	}
	errs := make(chan error, 20)
	for i := range 20 {
		go func() {
			var err error
			if i%2 == 0 {
				_, err = e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: aws.String(acct), UserIdList: ids})
			} else {
				items := []types.UpdateUserRequestItem{}
				for _, id := range ids {
					items = append(items, types.UpdateUserRequestItem{UserId: aws.String(id), LicenseType: types.LicenseBasic})
				}
				_, err = e.chime.BatchUpdateUser(ctx, &chime.BatchUpdateUserInput{AccountId: aws.String(acct), UpdateUserRequestItems: items[:10]})
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for _, u := range e.users(acct) {
		if u.UserRegistrationStatus != types.RegistrationStatusSuspended || u.LicenseType != types.LicenseBasic {
			t.Errorf("user %s is %s with %s, want Suspended with Basic", aws.ToString(u.PrimaryEmail), u.UserRegistrationStatus, u.LicenseType)
		}
	}
}

// TestUnsuspendNeverRegisteredInvitee follows an invitee who never
// accepted through a Team account becoming EnterpriseLWA, the domain's
// release (which suspends invitees too) and its claim again: unsuspending
// gives the invitee back its pending invitation, not a registration it
// never made.
func TestUnsuspendNeverRegisteredInvitee(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "ana@example.com")
	id := aws.ToString(e.users(acct)[0].UserId)
	e.claim(acct, "example.com", belfry.EnterpriseLWA)
	e.operator("DELETE", "/_belfry/domains/example.com", "", http.StatusOK)
	e.claim(acct, "example.com", belfry.EnterpriseLWA)
	out, err := e.chime.BatchUnsuspendUser(ctx, &chime.BatchUnsuspendUserInput{AccountId: aws.String(acct), UserIdList: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]userError{}, userErrs(out.UserErrors)); diff != "" {
		t.Errorf("UserErrors (-want +got):\n%s", diff)
	}
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	u := got.User
	if u.UserRegistrationStatus != types.RegistrationStatusUnregistered || u.UserInvitationStatus != types.InviteStatusPending ||
		u.RegisteredOn != nil || aws.ToString(u.PersonalPIN) != "" {
		t.Errorf("after unsuspending, the invitee is %s/%s, RegisteredOn %v, PIN %q; want Unregistered/Pending with neither",
			u.UserRegistrationStatus, u.UserInvitationStatus, u.RegisteredOn, aws.ToString(u.PersonalPIN))
	}
}

// TestResetPersonalPINPendingUser checks that an invitee, who has no PIN
// until it accepts, cannot have one reset.
func TestResetPersonalPINPendingUser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "ana@example.com")
	id := e.users(acct)[0].UserId
	_, err := e.chime.ResetPersonalPIN(ctx, &chime.ResetPersonalPINInput{AccountId: aws.String(acct), UserId: id})
	br := wantErr[*types.BadRequestException](t, err)
	wantMessage(t, br.Message, "invitation")
	got, err := e.chime.GetUser(ctx, &chime.GetUserInput{AccountId: aws.String(acct), UserId: id})
	if err != nil {
		t.Fatal(err)
	}
	if pin := aws.ToString(got.User.PersonalPIN); pin != "" {
		t.Errorf("after a refused reset the invitee has PIN %q; want none", pin)
	}
}

// TestReinviteSuspendedTeamUserLicense checks that a Team suspension, which
// takes the license away, is lifted by an invitation that gives the
// account's DefaultLicense of the moment (chime-behaviour.md §3.2).
func TestReinviteSuspendedTeamUserLicense(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acct := e.account("team")
	e.invite(acct, "ana@example.com", "bo@example.com")
	users := e.users(acct)
	ana, bo := aws.ToString(users[0].UserId), aws.ToString(users[1].UserId)
	e.suspendAll(acct, ana)
	if _, err := e.chime.UpdateAccount(ctx, &chime.UpdateAccountInput{AccountId: aws.String(acct), DefaultLicense: types.LicenseBasic}); err != nil {
		t.Fatal(err)
	}
	e.invite(acct, "ana@example.com", "bo@example.com")
	want := map[string]types.License{ana: types.LicenseBasic, bo: types.LicensePro}
	got := map[string]types.License{}
	for _, u := range e.users(acct) {
		got[aws.ToString(u.UserId)] = u.LicenseType
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("licenses after re-inviting (-want +got): the suspended user gets the new default, the pending one keeps its own\n%s", diff)
	}
}
