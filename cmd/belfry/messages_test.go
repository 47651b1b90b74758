package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sqlite"
	"github.com/google/go-cmp/cmp"
)

// exportLine is one line of `belfry messages export`, as DECISIONS.md
// gives it.
type exportLine struct {
	MessageId, RoomId, ConversationId string
	Sender                            struct{ Id, Type, Name, Email string }
	Content, CreatedTimestamp         string
	Redacted                          bool
}

// exportLines parses the command's output, failing t on a line that is
// not exactly one message's JSON.
func exportLines(t *testing.T, out string) []exportLine {
	t.Helper()
	var lines []exportLine
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		var e exportLine
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("line %q is not a message: %v", l, err)
		}
		lines = append(lines, e)
	}
	return lines
}

// messagesServer starts belfry with an Enterprise account whose users ana
// and bob share a room and a conversation, and returns it with a service
// on the same database, through which the test posts as the web app would
// (it does not exist yet), its clock at *now.
func messagesServer(t *testing.T, now *time.Time) (p *proc, svc *belfry.Service, account, room, conv, ana string) {
	p = startBelfry(t, startOptions{})
	ctx := ctxT(t)
	c := p.sdk(rootKeyID, rootSecret)
	a, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Messages")})
	if err != nil {
		t.Fatal(err)
	}
	account = aws.ToString(a.Account.AccountId)
	p.claim(account, "example.com", "EnterpriseLWA")
	var users []string
	for _, email := range []string{"ana@example.com", "bob@example.com"} {
		u, err := c.CreateUser(ctx, &chime.CreateUserInput{AccountId: &account, Email: aws.String(email)})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, aws.ToString(u.User.UserId))
	}
	r, err := c.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: &account, Name: aws.String("Ops")})
	if err != nil {
		t.Fatal(err)
	}
	room = aws.ToString(r.Room.RoomId)
	if _, err := c.CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{AccountId: &account, RoomId: &room, MemberId: &users[0]}); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(filepath.Join(p.DataDir, "belfry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc = &belfry.Service{Store: store, Clock: func() time.Time { return *now }}
	cv, err := svc.CreateConversation(ctx, account, users[0], users[1:])
	if err != nil {
		t.Fatal(err)
	}
	return p, svc, account, room, cv.ID, users[0]
}

func TestMessagesExport(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)
	p, svc, account, room, conv, ana := messagesServer(t, &now)
	ctx := ctxT(t)
	post := func(th belfry.Thread, text string) *belfry.Message {
		t.Helper()
		now = now.Add(time.Hour)
		var m *belfry.Message
		var err error
		if th.RoomID != "" {
			m, err = svc.PostRoomMessage(ctx, account, th.RoomID, ana, text)
		} else {
			m, err = svc.PostConversationMessage(ctx, account, th.ConversationID, ana, text)
		}
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	first := post(belfry.Thread{RoomID: room}, "hello \x1b[31mred\x1b[0m \u202eworld")
	secret := post(belfry.Thread{ConversationID: conv}, "the launch code")
	last := post(belfry.Thread{RoomID: room}, "*bye*")
	_, err := p.sdk(rootKeyID, rootSecret).RedactConversationMessage(ctx, &chime.RedactConversationMessageInput{
		AccountId: &account, ConversationId: &conv, MessageId: &secret.ID})
	if err != nil {
		t.Fatal(err)
	}
	line := func(m *belfry.Message, content string, redacted bool) exportLine {
		e := exportLine{MessageId: m.ID, RoomId: m.RoomID, ConversationId: m.ConversationID, Content: content,
			CreatedTimestamp: m.Created.Format("2006-01-02T15:04:05.000Z"), Redacted: redacted}
		e.Sender.Id, e.Sender.Type, e.Sender.Name, e.Sender.Email = ana, "User", m.Sender.Name, "ana@example.com"
		return e
	}
	all := []exportLine{line(first, first.Content, false), line(secret, "", true), line(last, last.Content, false)}
	for _, tc := range []struct {
		args []string
		want []exportLine
	}{
		{nil, all},
		{[]string{"--room", room}, []exportLine{all[0], all[2]}},
		{[]string{"--conversation", conv}, all[1:2]},
		{[]string{"--since", secret.Created.Format(time.RFC3339)}, all[1:]},
	} {
		out := p.mustOperator(append([]string{"messages", "export", account}, tc.args...)...)
		if strings.ContainsAny(out, "\x1b\u202e") {
			t.Errorf("export %v printed control characters to the terminal: %q", tc.args, out)
		}
		if diff := cmp.Diff(exportLines(t, out), tc.want); diff != "" {
			t.Errorf("export %v mismatch (-got +want):\n%s", tc.args, diff)
		}
	}
}

// TestMessagesExportPages posts more long messages than one page of the
// operator API holds and checks that the command prints them all, once,
// in order; then that its refusals say what is wrong.
func TestMessagesExportPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)
	p, svc, account, room, _, ana := messagesServer(t, &now)
	ctx := ctxT(t)
	var ids []string
	for i := range 60 { // about 26 of these fill a page
		now = now.Add(time.Second)
		text := strings.Repeat(string(rune('a'+i%26)), belfry.MaxMessageLength)
		m, err := svc.PostRoomMessage(ctx, account, room, ana, text)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	var got []string
	for _, l := range exportLines(t, p.mustOperator("messages", "export", account)) {
		got = append(got, l.MessageId)
	}
	if diff := cmp.Diff(got, ids); diff != "" {
		t.Errorf("export of 60 long messages mismatch (-got +want):\n%s", diff)
	}
	unknown := "6f1c1f0e-0000-4000-8000-000000000000"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"messages", "export"}, "usage: belfry messages export"},
		{[]string{"messages", "export", account, "--room", room, "--conversation", unknown}, "cannot be given together"},
		{[]string{"messages", "export", account, "--since", "yesterday"}, "not an RFC 3339 time"},
		{[]string{"messages", "export", unknown}, "NotFound"},
		{[]string{"messages", "export", account, "--room", unknown}, "NotFound"},
		{[]string{"messages", "export", account, "--conversation", unknown}, "NotFound"},
	} {
		r := p.operator(tc.args...)
		if r.Err == nil || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("belfry %s = %v; want a failure saying %q", strings.Join(tc.args, " "), r, tc.want)
		}
	}
}
