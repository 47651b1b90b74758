package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/api"
)

// operatorWrites are the operator API's requests that change state, named
// as the audit log names them. The operator API is Belfry's own and has no
// model to derive them from.
var operatorWrites = []string{"ClaimDomain", "ReleaseDomain", "RestoreAccount", "CreateAccessKey", "RevokeAccessKey",
	"CreateWebhook", "RegenerateWebhook", "DeleteWebhook", "ImportPhoneNumbers"}

// isRead says whether a model operation only reads: by the AWS naming
// convention, the Get, List and Search operations (SearchAvailablePhoneNumbers)
// and no others.
func isRead(name string) bool {
	for _, prefix := range []string{"Get", "List", "Search"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// changesNothing lists the model's operations that are not reads by name
// but that Belfry carries out without changing state: CreateMeetingDialOut
// finds no meeting, ever (DECISIONS.md "Phone numbers").
var changesNothing = []string{"CreateMeetingDialOut"}

// writes returns the operations that change state: the model's operations
// that Belfry carries out and that do not only read, and the operator's.
func writes() []string {
	out := append([]string(nil), operatorWrites...)
	for _, op := range api.ModelOperations() {
		if op.Implemented && !isRead(op.Name) && !slices.Contains(changesNothing, op.Name) {
			out = append(out, op.Name)
		}
	}
	return out
}

// unsupportedWrites returns the model's operations that change state and
// that Belfry does not carry out.
func unsupportedWrites() []api.ModelOperation {
	var out []api.ModelOperation
	for _, op := range api.ModelOperations() {
		if !op.Implemented && !isRead(op.Name) {
			out = append(out, op)
		}
	}
	return out
}

// modelRequest is a request for op with every path label set to "x" and
// its fixed query values, the least that reaches its route.
func modelRequest(op api.ModelOperation) request {
	var segs []string
	for _, s := range strings.Split(op.Path, "/") {
		if strings.HasPrefix(s, "{") {
			s = "x"
		}
		segs = append(segs, s)
	}
	q := url.Values{}
	for k, v := range op.Fixed {
		q.Set(k, v)
	}
	path := strings.Join(segs, "/")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return request{Method: op.Method, Path: path, Body: []byte("{}")}
}

// auditedCall is one call of an operation that changes state, made so that
// it succeeds after the calls before it.
type auditedCall struct {
	op   string
	call func(ctx context.Context) error
}

// workerFollowUps run, after the event of the operation they are named by
// is checked, the work a worker does for it, which the worker records in
// an event of its own.
var workerFollowUps = map[string]func(e *env){"CreatePhoneNumberOrder": (*env).fillOrders}

// auditedCalls returns calls of every operation that changes state, in an
// order in which each succeeds: an account is made, filled, emptied,
// deleted and restored, and an access key made and revoked. team and
// userID are set, once the calls are made, to the account and user made.
func auditedCalls(e *env) (calls []auditedCall, team, userID *string) {
	team, userID = new(string), new(string)
	var room string
	calls = []auditedCall{
		{"CreateAccount", func(ctx context.Context) error {
			out, err := e.chime.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("team")})
			if err == nil {
				*team = aws.ToString(out.Account.AccountId)
			}
			return err
		}},
		{"InviteUsers", func(ctx context.Context) error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: team, UserEmailList: []string{"a@example.com"}})
			return err
		}},
		{"ClaimDomain", func(context.Context) error {
			return e.operatorCall("POST", "/_belfry/domains", `{"AccountId":"`+*team+`","Domain":"example.org","Type":"EnterpriseLWA"}`, nil)
		}},
		{"CreateUser", func(ctx context.Context) error {
			out, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{AccountId: team, Email: aws.String("ana@example.org")})
			if err == nil {
				*userID = aws.ToString(out.User.UserId)
			}
			return err
		}},
		{"CreateRoom", func(ctx context.Context) error {
			out, err := e.chime.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: team, Name: aws.String("ops")})
			if err == nil {
				room = aws.ToString(out.Room.RoomId)
			}
			return err
		}},
		{"CreateRoomMembership", func(ctx context.Context) error {
			_, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{AccountId: team, RoomId: &room, MemberId: userID})
			return err
		}},
	}
	calls = append(calls, messageCalls(e, team, userID, &room)...)
	calls = append(calls, webhookCalls(e, team, &room)...)
	calls = append(calls, botCalls(e, team)...)
	calls = append(calls, roomCalls(team, &room, userID, e)...)
	calls = append(calls, accountCalls(e, team, e.enterprise("directory", "example.net"))...)
	calls = append(calls, userCalls(e, team, userID)...)
	calls = append(calls, globalSettingsCalls(e)...)
	calls = append(calls, phoneCalls(e, team, userID)...)
	return append(calls, lifecycleCalls(e, team)...), team, userID
}

// botCalls make a bot of account team, disable it, regenerate its
// security token, and put and delete its events configuration.
func botCalls(e *env, team *string) []auditedCall {
	var bot *string
	endpoint := newBotServer(e)
	return []auditedCall{
		{"CreateBot", func(ctx context.Context) error {
			out, err := e.chime.CreateBot(ctx, &chime.CreateBotInput{AccountId: team, DisplayName: aws.String("Audited")})
			if err == nil {
				bot = out.Bot.BotId
			}
			return err
		}},
		{"UpdateBot", func(ctx context.Context) error {
			_, err := e.chime.UpdateBot(ctx, &chime.UpdateBotInput{AccountId: team, BotId: bot, Disabled: aws.Bool(true)})
			return err
		}},
		{"RegenerateSecurityToken", func(ctx context.Context) error {
			out, err := e.chime.RegenerateSecurityToken(ctx, &chime.RegenerateSecurityTokenInput{AccountId: team, BotId: bot})
			if err == nil {
				endpoint.token = aws.ToString(out.Bot.SecurityToken)
			}
			return err
		}},
		{"PutEventsConfiguration", func(context.Context) error {
			_, err := e.putEvents(*team, *bot, endpoint.URL)
			return err
		}},
		{"DeleteEventsConfiguration", func(ctx context.Context) error {
			_, err := e.chime.DeleteEventsConfiguration(ctx, &chime.DeleteEventsConfigurationInput{AccountId: team, BotId: bot})
			return err
		}},
	}
}

// roomCalls change room room of account team and user userID's membership
// in it in every way the API can, then delete the room.
func roomCalls(team, room, userID *string, e *env) []auditedCall {
	return []auditedCall{
		{"UpdateRoom", func(ctx context.Context) error {
			_, err := e.chime.UpdateRoom(ctx, &chime.UpdateRoomInput{AccountId: team, RoomId: room, Name: aws.String("ops two")})
			return err
		}},
		{"UpdateRoomMembership", func(ctx context.Context) error {
			_, err := e.chime.UpdateRoomMembership(ctx, &chime.UpdateRoomMembershipInput{AccountId: team, RoomId: room,
				MemberId: userID, Role: types.RoomMembershipRoleAdministrator})
			return err
		}},
		{"DeleteRoomMembership", func(ctx context.Context) error {
			_, err := e.chime.DeleteRoomMembership(ctx, &chime.DeleteRoomMembershipInput{AccountId: team, RoomId: room, MemberId: userID})
			return err
		}},
		{"BatchCreateRoomMembership", func(ctx context.Context) error {
			out, err := e.chime.BatchCreateRoomMembership(ctx, &chime.BatchCreateRoomMembershipInput{AccountId: team, RoomId: room,
				MembershipItemList: []types.MembershipItem{{MemberId: userID}}})
			return batchError(err, out)
		}},
		{"DeleteRoom", func(ctx context.Context) error {
			_, err := e.chime.DeleteRoom(ctx, &chime.DeleteRoomInput{AccountId: team, RoomId: room})
			return err
		}},
	}
}

// accountCalls change account team's name and settings, and the sign-in
// groups of account dir, an EnterpriseDirectory account, the only kind
// that has them.
func accountCalls(e *env, team *string, dir string) []auditedCall {
	return []auditedCall{
		{"UpdateAccount", func(ctx context.Context) error {
			_, err := e.chime.UpdateAccount(ctx, &chime.UpdateAccountInput{AccountId: team, Name: aws.String("team two")})
			return err
		}},
		{"UpdateAccountSettings", func(ctx context.Context) error {
			_, err := e.chime.UpdateAccountSettings(ctx, &chime.UpdateAccountSettingsInput{AccountId: team,
				AccountSettings: &types.AccountSettings{EnableDialOut: aws.Bool(true)}})
			return err
		}},
		{"PutRetentionSettings", func(ctx context.Context) error {
			_, err := e.chime.PutRetentionSettings(ctx, &chime.PutRetentionSettingsInput{AccountId: team,
				RetentionSettings: &types.RetentionSettings{RoomRetentionSettings: &types.RoomRetentionSettings{RetentionDays: aws.Int32(5)}}})
			return err
		}},
		{"AssociateSigninDelegateGroupsWithAccount", func(ctx context.Context) error {
			_, err := e.chime.AssociateSigninDelegateGroupsWithAccount(ctx, &chime.AssociateSigninDelegateGroupsWithAccountInput{
				AccountId: &dir, SigninDelegateGroups: []types.SigninDelegateGroup{{GroupName: aws.String("admins")}}})
			return err
		}},
		{"DisassociateSigninDelegateGroupsFromAccount", func(ctx context.Context) error {
			_, err := e.chime.DisassociateSigninDelegateGroupsFromAccount(ctx, &chime.DisassociateSigninDelegateGroupsFromAccountInput{
				AccountId: &dir, GroupNames: []string{"admins"}})
			return err
		}},
	}
}

// userCalls change user userID of account team in every way the API can.
func userCalls(e *env, team, userID *string) []auditedCall {
	return []auditedCall{
		{"UpdateUser", func(ctx context.Context) error {
			_, err := e.chime.UpdateUser(ctx, &chime.UpdateUserInput{AccountId: team, UserId: userID, LicenseType: types.LicenseBasic})
			return err
		}},
		{"BatchUpdateUser", func(ctx context.Context) error {
			out, err := e.chime.BatchUpdateUser(ctx, &chime.BatchUpdateUserInput{AccountId: team,
				UpdateUserRequestItems: []types.UpdateUserRequestItem{{UserId: userID, LicenseType: types.LicensePro}}})
			return batchError(err, out)
		}},
		{"LogoutUser", func(ctx context.Context) error {
			_, err := e.chime.LogoutUser(ctx, &chime.LogoutUserInput{AccountId: team, UserId: userID})
			return err
		}},
		{"ResetPersonalPIN", func(ctx context.Context) error {
			_, err := e.chime.ResetPersonalPIN(ctx, &chime.ResetPersonalPINInput{AccountId: team, UserId: userID})
			return err
		}},
		{"UpdateUserSettings", func(ctx context.Context) error {
			_, err := e.chime.UpdateUserSettings(ctx, &chime.UpdateUserSettingsInput{AccountId: team, UserId: userID,
				UserSettings: &types.UserSettings{Telephony: &types.TelephonySettings{
					InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(true), SMS: aws.Bool(false)}}})
			return err
		}},
		{"BatchSuspendUser", func(ctx context.Context) error {
			out, err := e.chime.BatchSuspendUser(ctx, &chime.BatchSuspendUserInput{AccountId: team, UserIdList: []string{*userID}})
			return batchError(err, out)
		}},
		{"BatchUnsuspendUser", func(ctx context.Context) error {
			out, err := e.chime.BatchUnsuspendUser(ctx, &chime.BatchUnsuspendUserInput{AccountId: team, UserIdList: []string{*userID}})
			return batchError(err, out)
		}},
	}
}

// lifecycleCalls release account team's domain, which suspends its user,
// delete and restore the account, and make and revoke an access key.
func lifecycleCalls(e *env, team *string) []auditedCall {
	var key string
	return []auditedCall{
		{"ReleaseDomain", func(context.Context) error { return e.operatorCall("DELETE", "/_belfry/domains/example.org", "", nil) }},
		{"DeleteAccount", func(ctx context.Context) error {
			_, err := e.chime.DeleteAccount(ctx, &chime.DeleteAccountInput{AccountId: team})
			return err
		}},
		{"RestoreAccount", func(context.Context) error {
			return e.operatorCall("POST", "/_belfry/accounts/"+*team+"/restore", "", nil)
		}},
		{"CreateAccessKey", func(context.Context) error {
			var out struct{ AccessKey wireKey }
			err := e.operatorCall("POST", "/_belfry/keys", `{"AwsAccountId":"444455556666","Name":"ci"}`, &out)
			key = out.AccessKey.AccessKeyID
			return err
		}},
		{"RevokeAccessKey", func(context.Context) error { return e.operatorCall("DELETE", "/_belfry/keys/"+key, "", nil) }},
	}
}

// webhookCalls make, regenerate and delete a webhook of room room of
// account team, as an operator does.
func webhookCalls(e *env, team, room *string) []auditedCall {
	var id string
	return []auditedCall{
		{"CreateWebhook", func(context.Context) error {
			var out struct{ Webhook struct{ WebhookId string } }
			err := e.operatorCall("POST", "/_belfry/webhooks", `{"AccountId":"`+*team+`","RoomId":"`+*room+`","Name":"CI"}`, &out)
			id = out.Webhook.WebhookId
			return err
		}},
		{"RegenerateWebhook", func(context.Context) error {
			var out struct{ Webhook struct{ WebhookId string } }
			err := e.operatorCall("POST", "/_belfry/webhooks/"+id+"/regenerate", `{"AccountId":"`+*team+`"}`, &out)
			id = out.Webhook.WebhookId
			return err
		}},
		{"DeleteWebhook", func(context.Context) error {
			return e.operatorCall("DELETE", "/_belfry/webhooks/"+id+"?account-id="+*team, "", nil)
		}},
	}
}

// operatorCall sends an operator request and returns an error unless it
// succeeds; out, when not nil, receives the answer.
func (e *env) operatorCall(method, path, body string, out any) error {
	r := e.do(request{Method: method, Path: path, Body: []byte(body)})
	if r.Status/100 != 2 {
		return fmt.Errorf("%s %s: status %d: %s", method, path, r.Status, r.Body)
	}
	if out != nil {
		return json.Unmarshal(r.Body, out)
	}
	return nil
}

// batchError returns err, or an error naming the per-user or per-member
// errors of a batch call's output: a batch whose items all fail changes
// nothing.
func batchError(err error, out any) error {
	if err != nil {
		return err
	}
	var errs []types.UserError
	switch o := out.(type) {
	case *chime.BatchUpdateUserOutput:
		errs = o.UserErrors
	case *chime.BatchSuspendUserOutput:
		errs = o.UserErrors
	case *chime.BatchUnsuspendUserOutput:
		errs = o.UserErrors
	case *chime.BatchCreateRoomMembershipOutput:
		for _, me := range o.Errors {
			errs = append(errs, types.UserError{UserId: me.MemberId, ErrorCode: me.ErrorCode, ErrorMessage: me.ErrorMessage})
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("user errors: %s: %s", errs[0].ErrorCode, aws.ToString(errs[0].ErrorMessage))
	}
	return nil
}

// globalSettingsCalls set the AWS account's CDR buckets and default calling
// name.
func globalSettingsCalls(e *env) []auditedCall {
	return []auditedCall{
		{"UpdateGlobalSettings", func(ctx context.Context) error {
			_, err := e.chime.UpdateGlobalSettings(ctx, &chime.UpdateGlobalSettingsInput{
				BusinessCalling: &types.BusinessCallingSettings{CdrBucket: aws.String("cdr-records")},
			})
			return err
		}},
		{"UpdatePhoneNumberSettings", func(ctx context.Context) error {
			_, err := e.chime.UpdatePhoneNumberSettings(ctx, &chime.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Example Corp")})
			return err
		}},
	}
}
