package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

func TestConsoleUsers(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.account(e.root, "Ops Team")
	path := "/console/accounts/" + acct.ID
	c := e.signIn(e.root)
	status, page, _ := e.submit(c, path, path+"/invite", url.Values{"emails": {"ana@example.com, bo@example.com\n"}})
	if status != http.StatusSeeOther {
		t.Fatalf("invite = %d:\n%s", status, page)
	}
	if ev := e.lastAudit(); ev.Operation != "console:InviteUsers" || ev.AccessKeyID != e.root.ID {
		t.Errorf("audit event = %+v; want console:InviteUsers by the root key", ev)
	}
	page = e.page(c, path)
	users, _ := e.svc.ListUsers(as(e.root), acct.ID, belfry.UserFilter{}, belfry.Page{Limit: 10})
	if len(users) != 2 {
		t.Fatalf("users = %v; want the two invited", users)
	}
	ana := users[0]
	e.links.mu.Lock()
	anaLink := e.links.list[0]
	e.links.mu.Unlock()
	if !strings.Contains(page, "ana@example.com") || !strings.Contains(page, "bo@example.com") || !strings.Contains(page, anaLink) {
		t.Errorf("account page:\n%s\nwant both invitees and Ana's undelivered accept link %s", page, anaLink)
	}
	// Resending sends a new e-mail with a new link.
	if status, page, _ := e.submit(c, path, path+"/users/"+ana.ID+"/resend", nil); status != http.StatusSeeOther {
		t.Fatalf("resend = %d:\n%s", status, page)
	}
	e.links.mu.Lock()
	newLink := e.links.list[len(e.links.list)-1]
	e.links.mu.Unlock()
	if newLink == anaLink || !strings.Contains(e.page(c, path), newLink) {
		t.Errorf("after resending, the page does not show a new link")
	}
	// Revoking closes the invitation.
	if status, page, _ := e.submit(c, path, path+"/users/"+ana.ID+"/revoke", nil); status != http.StatusSeeOther {
		t.Fatalf("revoke = %d:\n%s", status, page)
	}
	for _, link := range []string{anaLink, newLink} {
		if status, _, _ := fetch(t, browserless(t), "GET", link, nil); status == http.StatusOK {
			t.Errorf("a link still opens after revoking the invitation")
		}
	}
	if status, page, _ := e.submit(c, path, path+"/users/"+ana.ID+"/revoke", nil); status != http.StatusBadRequest || !strings.Contains(page, "no pending invitation") {
		t.Errorf("revoking twice = %d:\n%s\nwant 400 saying there is none", status, page)
	}
	bo := users[1]
	if status, page, _ := e.submit(c, path, path+"/users/"+bo.ID+"/licence", url.Values{"licence": {"Basic"}}); status != http.StatusSeeOther {
		t.Errorf("licence = %d:\n%s", status, page)
	}
	if u, _ := e.svc.GetUser(as(e.root), acct.ID, bo.ID); u.License != belfry.Basic {
		t.Errorf("after the licence change License = %s; want Basic", u.License)
	}
	for _, tc := range []struct {
		action string
		form   url.Values
		want   string
	}{
		{"/users/" + bo.ID + "/licence", url.Values{"licence": {"Plus"}}, "Plus"},
		{"/users/" + bo.ID + "/licence", url.Values{"licence": {"<b>x</b>"}}, "&lt;b&gt;x&lt;/b&gt;"},
		{"/invite", url.Values{"emails": {"not-an-address"}}, "not-an-address"},
		{"/invite", url.Values{"emails": {"  "}}, "at least one"},
		{"/invite", url.Values{"emails": {strings.Repeat("a@example.com ", 51)}}, "at most 50"},
		{"/users/" + bo.ID + "/unsuspend", nil, "not suspended"},
	} {
		status, page, _ := e.submit(c, path, path+tc.action, tc.form)
		if status != http.StatusBadRequest || !strings.Contains(page, tc.want) || strings.Contains(page, "<b>x") {
			t.Errorf("POST %s %v = %d:\n%s\nwant 400 saying %q, escaped", tc.action, tc.form, status, page, tc.want)
		}
	}
	if u, _ := e.svc.GetUser(as(e.root), acct.ID, bo.ID); u.License != belfry.Basic {
		t.Errorf("after refused changes License = %s; want Basic still", u.License)
	}
	if status, _, _ := e.submit(c, path, path+"/users/"+bo.ID+"/suspend", nil); status != http.StatusSeeOther {
		t.Errorf("suspend = %d", status)
	}
	if u, _ := e.svc.GetUser(as(e.root), acct.ID, bo.ID); u.Registration != belfry.Suspended {
		t.Errorf("after suspending Registration = %s", u.Registration)
	}
	// A Team account lifts a suspension by inviting again; the page says so.
	status, page, _ = e.submit(c, path, path+"/users/"+bo.ID+"/unsuspend", nil)
	if status != http.StatusBadRequest || !strings.Contains(page, "inviting the user again") {
		t.Errorf("unsuspending in a Team account = %d:\n%s\nwant 400 with Chime's reason", status, page)
	}
	for _, p := range []string{path + "/users/nosuch/suspend", path + "/users/" + bo.ID + "/explode"} {
		if status, _, _ := e.submit(c, path, p, nil); status != http.StatusNotFound {
			t.Errorf("POST %s = %d; want 404", p, status)
		}
	}
}

// TestConsoleForms checks that no change is made by a form that did not
// come from a console page of the same session.
func TestConsoleForms(t *testing.T) {
	e := newAdminEnv(t)
	acct := e.account(e.root, "Ops Team")
	path := "/console/accounts/" + acct.ID
	c := e.signIn(e.root)
	tenant := e.signIn(e.other)
	theirs := e.formToken(tenant, "/console/")
	for name, form := range map[string]url.Values{
		"no token":      {"name": {"Forged"}},
		"bad token":     {"name": {"Forged"}, "csrf": {"AAAA"}},
		"another's key": {"name": {"Forged"}, "csrf": {theirs}},
	} {
		status, page, _ := fetch(t, c, "POST", e.srv.URL+path+"/rename", form)
		if status != http.StatusForbidden || !strings.Contains(page, "nothing was changed") {
			t.Errorf("%s: POST = %d:\n%s\nwant 403", name, status, page)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+path+"/rename", strings.NewReader(url.Values{"name": {"Forged"}, "csrf": {e.formToken(c, path)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST = %v, %v; want 403", resp, err)
	}
	status, _, _ := fetch(t, c, "POST", e.srv.URL+path+"/rename", url.Values{"name": {strings.Repeat("x", 70<<10)}})
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized form = %d; want 413", status)
	}
	if got, _ := e.svc.GetAccount(as(e.root), acct.ID); got.Name != "Ops Team" {
		t.Errorf("after forged forms Name = %q; want it unchanged", got.Name)
	}
	// A signed-out browser's POST changes nothing and asks to sign in.
	status, page, _ := fetch(t, browserless(t), "POST", e.srv.URL+path+"/rename", url.Values{"name": {"Forged"}})
	if status != http.StatusUnauthorized || !strings.Contains(page, "secret_access_key") {
		t.Errorf("a signed-out POST = %d:\n%s\nwant 401 and the sign-in form", status, page)
	}
}
