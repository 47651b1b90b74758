package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestExportMessagesRoute checks the operator route behind `belfry
// messages export`: the wire shape of a message, and the refusals of what
// it cannot answer. The CLI's paging is tested end to end in cmd/belfry.
func TestExportMessagesRoute(t *testing.T) {
	e := newEnv(t)
	account, room, msgs := messageRoom(e)
	r := e.operator("GET", "/_belfry/messages?account-id="+account+"&room-id="+room, "", http.StatusOK)
	var out struct {
		Messages []map[string]any
	}
	decodeJSON(t, r, &out)
	if len(out.Messages) != len(msgs) {
		t.Fatalf("the export holds %d messages; want %d", len(out.Messages), len(msgs))
	}
	got := out.Messages[0]
	for k, want := range map[string]any{"MessageId": msgs[0].ID, "RoomId": room, "Content": secretText, "Redacted": false} {
		if got[k] != want {
			t.Errorf("exported %s = %v; want %v", k, got[k], want)
		}
	}
	if _, ok := got["ConversationId"]; ok {
		t.Errorf("a room message was exported with a ConversationId: %v", got)
	}
	sender, _ := got["Sender"].(map[string]any)
	if sender["Id"] != msgs[0].Sender.ID || sender["Type"] != "User" || sender["Email"] != "ana@example.com" {
		t.Errorf("exported Sender = %v; want ana, a User", sender)
	}
	if ts, _ := got["CreatedTimestamp"].(string); !strings.HasSuffix(ts, "Z") || len(ts) != len("2006-01-02T15:04:05.000Z") {
		t.Errorf("exported CreatedTimestamp = %q; want an ISO 8601 time in UTC", ts)
	}

	for query, want := range map[string]int{
		"": http.StatusBadRequest,
		"account-id=" + account + "&room-id=" + room + "&conversation-id=x": http.StatusBadRequest,
		"account-id=" + account + "&since=yesterday":                        http.StatusBadRequest,
		"account-id=" + account + "&next-token=-4":                          http.StatusBadRequest,
		"account-id=6f1c1f0e-0000-4000-8000-000000000000":                   http.StatusNotFound,
		"account-id=" + account + "&room-id=" + url.QueryEscape("no such"):  http.StatusNotFound,
	} {
		e.operator("GET", "/_belfry/messages?"+query, "", want)
	}
	k, err := e.svc.CreateAccessKey(context.Background(), "444455556666", "not-root")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do(request{Method: "GET", Path: "/_belfry/messages?account-id=" + account, Key: k}); r.Status != http.StatusForbidden {
		t.Errorf("an export signed with another key answered %d %s; want 403", r.Status, r.Body)
	}
}

// TestRedactAnswersEmptyObject checks the raw answer of a redaction: the
// model's empty output, as {} with status 200.
func TestRedactAnswersEmptyObject(t *testing.T) {
	e := newEnv(t)
	account, room, msgs := messageRoom(e)
	r := e.do(request{Method: "POST", Path: "/accounts/" + account + "/rooms/" + room + "/messages/" + msgs[0].ID + "?operation=redact"})
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != "{}" {
		t.Errorf("RedactRoomMessage answered %d %q; want 200 {}", r.Status, r.Body)
	}
}
