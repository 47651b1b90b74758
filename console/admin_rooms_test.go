package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// enterprise makes an Enterprise account of key k that claims domain,
// with a registered user of each given address.
func (e *adminEnv) enterprise(k *belfry.AccessKey, name, domain string, emails ...string) *belfry.Account {
	e.t.Helper()
	a := e.account(k, name)
	if _, err := e.svc.ClaimDomain(as(k), a.ID, domain, belfry.EnterpriseLWA); err != nil {
		e.t.Fatal(err)
	}
	for _, m := range emails {
		if _, err := e.svc.CreateUser(as(k), a.ID, belfry.CreateUserInput{Email: m}); err != nil {
			e.t.Fatal(err)
		}
	}
	return a
}

var hookURL = regexp.MustCompile(`id="hook-url" value="([^"]+)"`)

func TestConsoleRooms(t *testing.T) {
	e := newAdminEnv(t)
	team := e.account(e.root, "Small Team")
	c := e.signIn(e.root)
	if page := e.page(c, "/console/accounts/"+team.ID+"/rooms"); !strings.Contains(page, "Team accounts have no rooms") {
		t.Errorf("a Team account's rooms page:\n%s\nwant it to say Team accounts have no rooms", page)
	}
	acct := e.enterprise(e.root, "Corp", "example.com", "ana@example.com")
	rooms := "/console/accounts/" + acct.ID + "/rooms"
	status, _, resp := e.submit(c, rooms, rooms, url.Values{"name": {"<i>Ops</i>"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create room = %d", status)
	}
	path := resp.Header.Get("Location")
	path = path[:strings.Index(path, "?")]
	if ev := e.lastAudit(); ev.Operation != "console:CreateRoom" || ev.AccessKeyID != e.root.ID {
		t.Errorf("audit event = %+v; want console:CreateRoom", ev)
	}
	if page := e.page(c, rooms); !strings.Contains(page, "&lt;i&gt;Ops&lt;/i&gt;") || strings.Contains(page, "<i>Ops") {
		t.Errorf("rooms page:\n%s\nwant the room's name, escaped", page)
	}
	if status, page, _ := e.submit(c, rooms, rooms, url.Values{"name": {"  "}}); status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) {
		t.Errorf("a blank room name = %d:\n%s\nwant 400 with the reason", status, page)
	}
	// Members.
	if status, page, _ := e.submit(c, path, path+"/members", url.Values{"email": {"ana@example.com"}, "role": {"Administrator"}}); status != http.StatusSeeOther {
		t.Fatalf("add member = %d:\n%s", status, page)
	}
	page := e.page(c, path)
	if !strings.Contains(page, "ana@example.com") || !strings.Contains(page, "Administrator") {
		t.Errorf("room page:\n%s\nwant Ana as Administrator", page)
	}
	users, _ := e.svc.ListUsers(as(e.root), acct.ID, belfry.UserFilter{}, belfry.Page{Limit: 1})
	ana := users[0].ID
	for _, tc := range []struct {
		action string
		form   url.Values
		want   string
	}{
		{"/members", url.Values{"email": {"nobody@example.com"}, "role": {"Member"}}, "no user with the address"},
		{"/members", url.Values{"email": {"<script>"}, "role": {"Member"}}, "&lt;script&gt;"},
		{"/members/" + ana + "/role", url.Values{"role": {"Owner"}}, "Owner"},
		{"/rename", url.Values{"name": {""}}, ""},
	} {
		status, page, _ := e.submit(c, path, path+tc.action, tc.form)
		if status != http.StatusBadRequest || !strings.Contains(page, tc.want) || strings.Contains(page, "<script>") {
			t.Errorf("POST %s %v = %d:\n%s\nwant 400 saying %q", tc.action, tc.form, status, page, tc.want)
		}
	}
	if status, _, _ := e.submit(c, path, path+"/members/"+ana+"/role", url.Values{"role": {"Member"}}); status != http.StatusSeeOther {
		t.Errorf("role change = %d", status)
	}
	room := path[strings.LastIndex(path, "/")+1:]
	if m, err := e.svc.RoomMembership(as(e.root), acct.ID, room, ana); err != nil || m.Role != belfry.RoleMember {
		t.Errorf("after the role change membership = %+v, %v; want Member", m, err)
	}
	// Webhooks: the URL shows once, on the page that answers the form.
	status, page, _ = e.submit(c, path, path+"/webhooks", url.Values{"name": {"CI"}})
	m := hookURL.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("create webhook = %d:\n%s\nwant the page with the URL", status, page)
	}
	if strings.Contains(e.page(c, path), m[1]) {
		t.Errorf("the webhook's URL shows again on the room page")
	}
	hooks, _ := e.svc.ListWebhooks(as(e.root), acct.ID, room)
	if len(hooks) != 1 || !strings.Contains(m[1], hooks[0].ID) {
		t.Fatalf("webhooks = %v; want one whose ID is in the URL shown %s", hooks, m[1])
	}
	hook := path + "/webhooks/" + hooks[0].ID
	_, page, _ = e.submit(c, path, hook+"/regenerate", nil)
	if n := hookURL.FindStringSubmatch(page); n == nil || n[1] == m[1] {
		t.Errorf("regenerate showed %v; want a new URL", n)
	}
	hooks, _ = e.svc.ListWebhooks(as(e.root), acct.ID, room)
	hook = path + "/webhooks/" + hooks[0].ID
	if status, _, _ := e.submit(c, path, hook+"/rename", url.Values{"name": {"Deploys"}}); status != http.StatusSeeOther {
		t.Errorf("rename webhook = %d", status)
	}
	other := e.enterprise(e.root, "Other", "example.org")
	otherRoom, _ := e.svc.CreateRoom(as(e.root), other.ID, "Elsewhere", "")
	wrong := "/console/accounts/" + acct.ID + "/rooms/" + otherRoom.ID
	if status, _, _ := e.submit(c, path, wrong+"/rename", url.Values{"name": {"x"}}); status != http.StatusNotFound {
		t.Errorf("a room of another account under this one's path = %d; want 404", status)
	}
	if status, _, _ := e.submit(c, path, path+"/webhooks/nosuch/delete", nil); status != http.StatusNotFound {
		t.Errorf("deleting a webhook not of the room = %d; want 404", status)
	}
	if status, _, _ := e.submit(c, path, hook+"/delete", nil); status != http.StatusSeeOther {
		t.Errorf("delete webhook = %d", status)
	}
	if status, _, _ := e.submit(c, path, path+"/members/"+ana+"/remove", nil); status != http.StatusSeeOther {
		t.Errorf("remove member = %d", status)
	}
	tenant := e.signIn(e.other)
	if status, page, _ := fetch(t, tenant, "GET", e.srv.URL+path, nil); status != http.StatusNotFound || strings.Contains(page, "Ops") {
		t.Errorf("another AWS account's key GET the room = %d:\n%s\nwant 404", status, page)
	}
	if status, _, _ := e.submit(c, path, path+"/delete", nil); status != http.StatusSeeOther {
		t.Errorf("delete room = %d", status)
	}
	if _, err := e.svc.GetRoom(as(e.root), acct.ID, room); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("after deleting, GetRoom = %v; want NotFound", err)
	}
}
