package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry"
)

// secretText is what the tests post and then redact; no answer, row or
// audit record may hold it afterwards.
const secretText = "the launch code is **0000**"

// messageRoom makes an Enterprise account with a user in a room, and
// posts two messages there as the web app would, through the service.
func messageRoom(e *env) (account, room string, msgs []*belfry.Message) {
	e.t.Helper()
	account = e.enterprise("Messages", "example.com")
	ana := aws.ToString(e.user(account, "ana@example.com").UserId)
	room = e.room(account, "Ops")
	ctx := context.Background()
	_, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
		AccountId: aws.String(account), RoomId: aws.String(room), MemberId: aws.String(ana)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, text := range []string{secretText, "an ordinary message"} {
		m, err := e.svc.PostRoomMessage(ctx, account, room, ana, text)
		if err != nil {
			e.t.Fatalf("PostRoomMessage() = %v", err)
		}
		msgs = append(msgs, m)
	}
	return account, room, msgs
}

// stored reads message m back from the store.
func (e *env) stored(m *belfry.Message) *belfry.Message {
	e.t.Helper()
	got, err := e.svc.Store.Message(context.Background(), m.AccountID, m.Thread(), m.ID)
	if err != nil {
		e.t.Fatalf("Message(%s) = %v", m.ID, err)
	}
	return got
}

func TestRedactRoomMessage(t *testing.T) {
	e := newEnv(t)
	account, room, msgs := messageRoom(e)
	ctx := context.Background()
	in := &chime.RedactRoomMessageInput{AccountId: aws.String(account), RoomId: aws.String(room), MessageId: aws.String(msgs[0].ID)}
	var first time.Time
	for i := range 2 { // the second time answers the same and changes nothing
		out, err := e.chime.RedactRoomMessage(ctx, in)
		if err != nil {
			t.Fatalf("RedactRoomMessage() #%d = %v", i+1, err)
		}
		if got := statusOf(out.ResultMetadata); got != 200 {
			t.Errorf("RedactRoomMessage() #%d status %d; want 200", i+1, got)
		}
		got := e.stored(msgs[0])
		if got.Content != "" || got.Redacted.IsZero() {
			t.Fatalf("after RedactRoomMessage() #%d the stored message is %+v; want its content gone and a redaction time", i+1, got)
		}
		if i == 0 {
			first = got.Redacted
		} else if !got.Redacted.Equal(first) {
			t.Errorf("redacting again moved the redaction time from %v to %v", first, got.Redacted)
		}
	}
	if got := e.stored(msgs[1]); got.Content != msgs[1].Content || !got.Redacted.IsZero() {
		t.Errorf("the other message became %+v; want it untouched", got)
	}
	history, err := e.svc.History(ctx, account, belfry.Thread{RoomID: room}, 0, 10)
	if err != nil || len(history) != 2 || history[0].ID != msgs[0].ID {
		t.Errorf("History() = %d messages, %v; want both, the redacted one still first", len(history), err)
	}
	wantRedactionAudited(t, e, "RedactRoomMessage", account, msgs[0].ID)
}

// wantRedactionAudited checks that the audit log names the redacted
// message and never its content.
func wantRedactionAudited(t *testing.T, e *env, op, account, messageID string) {
	t.Helper()
	events, _ := e.audit("account-id=" + account)
	n := 0
	for _, ev := range events {
		if strings.Contains(ev.Summary+strings.Join(ev.Resources, " "), "launch code") {
			t.Errorf("audit event %+v holds the redacted content", ev)
		}
		if ev.Operation == op {
			n++
			if !strings.Contains(strings.Join(ev.Resources, " "), messageID) || ev.CallerArn != rootARN {
				t.Errorf("%s's event %+v does not say who redacted message %s", op, ev, messageID)
			}
		}
	}
	if n != 2 {
		t.Errorf("audit log has %d %s events; want 2", n, op)
	}
}

func TestRedactConversationMessage(t *testing.T) {
	e := newEnv(t)
	account := e.enterprise("Messages", "example.com")
	ana, bob := aws.ToString(e.user(account, "ana@example.com").UserId), aws.ToString(e.user(account, "bob@example.com").UserId)
	ctx := context.Background()
	c, err := e.svc.CreateConversation(ctx, account, ana, []string{bob})
	if err != nil {
		t.Fatalf("CreateConversation() = %v", err)
	}
	m, err := e.svc.PostConversationMessage(ctx, account, c.ID, bob, secretText)
	if err != nil {
		t.Fatalf("PostConversationMessage() = %v", err)
	}
	in := &chime.RedactConversationMessageInput{AccountId: aws.String(account), ConversationId: aws.String(c.ID), MessageId: aws.String(m.ID)}
	for i := range 2 {
		out, err := e.chime.RedactConversationMessage(ctx, in)
		if err != nil {
			t.Fatalf("RedactConversationMessage() #%d = %v", i+1, err)
		}
		if got := statusOf(out.ResultMetadata); got != 200 {
			t.Errorf("RedactConversationMessage() #%d status %d; want 200", i+1, got)
		}
	}
	if got := e.stored(m); got.Content != "" || got.Redacted.IsZero() {
		t.Errorf("the stored message is %+v; want its content gone and a redaction time", got)
	}
	wantRedactionAudited(t, e, "RedactConversationMessage", account, m.ID)
}

func TestRedactRefusals(t *testing.T) {
	e := newEnv(t)
	account, room, msgs := messageRoom(e)
	team := e.account("team")
	ctx := context.Background()
	redactRoom := func(account, room, id string) error {
		_, err := e.chime.RedactRoomMessage(ctx, &chime.RedactRoomMessageInput{AccountId: &account, RoomId: &room, MessageId: &id})
		return err
	}
	redactConversation := func(account, conv, id string) error {
		_, err := e.chime.RedactConversationMessage(ctx, &chime.RedactConversationMessageInput{AccountId: &account, ConversationId: &conv, MessageId: &id})
		return err
	}
	unknown := "6f1c1f0e-0000-4000-8000-000000000000"
	for name, err := range map[string]error{
		"unknown message":              redactRoom(account, room, unknown),
		"unknown room":                 redactRoom(account, unknown, msgs[0].ID),
		"unknown conversation":         redactConversation(account, unknown, msgs[0].ID),
		"room message as conversation": redactConversation(account, room, msgs[0].ID),
		"unknown account":              redactRoom(unknown, room, msgs[0].ID),
	} {
		t.Run(name, func(t *testing.T) { wantErr[*types.NotFoundException](t, err) })
	}
	for name, err := range map[string]error{
		"room":         redactRoom(team, room, msgs[0].ID),
		"conversation": redactConversation(team, unknown, msgs[0].ID),
	} {
		t.Run("Team account/"+name, func(t *testing.T) {
			fe := wantErr[*types.ForbiddenException](t, err)
			if msg := aws.ToString(fe.Message); !strings.Contains(msg, "not an Enterprise Chime Account") {
				t.Errorf("message %q does not say that the account is not an Enterprise account", msg)
			}
		})
	}
	if got := e.stored(msgs[0]); got.Content != secretText {
		t.Errorf("refused redactions changed the message to %+v", got)
	}
}

// messageCalls redact a message of room *room and one of a conversation,
// both of user *userID of account *team, each posted through the service
// (which records nothing) just before.
func messageCalls(e *env, team, userID, room *string) []auditedCall {
	return []auditedCall{
		{"RedactRoomMessage", func(ctx context.Context) error {
			m, err := e.svc.PostRoomMessage(ctx, *team, *room, *userID, secretText)
			if err != nil {
				return err
			}
			_, err = e.chime.RedactRoomMessage(ctx, &chime.RedactRoomMessageInput{AccountId: team, RoomId: room, MessageId: &m.ID})
			return err
		}},
		{"RedactConversationMessage", func(ctx context.Context) error {
			admin := belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: "111122223333", ARN: rootARN})
			peer, err := e.svc.CreateUser(admin, *team, belfry.CreateUserInput{Email: "peer@example.org"})
			if err != nil {
				return err
			}
			c, err := e.svc.CreateConversation(ctx, *team, *userID, []string{peer.ID})
			if err != nil {
				return err
			}
			m, err := e.svc.PostConversationMessage(ctx, *team, c.ID, peer.ID, secretText)
			if err != nil {
				return err
			}
			_, err = e.chime.RedactConversationMessage(ctx, &chime.RedactConversationMessageInput{
				AccountId: team, ConversationId: &c.ID, MessageId: &m.ID})
			return err
		}},
	}
}

// TestPostRules checks the rules of posting, which the web app will call:
// members only, content of 1 to 4,096 characters, no suspended user.
func TestPostRules(t *testing.T) {
	e := newEnv(t)
	account, room, _ := messageRoom(e)
	ctx := context.Background()
	ana := e.user(account, "ana2@example.com")
	bob := aws.ToString(e.user(account, "bob@example.com").UserId)
	member := aws.ToString(ana.UserId)
	if _, err := e.chime.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
		AccountId: &account, RoomId: &room, MemberId: &member}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, user, content string
		want                belfry.Kind
	}{
		{"not a member", bob, "hi", belfry.Forbidden},
		{"blank", member, "  \n", belfry.BadRequest},
		{"too long", member, strings.Repeat("é", belfry.MaxMessageLength+1), belfry.BadRequest},
		{"unknown user", "6f1c1f0e-0000-4000-8000-000000000000", "hi", belfry.NotFound},
	} {
		if _, err := e.svc.PostRoomMessage(ctx, account, room, tc.user, tc.content); belfry.ErrorKind(err) != tc.want {
			t.Errorf("PostRoomMessage(%s) = %v; want kind %v", tc.name, err, tc.want)
		}
	}
	if _, err := e.svc.PostRoomMessage(ctx, account, room, member, strings.Repeat("é", belfry.MaxMessageLength)); err != nil {
		t.Errorf("PostRoomMessage(4,096 characters) = %v", err)
	}
	// Releasing the account's domain suspends its users (an
	// EnterpriseDirectory account's cannot be suspended one by one).
	if err := e.operatorCall("DELETE", "/_belfry/domains/example.com", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.PostRoomMessage(ctx, account, room, member, "hi"); belfry.ErrorKind(err) != belfry.Forbidden {
		t.Errorf("PostRoomMessage(suspended) = %v; want Forbidden", err)
	}
}

// DeleteRoom takes the room's messages with it, for good (DECISIONS.md).
func TestDeleteRoomDeletesMessages(t *testing.T) {
	e := newEnv(t)
	account, room, msgs := messageRoom(e)
	_, err := e.chime.DeleteRoom(context.Background(), &chime.DeleteRoomInput{AccountId: aws.String(account), RoomId: aws.String(room)})
	if err != nil {
		t.Fatalf("DeleteRoom() = %v", err)
	}
	for _, m := range msgs {
		got, err := e.svc.Store.Message(context.Background(), m.AccountID, m.Thread(), m.ID)
		if belfry.ErrorKind(err) != belfry.NotFound {
			t.Errorf("message %s after DeleteRoom: %+v, %v; want NotFound", m.ID, got, err)
		}
	}
}
