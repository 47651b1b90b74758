package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// TestRoomAdministrators manages a room's members from its page: only an
// Administrator sees them and may add or remove one, each form carries
// the page's token, and a removed member's live stream ends.
func TestRoomAdministrators(t *testing.T) {
	e := newEnv(t)
	_, ac := e.member("ana@example.com", "Ana")
	bo, bc := e.member("bo@example.com", "Bo <i>B</i>")
	cy, cc := e.member("cy@example.com", "Cy")
	e.enterprise()
	ana := e.user(e.userID("ana@example.com"))
	r := e.room("Ops", ana, bo)
	page := e.srv.URL + "/rooms/" + r.ID
	members := page + "/members"
	_, adminView, _ := fetch(t, ac, "GET", page, nil)
	_, memberView, _ := fetch(t, bc, "GET", page, nil)
	if !strings.Contains(adminView, `id="members"`) || !strings.Contains(adminView, "Bo &lt;i&gt;B&lt;/i&gt;") || strings.Contains(memberView, `id="members"`) {
		t.Fatalf("the members section: shown to the administrator %v (name as text), to a member %v; want only the administrator",
			strings.Contains(adminView, `id="members"`), strings.Contains(memberView, `id="members"`))
	}
	token := tokenOf(t, adminView, "/rooms/"+r.ID+"/members")
	if status, _ := post(t, bc, members, url.Values{"email": {"cy@example.com"}, "csrf": {formOf(t, bc, page)}}, nil); status != http.StatusForbidden {
		t.Errorf("a mere member adding someone = %d; want 403", status)
	}
	if status, _ := post(t, ac, members, url.Values{"email": {"cy@example.com"}}, nil); status != http.StatusForbidden {
		t.Errorf("adding without the page's token = %d; want 403", status)
	}
	if status, _, _ := fetch(t, cc, "GET", page, nil); status != http.StatusNotFound {
		t.Fatalf("Cy's GET before being added = %d; want 404", status)
	}
	if status, _, _ := fetch(t, ac, "POST", members, url.Values{"email": {"cy@example.com"}, "csrf": {token}}); status != http.StatusSeeOther {
		t.Errorf("the administrator adding Cy = %d; want 303", status)
	}
	if status, _, _ := fetch(t, cc, "GET", page, nil); status != http.StatusOK {
		t.Errorf("Cy's GET after being added = %d; want 200", status)
	}
	ev, _ := openStream(t, bc, page+"/events", "")
	if status, _, _ := fetch(t, ac, "POST", members+"/"+bo.ID+"/remove", url.Values{"csrf": {token}}); status != http.StatusSeeOther {
		t.Errorf("the administrator removing Bo = %d; want 303", status)
	}
	if !ev.ends() {
		t.Errorf("Bo's stream is still open 10 s after his removal")
	}
	if status, _, _ := fetch(t, bc, "GET", page, nil); status != http.StatusNotFound {
		t.Errorf("Bo's GET after removal = %d; want 404", status)
	}
	_ = cy
}

// TestAddBotToRoom has a room's administrator add a bot by its address
// from the room's page, as Chime's client allowed: the bot becomes a member
// and, being one, is sent its Invite event. A disabled bot's address is
// found too (the service decides what a disabled bot may do), and an
// address that no user or bot has is refused on the page.
func TestAddBotToRoom(t *testing.T) {
	e := newEnv(t)
	ana, ac := e.member("ana@example.com", "Ana")
	e.enterprise()
	bot, err := e.svc.CreateBot(e.ctx(), e.team.ID, "Helper", "example.com")
	if err == nil {
		_, err = e.svc.PutEventsConfiguration(e.ctx(), e.team.ID, bot.ID, botEndpointFor(t, e.svc), "")
	}
	if err != nil {
		t.Fatal(err)
	}
	r := e.room("Ops", ana)
	page := e.srv.URL + "/rooms/" + r.ID
	_, view, _ := fetch(t, ac, "GET", page, nil)
	token := tokenOf(t, view, "/rooms/"+r.ID+"/members")
	if status, body, _ := fetch(t, ac, "POST", page+"/members", url.Values{"email": {strings.ToUpper(bot.Email)}, "csrf": {token}}); status != http.StatusSeeOther {
		t.Fatalf("adding the bot by its address = %d; want 303; the page says %q", status, problemOf(body))
	}
	ms, err := e.svc.ListRoomMemberships(e.ctx(), e.team.ID, r.ID, belfry.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var added *belfry.Membership
	for _, m := range ms {
		if m.Member.ID == bot.ID {
			added = m
		}
	}
	if added == nil || added.Member.Type != belfry.MemberBot || added.Role != belfry.RoleMember {
		t.Fatalf("memberships after adding the bot: %+v; want the bot as a Member of type Bot", ms)
	}
	_, view, _ = fetch(t, ac, "GET", page, nil)
	if !strings.Contains(view, "Helper") {
		t.Errorf("the room's page does not list the bot among its members")
	}
	status, body, _ := fetch(t, ac, "POST", page+"/members", url.Values{"email": {"nobody@example.com"}, "csrf": {token}})
	if status != http.StatusBadRequest || !strings.Contains(body, "No member or bot") {
		t.Errorf("adding an address nobody has = %d; want 400 saying no member or bot has it", status)
	}
}

// tokenOf returns the CSRF token of the form of page that posts to
// action.
func tokenOf(t *testing.T, page, action string) string {
	t.Helper()
	m := regexp.MustCompile(`action="` + regexp.QuoteMeta(action) + `">\s*<input type="hidden" name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form to %s on the page:\n%s", action, page)
	}
	return m[1]
}

// userID returns the ID of the test account's user with address.
func (e *env) userID(address string) string {
	e.t.Helper()
	users, err := e.svc.ListUsers(e.ctx(), e.team.ID, belfry.UserFilter{EmailKey: address}, belfry.Page{Limit: 1})
	if err != nil || len(users) != 1 {
		e.t.Fatalf("ListUsers(%s) = %v, %v", address, users, err)
	}
	return users[0].ID
}

// TestDeletedAccountEndsSession deletes the account of a signed-in member
// (suspending them first, as DeleteAccount requires): their pages answer
// signed out.
func TestDeletedAccountEndsSession(t *testing.T) {
	e := newEnv(t)
	ana, c := e.member("ana@example.com", "Ana")
	if _, err := e.svc.BatchSuspendUser(e.ctx(), e.team.ID, []string{ana.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteAccount(e.ctx(), e.team.ID); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := fetch(t, c, "GET", e.srv.URL+"/welcome", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /welcome after the account's deletion = %d; want 401", status)
	}
}

// problemOf is the problem a page shows, if any.
func problemOf(page string) string {
	m := regexp.MustCompile(`(?s)class="error"[^>]*>(.*?)</`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}
