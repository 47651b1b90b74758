package webhook_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

func TestPostAsTheWebhook(t *testing.T) {
	h := newHarness(t, 100)
	w, u := h.hook("CI")
	got := h.post(http.MethodPost, u, "application/json", `{"Content":"build 42 passed :tada:"}`)
	wantStatus(t, "POST {Content}", got, http.StatusOK)
	ms := h.history()
	if len(ms) != 1 {
		t.Fatalf("the room holds %d messages after one post; want 1", len(ms))
	}
	want := belfry.Sender{ID: w.ID, Type: belfry.MemberWebhook, Name: "CI (Webhook)"}
	if diff := cmp.Diff(ms[0].Sender, want); diff != "" {
		t.Errorf("the post's sender mismatch (-got +want):\n%s", diff)
	}
	if ms[0].Content != "build 42 passed :tada:" || ms[0].ID != got.MessageID {
		t.Errorf("stored %q as %s; want the content as sent, as message %s", ms[0].Content, ms[0].ID, got.MessageID)
	}
}

// TestBodies sends the shapes of body that clients send, and those they
// must not, each to a fresh webhook.
func TestBodies(t *testing.T) {
	h := newHarness(t, 100)
	_, u := h.hook("Bodies")
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		stored                  string
		words                   []string
	}{
		{"Content", "application/json", `{"Content": "one"}`, 200, "one", nil},
		{"lowercase content", "application/json", `{"content": "two"}`, 200, "two", nil},
		{"Slack's text", "application/json", `{"text": "three"}`, 200, "three", nil},
		{"form content type", "application/x-www-form-urlencoded", `{"Content": "four"}`, 200, "four", nil},
		{"no content type", "", `{"Content": "five"}`, 200, "five", nil},
		{"text/plain", "text/plain", `{"Content": "six"}`, 200, "six", nil},
		{"escaped", "application/json", `{"Content": "caf\u00e9 \ud83d\ude00"}`, 200, "café 😀", nil},
		{"Content before text", "application/json", `{"text": "no", "Content": "seven"}`, 200, "seven", nil},
		{"4096 characters", "application/json", jsonBody("Content", strings.Repeat("é", 4096)), 200, strings.Repeat("é", 4096), nil},
		{"4097 characters", "application/json", jsonBody("Content", strings.Repeat("é", 4097)), 413, "", []string{"4097", "4096"}},
		{"over 64 KiB", "application/json", jsonBody("Content", strings.Repeat("x", 70<<10)), 413, "", []string{"64 KiB"}},
		{"malformed", "application/json", `{"Content": "x"`, 400, "", []string{"JSON object"}},
		{"not JSON", "application/x-www-form-urlencoded", `Content=hello`, 400, "", []string{"JSON object"}},
		{"empty body", "application/json", ``, 400, "", []string{"JSON object"}},
		{"array", "application/json", `["Content", "x"]`, 400, "", []string{"JSON object"}},
		{"string", "application/json", `"hello"`, 400, "", []string{"JSON object"}},
		{"null", "application/json", `null`, 400, "", []string{"JSON object"}},
		{"no Content", "application/json", `{"Message": "hello"}`, 400, "", []string{"Content"}},
		{"Content a number", "application/json", `{"Content": 42}`, 400, "", []string{"JSON string"}},
		{"Content null", "application/json", `{"Content": null}`, 400, "", []string{"JSON string"}},
		{"Content an object", "application/json", `{"Content": {"text": "x"}}`, 400, "", []string{"JSON string"}},
		{"blank", "application/json", `{"Content": " \n\t "}`, 400, "", []string{"blank"}},
		{"NUL", "application/json", `{"Content": "a\u0000b"}`, 400, "", []string{"NUL"}},
	} {
		before := len(h.history())
		got := h.post(http.MethodPost, u, tc.contentType, tc.body)
		wantStatus(t, tc.name, got, tc.status, tc.words...)
		ms := h.history()
		switch {
		case tc.status == http.StatusOK && (len(ms) != before+1 || ms[len(ms)-1].Content != tc.stored):
			t.Errorf("%s: the room's last message is not %.40q", tc.name, tc.stored)
		case tc.status != http.StatusOK && len(ms) != before:
			t.Errorf("%s: refused with %d but stored a message", tc.name, got.Status)
		}
	}
}

// TestMarkupStoredVerbatim checks that content is kept exactly as sent,
// markup and all: it is rendered safely where it is shown, not altered
// where it is stored, so the history and the export give it back whole.
func TestMarkupStoredVerbatim(t *testing.T) {
	h := newHarness(t, 100)
	_, u := h.hook(`<img src=x onerror=alert(1)>`)
	content := "<script>alert('x')</script> **bold** [link](javascript:alert(1)) &amp; &lt; \u202e" +
		"\"quoted\" `code` {{.Secret}} ${HOME} @ana"
	wantStatus(t, "POST markup", h.post(http.MethodPost, u, "application/json", jsonBody("Content", content)), http.StatusOK)
	ms, err := h.svc.ExportMessages(t.Context(), belfry.MessageFilter{AccountID: h.acct.ID}, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatalf("ExportMessages() = %v", err)
	}
	if len(ms) != 1 || ms[0].Content != content || ms[0].Sender.Name != `<img src=x onerror=alert(1)> (Webhook)` {
		t.Errorf("export = %+v; want the one post with its content and its webhook's name exactly as given", ms)
	}
}

func TestTokensAndIDs(t *testing.T) {
	h := newHarness(t, 100)
	w, u := h.hook("CI")
	other, otherURL := h.hook("Other")
	tokenOf := func(raw string) string {
		p, _ := url.Parse(raw)
		return p.Query().Get("token")
	}
	base := h.srv.URL + "/incomingwebhooks/"
	forged := strings.Repeat("0", 64)
	for _, tc := range []struct {
		name, url string
		status    int
	}{
		{"no token", base + w.ID, 403},
		{"empty token", base + w.ID + "?token=", 403},
		{"forged token", base + w.ID + "?token=" + forged, 403},
		{"another webhook's token", base + w.ID + "?token=" + tokenOf(otherURL), 403},
		{"token with a changed letter", base + w.ID + "?token=" + flip(tokenOf(u)), 403},
		{"token of other characters", base + w.ID + "?token=" + url.QueryEscape(tokenOf(u)+"'; --"), 403},
		{"unknown id", base + "0190c3a2-7b1e-7c3d-9f00-123456789abc?token=" + tokenOf(u), 404},
		{"id of other characters", base + url.PathEscape(w.ID+"'") + "?token=" + tokenOf(u), 404},
		{"traversal", base + "..%2F..%2Faccounts?token=" + tokenOf(u), 404},
		{"nested path", base + w.ID + "/extra?token=" + tokenOf(u), 404},
		{"no id", base + "?token=" + tokenOf(u), 404},
	} {
		wantStatus(t, tc.name, h.post(http.MethodPost, tc.url, "application/json", `{"Content":"x"}`), tc.status)
	}
	if n := len(h.history()); n != 0 {
		t.Errorf("refused posts stored %d messages; want none", n)
	}
	w2, u2, err := h.svc.RegenerateWebhook(t.Context(), h.acct.ID, w.ID)
	if err != nil {
		t.Fatalf("RegenerateWebhook() = %v", err)
	}
	wantStatus(t, "the URL before regenerating", h.post(http.MethodPost, u, "", `{"Content":"x"}`), 404, "regenerated")
	wantStatus(t, "the old ID with the new token", h.post(http.MethodPost, base+w.ID+"?token="+tokenOf(u2), "", `{"Content":"x"}`), 404)
	wantStatus(t, "the new URL", h.post(http.MethodPost, u2, "", `{"Content":"after"}`), 200)
	if w2.ID == w.ID || tokenOf(u2) == tokenOf(u) {
		t.Errorf("RegenerateWebhook() kept the ID or the token; want both new")
	}
	if err := h.svc.DeleteWebhook(t.Context(), h.acct.ID, other.ID); err != nil {
		t.Fatalf("DeleteWebhook() = %v", err)
	}
	wantStatus(t, "a deleted webhook", h.post(http.MethodPost, otherURL, "", `{"Content":"x"}`), 404, "deleted")
}

// flip changes the token's first character to another of its alphabet.
func flip(token string) string {
	if token[0] == 'a' {
		return "b" + token[1:]
	}
	return "a" + token[1:]
}

func TestMethods(t *testing.T) {
	h := newHarness(t, 100)
	_, u := h.hook("CI")
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions, http.MethodHead} {
		got := h.post(m, u, "application/json", `{"Content":"x"}`)
		if got.Status != http.StatusMethodNotAllowed || got.Allow != "POST" {
			t.Errorf("%s = %d, Allow %q; want 405, Allow POST", m, got.Status, got.Allow)
		}
	}
	if n := len(h.history()); n != 0 {
		t.Errorf("other methods stored %d messages; want none", n)
	}
}

// TestRateLimit posts with the clock stopped: the burst of five goes
// through, the sixth is told to wait a second, and a second later one more
// goes through. Another webhook has its own allowance.
func TestRateLimit(t *testing.T) {
	h := newHarness(t, 0)
	_, u := h.hook("Chatty")
	_, quiet := h.hook("Quiet")
	for range 5 {
		wantStatus(t, "post in the burst", h.post(http.MethodPost, u, "", jsonBody("Content", "burst")), 200)
	}
	got := h.post(http.MethodPost, u, "", `{"Content":"too soon"}`)
	wantStatus(t, "sixth post at once", got, http.StatusTooManyRequests, "Retry-After")
	if got.RetryAfter != "1" {
		t.Errorf("sixth post's Retry-After = %q; want 1", got.RetryAfter)
	}
	wantStatus(t, "another webhook meanwhile", h.post(http.MethodPost, quiet, "", `{"Content":"hi"}`), 200)
	h.advance(time.Second)
	wantStatus(t, "a second later", h.post(http.MethodPost, u, "", `{"Content":"later"}`), 200)
	wantStatus(t, "again at once", h.post(http.MethodPost, u, "", `{"Content":"x"}`), http.StatusTooManyRequests)
	if n := len(h.history()); n != 7 {
		t.Errorf("the room holds %d messages; want the 7 accepted posts", n)
	}
}

// TestBroadcastInLargeRoom checks that @All and @Present are refused, with
// 400, once the room has more than 50 members, and other posts are not.
func TestBroadcastInLargeRoom(t *testing.T) {
	h := newHarness(t, 100)
	_, u := h.hook("Alerts")
	wantStatus(t, "@All in a room of 1", h.post(http.MethodPost, u, "", `{"Content":"@All lunch"}`), 200)
	ctx := t.Context()
	for i := range belfry.MaxBroadcastMembers {
		user := &belfry.User{ID: fmt.Sprint("user-", i), AccountID: h.acct.ID, Email: fmt.Sprintf("u%d@example.com", i),
			DisplayName: "U", License: belfry.Pro, Type: belfry.PrivateUser, Registration: belfry.Registered,
			PersonalPIN: fmt.Sprintf("%010d", i+1)}
		if err := h.svc.Store.CreateUser(ctx, user); err != nil {
			t.Fatalf("CreateUser() = %v", err)
		}
		if err := h.svc.Store.CreateMembership(ctx, h.acct.ID, &belfry.Membership{RoomID: h.room.ID,
			Member: belfry.Member{ID: user.ID}, Role: belfry.RoleMember, Updated: h.clock()}); err != nil {
			t.Fatalf("CreateMembership() = %v", err)
		}
	}
	for _, content := range []string{"@All lunch", "@present standup", "deploy done, @ALL."} {
		wantStatus(t, content+" in a room of 51", h.post(http.MethodPost, u, "", jsonBody("Content", content)),
			http.StatusBadRequest, "50", "alias")
	}
	wantStatus(t, "a plain post in a room of 51", h.post(http.MethodPost, u, "", `{"Content":"ping @u1"}`), 200)
}

// TestRenameKeepsTheURL checks that a renamed webhook posts under its new
// name through the same URL, and that its earlier posts keep the old one.
func TestRenameKeepsTheURL(t *testing.T) {
	h := newHarness(t, 100)
	w, u := h.hook("CI")
	wantStatus(t, "before the rename", h.post(http.MethodPost, u, "", `{"Content":"one"}`), 200)
	if _, err := h.svc.RenameWebhook(t.Context(), h.acct.ID, w.ID, "Builds"); err != nil {
		t.Fatalf("RenameWebhook() = %v", err)
	}
	if _, err := h.svc.RenameWebhook(t.Context(), h.acct.ID, w.ID, "\t"); belfry.ErrorKind(err) != belfry.BadRequest {
		t.Errorf("RenameWebhook(blank) = %v; want a BadRequest", err)
	}
	wantStatus(t, "after the rename", h.post(http.MethodPost, u, "", `{"Content":"two"}`), 200)
	var got []string
	for _, m := range h.history() {
		got = append(got, m.Sender.Name)
	}
	if diff := cmp.Diff(got, []string{"CI (Webhook)", "Builds (Webhook)"}); diff != "" {
		t.Errorf("senders (-got +want):\n%s", diff)
	}
}
