package console_test

import (
	"html"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

var webhookURLField = regexp.MustCompile(`id="webhook-url" class="webhook-url" readonly value="([^"]+)"`)

// webhookURL returns the ID and token of the URL a page shows once, and
// fails when the page shows none.
func webhookURL(t *testing.T, page string) (id, token string) {
	t.Helper()
	m := webhookURLField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page shows no webhook URL:\n%s", page)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return path.Base(u.Path), u.Query().Get("token")
}

// webhookNames returns the names of room roomID's webhooks, oldest first.
func (e *env) webhookNames(roomID string) []string {
	e.t.Helper()
	hooks, err := e.svc.ListWebhooks(e.ctx(), e.team.ID, roomID)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, h := range hooks {
		names = append(names, h.ID+" "+h.Name)
	}
	return names
}

// TestRoomWebhooks has a room's administrator create a webhook, see its
// URL once and post through it, rename it, regenerate its URL and delete
// it, all from the room's page.
func TestRoomWebhooks(t *testing.T) {
	e := newEnv(t)
	_, ac := e.member("ana@example.com", "Ana")
	e.enterprise()
	r := e.room("Ops", e.user(e.userID("ana@example.com")))
	page, hooks := e.srv.URL+"/rooms/"+r.ID, e.srv.URL+"/rooms/"+r.ID+"/webhooks"
	_, view, _ := fetch(t, ac, "GET", page, nil)
	token := tokenOf(t, view, "/rooms/"+r.ID+"/webhooks")
	status, made, _ := fetch(t, ac, "POST", hooks, url.Values{"name": {"Deploy <b>bot</b>"}, "csrf": {token}})
	if status != http.StatusOK || !strings.Contains(made, "Deploy &lt;b&gt;bot&lt;/b&gt;") || strings.Contains(made, "<b>bot") {
		t.Fatalf("creating a webhook = %d; want 200 with its name as text:\n%s", status, made)
	}
	id, secret := webhookURL(t, made)
	if _, again, _ := fetch(t, ac, "GET", page, nil); strings.Contains(again, secret) || webhookURLField.MatchString(again) {
		t.Errorf("the room's page shows the webhook's URL again after it was shown once")
	}
	if _, err := e.svc.PostWebhookMessage(e.ctx(), id, secret, "build 42 is green"); err != nil {
		t.Fatalf("posting through the URL shown: %v", err)
	}
	if got := e.history(belfry.Thread{RoomID: r.ID}); len(got) != 1 || got[0] != "build 42 is green" {
		t.Errorf("the room's history after the webhook's post = %q", got)
	}
	if status, _, _ := fetch(t, ac, "POST", hooks+"/"+id+"/rename", url.Values{"name": {"CI"}, "csrf": {token}}); status != http.StatusSeeOther {
		t.Errorf("renaming = %d; want 303", status)
	}
	_, view, _ = fetch(t, ac, "GET", page, nil)
	// The webhook's earlier post keeps the name it was sent under; the
	// Webhooks section shows the new one.
	if _, section, _ := strings.Cut(view, `id="webhooks"`); !strings.Contains(section, "<span>CI</span>") || strings.Contains(section, "Deploy") {
		t.Errorf("the Webhooks section after renaming does not show the new name alone:\n%s", section)
	}
	status, fresh, _ := fetch(t, ac, "POST", hooks+"/"+id+"/regenerate", url.Values{"csrf": {token}})
	newID, newSecret := webhookURL(t, fresh)
	if _, err := e.svc.PostWebhookMessage(e.ctx(), id, secret, "old"); status != http.StatusOK || belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("regenerating = %d, then the old URL answers %v; want 200 and NotFound", status, err)
	}
	if _, err := e.svc.PostWebhookMessage(e.ctx(), newID, newSecret, "new"); err != nil {
		t.Errorf("posting through the regenerated URL: %v", err)
	}
	if status, _, _ := fetch(t, ac, "POST", hooks+"/"+newID+"/delete", url.Values{"csrf": {token}}); status != http.StatusSeeOther {
		t.Errorf("deleting = %d; want 303", status)
	}
	if names := e.webhookNames(r.ID); len(names) != 0 {
		t.Errorf("the room's webhooks after deleting = %q; want none", names)
	}
	if _, err := e.svc.PostWebhookMessage(e.ctx(), newID, newSecret, "gone"); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("posting through a deleted webhook = %v; want NotFound", err)
	}
}

// TestWebhookProblems shows a blank name and an eleventh webhook refused
// on the page, nothing made.
func TestWebhookProblems(t *testing.T) {
	e := newEnv(t)
	_, ac := e.member("ana@example.com", "Ana")
	e.enterprise()
	r := e.room("Ops", e.user(e.userID("ana@example.com")))
	page := e.srv.URL + "/rooms/" + r.ID
	_, view, _ := fetch(t, ac, "GET", page, nil)
	token := tokenOf(t, view, "/rooms/"+r.ID+"/webhooks")
	status, body, _ := fetch(t, ac, "POST", page+"/webhooks", url.Values{"name": {"  "}, "csrf": {token}})
	if status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) || len(e.webhookNames(r.ID)) != 0 {
		t.Errorf("a blank name = %d, %d webhooks; want 400 with the reason and none made:\n%s", status, len(e.webhookNames(r.ID)), body)
	}
	for i := range belfry.MaxWebhooksPerRoom {
		if _, _, err := e.svc.CreateWebhook(e.ctx(), e.team.ID, r.ID, "hook "+itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	status, body, _ = fetch(t, ac, "POST", page+"/webhooks", url.Values{"name": {"eleventh"}, "csrf": {token}})
	if status != http.StatusBadRequest || !strings.Contains(body, "delete one first") || len(e.webhookNames(r.ID)) != belfry.MaxWebhooksPerRoom {
		t.Errorf("an eleventh webhook = %d; want 400 with the reason and still %d:\n%s", status, belfry.MaxWebhooksPerRoom, body)
	}
}

// TestWebhooksRefused sends every webhook form as someone who may not: a
// mere member, a form without or with another form's token, and an
// administrator of two rooms naming the other room's webhook. Each is
// refused and nothing changes.
func TestWebhooksRefused(t *testing.T) {
	e := newEnv(t)
	ana, ac := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo")
	e.enterprise()
	ana, bo = e.user(ana.ID), e.user(bo.ID)
	r, other := e.room("Ops", ana, bo), e.room("Sales", ana)
	mine, _, err := e.svc.CreateWebhook(e.ctx(), e.team.ID, r.ID, "CI")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := e.svc.CreateWebhook(e.ctx(), e.team.ID, other.ID, "CRM")
	if err != nil {
		t.Fatal(err)
	}
	before := append(e.webhookNames(r.ID), e.webhookNames(other.ID)...)
	page := e.srv.URL + "/rooms/" + r.ID
	routes := func(id string) []string {
		return []string{page + "/webhooks", page + "/webhooks/" + id + "/rename", page + "/webhooks/" + id + "/regenerate",
			page + "/webhooks/" + id + "/delete"}
	}
	// Bo was an administrator when he opened the page, so his forms carry
	// a good token; he is a mere member when he sends them.
	if _, err := e.svc.UpdateRoomMembership(e.ctx(), e.team.ID, r.ID, bo.ID, belfry.RoleAdministrator); err != nil {
		t.Fatal(err)
	}
	_, boView, _ := fetch(t, bc, "GET", page, nil)
	boToken := tokenOf(t, boView, "/rooms/"+r.ID+"/webhooks")
	if _, err := e.svc.UpdateRoomMembership(e.ctx(), e.team.ID, r.ID, bo.ID, belfry.RoleMember); err != nil {
		t.Fatal(err)
	}
	if _, view, _ := fetch(t, bc, "GET", page, nil); strings.Contains(view, `id="webhooks"`) || strings.Contains(view, "<span>CI</span>") || strings.Contains(view, mine.ID) {
		t.Errorf("a mere member sees the Webhooks section:\n%s", view)
	}
	_, adminView, _ := fetch(t, ac, "GET", page, nil)
	token, membersToken := tokenOf(t, adminView, "/rooms/"+r.ID+"/webhooks"), tokenOf(t, adminView, "/rooms/"+r.ID+"/members")
	for _, link := range routes(mine.ID) {
		if status, _ := post(t, bc, link, url.Values{"name": {"x"}, "csrf": {boToken}}, nil); status != http.StatusForbidden {
			t.Errorf("a mere member's POST %s = %d; want 403", link, status)
		}
		for _, csrf := range []string{"", membersToken} {
			if status, _ := post(t, ac, link, url.Values{"name": {"x"}, "csrf": {csrf}}, nil); status != http.StatusForbidden {
				t.Errorf("POST %s with token %q = %d; want 403", link, csrf, status)
			}
		}
	}
	for _, link := range routes(theirs.ID)[1:] {
		if status, _ := post(t, ac, link, url.Values{"name": {"x"}, "csrf": {token}}, nil); status != http.StatusNotFound {
			t.Errorf("POST %s, a webhook of another room = %d; want 404", link, status)
		}
	}
	if after := append(e.webhookNames(r.ID), e.webhookNames(other.ID)...); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the webhooks after refused forms = %q; want %q unchanged", after, before)
	}
}
