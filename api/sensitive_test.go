package api_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/api"
)

// TestSensitiveValuesNotRepeated sends values of the shapes the model marks
// sensitive (a calling name, phone numbers, a join token, an e-mail address)
// that break the model's patterns. Each is refused as BadRequest with a
// message that says which member is wrong and how, but repeats neither the
// value to the caller nor, through the request log, to the operator. A
// value of a shape that is not sensitive is still quoted, so that a caller
// can find it.
func TestSensitiveValuesNotRepeated(t *testing.T) {
	var log logBuffer
	e := newEnvWith(t, openSQLite(t), api.Config{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	ctx := context.Background()
	account := e.account("Sensitive")
	ent := e.enterprise("Sensitive Directory", "example.com")
	const guid = "0190c3e4-7f6a-7b1c-8d2e-000000000001"
	cases := []struct {
		name   string
		secret string // the value the answer and the log must not hold
		member string // what the message must name instead
		call   func() error
	}{
		{"calling name", "TopSecret!!", "CallingName", func() error {
			_, err := e.chime.UpdatePhoneNumberSettings(ctx, &chime.UpdatePhoneNumberSettingsInput{CallingName: aws.String("TopSecret!!")})
			return err
		}},
		{"phone number", "+0123secret", "ToPhoneNumber", func() error {
			_, err := e.chime.CreateMeetingDialOut(ctx, &chime.CreateMeetingDialOutInput{MeetingId: aws.String(guid),
				FromPhoneNumber: aws.String("+14155550100"), ToPhoneNumber: aws.String("+0123secret"), JoinToken: aws.String("abc")})
			return err
		}},
		{"join token", "hidden-token-42", "JoinToken", func() error {
			_, err := e.chime.CreateMeetingDialOut(ctx, &chime.CreateMeetingDialOutInput{MeetingId: aws.String(guid),
				FromPhoneNumber: aws.String("+14155550100"), ToPhoneNumber: aws.String("+14155550101"), JoinToken: aws.String("hidden-token-42")})
			return err
		}},
		{"e-mail address", "private.person-at-example", "UserEmailList[1]", func() error {
			_, err := e.chime.InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(account),
				UserEmailList: []string{"ana@example.com", "private.person-at-example"}})
			return err
		}},
		{"e-mail address, by the service's rules", "hidden person", "Email", func() error {
			_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("hidden person@example.com")})
			return err
		}},
		{"e-mail address of an unclaimed domain", "hidden.person", "unclaimed.example", func() error {
			_, err := e.chime.CreateUser(ctx, &chime.CreateUserInput{AccountId: aws.String(ent), Email: aws.String("hidden.person@unclaimed.example")})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := wantErr[*types.BadRequestException](t, tc.call())
			msg := aws.ToString(bad.Message)
			if strings.Contains(msg, tc.secret) || !strings.Contains(msg, tc.member) {
				t.Errorf("message %q: want it to name %s without repeating %q", msg, tc.member, tc.secret)
			}
		})
	}
	// Not sensitive: the meeting ID is quoted back.
	_, err := e.chime.CreateMeetingDialOut(ctx, &chime.CreateMeetingDialOutInput{MeetingId: aws.String("not-a-guid"),
		FromPhoneNumber: aws.String("+14155550100"), ToPhoneNumber: aws.String("+14155550101"), JoinToken: aws.String("abc")})
	if msg := aws.ToString(wantErr[*types.BadRequestException](t, err).Message); !strings.Contains(msg, `"not-a-guid"`) {
		t.Errorf("a bad MeetingId: message %q; want it to quote the value, which is not sensitive", msg)
	}
	logged := log.String()
	if !strings.Contains(logged, "UpdatePhoneNumberSettings") {
		t.Fatalf("the request log holds no UpdatePhoneNumberSettings line:\n%s", logged)
	}
	for _, tc := range cases {
		if strings.Contains(logged, tc.secret) {
			t.Errorf("the request log repeats the %s %q:\n%s", tc.name, tc.secret, logged)
		}
	}
}
